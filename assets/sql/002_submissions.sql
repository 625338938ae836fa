-- Version 2: provisional submissions (SPEC §2.3), the interchange import (R-IO-1, R-IO-2) and
-- office closures (R-DL-2). Times are RFC 3339 UTC text; dates are ISO "YYYY-MM-DD" (Japan time).
--
-- Bulk import speed: a CHECK `x IN (three or more constants)` makes SQLite build a temporary
-- b-tree on every INSERT/UPDATE of the row, so the state checks below are written as OR chains
-- (same meaning). Indexes that only serve registered rows are partial, so the import (which
-- writes only unregistered rows) does not write them.

-- 事業所. One row per establishment, provisional until its submission is approved (R-REV-3).
-- The *_key / *_digits columns are search keys (R-ID-1): `domain::kana::search_key` (NFKC,
-- katakana, no spaces) and digits only.
CREATE TABLE establishments (
    id                   INTEGER PRIMARY KEY,
    establishment_number TEXT,                        -- 4-6-1, assigned on approval (R-REV-3)
    corporate_number     TEXT,                        -- 13 digits
    name                 TEXT NOT NULL,
    name_kana            TEXT NOT NULL,
    name_key             TEXT NOT NULL,
    kana_key             TEXT NOT NULL,
    representative_title TEXT NOT NULL,
    representative_name  TEXT NOT NULL,
    postal_code          TEXT NOT NULL,
    postal_digits        TEXT NOT NULL,
    address              TEXT NOT NULL,
    phone                TEXT NOT NULL,
    phone_digits         TEXT NOT NULL,
    dispatch_licence     INTEGER NOT NULL DEFAULT 0,
    employment_insurance INTEGER NOT NULL DEFAULT 0,
    account_id           INTEGER REFERENCES accounts (id),
    state                TEXT NOT NULL CHECK (state = 'provisional' OR state = 'registered' OR state = 'purged'),
    opened_at            TEXT,                        -- My Page opened (R-REV-3)
    opened_at_counter    INTEGER NOT NULL DEFAULT 0,  -- R-VISIT-1 exception
    registered_at        TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX establishments_number ON establishments (establishment_number)
    WHERE establishment_number IS NOT NULL;
CREATE INDEX establishments_corporate ON establishments (corporate_number) WHERE corporate_number IS NOT NULL;
CREATE INDEX establishments_account ON establishments (account_id);
CREATE INDEX establishments_kana ON establishments (kana_key);
CREATE INDEX establishments_phone ON establishments (phone_digits);
CREATE INDEX establishments_postal ON establishments (postal_digits);
CREATE INDEX establishments_registered ON establishments (state, registered_at)
    WHERE registered_at IS NOT NULL;

-- 仮登録. `external_id` is the Internet Service's submission id (`submission_id` in events).
CREATE TABLE submissions (
    id               INTEGER PRIMARY KEY,
    external_id      TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL CHECK (kind IN ('establishment', 'job')),
    account_id       INTEGER NOT NULL REFERENCES accounts (id),
    establishment_id INTEGER REFERENCES establishments (id),
    state            TEXT NOT NULL CHECK (state = 'received' OR state = 'checked' OR state = 'registered'
                                      OR state = 'returned' OR state = 'rejected' OR state = 'expired'
                                      OR state = 'purged' OR state = 'withdrawn'),
    display_name     TEXT NOT NULL,                   -- job title or establishment name, for queues
    deadline         TEXT,                            -- the account's provisional deadline (R-DL-1)
    received_at      TEXT NOT NULL,                   -- first version's occurred_at
    current_version  INTEGER NOT NULL,
    has_warnings     INTEGER NOT NULL DEFAULT 0,
    disabled_only    INTEGER NOT NULL DEFAULT 0,      -- R-VISIT-1 history flags (jobs)
    trial            INTEGER NOT NULL DEFAULT 0,
    disability_short_trial INTEGER NOT NULL DEFAULT 0,
    visit_flag       TEXT,                            -- staff asked for a visit (R-VISIT-1)
    assigned_staff   INTEGER REFERENCES staff (id),   -- 担当 (R-REV-6)
    follow_up_date   TEXT,
    job_number       TEXT,                            -- assigned on approval (R-REV-3)
    registered_at    TEXT,
    updated_at       TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX submissions_job_number ON submissions (job_number) WHERE job_number IS NOT NULL;
CREATE INDEX submissions_account ON submissions (account_id, state);
CREATE INDEX submissions_establishment ON submissions (establishment_id, kind, state);
CREATE INDEX submissions_queue ON submissions (state, deadline);
CREATE INDEX submissions_assigned ON submissions (assigned_staff, state) WHERE assigned_staff IS NOT NULL;
CREATE INDEX submissions_registered ON submissions (kind, state, registered_at)
    WHERE registered_at IS NOT NULL;

-- Every version as received: a resubmission is a new version, nothing is overwritten.
CREATE TABLE submission_versions (
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    version       INTEGER NOT NULL,
    payload       TEXT NOT NULL,                      -- normalised establishment / job JSON
    findings      TEXT NOT NULL,                      -- JSON array of {field, severity, rule, param}
    received_at   TEXT NOT NULL,
    event_id      TEXT NOT NULL,
    PRIMARY KEY (submission_id, version)
) STRICT;

-- R-VISIT-1 reasons for the current version.
CREATE TABLE submission_visit_reasons (
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    code          TEXT NOT NULL,
    label         TEXT NOT NULL,
    PRIMARY KEY (submission_id, code)
) STRICT, WITHOUT ROWID;

-- R-IO-2: an event id is applied once.
CREATE TABLE imported_events (
    event_id   TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL,
    file       TEXT NOT NULL,
    line       INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- R-IO-2: nothing is lost. `raw` is the line as given (first 2000 bytes), shown only sanitised.
CREATE TABLE import_rejects (
    id       INTEGER PRIMARY KEY,
    file     TEXT NOT NULL,
    line     INTEGER NOT NULL,
    event_id TEXT,
    reason   TEXT NOT NULL,
    detail   TEXT NOT NULL,
    raw      TEXT NOT NULL,
    at       TEXT NOT NULL
) STRICT;
CREATE INDEX import_rejects_at ON import_rejects (at);
CREATE INDEX import_rejects_event ON import_rejects (event_id) WHERE event_id IS NOT NULL;

-- R-DL-2: office-configured closures.
CREATE TABLE office_closures (
    date       TEXT PRIMARY KEY,
    reason     TEXT NOT NULL,
    created_by INTEGER REFERENCES staff (id),
    created_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- Version 3: review and approval (SPEC §2.3 R-REV-1..6, R-VISIT-1) and the deadline sweep
-- (R-DL-3, R-MAIL-6). Times are RFC 3339 UTC text; dates are ISO "YYYY-MM-DD" (Japan time).

-- Who checked (R-REV-1 four-eyes), who entered it at the counter (NULL: the employer online),
-- the counter visit (R-VISIT-1), whether a visit is required (kept by the triggers below from
-- the visit reasons, or set by staff), and who changed the state last (R-REV-5 "acted first").
ALTER TABLE submissions ADD COLUMN checked_by INTEGER REFERENCES staff (id);
ALTER TABLE submissions ADD COLUMN checked_at TEXT;
ALTER TABLE submissions ADD COLUMN entered_by INTEGER REFERENCES staff (id);
ALTER TABLE submissions ADD COLUMN visit_needed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE submissions ADD COLUMN visit_date TEXT;
ALTER TABLE submissions ADD COLUMN visit_by INTEGER REFERENCES staff (id);
ALTER TABLE submissions ADD COLUMN last_actor INTEGER REFERENCES staff (id);
ALTER TABLE submissions ADD COLUMN purged_at TEXT;

UPDATE submissions SET visit_needed = 1
 WHERE id IN (SELECT submission_id FROM submission_visit_reasons) OR visit_flag IS NOT NULL;

CREATE TRIGGER submission_visit_reason_added AFTER INSERT ON submission_visit_reasons
BEGIN
    UPDATE submissions SET visit_needed = 1 WHERE id = NEW.submission_id AND visit_needed = 0;
END;
CREATE TRIGGER submission_visit_reason_removed AFTER DELETE ON submission_visit_reasons
BEGIN
    UPDATE submissions SET visit_needed =
        (visit_flag IS NOT NULL OR EXISTS (SELECT 1 FROM submission_visit_reasons r
                                            WHERE r.submission_id = OLD.submission_id))
     WHERE id = OLD.submission_id;
END;

-- R-REV-6 queues: each one an index range (see storage::review and its EXPLAIN test).
CREATE INDEX submissions_pending_deadline ON submissions (deadline, id)
    WHERE state IN ('received', 'checked', 'returned');
CREATE INDEX submissions_pending_received ON submissions (received_at, id)
    WHERE state IN ('received', 'checked', 'returned');
CREATE INDEX submissions_pending_name ON submissions (display_name, id)
    WHERE state IN ('received', 'checked', 'returned');
CREATE INDEX submissions_unassigned ON submissions (deadline, id)
    WHERE assigned_staff IS NULL AND state IN ('received', 'checked', 'returned');
CREATE INDEX submissions_mine ON submissions (assigned_staff, deadline, id)
    WHERE state IN ('received', 'checked', 'returned');
-- "Mine" in received and name order; only claimed rows, so imports (unassigned) never write them.
CREATE INDEX submissions_mine_received ON submissions (assigned_staff, received_at, id)
    WHERE assigned_staff IS NOT NULL AND state IN ('received', 'checked', 'returned');
CREATE INDEX submissions_mine_name ON submissions (assigned_staff, display_name, id)
    WHERE assigned_staff IS NOT NULL AND state IN ('received', 'checked', 'returned');
CREATE INDEX submissions_visit ON submissions (deadline, id)
    WHERE visit_needed = 1 AND visit_date IS NULL AND state IN ('received', 'checked', 'returned');
CREATE INDEX submissions_state_deadline ON submissions (state, deadline, id);
CREATE INDEX submissions_state_received ON submissions (state, received_at, id);
CREATE INDEX submissions_state_name ON submissions (state, display_name, id);
CREATE INDEX submissions_decided ON submissions (last_actor, registered_at) WHERE last_actor IS NOT NULL;

-- Full history of every item (R-REV-6): who did what, when, from which state to which.
CREATE TABLE submission_history (
    id            INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    at            TEXT NOT NULL,
    staff_id      INTEGER REFERENCES staff (id),   -- NULL: the system (sweep, import)
    action        TEXT NOT NULL,
    from_state    TEXT,
    to_state      TEXT,
    detail        TEXT
) STRICT;
CREATE INDEX submission_history_item ON submission_history (submission_id, id);
CREATE INDEX submission_history_day ON submission_history (at, staff_id);

CREATE TABLE submission_comments (
    id            INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    at            TEXT NOT NULL,
    staff_id      INTEGER NOT NULL REFERENCES staff (id),
    body          TEXT                              -- NULL once purged (R-DL-3)
) STRICT;
CREATE INDEX submission_comments_item ON submission_comments (submission_id, id);

-- The checklist the clerk ticked when checking (確認), per version.
CREATE TABLE submission_checks (
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    version       INTEGER NOT NULL,
    staff_id      INTEGER NOT NULL REFERENCES staff (id),
    at            TEXT NOT NULL,
    items         TEXT NOT NULL,                    -- JSON array of ticked item codes
    PRIMARY KEY (submission_id, version)
) STRICT;

-- R-REV-3 number serials, taken in the approving transaction.
CREATE TABLE number_counters (
    name  TEXT PRIMARY KEY,
    value INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- R-REV-6: the reminder goes once per account and deadline.
CREATE TABLE deadline_reminders (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    deadline   TEXT NOT NULL,
    sent_at    TEXT NOT NULL,
    outbox_id  INTEGER,
    PRIMARY KEY (account_id, deadline)
) STRICT, WITHOUT ROWID;

-- R-DL-3: what stays after personal data is purged (ids, dates, state, who/when).
CREATE TABLE purge_tombstones (
    id               INTEGER PRIMARY KEY,
    what             TEXT NOT NULL CHECK (what IN ('submission', 'establishment', 'account')),
    subject_id       INTEGER NOT NULL,
    account_id       INTEGER,
    establishment_id INTEGER,
    kind             TEXT,
    state_before     TEXT NOT NULL,
    deadline         TEXT,
    received_at      TEXT,
    reason           TEXT NOT NULL,
    purged_at        TEXT NOT NULL,
    purged_by        TEXT NOT NULL                  -- 'sweep' or a staff name
) STRICT;
CREATE INDEX purge_tombstones_subject ON purge_tombstones (what, subject_id);

ALTER TABLE accounts ADD COLUMN purged_at TEXT;
CREATE INDEX accounts_deadline ON accounts (provisional_deadline)
    WHERE state = 'activated' AND provisional_deadline IS NOT NULL;
CREATE INDEX accounts_withdrawn ON accounts (withdrawn_at)
    WHERE state = 'withdrawn' AND purged_at IS NULL;
CREATE INDEX outbox_account_state ON outbox (account_id, state);

-- Versions' payloads become NULL when purged: rebuild the table with a nullable payload.
CREATE TABLE submission_versions_new (
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    version       INTEGER NOT NULL,
    payload       TEXT,                             -- NULL once purged (R-DL-3)
    findings      TEXT NOT NULL,
    received_at   TEXT NOT NULL,
    event_id      TEXT NOT NULL,
    PRIMARY KEY (submission_id, version)
) STRICT;
INSERT INTO submission_versions_new SELECT * FROM submission_versions;
DROP TABLE submission_versions;
ALTER TABLE submission_versions_new RENAME TO submission_versions;

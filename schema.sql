-- madoguchi schema, version 1. Upgrades live in src/storage/migrate.rs, keyed on PRAGMA user_version.
-- Times are RFC 3339 UTC text ("2026-11-23T05:00:00Z"); dates are ISO "YYYY-MM-DD" (Japan time).

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE staff (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT NOT NULL UNIQUE,       -- sign-in ID
    display_name         TEXT NOT NULL,
    roles                TEXT NOT NULL,              -- comma list: counter,supervisor,admin,auditor
    password_hash        TEXT NOT NULL,              -- argon2id PHC string (R-AUTH-1)
    must_change_password INTEGER NOT NULL DEFAULT 0, -- R-AUTH-4
    failed_count         INTEGER NOT NULL DEFAULT 0, -- R-AUTH-2
    locked_until         TEXT,
    disabled             INTEGER NOT NULL DEFAULT 0, -- R-AUTH-3
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
) STRICT;

CREATE TABLE accounts (
    id                   INTEGER PRIMARY KEY,
    kind                 TEXT NOT NULL CHECK (kind IN ('employer', 'seeker')),
    email                TEXT NOT NULL,              -- as registered (domain lower-cased)
    email_key            TEXT NOT NULL,              -- comparison key (R-REG-2)
    state                TEXT NOT NULL CHECK (state IN ('key_pending', 'activated', 'opened', 'invalid', 'withdrawn')),
    establishment_number TEXT,                       -- employer, when known
    seeker_number        TEXT,                       -- seeker
    name                 TEXT,                       -- seeker (kanji)
    name_kana            TEXT,                       -- seeker (katakana)
    birth_date           TEXT,                       -- seeker
    registered_by        INTEGER REFERENCES staff (id),
    created_at           TEXT NOT NULL,
    activated_at         TEXT,                       -- アカウント登録完了日時 (R-KEY-4)
    provisional_deadline TEXT,                       -- R-DL-1
    opened_at            TEXT,
    invalid_at           TEXT,
    withdrawn_at         TEXT,
    updated_at           TEXT NOT NULL
) STRICT;

-- R-REG-2: one live account per email. Enforced by the database, so two processes racing on the
-- same address cannot both win.
CREATE UNIQUE INDEX accounts_live_email ON accounts (email_key)
    WHERE state IN ('key_pending', 'activated', 'opened');
CREATE INDEX accounts_email_key ON accounts (email_key);
CREATE INDEX accounts_establishment ON accounts (establishment_number) WHERE establishment_number IS NOT NULL;
CREATE INDEX accounts_seeker ON accounts (seeker_number) WHERE seeker_number IS NOT NULL;

CREATE TABLE auth_keys (
    id          INTEGER PRIMARY KEY,
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    purpose     TEXT NOT NULL CHECK (purpose IN ('registration', 'email_change')),
    key_hash    TEXT NOT NULL,                       -- argon2id PHC string (R-KEY-2)
    state       TEXT NOT NULL CHECK (state IN ('live', 'used', 'replaced', 'locked')),
    wrong_tries INTEGER NOT NULL DEFAULT 0,           -- R-KEY-1
    issued_at   TEXT NOT NULL,
    expires_at  TEXT NOT NULL,
    used_at     TEXT,
    issued_by   INTEGER REFERENCES staff (id)
) STRICT;
CREATE INDEX auth_keys_account ON auth_keys (account_id, purpose, state);

-- R-MAIL-1: written in the same transaction as the change that causes it.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    message_id      TEXT NOT NULL UNIQUE,            -- stable across retries (R-MAIL-2)
    account_id      INTEGER REFERENCES accounts (id),
    template        TEXT NOT NULL,
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT,                            -- NULL once scrubbed (R-KEY-2)
    auth_key_id     INTEGER REFERENCES auth_keys (id),
    key_expires_at  TEXT,                            -- R-MAIL-6
    state           TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'held', 'cancelled', 'expired')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    lease_owner     TEXT,
    lease_until     TEXT,
    last_reply      TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    updated_at      TEXT NOT NULL
) STRICT;
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_account ON outbox (account_id, created_at);
CREATE INDEX outbox_auth_key ON outbox (auth_key_id) WHERE auth_key_id IS NOT NULL;

-- R-AUD-1, R-AUD-2: append-only, hash-chained.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at_utc      TEXT NOT NULL,
    staff_id    INTEGER,
    staff_name  TEXT,
    staff_roles TEXT,
    terminal    TEXT NOT NULL,
    action      TEXT NOT NULL,
    subject     TEXT,
    purpose     TEXT,
    outcome     TEXT NOT NULL,
    detail      TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
) STRICT;
CREATE INDEX audit_log_staff ON audit_log (staff_id, at_utc);
CREATE INDEX audit_log_action ON audit_log (action, at_utc);
CREATE INDEX audit_log_at ON audit_log (at_utc);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

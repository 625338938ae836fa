-- Version 16: R-AUD-2 as corrected. The audit log becomes a keyed chain: every new row's hash is
-- an HMAC-SHA-256 under the install secret (`keyed = 1`). Rows written so far keep their plain
-- SHA-256 hashes (`keyed = 0`) and are still verified as such; the Rust step of this version
-- appends the first keyed row (`audit.chain_keyed`), which links to their head under the HMAC.
--
-- Ids are never reused: the table is rebuilt with AUTOINCREMENT (its high-water mark outlives
-- rows cut off the end). Retention trims from a cut point signed under the install secret
-- (`audit_cut`, one row): the no-delete trigger lets only rows before it go, and the cut only
-- moves forward. DROP TABLE fires no DELETE trigger, so the rebuild is allowed.
CREATE TABLE audit_log_v16 (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
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
    hash        TEXT NOT NULL,
    keyed       INTEGER NOT NULL DEFAULT 1 CHECK (keyed IN (0, 1))
) STRICT;
INSERT INTO audit_log_v16 (id, at_utc, staff_id, staff_name, staff_roles, terminal, action, subject,
                           purpose, outcome, detail, prev_hash, hash, keyed)
SELECT id, at_utc, staff_id, staff_name, staff_roles, terminal, action, subject,
       purpose, outcome, detail, prev_hash, hash, 0
  FROM audit_log ORDER BY id;
DROP TABLE audit_log;
ALTER TABLE audit_log_v16 RENAME TO audit_log;
CREATE INDEX audit_log_staff ON audit_log (staff_id, at_utc);
CREATE INDEX audit_log_action ON audit_log (action, at_utc);
CREATE INDEX audit_log_at ON audit_log (at_utc);

CREATE TABLE audit_cut (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    first_id  INTEGER NOT NULL,  -- the oldest row kept
    prev_hash TEXT NOT NULL,     -- the hash that row links to
    at_utc    TEXT NOT NULL,
    signature TEXT NOT NULL      -- HMAC under the install secret over first_id and prev_hash
) STRICT;

-- The guards (the program compares them with `storage::audit::TRIGGERS` at every start).
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
WHEN old.id >= coalesce((SELECT first_id FROM audit_cut WHERE id = 1), 0)
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_cut_no_delete BEFORE DELETE ON audit_cut
BEGIN
    SELECT RAISE(ABORT, 'audit_cut only moves forward');
END;
CREATE TRIGGER audit_cut_forward_only BEFORE UPDATE ON audit_cut
WHEN new.first_id < old.first_id
BEGIN
    SELECT RAISE(ABORT, 'audit_cut only moves forward');
END;

-- Version 11: a version's payload may be stored compressed (storage::payload: a BLOB of one
-- format byte and a zstd frame) beside the JSON text of the versions already there, so the
-- column takes any type. Nothing is converted: both forms are read. SQLite cannot change a
-- column's type in place, so the table is built again (same columns and key).
-- Compressed, a version row is small (about 120 bytes), so the table is now keyed by its
-- primary key itself (WITHOUT ROWID): one B-tree per version written instead of a table and
-- its key index.
CREATE TABLE submission_versions_new (
    submission_id INTEGER NOT NULL REFERENCES submissions (id),
    version       INTEGER NOT NULL,
    payload       ANY,                              -- JSON text or compressed BLOB; NULL once purged (R-DL-3)
    findings      TEXT NOT NULL,
    received_at   TEXT NOT NULL,
    event_id      TEXT NOT NULL,
    PRIMARY KEY (submission_id, version)
) STRICT, WITHOUT ROWID;
INSERT INTO submission_versions_new SELECT * FROM submission_versions;
DROP TABLE submission_versions;
ALTER TABLE submission_versions_new RENAME TO submission_versions;

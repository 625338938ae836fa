-- Forgotten-ID lookup (SPEC §2.4), ID change at the counter (R-ID-4) and the audit viewer's
-- queries (R-AUD-3). Depends only on tables of versions 1 and 2.

-- R-ID-1 partial name / kana search: an FTS5 trigram index over the normalised search keys
-- (`domain::kana::search_key`: NFKC, katakana, no spaces), kept in step by triggers so every
-- writer of `establishments` keeps it right. Queries of 3+ characters use it.
CREATE VIRTUAL TABLE establishments_fts USING fts5(
    name_key, kana_key, content = 'establishments', content_rowid = 'id', tokenize = 'trigram'
);
CREATE TRIGGER establishments_fts_ai AFTER INSERT ON establishments BEGIN
    INSERT INTO establishments_fts (rowid, name_key, kana_key) VALUES (new.id, new.name_key, new.kana_key);
END;
CREATE TRIGGER establishments_fts_ad AFTER DELETE ON establishments BEGIN
    INSERT INTO establishments_fts (establishments_fts, rowid, name_key, kana_key)
        VALUES ('delete', old.id, old.name_key, old.kana_key);
END;
CREATE TRIGGER establishments_fts_au AFTER UPDATE OF name_key, kana_key ON establishments BEGIN
    INSERT INTO establishments_fts (establishments_fts, rowid, name_key, kana_key)
        VALUES ('delete', old.id, old.name_key, old.kana_key);
    INSERT INTO establishments_fts (rowid, name_key, kana_key) VALUES (new.id, new.name_key, new.kana_key);
END;
INSERT INTO establishments_fts (establishments_fts) VALUES ('rebuild');

-- Queries of 1-2 characters: prefix range on the key columns (kana_key is indexed by v2).
CREATE INDEX establishments_name_key ON establishments (name_key);

-- R-ID-1 job seekers by kana name plus date of birth: the date narrows, the kana is compared.
CREATE INDEX accounts_seeker_birth ON accounts (birth_date) WHERE kind = 'seeker';

-- R-ID-4: an ID change waiting for a supervisor (config `[id_change] needs_supervisor`).
CREATE TABLE id_change_requests (
    id            INTEGER PRIMARY KEY,
    account_id    INTEGER NOT NULL REFERENCES accounts (id),
    new_email     TEXT NOT NULL,
    new_email_key TEXT NOT NULL,
    document      TEXT NOT NULL,                     -- identity document type code
    note          TEXT NOT NULL,
    purpose       TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected')),
    requested_by  INTEGER NOT NULL REFERENCES staff (id),
    requested_at  TEXT NOT NULL,
    decided_by    INTEGER REFERENCES staff (id),
    decided_at    TEXT
) STRICT;
-- One pending change per account.
CREATE UNIQUE INDEX id_change_pending ON id_change_requests (account_id) WHERE state = 'pending';
CREATE INDEX id_change_state ON id_change_requests (state, requested_at);

-- R-AUD-3 / the audit viewer: filter by customer.
CREATE INDEX audit_log_subject ON audit_log (subject, at_utc) WHERE subject IS NOT NULL;

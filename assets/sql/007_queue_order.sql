-- Version 7: the `/` filter's search index also in the other two queue orders (R-REV-6), so
-- that a filter matching many rows gives its first page by received time or by name as fast
-- as by deadline: the index is read in rowid order, and here the rowid is that order.
-- See storage::queue_search (rowids, the name ranks, the catch-up) and storage::queues.
--
-- Rowid of both tables: 2 bits of state (1 received, 2 checked, 3 returned), 31 bits of key,
-- 30 bits of submission id. Received: seconds since 2000-01-01T00:00:00Z of a
-- `YYYY-MM-DDTHH:MM:SSZ` text (the form the program writes). Name: the display name's rank in
-- `queue_search_names`. Ids from 2^30 and other received texts are "weird" (counted in
-- queue_search_state.weird; pages then do without the index order).

CREATE VIRTUAL TABLE queue_search_received USING fts5(
    t, content = '', contentless_delete = 1, detail = none, tokenize = 'trigram case_sensitive 1'
);
CREATE VIRTUAL TABLE queue_search_name USING fts5(
    t, content = '', contentless_delete = 1, detail = none, tokenize = 'trigram case_sensitive 1'
);
INSERT INTO queue_search_received (queue_search_received, rank) VALUES ('hashsize', 33554432);
INSERT INTO queue_search_name (queue_search_name, rank) VALUES ('hashsize', 33554432);

-- Every display name the index has seen, with a rank in name order: ranks are spread over 31
-- bits when (re)numbered, and a new name takes a rank between its neighbours' ranks. NULL: no
-- rank was free there; rows with that name are not in queue_search_name and are read
-- directly, until the next renumbering (storage::queue_search::catch_up).
CREATE TABLE queue_search_names (
    name TEXT PRIMARY KEY,
    rank INTEGER UNIQUE
) STRICT, WITHOUT ROWID;
CREATE INDEX queue_search_names_unranked ON queue_search_names (name) WHERE rank IS NULL;

-- A stale row must leave the new tables too: their rowids need what it was indexed under.
ALTER TABLE queue_search_stale ADD COLUMN old_received TEXT;
ALTER TABLE queue_search_stale ADD COLUMN old_name TEXT;
DROP TRIGGER queue_search_submission_changed;
DROP TRIGGER queue_search_submission_deleted;
DROP TRIGGER queue_search_establishment_changed;
CREATE TRIGGER queue_search_submission_changed
AFTER UPDATE OF state, deadline, display_name, external_id, job_number, establishment_id, received_at
ON submissions
WHEN old.id <= (SELECT upto FROM queue_search_state WHERE id = 1)
 AND (old.state IS NOT new.state OR old.deadline IS NOT new.deadline
      OR old.display_name IS NOT new.display_name OR old.external_id IS NOT new.external_id
      OR old.job_number IS NOT new.job_number OR old.establishment_id IS NOT new.establishment_id
      OR old.received_at IS NOT new.received_at)
BEGIN
    INSERT OR IGNORE INTO queue_search_stale (submission_id, old_rowid, old_state, old_received, old_name)
    VALUES (old.id, old.search_rowid, old.state, old.received_at, old.display_name);
END;
CREATE TRIGGER queue_search_submission_deleted AFTER DELETE ON submissions
WHEN old.id <= (SELECT upto FROM queue_search_state WHERE id = 1)
BEGIN
    INSERT OR IGNORE INTO queue_search_stale (submission_id, old_rowid, old_state, old_received, old_name)
    VALUES (old.id, old.search_rowid, old.state, old.received_at, old.display_name);
END;
CREATE TRIGGER queue_search_establishment_changed
AFTER UPDATE OF name, establishment_number, name_key, kana_key ON establishments
WHEN old.name IS NOT new.name OR old.establishment_number IS NOT new.establishment_number
  OR old.name_key IS NOT new.name_key OR old.kana_key IS NOT new.kana_key
BEGIN
    INSERT OR IGNORE INTO queue_search_stale (submission_id, old_rowid, old_state, old_received, old_name)
    SELECT id, search_rowid, state, received_at, display_name FROM submissions
     WHERE establishment_id = new.id AND id <= (SELECT upto FROM queue_search_state WHERE id = 1);
END;

-- The rows indexed before this version: indexed again into all tables at the next catch-up.
INSERT INTO queue_search (queue_search) VALUES ('delete-all');
INSERT INTO queue_search_by_state (queue_search_by_state) VALUES ('delete-all');
DELETE FROM queue_search_stale;
DELETE FROM queue_search_grams;
UPDATE queue_search_state SET upto = 0, weird = 0 WHERE id = 1;

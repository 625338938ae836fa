-- Version 7: the `/` filter's search index in each of the three queue orders (R-REV-6), and
-- split by what decides the queues, so that a filter matching many rows gives the first page
-- of any queue in any order by reading the index in rowid order: the rowid is the page order.
-- See storage::queue_search (rowids, name ranks, the catch-up) and storage::queues (pages).
--
-- Rowid of the three tables: 4 bits of part, 31 bits of key, 28 bits of submission id. The
-- part is state (received, checked, returned) × claimed or not × counter visit still due or
-- not: the queues are unions of parts, so a queue reads only rows it may hold. The key:
-- - deadline: 0 without one (NULL sorts first), else 1 + YYYYMMDD of a `YYYY-MM-DD` text;
-- - received: seconds since 2000-01-01T00:00:00Z of a `YYYY-MM-DDTHH:MM:SSZ` text;
-- - name: the display name's rank in `queue_search_names`.
-- Other texts and ids from 2^28 are "weird": that row is left out of that table and counted
-- in queue_search_state.weird, and pages then do without the index order (LIKE walk).
--
-- They replace version 6's two tables (deadline order only); `submissions.search_rowid`
-- (version 6, VIRTUAL: nothing stored) is no longer read.

DROP TRIGGER queue_search_submission_changed;
DROP TRIGGER queue_search_submission_deleted;
DROP TRIGGER queue_search_establishment_changed;
DROP TABLE queue_search;
DROP TABLE queue_search_by_state;
DROP TABLE queue_search_stale;

CREATE VIRTUAL TABLE queue_search_deadline USING fts5(
    t, content = '', contentless_delete = 1, detail = none, tokenize = 'trigram case_sensitive 1'
);
CREATE VIRTUAL TABLE queue_search_received USING fts5(
    t, content = '', contentless_delete = 1, detail = none, tokenize = 'trigram case_sensitive 1'
);
CREATE VIRTUAL TABLE queue_search_name USING fts5(
    t, content = '', contentless_delete = 1, detail = none, tokenize = 'trigram case_sensitive 1'
);
-- One catch-up pass (a few tens of thousands of rows) flushes its terms once.
INSERT INTO queue_search_deadline (queue_search_deadline, rank) VALUES ('hashsize', 33554432);
INSERT INTO queue_search_received (queue_search_received, rank) VALUES ('hashsize', 33554432);
INSERT INTO queue_search_name (queue_search_name, rank) VALUES ('hashsize', 33554432);
-- Small leaf pages: a term's list spans more of them, so it gets a doclist index and a page
-- seeks each part's start instead of stepping through the parts before it.
INSERT INTO queue_search_deadline (queue_search_deadline, rank) VALUES ('pgsz', 1000);
INSERT INTO queue_search_received (queue_search_received, rank) VALUES ('pgsz', 1000);
INSERT INTO queue_search_name (queue_search_name, rank) VALUES ('pgsz', 1000);

-- Every display name the index has seen, with a rank in name order: ranks are spread over 31
-- bits when (re)numbered, and a new name takes a rank between its neighbours' ranks. NULL: no
-- rank was free there; rows with that name are not in queue_search_name and are read
-- directly, until the next renumbering (storage::queue_search::catch_up).
CREATE TABLE queue_search_names (
    name TEXT PRIMARY KEY,
    rank INTEGER UNIQUE
) STRICT, WITHOUT ROWID;
CREATE INDEX queue_search_names_unranked ON queue_search_names (name) WHERE rank IS NULL;

-- Indexed rows changed since: what they were indexed under (to take them out), read directly
-- by the pages until the next catch-up indexes them again.
CREATE TABLE queue_search_stale (
    submission_id INTEGER PRIMARY KEY,
    old_state     TEXT NOT NULL,
    old_claimed   INTEGER NOT NULL,
    old_visit     INTEGER NOT NULL,
    old_deadline  TEXT,
    old_received  TEXT NOT NULL,
    old_name      TEXT NOT NULL
) STRICT;

-- A claim or hand-back, a recorded visit, a new state, deadline or name moves a row to another
-- part or place (a hand-over from one clerk to another does not).
CREATE TRIGGER queue_search_submission_changed
AFTER UPDATE OF state, deadline, display_name, external_id, job_number, establishment_id,
                received_at, assigned_staff, visit_needed, visit_date ON submissions
WHEN old.id <= (SELECT upto FROM queue_search_state WHERE id = 1)
 AND (old.state IS NOT new.state OR old.deadline IS NOT new.deadline
      OR old.display_name IS NOT new.display_name OR old.external_id IS NOT new.external_id
      OR old.job_number IS NOT new.job_number OR old.establishment_id IS NOT new.establishment_id
      OR old.received_at IS NOT new.received_at
      OR (old.assigned_staff IS NULL) <> (new.assigned_staff IS NULL)
      OR (old.visit_needed = 1 AND old.visit_date IS NULL) IS NOT (new.visit_needed = 1 AND new.visit_date IS NULL))
BEGIN
    INSERT OR IGNORE INTO queue_search_stale
        (submission_id, old_state, old_claimed, old_visit, old_deadline, old_received, old_name)
    VALUES (old.id, old.state, old.assigned_staff IS NOT NULL,
            coalesce(old.visit_needed = 1 AND old.visit_date IS NULL, 0),
            old.deadline, old.received_at, old.display_name);
END;
CREATE TRIGGER queue_search_submission_deleted AFTER DELETE ON submissions
WHEN old.id <= (SELECT upto FROM queue_search_state WHERE id = 1)
BEGIN
    INSERT OR IGNORE INTO queue_search_stale
        (submission_id, old_state, old_claimed, old_visit, old_deadline, old_received, old_name)
    VALUES (old.id, old.state, old.assigned_staff IS NOT NULL,
            coalesce(old.visit_needed = 1 AND old.visit_date IS NULL, 0),
            old.deadline, old.received_at, old.display_name);
END;
CREATE TRIGGER queue_search_establishment_changed
AFTER UPDATE OF name, establishment_number, name_key, kana_key ON establishments
WHEN old.name IS NOT new.name OR old.establishment_number IS NOT new.establishment_number
  OR old.name_key IS NOT new.name_key OR old.kana_key IS NOT new.kana_key
BEGIN
    INSERT OR IGNORE INTO queue_search_stale
        (submission_id, old_state, old_claimed, old_visit, old_deadline, old_received, old_name)
    SELECT id, state, assigned_staff IS NOT NULL, coalesce(visit_needed = 1 AND visit_date IS NULL, 0),
           deadline, received_at, display_name
      FROM submissions
     WHERE establishment_id = new.id AND id <= (SELECT upto FROM queue_search_state WHERE id = 1);
END;

-- Everything is indexed again, into the new tables, at the next catch-up.
DELETE FROM queue_search_grams;
UPDATE queue_search_state SET upto = 0, weird = 0 WHERE id = 1;

-- Version 6: the work queues' `/` filter (R-REV-6) through a search index, and fewer indexes
-- on `submissions` so that the bulk import (one row per job offer) writes fewer index entries.
-- See storage::queues (how a page is read) and storage::queue_search (how the index is kept).

-- 1. Indexes. Before: every received job offer wrote 12 index entries (external id, account,
-- establishment, queue, the three pending_*, unassigned, mine and the three state_*). After: 6.
-- (state, deadline) is the prefix of state_deadline. The pending_* and unassigned walks are
-- now per-state ranges of the state_* indexes merged in order (storage::queues); "unassigned"
-- and "overdue"/"due soon" are decided inside those indexes (assigned_staff and deadline ride
-- along), and counted as pending minus claimed. "Mine" only ever holds claimed rows, so its
-- index is partial like mine_received / mine_name and the import (unclaimed rows) skips it.
DROP INDEX submissions_queue;
DROP INDEX submissions_pending_deadline;
DROP INDEX submissions_pending_received;
DROP INDEX submissions_pending_name;
DROP INDEX submissions_unassigned;
DROP INDEX submissions_mine;
DROP INDEX submissions_state_deadline;
DROP INDEX submissions_state_received;
DROP INDEX submissions_state_name;
CREATE INDEX submissions_state_deadline ON submissions (state, deadline, id, assigned_staff);
CREATE INDEX submissions_state_received ON submissions (state, received_at, id, assigned_staff, deadline);
CREATE INDEX submissions_state_name ON submissions (state, display_name, id, assigned_staff, deadline);
CREATE INDEX submissions_mine ON submissions (assigned_staff, deadline, id)
    WHERE assigned_staff IS NOT NULL AND state IN ('received', 'checked', 'returned');

-- 2. The filter's search index: an FTS5 trigram table with one row per pending submission,
-- over what the filter compares (the submission's name, external id and job number, its
-- establishment's name, number and search keys), ASCII-lower-cased with a case-sensitive
-- tokenizer (exactly LIKE's case folding). Contentless: storage::queue_search builds the text.
-- Its rowid is not the submission id but `search_rowid` below: deadline and id in one integer,
-- so that the index answers in deadline order (the default order of every queue) and a
-- deadline range ("overdue", "due soon") is a rowid range. A second, small one holds the
-- checked and returned rows under (state, deadline, id), for the two queues of one state.
--
-- They are not kept by INSERT triggers: an FTS5 table written from a trigger flushes its
-- pending terms at every statement of the import's transactions (a savepoint each), about
-- 40 µs per row. Instead rows are added in bulk after the fact: `queue_search_state.upto` is
-- the highest submission id indexed so far; rows above it (the tail) are read directly by the
-- queue queries until the next catch-up, and an indexed row whose values change is listed in
-- `queue_search_stale` with what it was indexed under (read directly too, re-indexed at
-- catch-up).

-- (deadline, id) as one integer in deadline order: 27 bits of deadline (0 none, which sorts
-- first like NULL; 1 + YYYYMMDD, in the order of the text; all ones for any other text, which
-- storage::queue_search counts and the pages then do without the index order) above 34 bits
-- of id. VIRTUAL: computed when read, nothing stored or written by the import.
ALTER TABLE submissions ADD COLUMN search_rowid INTEGER GENERATED ALWAYS AS (
    ((CASE WHEN id >= 17179869184 THEN 134217727
           WHEN deadline IS NULL THEN 0
           WHEN deadline GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'
               THEN 1 + CAST(substr(deadline, 1, 4) || substr(deadline, 6, 2) || substr(deadline, 9, 2) AS INTEGER)
           ELSE 134217727 END) << 34)
    | (id & 17179869183)
) VIRTUAL;

CREATE VIRTUAL TABLE queue_search USING fts5(
    t, content = '', contentless_delete = 1, detail = none, tokenize = 'trigram case_sensitive 1'
);
-- Checked (state 2) and returned (state 3) rows under (state << 61) | search_rowid.
CREATE VIRTUAL TABLE queue_search_by_state USING fts5(
    t, content = '', contentless_delete = 1, detail = none, tokenize = 'trigram case_sensitive 1'
);
-- One catch-up pass (a few tens of thousands of rows) flushes its terms once.
INSERT INTO queue_search (queue_search, rank) VALUES ('hashsize', 33554432);
INSERT INTO queue_search_by_state (queue_search_by_state, rank) VALUES ('hashsize', 33554432);
CREATE TABLE queue_search_state (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    upto  INTEGER NOT NULL,
    -- Indexed rows whose deadline is not a YYYY-MM-DD text (their place in the index is not
    -- their place in the deadline order).
    weird INTEGER NOT NULL DEFAULT 0
) STRICT;
INSERT INTO queue_search_state (id, upto) VALUES (1, 0);
CREATE TABLE queue_search_stale (
    submission_id INTEGER PRIMARY KEY,
    old_rowid     INTEGER NOT NULL,               -- search_rowid when indexed
    old_state     TEXT NOT NULL                   -- state when indexed
) STRICT;
-- Every trigram ever indexed, with the number of times it was indexed (never decreased, so
-- an upper bound). A filter asks the index for its three rarest trigrams only (every trigram
-- of a common word makes a long list to intersect); a trigram not here is in no row; 1- and
-- 2-character filters look up the trigrams they begin (a prefix range) and ask for any of them.
CREATE TABLE queue_search_grams (
    gram TEXT PRIMARY KEY,
    n    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TRIGGER queue_search_submission_changed
AFTER UPDATE OF state, deadline, display_name, external_id, job_number, establishment_id ON submissions
WHEN old.id <= (SELECT upto FROM queue_search_state WHERE id = 1)
 AND (old.state IS NOT new.state OR old.deadline IS NOT new.deadline
      OR old.display_name IS NOT new.display_name OR old.external_id IS NOT new.external_id
      OR old.job_number IS NOT new.job_number OR old.establishment_id IS NOT new.establishment_id)
BEGIN
    INSERT OR IGNORE INTO queue_search_stale (submission_id, old_rowid, old_state)
    VALUES (old.id, old.search_rowid, old.state);
END;
CREATE TRIGGER queue_search_submission_deleted AFTER DELETE ON submissions
WHEN old.id <= (SELECT upto FROM queue_search_state WHERE id = 1)
BEGIN
    INSERT OR IGNORE INTO queue_search_stale (submission_id, old_rowid, old_state)
    VALUES (old.id, old.search_rowid, old.state);
END;
CREATE TRIGGER queue_search_establishment_changed
AFTER UPDATE OF name, establishment_number, name_key, kana_key ON establishments
WHEN old.name IS NOT new.name OR old.establishment_number IS NOT new.establishment_number
  OR old.name_key IS NOT new.name_key OR old.kana_key IS NOT new.kana_key
BEGIN
    INSERT OR IGNORE INTO queue_search_stale (submission_id, old_rowid, old_state)
    SELECT id, search_rowid, state FROM submissions
     WHERE establishment_id = new.id AND id <= (SELECT upto FROM queue_search_state WHERE id = 1);
END;

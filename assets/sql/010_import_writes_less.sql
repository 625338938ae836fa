-- Version 10: two things every imported row paid for and nothing needed.
--
-- `submissions.search_rowid` goes. Version 6 added it as a VIRTUAL generated column for its
-- search index; version 7 replaced that index and nothing reads the column since, but SQLite
-- still computed it (three substr() calls and a GLOB) for every row the import inserted:
-- about 4 % of the import writer's work (callgrind, 20,000 events). A VIRTUAL column stores
-- nothing, so dropping it rewrites no row.
ALTER TABLE submissions DROP COLUMN search_rowid;

-- The establishment index serves three questions only: an establishment's own submission,
-- its checked job offers (approved with it, R-REV-4) and its registered ones (R-VISIT-1
-- history). Received, returned and other rows are never looked up by establishment, so they
-- are left out: the import writes no entry for a new job offer (about 5 % of its work).
-- Each of those queries names its kind or state as a constant, which lets SQLite use the
-- partial index. Nothing deletes establishments, so no foreign-key check scans for children.
DROP INDEX submissions_establishment;
CREATE INDEX submissions_establishment ON submissions (establishment_id, kind, state)
    WHERE kind = 'establishment' OR state = 'checked' OR state = 'registered';

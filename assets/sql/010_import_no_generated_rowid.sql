-- Version 10: `submissions.search_rowid` goes. Version 6 added it as a VIRTUAL generated
-- column for its search index; version 7 replaced that index and nothing reads the column
-- since, but SQLite still computed it (three substr() calls and a GLOB) for every row the
-- import inserted: about 4 % of the import writer's work (callgrind, 20,000 events).
-- A VIRTUAL column stores nothing, so dropping it rewrites no row.
ALTER TABLE submissions DROP COLUMN search_rowid;

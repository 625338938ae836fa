-- Version 19 (issue 16 items 1 and 4).
--
-- New submissions are counted by the statement that stores them
-- (`storage::submissions::tally_inserted`), not by a trigger. Any trigger on the INSERT made
-- SQLite open a statement journal for it, copying every page the insert touched (the row and
-- five indexes): 60% more work per imported line. Changes and deletions keep their triggers
-- (one row at a time, at the counter and in the sweep). `storage::queues::recount_tally`
-- rebuilds the counts from the rows, for a bulk load by SQL.
DROP TRIGGER queue_tally_inserted;

-- Every submission is in the establishment index again (version 10 left out received and
-- returned job offers). The trigger `queue_search_establishment_changed` asks for all of an
-- establishment's submissions whenever its name or number changes (an approval that assigns
-- a 事業所番号, every purge of a provisional one): without them in an index it read the whole
-- table each time, 60 ms per establishment at 550,000 submissions, and a sweep that purged
-- 1,000 accounts would have held the write lock for about an hour and a half.
DROP INDEX submissions_establishment;
CREATE INDEX submissions_establishment ON submissions (establishment_id, kind, state);

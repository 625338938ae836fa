-- Version 19 (issue 16 item 4): new submissions are counted by the statement that stores them
-- (`storage::submissions::tally_inserted`), not by a trigger. Any trigger on the INSERT made
-- SQLite open a statement journal for it, copying every page the insert touched (the row and
-- five indexes): 60% more work per imported line. Changes and deletions keep their triggers
-- (one row at a time, at the counter and in the sweep). `storage::queues::recount_tally`
-- rebuilds the counts from the rows, for a bulk load by SQL.
DROP TRIGGER queue_tally_inserted;

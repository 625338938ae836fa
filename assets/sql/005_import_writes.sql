-- Version 5: `submissions.visit_needed` is kept by `storage::submissions`, the only writer of
-- `submission_visit_reasons`, in the same statements that write the reasons. The triggers
-- did the same work a second time for every imported job offer (a look-up and a no-op
-- update of the fresh row per reason).
DROP TRIGGER submission_visit_reason_added;
DROP TRIGGER submission_visit_reason_removed;

-- `storage::establishments::insert` adds the search row itself, in its own statement. Done by
-- a trigger, the insert became a two-table statement that opens a statement savepoint, and
-- FTS5 writes out its pending terms at every savepoint: one tiny index segment (and later
-- merges) per imported establishment instead of one per transaction. Updates and deletes
-- (resubmissions, purges: rare) keep their triggers.
DROP TRIGGER establishments_fts_ai;

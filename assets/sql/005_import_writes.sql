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

-- The visit queue's partial index with its states spelled as comparisons: an IN list of three
-- constants in an index's WHERE is evaluated through a temporary table built afresh for every
-- inserted row that reaches it (most imported job offers need a visit: ~15k instructions each).
-- The queue's condition (storage::queues) is spelled the same way, so the planner matches it.
DROP INDEX submissions_visit;
CREATE INDEX submissions_visit ON submissions (deadline, id)
    WHERE visit_needed = 1 AND visit_date IS NULL
      AND (state = 'received' OR state = 'checked' OR state = 'returned');

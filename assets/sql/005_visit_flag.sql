-- Version 5: `submissions.visit_needed` is kept by `storage::submissions`, the only writer of
-- `submission_visit_reasons`, in the same statements that write the reasons. The triggers
-- did the same work a second time for every imported job offer (a look-up and a no-op
-- update of the fresh row per reason).
DROP TRIGGER submission_visit_reason_added;
DROP TRIGGER submission_visit_reason_removed;

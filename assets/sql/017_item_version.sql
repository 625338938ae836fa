-- Version 17: R-REV-5 item versions. Every change to a submission (a review action of any kind,
-- a resubmission, a withdrawal, the deadline sweep) adds one to `rev`; every review action
-- carries the `rev` its actor saw and is refused ("acted first") when it is no longer the
-- item's, even when the action would still be legal from the new state. Not the payload's
-- `current_version` (which counts resubmissions only). No index holds it: bumping it rewrites
-- the row alone.
ALTER TABLE submissions ADD COLUMN rev INTEGER NOT NULL DEFAULT 0;

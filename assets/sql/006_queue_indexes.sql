-- Version 6: fewer indexes on `submissions`, so that the bulk import (one row per job offer)
-- writes fewer index entries; the work queues (R-REV-6) read the ones left (storage::queues).

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

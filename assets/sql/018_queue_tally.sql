-- Version 18 (issue 16 item 6): the queue counts are kept, not counted. Counting every queue
-- read every pending row (60-90 ms at L scale) and every TUI did it on every data change.
-- `queue_tally` holds, for the pending submissions (received, checked, returned) only:
--   kind 'state'    k = the state                         (checked, returned)
--   kind 'staff'    k = assigned_staff as text, '' = none (unassigned, mine)
--   kind 'deadline' k = the deadline date (not NULL)      (overdue, due soon: a range of dates,
--                                                          since they depend on today)
--   kind 'visit'    k = ''                                (a counter visit is due)
-- The triggers below keep it in the same transaction as every insert, delete and change of
-- state, assignee, deadline or visit: the import, the review actions and the sweep alike.
-- `storage::queues::tally_sql` reads it; the count SQL of `count_sql` stays the definition
-- (the consistency test compares both after random changes).
CREATE TABLE queue_tally (
    kind TEXT NOT NULL,
    k    TEXT NOT NULL,
    n    INTEGER NOT NULL,
    PRIMARY KEY (kind, k)
) STRICT, WITHOUT ROWID;

INSERT INTO queue_tally (kind, k, n)
SELECT 'state', state, count(*) FROM submissions
 WHERE state IN ('received', 'checked', 'returned') GROUP BY state;
INSERT INTO queue_tally (kind, k, n)
SELECT 'staff', coalesce(CAST(assigned_staff AS TEXT), ''), count(*) FROM submissions
 WHERE state IN ('received', 'checked', 'returned') GROUP BY 2;
INSERT INTO queue_tally (kind, k, n)
SELECT 'deadline', deadline, count(*) FROM submissions
 WHERE state IN ('received', 'checked', 'returned') AND deadline IS NOT NULL GROUP BY deadline;
INSERT INTO queue_tally (kind, k, n)
SELECT 'visit', '', count(*) FROM submissions
 WHERE visit_needed = 1 AND visit_date IS NULL AND state IN ('received', 'checked', 'returned')
HAVING count(*) > 0;

CREATE TRIGGER queue_tally_inserted AFTER INSERT ON submissions
WHEN new.state IN ('received', 'checked', 'returned')
BEGIN
    INSERT INTO queue_tally (kind, k, n) VALUES ('state', new.state, 1)
        ON CONFLICT (kind, k) DO UPDATE SET n = n + 1;
    INSERT INTO queue_tally (kind, k, n)
    VALUES ('staff', coalesce(CAST(new.assigned_staff AS TEXT), ''), 1)
        ON CONFLICT (kind, k) DO UPDATE SET n = n + 1;
    INSERT INTO queue_tally (kind, k, n)
    SELECT 'deadline', new.deadline, 1 WHERE new.deadline IS NOT NULL
        ON CONFLICT (kind, k) DO UPDATE SET n = n + 1;
    INSERT INTO queue_tally (kind, k, n)
    SELECT 'visit', '', 1 WHERE new.visit_needed = 1 AND new.visit_date IS NULL
        ON CONFLICT (kind, k) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER queue_tally_deleted AFTER DELETE ON submissions
WHEN old.state IN ('received', 'checked', 'returned')
BEGIN
    UPDATE queue_tally SET n = n - 1 WHERE kind = 'state' AND k = old.state;
    UPDATE queue_tally SET n = n - 1
     WHERE kind = 'staff' AND k = coalesce(CAST(old.assigned_staff AS TEXT), '');
    UPDATE queue_tally SET n = n - 1 WHERE kind = 'deadline' AND k = old.deadline;
    DELETE FROM queue_tally WHERE kind = 'deadline' AND k = old.deadline AND n = 0;
    UPDATE queue_tally SET n = n - 1
     WHERE kind = 'visit' AND k = '' AND old.visit_needed = 1 AND old.visit_date IS NULL;
END;

-- A change takes the old row's share off, then adds the new row's (two triggers: either side
-- may be outside the pending states).
CREATE TRIGGER queue_tally_changed_old
AFTER UPDATE OF state, assigned_staff, deadline, visit_needed, visit_date ON submissions
WHEN old.state IN ('received', 'checked', 'returned')
 AND (old.state IS NOT new.state OR old.assigned_staff IS NOT new.assigned_staff
      OR old.deadline IS NOT new.deadline
      OR (old.visit_needed = 1 AND old.visit_date IS NULL)
         IS NOT (new.visit_needed = 1 AND new.visit_date IS NULL))
BEGIN
    UPDATE queue_tally SET n = n - 1 WHERE kind = 'state' AND k = old.state;
    UPDATE queue_tally SET n = n - 1
     WHERE kind = 'staff' AND k = coalesce(CAST(old.assigned_staff AS TEXT), '');
    UPDATE queue_tally SET n = n - 1 WHERE kind = 'deadline' AND k = old.deadline;
    DELETE FROM queue_tally WHERE kind = 'deadline' AND k = old.deadline AND n = 0;
    UPDATE queue_tally SET n = n - 1
     WHERE kind = 'visit' AND k = '' AND old.visit_needed = 1 AND old.visit_date IS NULL;
END;
CREATE TRIGGER queue_tally_changed_new
AFTER UPDATE OF state, assigned_staff, deadline, visit_needed, visit_date ON submissions
WHEN new.state IN ('received', 'checked', 'returned')
 AND (old.state IS NOT new.state OR old.assigned_staff IS NOT new.assigned_staff
      OR old.deadline IS NOT new.deadline
      OR (old.visit_needed = 1 AND old.visit_date IS NULL)
         IS NOT (new.visit_needed = 1 AND new.visit_date IS NULL))
BEGIN
    INSERT INTO queue_tally (kind, k, n) VALUES ('state', new.state, 1)
        ON CONFLICT (kind, k) DO UPDATE SET n = n + 1;
    INSERT INTO queue_tally (kind, k, n)
    VALUES ('staff', coalesce(CAST(new.assigned_staff AS TEXT), ''), 1)
        ON CONFLICT (kind, k) DO UPDATE SET n = n + 1;
    INSERT INTO queue_tally (kind, k, n)
    SELECT 'deadline', new.deadline, 1 WHERE new.deadline IS NOT NULL
        ON CONFLICT (kind, k) DO UPDATE SET n = n + 1;
    INSERT INTO queue_tally (kind, k, n)
    SELECT 'visit', '', 1 WHERE new.visit_needed = 1 AND new.visit_date IS NULL
        ON CONFLICT (kind, k) DO UPDATE SET n = n + 1;
END;

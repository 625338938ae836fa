-- Version 20 (issue 15 item 14): 未担当 lists the items nobody has claimed that still need a
-- check, i.e. received and unassigned. A checked item waits for approval (its own queue 確認済)
-- and a returned one for the employer (差戻し): they are not "unassigned work" for a clerk.
-- `queue_tally` gains kind 'unclaimed' (k = '') counting those rows, kept by two triggers of
-- their own beside those of version 18 for changes and deletions; a new row is counted by the
-- code that inserts it (`storage::submissions::tally_inserted`, as version 19 does for the
-- others: no trigger on INSERT).
INSERT INTO queue_tally (kind, k, n)
SELECT 'unclaimed', '', count(*) FROM submissions
 WHERE state = 'received' AND assigned_staff IS NULL
HAVING count(*) > 0;

CREATE TRIGGER queue_tally_unclaimed_deleted AFTER DELETE ON submissions
WHEN old.state = 'received' AND old.assigned_staff IS NULL
BEGIN
    UPDATE queue_tally SET n = n - 1 WHERE kind = 'unclaimed' AND k = '';
END;

CREATE TRIGGER queue_tally_unclaimed_changed
AFTER UPDATE OF state, assigned_staff ON submissions
WHEN (old.state = 'received' AND old.assigned_staff IS NULL)
  IS NOT (new.state = 'received' AND new.assigned_staff IS NULL)
BEGIN
    INSERT INTO queue_tally (kind, k, n)
    VALUES ('unclaimed', '', CASE WHEN new.state = 'received' AND new.assigned_staff IS NULL
                                  THEN 1 ELSE -1 END)
        ON CONFLICT (kind, k) DO UPDATE SET n = n + excluded.n;
END;

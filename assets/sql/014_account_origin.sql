-- Version 14: two kinds of account (R-REG-4). A counter-opened account (窓口でのメールアドレス
-- 登録) is open once the customer sets a password: no provisional period, no deadline, no purge
-- (seed 001 ⑥). A self-registered employer account (seed 000) has the provisional period of
-- R-DL-1 (a). `origin` records which; `opened_at` when the My Page opened.
ALTER TABLE accounts ADD COLUMN origin TEXT NOT NULL DEFAULT 'counter'
    CHECK (origin IN ('counter', 'self'));

-- Every account so far was registered at the counter. Those whose customer already set a
-- password are open since then; unexpired keys stay as they are; nothing is purged.
UPDATE accounts SET state = 'opened', opened_at = coalesce(opened_at, activated_at)
 WHERE state = 'activated';
UPDATE accounts SET provisional_deadline = NULL WHERE provisional_deadline IS NOT NULL;

-- Their pending submissions carried the account's deadline. An offer from an open My Page
-- that needs a visit has its own (R-DL-1 (b)): the Rust step of this version sets it (closed
-- days, R-DL-2); every other pending submission of a counter-opened account has none.
UPDATE submissions SET deadline = NULL
 WHERE deadline IS NOT NULL AND state IN ('received', 'checked', 'returned');

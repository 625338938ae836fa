-- Version 13: `submissions_account` holds the account alone. Every query by account reads all
-- of its submissions in id order (the account screen, the reminder's names, the withdrawal,
-- the purge), which (account_id) gives without a sort; with the state in the key, every state
-- change (a review action, each row of a withdrawal) moved the row's entry, and an import's
-- insert compared a string in it.
DROP INDEX submissions_account;
CREATE INDEX submissions_account ON submissions (account_id);

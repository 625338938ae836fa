-- Version 15: R-REG-2 as corrected. An address is stored as typed, but uniqueness and every
-- lookup compare the whole address case-insensitively (`Taro@gmail.com` = `taro@gmail.com`):
-- `accounts.email_key` becomes the address lower-cased (`domain::email::Email::key`). The Rust
-- step of this version recomputes it for every account.
--
-- Two live accounts (key_pending, activated, opened) whose addresses differ only in letter case
-- are not merged: the older keeps the lower-cased key; each newer one gets the key
-- `<lower-cased address>#<account id>` (never a real address's key: a domain holds no `#`), so
-- that the unique index `accounts_live_email` holds. Lookups by address find both (see
-- `storage::accounts::all_by_email_key`). Every account of such a pair is listed here, for
-- `madoguchi account case-conflicts` and the log, until staff have dealt with it.
-- No address is copied here (the accounts row has it, and a purge clears it there).
CREATE TABLE email_case_conflicts (
    account_id INTEGER PRIMARY KEY REFERENCES accounts (id),
    holder_id  INTEGER NOT NULL REFERENCES accounts (id), -- the oldest: it keeps the shared key
    found_at   TEXT NOT NULL
) STRICT;

-- A pending ID change compares its new address the same way.
UPDATE id_change_requests SET new_email_key = lower(new_email_key);

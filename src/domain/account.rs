//! Customer accounts: kinds and states (R-REG-1, R-REG-6).

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountKind {
    /// 求人者
    Employer,
    /// 求職者
    Seeker,
}

impl AccountKind {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            AccountKind::Employer => "employer",
            AccountKind::Seeker => "seeker",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<AccountKind> {
        match s {
            "employer" => Some(AccountKind::Employer),
            "seeker" => Some(AccountKind::Seeker),
            _ => None,
        }
    }
}

/// Stored account state. "Key expired" is not stored: it is `KeyPending` with a dead key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountState {
    /// Registered at the counter; the customer has not yet used the auth key.
    KeyPending,
    /// The customer set a password with the key (R-KEY-4); the provisional deadline runs.
    Activated,
    /// My Page opened (開設): the establishment is fully registered (R-REV-3).
    Opened,
    /// Deadline passed, or otherwise invalidated (R-DL-3).
    Invalid,
    Withdrawn,
}

impl AccountState {
    pub const ALL: [AccountState; 5] = [
        AccountState::KeyPending,
        AccountState::Activated,
        AccountState::Opened,
        AccountState::Invalid,
        AccountState::Withdrawn,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            AccountState::KeyPending => "key_pending",
            AccountState::Activated => "activated",
            AccountState::Opened => "opened",
            AccountState::Invalid => "invalid",
            AccountState::Withdrawn => "withdrawn",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<AccountState> {
        AccountState::ALL.into_iter().find(|a| a.code() == s)
    }

    /// R-REG-2: an email held by a live account cannot be registered again.
    #[must_use]
    pub fn is_live(self) -> bool {
        !matches!(self, AccountState::Invalid | AccountState::Withdrawn)
    }
}

/// R-REG-5: one primary account and at most 10 additional accounts per establishment.
pub const MAX_ADDITIONAL_ACCOUNTS: i64 = 10;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_reg_2_live_states() {
        assert!(AccountState::KeyPending.is_live());
        assert!(AccountState::Activated.is_live());
        assert!(AccountState::Opened.is_live());
        assert!(!AccountState::Invalid.is_live());
        assert!(!AccountState::Withdrawn.is_live());
        for s in AccountState::ALL {
            assert_eq!(AccountState::parse(s.code()), Some(s));
        }
    }
}

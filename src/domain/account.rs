//! Customer accounts: kinds and states (R-REG-1, R-REG-6).

use serde::Serialize;

use super::coded::coded_enum;

coded_enum! {
    /// Whose account it is.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
    #[serde(rename_all = "lowercase")]
    pub enum AccountKind {
        /// 求人者
        Employer = "employer",
        /// 求職者
        Seeker = "seeker",
    }
}

coded_enum! {
    /// How the account came to be (R-REG-4).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
    #[serde(rename_all = "lowercase")]
    pub enum AccountOrigin {
        /// 窓口でメールアドレスを登録: open once the customer sets a password; no deadline, no
        /// purge.
        Counter = "counter",
        /// The employer registered online (seed 000): provisional until its establishment is
        /// registered at the office, within the deadline of R-DL-1 (a).
        #[serde(rename = "self")]
        SelfRegistered = "self",
    }
}

impl AccountOrigin {
    /// The state an account of this origin enters when the customer sets a password with the
    /// key (R-KEY-4): a counter-opened My Page opens at once (seed 001 ⑥ 「マイページ開設完了」);
    /// a self-registered one starts its provisional period.
    #[must_use]
    pub fn state_on_activation(self) -> AccountState {
        match self {
            AccountOrigin::Counter => AccountState::Opened,
            AccountOrigin::SelfRegistered => AccountState::Activated,
        }
    }

    /// Only a self-registered account has a provisional deadline of its own (R-DL-1 (a)).
    #[must_use]
    pub fn has_provisional_period(self) -> bool {
        self == AccountOrigin::SelfRegistered
    }
}

coded_enum! {
    /// Stored account state. "Key expired" is not stored: it is `KeyPending` with a dead key.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum AccountState {
        /// Waiting for the customer: a counter-opened account until the customer asks for a
        /// key online and sets a password with it; a self-registered one until its key is used.
        KeyPending = "key_pending",
        /// A self-registered account whose customer set a password (R-KEY-4): provisional, the
        /// deadline of R-DL-1 (a) runs.
        Activated = "activated",
        /// My Page open (開設): a counter-opened account from its activation, a self-registered
        /// one once its establishment is registered (R-REV-3).
        Opened = "opened",
        /// Deadline passed, or otherwise invalidated (R-DL-3).
        Invalid = "invalid",
        Withdrawn = "withdrawn",
    }
}

impl AccountState {
    /// R-REG-2: an email held by a live account cannot be registered again.
    #[must_use]
    pub fn is_live(self) -> bool {
        !matches!(self, AccountState::Invalid | AccountState::Withdrawn)
    }
}

/// Why a `password.requested` issues no key (R-KEY-0). The customer is told nothing more than
/// for an unknown address; the reject records which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRequestRefusal {
    /// A self-registered account starts over with `account.self_registered` instead.
    SelfRegistered,
    /// The account is not waiting for its password (open, provisional, invalid, 退会).
    NotWaiting(AccountState),
    /// A job seeker's request without the birth date.
    BirthDateRequired,
    /// A job seeker's birth date other than the one registered at the counter.
    BirthDateMismatch,
}

impl KeyRequestRefusal {
    /// The reject reason code (`import_rejects.reason`).
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::SelfRegistered | Self::NotWaiting(_) => "account_state",
            Self::BirthDateRequired => "birth_date_required",
            Self::BirthDateMismatch => "birth_date_mismatch",
        }
    }
}

/// The facts of an account a key request is judged on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyRequestSubject {
    pub origin: AccountOrigin,
    pub state: AccountState,
    pub kind: AccountKind,
    /// What the counter registered (job seekers).
    pub birth_date: Option<chrono::NaiveDate>,
}

/// R-KEY-0: whether the customer of a counter-opened account, asking online for パスワード登録,
/// gets a key. A job seeker must give the birth date registered at the counter (seed 002).
///
/// # Errors
/// The refusal.
pub fn judge_key_request(
    a: KeyRequestSubject,
    given_birth_date: Option<chrono::NaiveDate>,
) -> Result<(), KeyRequestRefusal> {
    if a.origin != AccountOrigin::Counter {
        return Err(KeyRequestRefusal::SelfRegistered);
    }
    if a.state != AccountState::KeyPending {
        return Err(KeyRequestRefusal::NotWaiting(a.state));
    }
    if a.kind == AccountKind::Seeker {
        let Some(given) = given_birth_date else {
            return Err(KeyRequestRefusal::BirthDateRequired);
        };
        if a.birth_date != Some(given) {
            return Err(KeyRequestRefusal::BirthDateMismatch);
        }
    }
    Ok(())
}

/// R-REG-5: one primary account and at most 10 additional accounts per establishment.
pub const MAX_ADDITIONAL_ACCOUNTS: i64 = 10;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_reg_4_counter_opened_accounts_open_on_activation_and_only_self_registered_ones_wait() {
        assert_eq!(
            AccountOrigin::Counter.state_on_activation(),
            AccountState::Opened
        );
        assert_eq!(
            AccountOrigin::SelfRegistered.state_on_activation(),
            AccountState::Activated
        );
        assert!(!AccountOrigin::Counter.has_provisional_period());
        assert!(AccountOrigin::SelfRegistered.has_provisional_period());
        for o in [AccountOrigin::Counter, AccountOrigin::SelfRegistered] {
            assert_eq!(AccountOrigin::parse(o.code()), Some(o));
        }
    }

    #[test]
    fn r_key_0_a_key_request_is_judged_on_origin_state_and_the_seekers_birth_date() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let seeker = KeyRequestSubject {
            origin: AccountOrigin::Counter,
            state: AccountState::KeyPending,
            kind: AccountKind::Seeker,
            birth_date: d("1990-04-05"),
        };
        assert_eq!(judge_key_request(seeker, d("1990-04-05")), Ok(()));
        assert_eq!(
            judge_key_request(seeker, d("1990-04-06")),
            Err(KeyRequestRefusal::BirthDateMismatch)
        );
        assert_eq!(
            judge_key_request(seeker, None),
            Err(KeyRequestRefusal::BirthDateRequired)
        );
        let employer = KeyRequestSubject {
            kind: AccountKind::Employer,
            birth_date: None,
            ..seeker
        };
        // An employer gives only the address (seed 001 ③).
        assert_eq!(judge_key_request(employer, None), Ok(()));
        assert_eq!(
            judge_key_request(
                KeyRequestSubject {
                    state: AccountState::Opened,
                    ..employer
                },
                None
            ),
            Err(KeyRequestRefusal::NotWaiting(AccountState::Opened))
        );
        assert_eq!(
            judge_key_request(
                KeyRequestSubject {
                    origin: AccountOrigin::SelfRegistered,
                    ..employer
                },
                None
            ),
            Err(KeyRequestRefusal::SelfRegistered)
        );
        assert_eq!(
            KeyRequestRefusal::BirthDateMismatch.code(),
            "birth_date_mismatch"
        );
    }

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

//! Typed row ids of the main tables, so an account's id cannot be passed where a staff
//! member's or a submission's is expected. Each wraps the SQLite rowid as is: serialised
//! and displayed as the bare number (the JSON and the text output are unchanged). The
//! SQLite conversions live in `storage::ids`.

macro_rules! row_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            PartialOrd,
            Ord,
            Hash,
            serde::Serialize,
            serde::Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            /// The rowid as stored.
            #[must_use]
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    };
}

row_id!(
    /// A row of `staff`.
    StaffId
);
row_id!(
    /// A row of `accounts`.
    AccountId
);
row_id!(
    /// A row of `submissions`.
    SubmissionId
);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn serde_is_transparent_and_display_is_the_number() {
        assert_eq!(serde_json::to_string(&AccountId(42)).unwrap(), "42");
        assert_eq!(
            serde_json::from_str::<SubmissionId>("7").unwrap(),
            SubmissionId(7)
        );
        assert_eq!(serde_json::to_string(&Some(StaffId(-3))).unwrap(), "-3");
        assert_eq!(AccountId(123).to_string(), "123");
        assert_eq!(format!("{:>5}", StaffId(12)), "   12");
        assert_eq!("19".parse::<SubmissionId>(), Ok(SubmissionId(19)));
        assert!("x".parse::<AccountId>().is_err());
        assert_eq!(StaffId(9).get(), 9);
    }
}

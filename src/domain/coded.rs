//! `coded_enum!`: the one way a fieldless enum gets its stable codes (the text stored in the
//! database and written to the interchange, the audit log and the CLI's JSON).
//!
//! ```ignore
//! coded_enum! {
//!     /// Where one outbox mail stands.
//!     #[derive(Debug, Clone, Copy, PartialEq, Eq)]
//!     pub enum MailState {
//!         Queued = "queued",
//!         Sent = "sent",
//!     }
//! }
//! ```
//!
//! gives the enum as written (its attributes and derives are the caller's) plus `ALL` (every
//! value in declaration order), `code()` and `parse()` (the exact code, nothing else). Words
//! for the values are not here: `i18n/` names them per language, with exhaustive matches, so a
//! new value without words does not compile.
//!
//! Preceded by `serde;`, the enum also serializes and deserializes as its code.

/// See the module docs.
macro_rules! coded_enum {
    (
        serde;
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal ),+ $(,)?
        }
    ) => {
        $crate::domain::coded::coded_enum! {
            $(#[$meta])*
            #[derive(::serde::Serialize, ::serde::Deserialize)]
            $vis enum $name {
                $( $(#[$vmeta])* #[serde(rename = $code)] $variant = $code, )+
            }
        }
    };
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: [Self; [$($code),+].len()] = [$(Self::$variant),+];

            /// The stable code (database, interchange, audit log, CLI).
            #[must_use]
            pub fn code(self) -> &'static str {
                match self {
                    $(Self::$variant => $code,)+
                }
            }

            /// The value whose code is exactly `code`.
            #[must_use]
            pub fn parse(code: &str) -> Option<Self> {
                match code {
                    $($code => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

pub(crate) use coded_enum;

#[cfg(test)]
mod tests {
    coded_enum! {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum Plain {
            One = "one",
            /// A documented value keeps its docs.
            Two = "two-2",
        }
    }

    coded_enum! {
        serde;
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        enum Wire {
            Alpha = "alpha",
            BetaGamma = "beta_g",
        }
    }

    #[test]
    fn codes_round_trip_and_nothing_else_parses() {
        assert_eq!(Plain::ALL, [Plain::One, Plain::Two]);
        for v in Plain::ALL {
            assert_eq!(Plain::parse(v.code()), Some(v));
        }
        assert_eq!(Plain::Two.code(), "two-2");
        assert_eq!(Plain::parse(" one"), None);
        assert_eq!(Plain::parse("One"), None);
    }

    #[test]
    fn serde_values_are_their_codes() {
        assert_eq!(
            serde_json::to_string(&Wire::BetaGamma).expect("json"),
            "\"beta_g\""
        );
        assert_eq!(
            serde_json::from_str::<Wire>("\"alpha\"").expect("json"),
            Wire::Alpha
        );
        assert!(serde_json::from_str::<Wire>("\"Alpha\"").is_err());
        assert_eq!(Wire::parse("beta_g"), Some(Wire::BetaGamma));
        assert_eq!(Wire::ALL.map(Wire::code), ["alpha", "beta_g"]);
    }
}

//! The words of every refusal (`domain::refusal::Refusal`), Japanese and English: the one place
//! the screens and the command line turn a refused use case into a sentence.

use super::Lang;
use super::cli::{account_state_label, audit_reason, mail_state_label};
use crate::domain::account::{AccountState, KeyRequestRefusal};
use crate::domain::refusal::Refusal;
use crate::domain::review::ReviewRefusal;
use crate::domain::submission::SubmissionState;

use super::pick;

/// The name of a submission state in a refusal.
fn state_word(lang: Lang, s: SubmissionState) -> &'static str {
    match lang {
        Lang::Ja => super::labels::submission_state_label(lang, s),
        Lang::En => s.code(),
    }
}

/// R-REV-5 in two lines: who acted first, then the item's state now (the screens show them as
/// two lines of a notice; the command line joins them).
#[must_use]
pub fn acted_first_lines(lang: Lang, by: Option<&str>, now: SubmissionState) -> [String; 2] {
    let st = state_word(lang, now);
    match (lang, by) {
        // No staff member: the employer's resubmission, the sweep.
        (Lang::Ja, None) => [
            "システムが先に更新しました".to_string(),
            format!("現在の状態: {st}"),
        ],
        (Lang::Ja, Some(who)) => [
            format!("{who}さんが先に処理しました"),
            format!("現在の状態: {st}"),
        ],
        (Lang::En, None) => [
            "the system changed it first".to_string(),
            format!("now: {st}"),
        ],
        (Lang::En, Some(who)) => [format!("{who} acted first"), format!("now: {st}")],
    }
}

fn account_text(lang: Lang, s: AccountState) -> String {
    match lang {
        Lang::Ja => format!(
            "アカウントが「{}」のため実行できません",
            account_state_label(lang, s)
        ),
        Lang::En => format!(
            "not possible: the account is {}",
            account_state_label(lang, s)
        ),
    }
}

/// R-REV-1, R-REV-4, R-VISIT-1 and the state machine.
fn review_text(lang: Lang, r: ReviewRefusal) -> String {
    let (ja, en) = match r {
        ReviewRefusal::State(_, s) => {
            return match lang {
                Lang::Ja => format!(
                    "現在の状態（{}）ではこの操作はできません",
                    state_word(lang, s)
                ),
                Lang::En => format!("not possible while the item is {}", s.code()),
            };
        }
        ReviewRefusal::ApproverChecked => (
            "確認した職員は本登録できません（二者確認）",
            "the person who checked cannot approve (four-eyes)",
        ),
        ReviewRefusal::ApproverEntered => (
            "入力した職員は本登録できません（二者確認）",
            "the person who entered it cannot approve (four-eyes)",
        ),
        ReviewRefusal::VisitRequired => (
            "窓口来所が必要です。来所を記録してから本登録してください",
            "a counter visit is required: record it before approving",
        ),
        ReviewRefusal::EstablishmentNotRegistered => (
            "事業所が本登録されていません（事業所と同時の本登録もできません）",
            "the establishment is not registered (nor can it be approved with this)",
        ),
    };
    pick(lang, ja, en).to_string()
}

/// R-KEY-0.
fn key_request_text(lang: Lang, k: KeyRequestRefusal) -> String {
    let (ja, en) = match k {
        KeyRequestRefusal::NotWaiting(s) => return account_text(lang, s),
        KeyRequestRefusal::SelfRegistered => (
            "本人が登録したアカウントにはパスワード登録のキーを発行しません（登録をやり直してください）",
            "a self-registered account gets no key: it registers anew",
        ),
        KeyRequestRefusal::BirthDateRequired => {
            ("生年月日が必要です", "the birth date is required")
        }
        KeyRequestRefusal::BirthDateMismatch => (
            "生年月日が登録内容と一致しません",
            "the birth date differs from the one registered",
        ),
    };
    pick(lang, ja, en).to_string()
}

/// One short sentence for a refusal.
#[must_use]
pub fn refusal_text(lang: Lang, r: &Refusal) -> String {
    let (ja, en) = match r {
        Refusal::ActedFirst { by, now } => {
            let [who, state] = acted_first_lines(lang, by.as_deref(), *now);
            return match lang {
                Lang::Ja => format!("{who}（{state}）"),
                Lang::En => format!("{who} ({state})"),
            };
        }
        Refusal::Review(r) => return review_text(lang, *r),
        Refusal::Account(s) => return account_text(lang, *s),
        Refusal::KeyRequest(k) => return key_request_text(lang, *k),
        Refusal::Mail(s) => {
            return match lang {
                Lang::Ja => format!("メールが「{}」のためできません", mail_state_label(lang, *s)),
                Lang::En => format!("not possible: the mail is {}", mail_state_label(lang, *s)),
            };
        }
        Refusal::AuditChainBroken(why) => {
            let why = audit_reason(lang, why);
            return match lang {
                Lang::Ja => {
                    format!("監査ログの連鎖が壊れているため、先頭を記録し直せません（{why}）")
                }
                Lang::En => {
                    format!("the audit chain is broken, its head cannot be recorded anew ({why})")
                }
            };
        }
        Refusal::AlreadyClosed(date) => {
            return match lang {
                Lang::Ja => format!("{date} は既に休業日です"),
                Lang::En => format!("{date} is already a closed day"),
            };
        }
        Refusal::NotAssignedToYou => ("担当者ではありません", "not assigned to you"),
        Refusal::ColleagueCannotReview => (
            "引き継ぎ先の職員は審査できません",
            "that colleague cannot review",
        ),
        Refusal::ChangePending => (
            "このアカウントには承認待ちのID変更があります",
            "an ID change for this account is already waiting for approval",
        ),
        Refusal::ChangeDecided => (
            "このID変更は既に承認または却下されています",
            "this ID change has already been decided",
        ),
        Refusal::KeyExpired => (
            "認証キーの有効期限が切れています。認証キーを再発行してください",
            "the auth key has expired: re-issue the key",
        ),
        Refusal::MailWithoutBody => (
            "本文が消去されているため再送できません",
            "the body of the mail is gone: it cannot be sent again",
        ),
        Refusal::CannotDisableSelf => (
            "自分自身を無効にすることはできません",
            "you cannot disable yourself",
        ),
        Refusal::AlreadyInitialised => (
            "このデータベースは既に初期化されています",
            "this database is already initialised",
        ),
        Refusal::TrainingNeedsNewDatabase => (
            "使用中のデータベースは研修用にできません",
            "a database in use cannot become a training one",
        ),
    };
    pick(lang, ja, en).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::mail::MailState;
    use crate::domain::review::ReviewAction;

    fn both(r: &Refusal) -> (String, String) {
        (refusal_text(Lang::Ja, r), refusal_text(Lang::En, r))
    }

    #[test]
    fn acted_first_names_who_and_the_state_now() {
        let r = Refusal::ActedFirst {
            by: Some("鈴木 一郎".into()),
            now: SubmissionState::Registered,
        };
        assert_eq!(
            both(&r),
            (
                "鈴木 一郎さんが先に処理しました（現在の状態: 本登録）".into(),
                "鈴木 一郎 acted first (now: registered)".into()
            )
        );
        let r = Refusal::ActedFirst {
            by: None,
            now: SubmissionState::Returned,
        };
        assert_eq!(
            both(&r),
            (
                "システムが先に更新しました（現在の状態: 差戻し）".into(),
                "the system changed it first (now: returned)".into()
            )
        );
    }

    #[test]
    fn review_rules_say_which_rule() {
        let cases = [
            (
                ReviewRefusal::State(ReviewAction::Approve, SubmissionState::Received),
                "現在の状態（仮登録）ではこの操作はできません",
                "not possible while the item is received",
            ),
            (
                ReviewRefusal::ApproverChecked,
                "確認した職員は本登録できません（二者確認）",
                "the person who checked cannot approve (four-eyes)",
            ),
            (
                ReviewRefusal::ApproverEntered,
                "入力した職員は本登録できません（二者確認）",
                "the person who entered it cannot approve (four-eyes)",
            ),
            (
                ReviewRefusal::VisitRequired,
                "窓口来所が必要です。来所を記録してから本登録してください",
                "a counter visit is required: record it before approving",
            ),
            (
                ReviewRefusal::EstablishmentNotRegistered,
                "事業所が本登録されていません（事業所と同時の本登録もできません）",
                "the establishment is not registered (nor can it be approved with this)",
            ),
        ];
        for (r, ja, en) in cases {
            assert_eq!(both(&Refusal::Review(r)), (ja.into(), en.into()), "{r:?}");
        }
    }

    #[test]
    fn accounts_and_key_requests_name_the_state_or_the_rule() {
        let acc = (
            "アカウントが「マイページ開設済」のため実行できません".to_string(),
            "not possible: the account is My Page open".to_string(),
        );
        assert_eq!(both(&Refusal::Account(AccountState::Opened)), acc);
        assert_eq!(
            both(&Refusal::KeyRequest(KeyRequestRefusal::NotWaiting(
                AccountState::Opened
            ))),
            acc
        );
        let cases = [
            (
                KeyRequestRefusal::SelfRegistered,
                "本人が登録したアカウントにはパスワード登録のキーを発行しません（登録をやり直してください）",
                "a self-registered account gets no key: it registers anew",
            ),
            (
                KeyRequestRefusal::BirthDateRequired,
                "生年月日が必要です",
                "the birth date is required",
            ),
            (
                KeyRequestRefusal::BirthDateMismatch,
                "生年月日が登録内容と一致しません",
                "the birth date differs from the one registered",
            ),
        ];
        for (k, ja, en) in cases {
            assert_eq!(
                both(&Refusal::KeyRequest(k)),
                (ja.into(), en.into()),
                "{k:?}"
            );
        }
    }

    #[test]
    fn mail_refusals_name_the_state_or_the_reason() {
        assert_eq!(
            both(&Refusal::Mail(MailState::Sent)),
            (
                "メールが「送信済」のためできません".into(),
                "not possible: the mail is sent".into()
            )
        );
        assert_eq!(
            both(&Refusal::KeyExpired),
            (
                "認証キーの有効期限が切れています。認証キーを再発行してください".into(),
                "the auth key has expired: re-issue the key".into()
            )
        );
        assert_eq!(
            both(&Refusal::MailWithoutBody),
            (
                "本文が消去されているため再送できません".into(),
                "the body of the mail is gone: it cannot be sent again".into()
            )
        );
    }

    #[test]
    fn the_other_refusals() {
        let date = chrono::NaiveDate::from_ymd_opt(2026, 5, 6).unwrap_or_default();
        let cases = [
            (
                Refusal::NotAssignedToYou,
                "担当者ではありません",
                "not assigned to you",
            ),
            (
                Refusal::ColleagueCannotReview,
                "引き継ぎ先の職員は審査できません",
                "that colleague cannot review",
            ),
            (
                Refusal::ChangePending,
                "このアカウントには承認待ちのID変更があります",
                "an ID change for this account is already waiting for approval",
            ),
            (
                Refusal::ChangeDecided,
                "このID変更は既に承認または却下されています",
                "this ID change has already been decided",
            ),
            (
                Refusal::AuditChainBroken("hash_mismatch".into()),
                "監査ログの連鎖が壊れているため、先頭を記録し直せません（内容がハッシュと一致しません）",
                "the audit chain is broken, its head cannot be recorded anew (content does not match its hash)",
            ),
            (
                Refusal::AlreadyClosed(date),
                "2026-05-06 は既に休業日です",
                "2026-05-06 is already a closed day",
            ),
            (
                Refusal::CannotDisableSelf,
                "自分自身を無効にすることはできません",
                "you cannot disable yourself",
            ),
            (
                Refusal::AlreadyInitialised,
                "このデータベースは既に初期化されています",
                "this database is already initialised",
            ),
            (
                Refusal::TrainingNeedsNewDatabase,
                "使用中のデータベースは研修用にできません",
                "a database in use cannot become a training one",
            ),
        ];
        for (r, ja, en) in cases {
            assert_eq!(both(&r), (ja.into(), en.into()), "{r:?}");
        }
    }

    #[test]
    fn english_refusals_are_ascii_apart_from_names() {
        for r in [
            Refusal::ActedFirst {
                by: None,
                now: SubmissionState::Checked,
            },
            Refusal::Account(AccountState::KeyPending),
            Refusal::Mail(MailState::Held),
            Refusal::Review(ReviewRefusal::State(
                ReviewAction::Check,
                SubmissionState::Expired,
            )),
        ] {
            let en = refusal_text(Lang::En, &r);
            assert!(en.is_ascii(), "{en}");
        }
    }
}

//! Mail templates from `assets/mail/` (R-MAIL-4): Japanese, UTF-8, first line `Subject: …`,
//! a `---` line, then the body with `{{name}}` placeholders. The office footer is appended.

use std::collections::BTreeMap;

/// Every notice the program sends. `code()` is what the outbox row stores.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// R-REG-4 counter registration, employer: 「メールアドレス登録のお知らせ」, no key:
    /// how to finish online and the sender address to allow (`sender_address`).
    CounterRegisteredEmployer,
    /// R-REG-4 counter registration, job seeker (`name`): the same, with the birth date step.
    CounterRegisteredSeeker,
    /// R-KEY-0 `password.requested`: 「パスワード登録申込受付通知」 with the key.
    PasswordRequested,
    /// R-KEY-0 `account.self_registered` (seed 000): 「アカウント仮登録完了通知」 with the key
    /// and the deadline rule (R-DL-1 (a), R-DL-2).
    SelfRegistered,
    /// R-KEY-3
    KeyReissued,
    /// R-REV-6 「仮登録の期限が近づいています」: `deadline`, `days_left`, `item`.
    ProvisionalReminder,
    /// R-REV-3 「本登録完了のお知らせ」: `establishment_name`, `establishment_number`,
    /// `registered_items` (lines, may be empty).
    RegistrationCompleted,
    /// R-REV-2 差戻し: `item`, `reason`, `comment` (may be empty), `deadline`.
    Returned,
    /// R-REV-2 不受理: `item`, `reason`, `comment` (may be empty).
    Rejected,
    /// R-DL-3 期限切れにより無効: `deadline`.
    Invalidated,
    /// R-ID-2 「登録ID（メールアドレス）のお知らせ」: `login_id`.
    IdNotice,
    /// R-ID-4 to the old address: `changed_at_jst`, `new_login_id_masked`.
    EmailChangedOld,
    /// R-ID-4 to the new address, with its fresh key: `login_id`, `auth_key`, `key_expires_jst`.
    EmailChangedNew,
}

impl Template {
    pub const ALL: [Template; 13] = [
        Template::CounterRegisteredEmployer,
        Template::CounterRegisteredSeeker,
        Template::PasswordRequested,
        Template::SelfRegistered,
        Template::KeyReissued,
        Template::ProvisionalReminder,
        Template::RegistrationCompleted,
        Template::Returned,
        Template::Rejected,
        Template::Invalidated,
        Template::IdNotice,
        Template::EmailChangedOld,
        Template::EmailChangedNew,
    ];

    /// The template a stored `code()` names.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Template> {
        Template::ALL.into_iter().find(|t| t.code() == code)
    }

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Template::CounterRegisteredEmployer => "counter_registered_employer",
            Template::CounterRegisteredSeeker => "counter_registered_seeker",
            Template::PasswordRequested => "password_requested",
            Template::SelfRegistered => "self_registered",
            Template::KeyReissued => "key_reissued",
            Template::ProvisionalReminder => "provisional_reminder",
            Template::RegistrationCompleted => "registration_completed",
            Template::Returned => "returned",
            Template::Rejected => "rejected",
            Template::Invalidated => "invalidated",
            Template::IdNotice => "id_notice",
            Template::EmailChangedOld => "email_changed_old",
            Template::EmailChangedNew => "email_changed_new",
        }
    }

    fn source(self) -> &'static str {
        match self {
            Template::CounterRegisteredEmployer => {
                include_str!("../../assets/mail/counter_registered_employer.txt")
            }
            Template::CounterRegisteredSeeker => {
                include_str!("../../assets/mail/counter_registered_seeker.txt")
            }
            Template::PasswordRequested => include_str!("../../assets/mail/password_requested.txt"),
            Template::SelfRegistered => include_str!("../../assets/mail/self_registered.txt"),
            Template::KeyReissued => include_str!("../../assets/mail/key_reissued.txt"),
            Template::ProvisionalReminder => {
                include_str!("../../assets/mail/provisional_reminder.txt")
            }
            Template::RegistrationCompleted => {
                include_str!("../../assets/mail/registration_completed.txt")
            }
            Template::Returned => include_str!("../../assets/mail/returned.txt"),
            Template::Rejected => include_str!("../../assets/mail/rejected.txt"),
            Template::Invalidated => include_str!("../../assets/mail/invalidated.txt"),
            Template::IdNotice => include_str!("../../assets/mail/id_notice.txt"),
            Template::EmailChangedOld => include_str!("../../assets/mail/email_changed_old.txt"),
            Template::EmailChangedNew => include_str!("../../assets/mail/email_changed_new.txt"),
        }
    }

    /// Whether the mail carries an auth key, and so must be scrubbed once sent (R-KEY-2).
    /// A stored code of no template here (a notice of an older version) counts as carrying
    /// one, so that its body is scrubbed all the same.
    #[must_use]
    pub fn carries_key(self) -> bool {
        self.source().contains("{{auth_key}}")
    }
}

const FOOTER: &str = include_str!("../../assets/mail/footer.txt");

/// The office details every mail ends with.
#[derive(Debug, Clone, Default)]
pub struct Footer {
    pub office_name: String,
    /// The sender address (`mail.from`), which the customer may have to allow.
    pub sender_address: String,
    pub phone: String,
    pub hours: String,
    pub extra: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub body: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TemplateError {
    #[error("template {0}: no `Subject:` line and `---` separator")]
    Shape(&'static str),
    #[error("template {template}: no value for {{{{{name}}}}}")]
    Missing {
        template: &'static str,
        name: String,
    },
}

/// Fills the template. A placeholder without a value is an error, never an empty hole in a
/// customer's mail.
///
/// # Errors
/// A malformed template or a missing value.
pub fn render(
    t: Template,
    vars: &BTreeMap<&str, String>,
    footer: &Footer,
) -> Result<Rendered, TemplateError> {
    let src = t.source();
    let (head, body) = src
        .split_once("\n---\n")
        .ok_or(TemplateError::Shape(t.code()))?;
    let subject = head
        .strip_prefix("Subject: ")
        .ok_or(TemplateError::Shape(t.code()))?;
    let mut all = vars.clone();
    all.insert("office_name", footer.office_name.clone());
    all.insert("sender_address", footer.sender_address.clone());
    let line = |s: &str| {
        if s.is_empty() {
            String::new()
        } else {
            format!("{s}\n")
        }
    };
    all.insert("office_phone_line", line(&footer.phone));
    all.insert("office_hours_line", line(&footer.hours));
    all.insert("extra_footer", line(&footer.extra));
    let fill = |text: &str| fill(text, &all, t.code());
    Ok(Rendered {
        subject: fill(subject.trim())?,
        body: format!("{}{}", fill(body)?, fill(FOOTER)?),
    })
}

fn fill(
    text: &str,
    vars: &BTreeMap<&str, String>,
    template: &'static str,
) -> Result<String, TemplateError> {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let name = &after[..end];
        let value = vars.get(name).ok_or_else(|| TemplateError::Missing {
            template,
            name: name.to_string(),
        })?;
        out.push_str(value);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn footer() -> Footer {
        Footer {
            office_name: "飯田橋".into(),
            sender_address: "madoguchi@example.go.jp".into(),
            phone: "03-3812-8609".into(),
            hours: String::new(),
            extra: String::new(),
        }
    }

    #[test]
    fn r_reg_4_counter_registration_mail_guides_online_and_carries_no_key() {
        for t in [
            Template::CounterRegisteredEmployer,
            Template::CounterRegisteredSeeker,
        ] {
            assert!(!t.carries_key(), "{t:?}");
            let vars = BTreeMap::from([("name", "山田 太郎".to_string())]);
            let r = render(t, &vars, &footer()).expect("render");
            assert_eq!(r.subject, "【ハローワーク】メールアドレス登録のお知らせ");
            assert!(r.body.contains("「パスワード登録」"), "{t:?}");
            assert!(
                r.body.contains("「madoguchi@example.go.jp」からの"),
                "{t:?}"
            );
            assert!(r.body.contains("50分間"), "{t:?}");
            assert!(!r.body.contains("認証キー："), "{t:?}");
            assert!(r.body.contains("ハローワーク飯田橋\n03-3812-8609\n"));
        }
        let seeker = render(
            Template::CounterRegisteredSeeker,
            &BTreeMap::from([("name", "山田 太郎".to_string())]),
            &footer(),
        )
        .expect("render");
        assert!(seeker.body.starts_with("山田 太郎 様"));
        assert!(seeker.body.contains("生年月日"));
    }

    #[test]
    fn r_key_0_key_mails_carry_the_key_and_their_seed_subjects() {
        let vars = BTreeMap::from([
            ("auth_key", "ABCD-EFGH-JKMN".to_string()),
            ("key_expires_jst", "2026-11-23 15:00".to_string()),
        ]);
        for (t, subject) in [
            (
                Template::PasswordRequested,
                "【ハローワーク】パスワード登録申込受付通知",
            ),
            (
                Template::SelfRegistered,
                "【ハローワーク】アカウント仮登録完了通知",
            ),
        ] {
            assert!(t.carries_key());
            let r = render(t, &vars, &footer()).expect("render");
            assert_eq!(r.subject, subject);
            assert!(r.body.contains("認証キー： ABCD-EFGH-JKMN"));
            // The customer is not sent back to the counter for a new key.
            assert!(!r.body.contains("窓口で認証キーの再発行"), "{t:?}");
        }
        // SPEC §9: the deadline counts from アカウント登録完了日, moved to the previous open day.
        let r = render(Template::SelfRegistered, &vars, &footer()).expect("render");
        assert!(r.body.contains("アカウント登録完了日の翌日から14日以内"));
        assert!(r.body.contains("その前の開庁日まで"));
    }

    #[test]
    fn r_mail_4_missing_value_is_an_error() {
        let err = render(Template::KeyReissued, &BTreeMap::new(), &footer()).expect_err("missing");
        assert!(matches!(err, TemplateError::Missing { .. }));
    }

    fn all_vars() -> BTreeMap<&'static str, String> {
        BTreeMap::from([
            ("auth_key", "K".to_string()),
            ("key_expires_jst", "x".to_string()),
            ("name", "n".to_string()),
            ("deadline", "2026年3月31日".to_string()),
            ("days_left", "3".to_string()),
            ("item", "求人 13010-12345678".to_string()),
            ("establishment_name", "株式会社テスト".to_string()),
            ("establishment_number", "1301-999999-9".to_string()),
            ("registered_items", String::new()),
            ("reason", "労働条件の明示が不足".to_string()),
            ("comment", String::new()),
            ("login_id", "tanaka@example.co.jp".to_string()),
            ("changed_at_jst", "2026-11-23 14:00".to_string()),
            ("new_login_id_masked", "ta****@ex*****.co.jp".to_string()),
            ("opened_line", String::new()),
        ])
    }

    #[test]
    fn every_template_renders_with_its_values() {
        let vars = all_vars();
        for t in Template::ALL {
            let r = render(t, &vars, &footer()).expect("render");
            assert!(r.subject.starts_with("【ハローワーク】"), "{t:?}");
            assert_eq!(t.carries_key(), r.body.contains("K\n"), "{t:?}");
            assert!(!r.body.contains("{{"), "{t:?}");
            assert_eq!(Template::from_code(t.code()), Some(t));
        }
    }

    #[test]
    fn spec_notices_have_their_subjects() {
        let vars = all_vars();
        let subject = |t| render(t, &vars, &footer()).expect("render").subject;
        assert!(subject(Template::ProvisionalReminder).contains("仮登録の期限が近づいています"));
        assert!(subject(Template::RegistrationCompleted).contains("本登録完了のお知らせ"));
        assert!(subject(Template::Returned).contains("差戻し"));
        assert!(subject(Template::Rejected).contains("不受理"));
        assert!(subject(Template::Invalidated).contains("期限切れにより"));
        assert!(subject(Template::IdNotice).contains("登録ID（メールアドレス）のお知らせ"));
        assert!(subject(Template::EmailChangedOld).contains("変更"));
        assert!(subject(Template::EmailChangedNew).contains("変更"));
    }

    #[test]
    fn r_id_4_only_the_new_address_gets_the_key() {
        assert!(Template::EmailChangedNew.carries_key());
        assert!(!Template::EmailChangedOld.carries_key());
        let r = render(Template::EmailChangedOld, &all_vars(), &footer()).expect("render");
        assert!(r.body.contains("ta****@ex*****.co.jp"));
        assert!(!r.body.contains("tanaka@"));
    }

    #[test]
    fn each_notice_needs_its_own_values() {
        for (t, name) in [
            (Template::ProvisionalReminder, "deadline"),
            (Template::RegistrationCompleted, "establishment_number"),
            (Template::Returned, "reason"),
            (Template::Rejected, "reason"),
            (Template::Invalidated, "deadline"),
            (Template::IdNotice, "login_id"),
            (Template::EmailChangedOld, "new_login_id_masked"),
            (Template::EmailChangedNew, "auth_key"),
        ] {
            let mut vars = all_vars();
            vars.remove(name);
            let err = render(t, &vars, &footer()).expect_err("missing");
            assert_eq!(
                err,
                TemplateError::Missing {
                    template: t.code(),
                    name: name.to_string()
                }
            );
        }
    }
}

//! Tests of the command line's words: every issue code has both languages, the messages name
//! the field and the rule.

use super::*;
use crate::domain::ids::AccountId;

#[test]
fn r_reg_2_fullwidth_hint_names_field_and_converted_form() {
    let i = FieldIssue::warning("email", "email_fullwidth").with("taro@example.jp");
    assert_eq!(
        issue_message(Lang::Ja, &i),
        "メールアドレス: 全角文字が含まれています。半角に変換した「taro@example.jp」でよければ確認してください"
    );
    assert!(issue_message(Lang::En, &i).starts_with("Email: "));
}

#[test]
fn r_reg_2_old_carrier_address_told_why_and_what_to_do() {
    for typed in [
        "taro..yamada@docomo.ne.jp",
        "hanako.@ezweb.ne.jp",
        ".taro@au.com",
    ] {
        let e = crate::domain::email::Email::parse(typed).expect_err(typed);
        let i = FieldIssue::error("email", e.code());
        let ja = issue_message(Lang::Ja, &i);
        assert!(ja.starts_with("メールアドレス: "), "{ja}");
        assert!(ja.contains("メールが届きません"), "{ja}");
        assert!(ja.contains("別のメールアドレス"), "{ja}");
        assert!(!ja.contains("正しくありません"), "{ja}");
        let en = issue_message(Lang::En, &i);
        assert!(en.contains("cannot be delivered"), "{en}");
    }
}

#[test]
fn r_reg_2_email_in_use_names_the_holder() {
    let e = Failure::EmailInUse {
        account_id: AccountId(7),
        kind: AccountKind::Employer,
    };
    assert!(error_message(Lang::Ja, e).contains("求人者アカウント #7"));
}

#[test]
fn issue_15_a_date_outside_its_era_names_the_eras_days() {
    let i = FieldIssue::error("birth_date", "date_outside_heisei");
    assert_eq!(
        issue_message(Lang::Ja, &i),
        "生年月日: 平成は1989年1月8日〜2019年4月30日です。元号と年を確かめてください"
    );
    let i = FieldIssue::error("since", "date_outside_reiwa");
    assert_eq!(
        issue_message(Lang::Ja, &i),
        "開始日: 令和は2019年5月1日からです。元号と年を確かめてください"
    );
    let i = FieldIssue::error("birth_date", "date_format");
    assert!(issue_message(Lang::Ja, &i).contains("平成2年4月5日"));
    assert!(issue_message(Lang::En, &i).starts_with("Date of birth: is not a date"));
}

#[test]
fn every_listed_code_has_its_own_words() {
    let codes = [
        "required",
        "email_mismatch",
        "email_fullwidth",
        "email_free_mail",
        "establishment_unknown",
        "establishment_accounts_full",
        "staff_name_format",
        "staff_name_taken",
        "password_wrong",
        "password_mismatch",
        "password_unchanged",
        "date_format",
        "date_no_such_day",
        "date_before_since",
        "date_year_range",
        "date_outside_meiji",
        "date_outside_taisho",
        "date_outside_showa",
        "date_outside_heisei",
        "date_outside_reiwa",
        "birth_date_range",
        "too_long",
        "office_code_format",
        "non_ascii",
        "at_sign",
        "local_part",
        "local_part_dots",
        "domain",
        "format",
        "check_digit",
        "not_kana",
        "too_short",
        "common",
        "same_as_name",
    ];
    assert_eq!(rule_text(Lang::Ja, Some("x"), "no-such-code", None), None);
    for c in codes {
        assert!(
            rule_text(Lang::Ja, Some("email"), c, Some("9")).is_some(),
            "{c}"
        );
        assert!(
            rule_text(Lang::En, Some("email"), c, Some("9")).is_some(),
            "{c}"
        );
    }
}

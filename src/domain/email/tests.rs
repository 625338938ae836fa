//! Tests of the address rules (R-REG-1..3): what is accepted, how it is keyed, every error
//! code, and property tests of the parser.

use super::*;
use proptest::prelude::*;

fn ok(s: &str) -> Email {
    Email::parse(s).expect("valid address")
}

#[test]
fn r_reg_2_accepts_ordinary_addresses() {
    assert_eq!(ok("taro@example.co.jp").as_str(), "taro@example.co.jp");
    assert_eq!(
        ok("taro.yamada+job@mail.example.com").as_str(),
        "taro.yamada+job@mail.example.com"
    );
    assert_eq!(ok("a@b.jp").as_str(), "a@b.jp");
    assert_eq!(
        ok("o'brien_x-y@ex-ample.co.jp").as_str(),
        "o'brien_x-y@ex-ample.co.jp"
    );
    assert_eq!(
        ok("!#$%&'*+-/=?^_`{|}~@example.com").local_part(),
        "!#$%&'*+-/=?^_`{|}~"
    );
    assert_eq!(ok("user@123.example.com").domain(), "123.example.com");
}

#[test]
fn r_reg_2_trims_surrounding_whitespace_including_ideographic_space() {
    assert_eq!(ok("  taro@example.co.jp\t").as_str(), "taro@example.co.jp");
    assert_eq!(
        ok("\u{3000}taro@example.co.jp\u{3000}").as_str(),
        "taro@example.co.jp"
    );
}

#[test]
fn r_reg_2_lowercases_domain_keeps_local_part() {
    let e = ok("Taro.Yamada@Example.CO.JP");
    assert_eq!(e.as_str(), "Taro.Yamada@example.co.jp");
    assert_eq!(e.local_part(), "Taro.Yamada");
    assert_eq!(e.domain(), "example.co.jp");
    assert_eq!(e.key(), "taro.yamada@example.co.jp");
    assert_eq!(e.to_string(), "Taro.Yamada@example.co.jp");
}

#[test]
fn r_reg_2_key_compares_the_whole_address_case_insensitively() {
    assert_eq!(ok("taro@EXAMPLE.com").key(), ok("taro@example.com").key());
    assert_eq!(ok("Taro@gmail.com").key(), ok("taro@gmail.com").key());
    assert_eq!(ok("TARO.Yamada@Gmail.COM").key(), "taro.yamada@gmail.com");
    assert_ne!(ok("taro@gmail.com").key(), ok("tar0@gmail.com").key());
    // Stored as typed (the domain lower-cased).
    assert_eq!(ok("Taro@Gmail.com").as_str(), "Taro@gmail.com");
    assert_eq!(
        key_of_input("Taro@gmail.com").as_deref(),
        Some("taro@gmail.com")
    );
    assert_eq!(
        key_of_input("Ｔａｒｏ＠ｇｍａｉｌ．ｃｏｍ").as_deref(),
        Some("taro@gmail.com")
    );
    assert_eq!(key_of_input("taro"), None);
    // Old carrier addresses are refused for new accounts but still found.
    assert_eq!(
        key_of_input(" Taro..Yamada@DoCoMo.ne.jp ").as_deref(),
        Some("taro..yamada@docomo.ne.jp")
    );
    assert_eq!(key_of_stored("Taro@gmail.com"), "taro@gmail.com");
    // An old row the rules refuse today still gets the same kind of key.
    assert_eq!(
        key_of_stored("Taro..Y@docomo.ne.jp"),
        "taro..y@docomo.ne.jp"
    );
}

#[test]
fn r_reg_2_old_carrier_addresses_are_refused_for_their_dots() {
    for bad in [
        "taro..yamada@docomo.ne.jp",
        "hanako.@ezweb.ne.jp",
        ".taro@softbank.ne.jp",
        "a...b@docomo.ne.jp",
        ".@docomo.ne.jp",
    ] {
        assert_eq!(Email::parse(bad), Err(EmailError::LocalPartDots), "{bad}");
    }
    assert_eq!(EmailError::LocalPartDots.code(), "local_part_dots");
    // A character not allowed is still the general local-part reason.
    assert_eq!(
        Email::parse("ta ro.@docomo.ne.jp"),
        Err(EmailError::LocalPart)
    );
    assert!(Email::parse("taro.yamada@docomo.ne.jp").is_ok());
}

#[test]
fn r_reg_2_empty() {
    assert_eq!(Email::parse(""), Err(EmailError::Empty));
    assert_eq!(Email::parse(" \u{3000}\t"), Err(EmailError::Empty));
}

#[test]
fn r_reg_2_accepts_100_characters() {
    let local = "a".repeat(64);
    let domain = format!("{}.co.jp", "b".repeat(100 - 64 - 1 - 6));
    let s = format!("{local}@{domain}");
    assert_eq!(s.len(), 100);
    assert_eq!(ok(&s).as_str(), s);
}

#[test]
fn r_reg_2_rejects_101_characters() {
    let local = "a".repeat(64);
    let domain = format!("{}.co.jp", "b".repeat(101 - 64 - 1 - 6));
    let s = format!("{local}@{domain}");
    assert_eq!(s.len(), 101);
    assert_eq!(Email::parse(&s), Err(EmailError::TooLong { len: 101 }));
}

#[test]
fn r_reg_2_local_part_longer_than_64_is_refused() {
    let s = format!("{}@example.jp", "a".repeat(65));
    assert_eq!(Email::parse(&s), Err(EmailError::LocalPart));
}

#[test]
fn r_reg_2_exactly_one_at_sign() {
    assert_eq!(Email::parse("taro.example.com"), Err(EmailError::AtSign));
    assert_eq!(Email::parse("taro@@example.com"), Err(EmailError::AtSign));
    assert_eq!(Email::parse("ta@ro@example.com"), Err(EmailError::AtSign));
    assert_eq!(
        Email::parse("\"ta@ro\"@example.com"),
        Err(EmailError::AtSign)
    );
}

#[test]
fn r_reg_2_local_part_rules() {
    for bad in [
        "@example.com",
        "ta ro@example.com",
        "ta(ro)@example.com",
        "ta,ro@example.com",
        "\"taro\"@example.com",
        "ta\\ro@example.com",
        "ta:ro@example.com",
        "ta;ro@example.com",
        "<taro>@example.com",
        "ta[ro]@example.com",
    ] {
        assert_eq!(Email::parse(bad), Err(EmailError::LocalPart), "{bad}");
    }
}

#[test]
fn r_reg_2_domain_rules() {
    for bad in [
        "taro@",
        "taro@localhost",
        "taro@example",
        "taro@.example.com",
        "taro@example.com.",
        "taro@example..com",
        "taro@-example.com",
        "taro@example-.com",
        "taro@exa_mple.com",
        "taro@exa mple.com",
        "taro@192.168.0.1",
        "taro@[192.168.0.1]",
        "taro@example.123",
    ] {
        assert_eq!(Email::parse(bad), Err(EmailError::Domain), "{bad}");
    }
    let long_label = format!("taro@{}.jp", "a".repeat(64));
    assert_eq!(Email::parse(&long_label), Err(EmailError::Domain));
    assert!(Email::parse(&format!("taro@{}.jp", "a".repeat(63))).is_ok());
    assert!(Email::parse("taro@ex-am-ple.co.jp").is_ok());
    assert!(Email::parse("taro@example.c0m").is_ok());
}

#[test]
fn r_reg_2_full_width_offers_half_width_conversion() {
    assert_eq!(
        Email::parse("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏ．ｊｐ"),
        Err(EmailError::FullWidth {
            converted: "taro@example.co.jp".to_string()
        })
    );
    // Only the at sign is full-width.
    assert_eq!(
        Email::parse("taro＠example.co.jp"),
        Err(EmailError::FullWidth {
            converted: "taro@example.co.jp".to_string()
        })
    );
    // Conversion lower-cases the domain like a normal parse.
    assert_eq!(
        Email::parse("Ｔａｒｏ＠ＥＸＡＭＰＬＥ．ＪＰ\u{3000}"),
        Err(EmailError::FullWidth {
            converted: "Taro@example.jp".to_string()
        })
    );
}

#[test]
fn r_reg_2_full_width_without_valid_conversion_is_non_ascii() {
    // Converts, but the result has no at sign.
    assert_eq!(
        Email::parse("ｔａｒｏ．ｅｘａｍｐｌｅ．ｊｐ"),
        Err(EmailError::NonAscii)
    );
    // An ideographic space inside converts to a space, which is not allowed.
    assert_eq!(
        Email::parse("ta\u{3000}ro@example.jp"),
        Err(EmailError::NonAscii)
    );
}

#[test]
fn r_reg_2_other_non_ascii_is_refused() {
    assert_eq!(Email::parse("たろう@example.jp"), Err(EmailError::NonAscii));
    assert_eq!(Email::parse("taro@例え.jp"), Err(EmailError::NonAscii));
    assert_eq!(Email::parse("tarö@example.jp"), Err(EmailError::NonAscii));
    // Half-width katakana is not a full-width ASCII form.
    assert_eq!(Email::parse("ﾀﾛｳ@example.jp"), Err(EmailError::NonAscii));
    // Compatibility characters outside the full-width block are not offered a conversion.
    assert_eq!(Email::parse("taro①@example.jp"), Err(EmailError::NonAscii));
}

#[test]
fn r_reg_1_confirmed_entries_must_match() {
    assert_eq!(
        parse_confirmed("taro@example.co.jp", " taro@EXAMPLE.co.jp "),
        Ok(ok("taro@example.co.jp"))
    );
    assert_eq!(
        parse_confirmed("taro@example.co.jp", "tar0@example.co.jp"),
        Err(EmailError::Mismatch)
    );
    // R-REG-2: one address whatever the letter case; the first entry is kept as typed.
    assert_eq!(
        parse_confirmed("Taro@example.co.jp", "taro@example.co.jp"),
        Ok(ok("Taro@example.co.jp"))
    );
    assert_eq!(
        parse_confirmed("taro@example.co.jp", ""),
        Err(EmailError::Mismatch)
    );
    assert_eq!(
        parse_confirmed("taro@example.co.jp", "taro@"),
        Err(EmailError::Mismatch)
    );
}

#[test]
fn r_reg_1_confirmed_first_entry_error_comes_first() {
    assert_eq!(parse_confirmed("", ""), Err(EmailError::Empty));
    assert_eq!(parse_confirmed("taro", "taro"), Err(EmailError::AtSign));
    assert_eq!(
        parse_confirmed("taro@x", "other@example.jp"),
        Err(EmailError::Domain)
    );
}

#[test]
fn r_reg_1_confirmed_full_width_asks_for_confirmation_once() {
    let fw = Err(EmailError::FullWidth {
        converted: "taro@example.jp".to_string(),
    });
    assert_eq!(
        parse_confirmed(
            "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ",
            "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ"
        ),
        fw
    );
    assert_eq!(
        parse_confirmed("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "taro@example.jp"),
        fw
    );
    assert_eq!(
        parse_confirmed("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "jiro@example.jp"),
        Err(EmailError::Mismatch)
    );
    // After the clerk confirms, the UI passes the converted text.
    assert_eq!(
        parse_confirmed("taro@example.jp", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ"),
        Ok(ok("taro@example.jp"))
    );
}

#[test]
fn r_reg_3_free_mail_is_exact_case_insensitive_domain_match() {
    let list = default_free_mail_domains();
    assert!(is_free_mail(&ok("taro@gmail.com"), &list));
    assert!(is_free_mail(&ok("taro@GMail.COM"), &list));
    assert!(is_free_mail(&ok("taro@i.softbank.jp"), &list));
    assert!(is_free_mail(&ok("taro@docomo.ne.jp"), &list));
    assert!(!is_free_mail(&ok("taro@example.co.jp"), &list));
    assert!(!is_free_mail(&ok("taro@mail.gmail.com"), &list));
    assert!(!is_free_mail(&ok("taro@gmail.com.example.jp"), &list));
    let custom = vec![" Example.JP ".to_string()];
    assert!(is_free_mail(&ok("taro@example.jp"), &custom));
    assert!(!is_free_mail(&ok("taro@example.jp"), &[]));
}

#[test]
fn r_reg_3_default_list_is_valid_lowercase_and_unique() {
    let list = default_free_mail_domains();
    assert_eq!(list.len(), 24);
    for d in &list {
        assert_eq!(d, &d.to_ascii_lowercase());
        assert!(Email::parse(&format!("x@{d}")).is_ok(), "{d}");
    }
    let mut sorted = list.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted.len(), list.len());
}

#[test]
fn r_reg_2_error_codes_are_stable() {
    let all = [
        (EmailError::Empty, "empty"),
        (EmailError::TooLong { len: 101 }, "too_long"),
        (
            EmailError::FullWidth {
                converted: String::new(),
            },
            "full_width",
        ),
        (EmailError::NonAscii, "non_ascii"),
        (EmailError::AtSign, "at_sign"),
        (EmailError::Domain, "domain"),
        (EmailError::LocalPart, "local_part"),
        (EmailError::LocalPartDots, "local_part_dots"),
        (EmailError::Mismatch, "mismatch"),
    ];
    for (e, code) in all {
        assert_eq!(e.code(), code);
    }
}

proptest! {
    #[test]
    fn r_reg_2_never_panics(a in ".*", b in ".*") {
        let _ = Email::parse(&a);
        let _ = parse_confirmed(&a, &b);
    }

    #[test]
    fn r_reg_2_ok_output_obeys_the_rules(s in "[ -~\u{3000}\u{FF01}-\u{FF5E}]{0,120}") {
        match Email::parse(&s) {
            Ok(e) => {
                prop_assert!(e.as_str().is_ascii());
                prop_assert!(e.as_str().len() <= MAX_LEN);
                prop_assert_eq!(e.as_str().matches('@').count(), 1);
                prop_assert_eq!(Email::parse(e.as_str()), Ok(e.clone()));
            }
            Err(EmailError::FullWidth { converted }) => {
                prop_assert!(Email::parse(&converted).is_ok());
            }
            Err(_) => {}
        }
    }

    #[test]
    fn r_reg_2_generated_valid_addresses_parse(
        local in "[a-z0-9_+-]{1,20}(\\.[a-z0-9_+-]{1,10}){0,2}",
        domain in "[a-z0-9]{1,10}(\\.[a-z0-9]{1,10}){0,2}\\.[a-z]{2,6}",
    ) {
        let s = format!("{local}@{domain}");
        prop_assert_eq!(Email::parse(&s).map(|e| e.key()), Ok(s.to_ascii_lowercase()));
    }
}

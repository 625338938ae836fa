//! Searching (R-ID-1): every key, width and kana forms, injection-shaped input, birth dates as
//! clerks type them.

use madoguchi::domain::account::AccountKind;
use madoguchi::domain::ids::AccountId;
use madoguchi::service::ServiceError;
use madoguchi::service::lookup::{self, SearchKey};
use madoguchi::storage;

use super::{Env, env, find};

#[test]
fn r_id_1_search_by_every_key_including_width_kana_kind_and_short_names() {
    let mut e = env();
    let emp = Some(e.employer);
    let cases: Vec<(SearchKey, Option<AccountId>)> = vec![
        (
            SearchKey::EstablishmentNumber("１３０１－１２３４５６－７".into()),
            emp,
        ),
        (SearchKey::EstablishmentNumber("13011234567".into()), emp),
        (SearchKey::CorporateNumber("7000012050002".into()), emp),
        (SearchKey::Name("ハローワーク".into()), emp),
        (SearchKey::Name("ﾊﾛｰﾜｰｸ 飯田".into()), emp),
        (SearchKey::Kana("ﾊﾛｰﾜｰｸ".into()), emp),
        (SearchKey::Kana("はろーわーく　いいだ".into()), emp),
        (SearchKey::Kana("イイダバシ".into()), emp),
        (SearchKey::Phone("０３（３８１２）８６０９".into()), emp),
        (SearchKey::Postal("〒112-8577".into()), emp),
        (
            SearchKey::SeekerNumber("13010-00012345".into()),
            Some(e.seeker),
        ),
        (
            SearchKey::SeekerKana {
                kana: "やまだ たろう".into(),
                birth_date: "１９９０-０４-０１".into(),
            },
            Some(e.seeker),
        ),
        (SearchKey::Email("ｔａｎａｋａ@EXAMPLE.CO.JP".into()), emp),
    ];
    for (key, want) in cases {
        let hits = find(&mut e, &key);
        assert_eq!(hits.first().and_then(|h| h.account_id), want, "{key:?}");
        // R-ID-2: emails are masked in results.
        for h in &hits {
            let m = h.email_masked.as_deref().unwrap_or("");
            assert!(m.contains('*'), "{key:?}: {m}");
        }
    }
    // 2-character names: prefix on the indexed key (ＡＢ → ab), kana 2 characters.
    let ab = find(&mut e, &SearchKey::Name("ab".into()));
    assert_eq!(ab.len(), 1);
    assert_eq!(ab[0].name, "ＡＢ商事");
    assert_eq!(find(&mut e, &SearchKey::Kana("えー".into())).len(), 1);
    // …and after a legal form: 株式会社ハローワーク… for ハロ, カブシキガイシャ　ハロ… for ﾊﾛ.
    assert_eq!(
        find(&mut e, &SearchKey::Name("ハロ".into()))[0].account_id,
        emp
    );
    assert_eq!(
        find(&mut e, &SearchKey::Kana("ﾊﾛ".into()))[0].account_id,
        emp
    );
    // The masked form of the spec.
    let h = &find(&mut e, &SearchKey::CorporateNumber("7000012050002".into()))[0];
    assert_eq!(h.email_masked.as_deref(), Some("ta****@ex*****.co.jp"));
    // A seeker's wrong birth date finds nobody.
    assert!(
        find(
            &mut e,
            &SearchKey::SeekerKana {
                kana: "ヤマダ".into(),
                birth_date: "1990-04-02".into()
            }
        )
        .is_empty()
    );
}

#[test]
fn r_id_1_injection_shaped_input_simply_finds_nothing() {
    let mut e = env();
    for s in [
        "' OR 1=1 --",
        "\" OR \"a\"",
        "x'); DROP TABLE accounts; --",
        "NEAR(a b)",
        "*",
        "%",
        "_",
    ] {
        assert!(find(&mut e, &SearchKey::Name(s.into())).is_empty(), "{s}");
        assert!(find(&mut e, &SearchKey::Kana(s.into())).is_empty(), "{s}");
    }
    assert_eq!(storage::accounts::count(e.store.conn()).expect("count"), 3);
}

/// Issue 15 item 8 (R-ID-1, R-REG-1): the job seeker's birth date is read by the one date
/// parser in ID照会 and at counter registration: Western with any separator, 年月日, 和暦 by
/// name or initial, full-width; a date outside its era is refused with its own code.
#[test]
fn r_id_1_seeker_birth_date_in_every_form_a_clerk_types() {
    let mut e = env();
    for typed in [
        "1990-04-01",
        "1990/4/1",
        "1990年4月1日",
        "平成2年4月1日",
        "H2.4.1",
        "ｈ２．４．１",
        "１９９０／４／１",
    ] {
        let hits = find(
            &mut e,
            &SearchKey::SeekerKana {
                kana: "ヤマダ".into(),
                birth_date: typed.into(),
            },
        );
        assert_eq!(
            hits.first().and_then(|h| h.account_id),
            Some(e.seeker),
            "{typed}"
        );
    }
    let clerk = e.clerk.clone();
    let refused = |e: &mut Env, typed: &str| match lookup::search(
        &mut e.store,
        &clerk,
        "ID照会",
        &SearchKey::SeekerKana {
            kana: "ヤマダ".into(),
            birth_date: typed.into(),
        },
    ) {
        Err(ServiceError::Invalid(v)) => v.iter().map(|i| (i.field, i.code)).collect::<Vec<_>>(),
        other => panic!("{typed}: {other:?}"),
    };
    assert_eq!(
        refused(&mut e, "平成31年5月1日"),
        [("birth_date", "date_outside_heisei")]
    );
    assert_eq!(
        refused(&mut e, "1990/4/31"),
        [("birth_date", "date_no_such_day")]
    );
    assert_eq!(refused(&mut e, "90/4/1"), [("birth_date", "date_format")]);

    // Counter registration: 和暦 is stored as the Western date; S64.1.8 is not 昭和.
    let input = |birth: &str, email: &str| madoguchi::service::accounts::RegisterInput {
        kind: Some(AccountKind::Seeker),
        email: email.into(),
        email_confirm: email.into(),
        birth_date: birth.into(),
        name: "佐藤 花子".into(),
        name_kana: "サトウ　ハナコ".into(),
        seeker_number: "13010-00054321".into(),
        ..Default::default()
    };
    let cfg = e.cfg.clone();
    let r = madoguchi::service::accounts::register(
        &mut e.store,
        &cfg,
        &clerk,
        &input("昭和64年1月7日", "hanako.sato@example.jp"),
    )
    .expect("registered");
    let row = storage::accounts::by_id(e.store.conn(), r.account_id)
        .expect("q")
        .expect("row");
    assert_eq!(row.birth_date.as_deref(), Some("1989-01-07"));
    match madoguchi::service::accounts::register(
        &mut e.store,
        &cfg,
        &clerk,
        &input("S64.1.8", "hanako.sato2@example.jp"),
    ) {
        Err(ServiceError::Invalid(v)) => {
            let codes: Vec<_> = v.iter().map(|i| (i.field, i.code)).collect();
            assert_eq!(codes, [("birth_date", "date_outside_showa")]);
        }
        other => panic!("{other:?}"),
    }
}

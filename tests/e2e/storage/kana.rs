//! The one kana rule (SPEC §5) at counter registration and in seeker and establishment lookups.

use madoguchi::service::ServiceError;
use madoguchi::service::accounts;
use madoguchi::storage;

use super::{employer, env, seeker, t0};

#[test]
fn spec_5_seeker_kana_at_counter_registration_follows_the_one_kana_rule() {
    let mut e = env();
    let cases = [
        ("ジョン・スミス", "ジョン・スミス"),
        ("ｶﾞｷﾞｸﾞ ﾀﾛｳ", "ガギグ　タロウ"),
        ("やまだ　たろう", "ヤマダ　タロウ"),
        ("ジョン-スミス", "ジョンースミス"),
        ("ｼﾞｮﾝ･ｽﾐｽ", "ジョン・スミス"),
    ];
    for (i, (typed, stored)) in cases.iter().enumerate() {
        let r = accounts::register(
            &mut e.store,
            &e.cfg,
            &e.clerk,
            &seeker(
                &format!("kana{i}@example.jp"),
                typed,
                &format!("13010-1234567{i}"),
            ),
        )
        .unwrap_or_else(|err| panic!("{typed}: {err:?}"));
        let row = storage::accounts::by_id(e.store.conn(), r.account_id)
            .expect("q")
            .expect("row");
        assert_eq!(row.name_kana.as_deref(), Some(*stored), "{typed}");
    }
    let err = accounts::register(
        &mut e.store,
        &e.cfg,
        &e.clerk,
        &seeker("kanji@example.jp", "山田・タロウ", "13010-22345678"),
    )
    .expect_err("kanji");
    match err {
        ServiceError::Invalid(issues) => {
            let i = issues
                .iter()
                .find(|i| i.field == "name_kana")
                .expect("kana issue");
            assert_eq!(i.code, "not_kana");
            assert_eq!(i.param.as_deref(), Some("山"));
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn spec_5_seeker_kana_lookup_follows_the_one_kana_rule() {
    let mut e = env();
    let r = accounts::register(
        &mut e.store,
        &e.cfg,
        &e.clerk,
        &seeker("john@example.jp", "ジョン・スミス", "13010-12345678"),
    )
    .expect("reg");
    for typed in [
        "ジョン・スミス",
        "ジョンスミス",
        "じょん・すみす",
        "ｼﾞｮﾝ･ｽﾐｽ",
        "ジョン スミス",
        "スミス",
    ] {
        let hits = madoguchi::service::lookup::search(
            &mut e.store,
            &e.clerk,
            "ID照会",
            &madoguchi::service::lookup::SearchKey::SeekerKana {
                kana: typed.into(),
                birth_date: "1990-04-01".into(),
            },
        )
        .expect("search")
        .hits;
        assert_eq!(
            hits.iter().map(|h| h.account_id).collect::<Vec<_>>(),
            vec![Some(r.account_id)],
            "{typed}"
        );
    }
    // A typed '-' is ー in the query as in the stored kana.
    let r2 = accounts::register(
        &mut e.store,
        &e.cfg,
        &e.clerk,
        &seeker("card@example.jp", "カード　タロウ", "13010-22345678"),
    )
    .expect("reg");
    let hits = madoguchi::service::lookup::search(
        &mut e.store,
        &e.clerk,
        "ID照会",
        &madoguchi::service::lookup::SearchKey::SeekerKana {
            kana: "ｶ-ﾄﾞ".into(),
            birth_date: "1990-04-01".into(),
        },
    )
    .expect("search")
    .hits;
    assert_eq!(
        hits.iter().map(|h| h.account_id).collect::<Vec<_>>(),
        vec![Some(r2.account_id)]
    );
}

#[test]
fn spec_5_establishment_kana_lookup_follows_the_one_kana_rule() {
    let mut e = env();
    let acc = accounts::register(
        &mut e.store,
        &e.cfg,
        &e.clerk,
        &employer("kana@example.co.jp"),
    )
    .expect("account")
    .account_id;
    // Stored as validation leaves it (the import validates before it stores).
    let (est, findings) = madoguchi::domain::validate::check_establishment(
        &madoguchi::domain::establishment::Establishment {
            name: "ジョン・スミス商会".into(),
            name_kana: "ｼﾞｮﾝ･ｽﾐｽ ｼｮｳｶｲ".into(),
            representative_title: "代表".into(),
            representative_name: "ジョン スミス".into(),
            postal_code: "112-0004".into(),
            address: "東京都文京区後楽1-9-20".into(),
            phone: "03-3812-8609".into(),
            ..Default::default()
        },
    );
    assert!(findings.is_empty(), "{findings:?}");
    assert_eq!(est.name_kana, "ジョン・スミス　ショウカイ");
    let id = storage::establishments::insert(e.store.conn(), &est, acc, t0()).expect("insert");
    for typed in [
        "ジョンスミス",
        "じょん・すみす",
        "ｼﾞｮﾝ ｽﾐｽ ｼｮｳｶｲ",
        "スミス　ショウカイ",
    ] {
        let hits = madoguchi::service::lookup::search(
            &mut e.store,
            &e.clerk,
            "ID照会",
            &madoguchi::service::lookup::SearchKey::Kana(typed.into()),
        )
        .expect("search")
        .hits;
        assert_eq!(
            hits.iter().map(|h| h.establishment_id).collect::<Vec<_>>(),
            vec![Some(id)],
            "{typed}"
        );
    }
}

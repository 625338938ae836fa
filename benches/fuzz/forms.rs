//! The forms' fields: counter registration, the establishment and job-offer fields, the admin's
//! fields, the lookup and review texts; every issue worded in both languages.

use rand::Rng;
use rand::rngs::StdRng;
use serde_json::Value;

use crate::events::{minimum_wage, pointers, random_value, templates};
use crate::pieces::{fields, input, join, near};

const EMAILS: &[&str] = &[
    "saiyou@yamada-kensetsu.co.jp",
    "Taro.Yamada@Example.CO.JP",
    "taro..yamada@docomo.ne.jp",
    "hanako.@ezweb.ne.jp",
    "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ",
    "a@b",
];
const DATES: &[&str] = &[
    "1990-04-05",
    "1990/4/5",
    "平成2年4月5日",
    "H2.4.5",
    "１９９０年４月５日",
    "令和元年5月1日",
    "S64.1.7",
];
const NUMBERS: &[&str] = &[
    "1301-999999-9",
    "13010-12345678",
    "９２３４５６７８９０１２３",
    "100-0005",
    "03-1234-5678",
    "090‐1234‐5678",
];
const NAMES: &[&str] = &[
    "山田 太郎",
    "株式会社　さくら商事",
    "ﾔﾏﾀﾞ ﾀﾛｳ",
    "やまだ たろう",
    "ヤマダ・タロー",
];

/// The counter registration form (R-REG-1..3, SPEC §5), employer and job seeker, every issue
/// worded in both languages.
pub(crate) fn gen_register(rng: &mut StdRng) -> Vec<u8> {
    let e = near(rng, EMAILS);
    let confirm = if rng.random() {
        e.clone()
    } else {
        near(rng, EMAILS)
    };
    join(&[
        rng.random_range(0..3).to_string(),
        e,
        confirm,
        near(rng, NUMBERS),
        near(rng, DATES),
        near(rng, NAMES),
        near(rng, NAMES),
        near(rng, NUMBERS),
    ])
}

pub(crate) fn register_form(b: &[u8]) {
    use madoguchi::domain::account::AccountKind;
    use madoguchi::service::accounts::{RegisterInput, form_issues};
    let s = std::str::from_utf8(b).unwrap();
    let f = fields(s);
    let input = RegisterInput {
        kind: match f[0] {
            "0" => Some(AccountKind::Employer),
            "1" => Some(AccountKind::Seeker),
            _ => None,
        },
        email: f[1].into(),
        email_confirm: f[2].into(),
        establishment_number: f[3].into(),
        birth_date: f[4].into(),
        name: f[5].into(),
        name_kana: f[6].into(),
        seeker_number: f[7].into(),
        accept_warnings: false,
    };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
    let issues = form_issues(&input, &madoguchi::config::Config::default(), today);
    words(&issues);
}

/// Every issue worded in both languages, and no control character in the words.
fn words(issues: &[madoguchi::service::FieldIssue]) {
    for lang in [madoguchi::i18n::Lang::Ja, madoguchi::i18n::Lang::En] {
        for i in issues {
            let m = madoguchi::i18n::cli::issue_message(lang, i);
            assert!(
                !m.chars().any(|c| c.is_control() || c == '\u{202e}'),
                "a message echoes a control character: {m:?}"
            );
        }
    }
}

/// The establishment form's fields (SPEC §5), from a mutated sample or typed text in every
/// field.
pub(crate) fn gen_establishment(rng: &mut StdRng) -> Vec<u8> {
    if rng.random() {
        let t = templates();
        let est: Vec<&Value> = t
            .iter()
            .filter_map(|v| v.get("establishment"))
            .filter(|v| v.is_object())
            .collect();
        if !est.is_empty() {
            let mut v = est[rng.random_range(0..est.len())].clone();
            let keys: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            for _ in 0..rng.random_range(1..4) {
                let k = &keys[rng.random_range(0..keys.len())];
                v[k] = if rng.random_range(0..3) == 0 {
                    random_value(rng)
                } else {
                    Value::from(near(rng, &[v[k].as_str().unwrap_or("")]))
                };
            }
            return serde_json::to_vec(&v).unwrap();
        }
    }
    let mut v = Vec::new();
    for good in [
        NUMBERS, NUMBERS, NAMES, NAMES, NAMES, NAMES, NUMBERS, NAMES, NUMBERS,
    ] {
        v.push(near(rng, good));
    }
    let mut b = join(&v);
    b.insert(0, b'|');
    b
}

pub(crate) fn establishment_form(b: &[u8]) {
    use madoguchi::domain::establishment::Establishment;
    let e: Establishment = if let Some(rest) = b.strip_prefix(b"|") {
        let s = std::str::from_utf8(rest).unwrap();
        let f = fields(s);
        let opt = |x: &str| (!x.is_empty()).then(|| x.to_string());
        Establishment {
            establishment_number: opt(f[0]),
            corporate_number: opt(f[1]),
            name: f[2].into(),
            name_kana: f[3].into(),
            representative_title: f[4].into(),
            representative_name: f[5].into(),
            postal_code: f[6].into(),
            address: f[7].into(),
            phone: f[8].into(),
            dispatch_licence: s.len().is_multiple_of(2),
            employment_insurance: s.len().is_multiple_of(3),
        }
    } else {
        match serde_json::from_slice(b) {
            Ok(e) => e,
            Err(_) => return,
        }
    };
    let (n, found) = madoguchi::domain::validate::check_establishment(&e);
    let _ = n.fields();
    let _ = madoguchi::domain::establishment::diff(&e, &n);
    for f in &found {
        let _ = madoguchi::i18n::findings::finding_message(madoguchi::i18n::Lang::Ja, f);
    }
}

/// The job-offer form's fields (SPEC §5, minimum wage): a mutated sample offer.
pub(crate) fn gen_job(rng: &mut StdRng) -> Vec<u8> {
    let t = templates();
    let jobs: Vec<&Value> = t
        .iter()
        .filter_map(|v| v.get("job"))
        .filter(|v| v.is_object())
        .collect();
    if jobs.is_empty() {
        return input(rng).into_bytes();
    }
    let mut v = jobs[rng.random_range(0..jobs.len())].clone();
    for _ in 0..rng.random_range(1..6) {
        let mut ps = Vec::new();
        pointers(&v, "", &mut ps);
        let p = ps[rng.random_range(1..ps.len())].clone();
        let node = v.pointer_mut(&p).unwrap();
        *node = match node {
            Value::String(s) => Value::from(near(rng, &[s.as_str()])),
            Value::Number(_) if rng.random() => Value::from(rng.random_range(-1000i64..3_000_000)),
            _ => random_value(rng),
        };
    }
    serde_json::to_vec(&v).unwrap()
}

pub(crate) fn job_form(b: &[u8]) {
    use madoguchi::domain::job::JobOffer;
    use madoguchi::domain::validate;
    let Ok(j) = serde_json::from_slice::<JobOffer>(b) else {
        return;
    };
    for (date, pref) in [((2026, 4, 1), Some(13)), ((2019, 10, 1), None)] {
        let on = validate::JobCheck {
            date: chrono::NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap(),
            minimum_wage: minimum_wage(),
            office_prefecture: pref,
        };
        let (n, found) = validate::check_job(&j, &on);
        let _ = n.fields();
        let _ = madoguchi::domain::job::diff(&j, &n);
        let _ = validate::pr_layout_lines(&j.pr_message);
        for f in &found {
            let _ = madoguchi::i18n::findings::rule_message(madoguchi::i18n::Lang::Ja, f);
        }
    }
}

/// The admin's fields: staff ID, display name, password, roles; the office settings of
/// `init`; a closure reason and date.
pub(crate) fn gen_admin(rng: &mut StdRng) -> Vec<u8> {
    join(&[
        near(rng, &["tanaka", "suzuki.ichiro", "a", "admin_2"]),
        near(rng, &["田中 花子", "管理 太郎"]),
        near(rng, &["madoguchi-tanaka-pw", "password1234", "短い"]),
        near(
            rng,
            &["counter", "supervisor,admin", "auditor,counter,admin"],
        ),
        near(rng, &["ハローワーク飯田橋", "13010"]),
        near(rng, &["庁舎点検", "臨時閉庁（停電）"]),
        near(rng, DATES),
    ])
}

pub(crate) fn admin_form(b: &[u8]) {
    use madoguchi::service::{FieldIssue, calendar, setup, staff};
    let s = std::str::from_utf8(b).unwrap();
    let f = fields(s);
    let mut issues: Vec<FieldIssue> = Vec::new();
    if let Some(code) = staff::name_issue(f[0]) {
        issues.push(FieldIssue::error("staff_name", code));
    }
    issues.extend(staff::display_name_issue(f[1]));
    if let Err(e) = madoguchi::domain::password::check_policy(f[2], f[0]) {
        issues.push(FieldIssue::error("password", e.code()));
    }
    let roles = madoguchi::domain::staff::Roles::parse_list(f[3]);
    let _ = roles.to_list();
    issues.extend(setup::office_name_issue(f[4]));
    issues.extend(calendar::reason_issue(f[5]));
    if let Err(code) = madoguchi::domain::calendar::parse_typed_date(f[6]) {
        issues.push(FieldIssue::error("date", code));
    }
    words(&issues);
}

/// The lookup screens (R-ID-1, R-ID-2, R-ID-4, R-ID-5): search keys, purpose, identity check,
/// the new address of an ID change; and the review texts (R-REV-2).
pub(crate) fn gen_counter(rng: &mut StdRng) -> Vec<u8> {
    join(&[
        rng.random_range(0..10).to_string(),
        near(rng, &[NUMBERS, NAMES, EMAILS].concat()),
        near(rng, DATES),
        near(rng, &["ID照会", "問合せ対応"]),
        near(rng, &["driver_licence", "my_number", "other", "運転免許証"]),
        near(rng, &["免許証 末尾1234 氏名・生年月日一致"]),
        near(rng, EMAILS),
        near(rng, &["2", "２", "入力内容に誤りがあります"]),
        near(
            rng,
            &["賃金の記載を確認してください。\n再提出をお願いします。"],
        ),
    ])
}

pub(crate) fn counter_form(b: &[u8]) {
    use madoguchi::service::lookup::{SearchKey, check_key};
    use madoguchi::service::{ServiceError, review};
    let s = std::str::from_utf8(b).unwrap();
    let f = fields(s);
    let q = f[1].to_string();
    let key = match f[0] {
        "0" => SearchKey::EstablishmentNumber(q),
        "1" => SearchKey::CorporateNumber(q),
        "2" => SearchKey::Name(q),
        "3" => SearchKey::Kana(q),
        "4" => SearchKey::Phone(q),
        "5" => SearchKey::Postal(q),
        "6" => SearchKey::SeekerNumber(q),
        "7" => SearchKey::JobNumber(q),
        "8" => SearchKey::SeekerKana {
            kana: q,
            birth_date: f[2].into(),
        },
        _ => SearchKey::Email(q),
    };
    let mut issues = Vec::new();
    if let Err(ServiceError::Invalid(v)) = check_key(&key) {
        issues.extend(v);
    }
    let _ = madoguchi::domain::lookup::purpose(f[3]);
    let _ = madoguchi::domain::lookup::IdentityCheck::new(
        madoguchi::i18n::labels::document_named(f[4]),
        f[5],
    );
    let _ = madoguchi::domain::email::parse_confirmed(f[6], f[6]);
    let reasons = madoguchi::config::Config::default().review.return_reasons;
    if let Err(ServiceError::Invalid(v)) = review::pick_reason(&reasons, f[7]) {
        issues.extend(v);
    }
    if let Err(ServiceError::Invalid(v)) = review::clean_text(f[8]) {
        issues.extend(v);
    }
    words(&issues);
}

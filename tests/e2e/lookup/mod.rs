//! Forgotten-ID lookup, ID change and the audit trail (SPEC §2.4, §8) on a real database file.
//!
//! Shared here: an office with accounts and establishments and readers of its audit rows; the
//! parts hold the tests by what they check.

mod audit_trail;
mod change;
mod job_number;
mod search;

use chrono::{DateTime, Utc};
use madoguchi::config::Config;
use madoguchi::domain::account::AccountKind;
use madoguchi::domain::establishment::Establishment;
use madoguchi::domain::ids::{AccountId, StaffId};
use madoguchi::domain::lookup::IdentityCheck;
use madoguchi::domain::staff::Role;
use madoguchi::service::Ctx;
use madoguchi::service::lookup::{self, SearchKey};
use madoguchi::storage::accounts::NewAccount;
use madoguchi::storage::audit::AuditRow;
use madoguchi::storage::{self, Store};

use crate::common::office::Office;

fn t0() -> DateTime<Utc> {
    // Tuesday 2026-11-24 10:30 JST: office hours.
    madoguchi::clock::parse_rfc3339("2026-11-24T01:30:00Z").expect("time")
}

struct Env {
    _dir: tempfile::TempDir,
    store: Store,
    cfg: Config,
    clerk: Ctx,
    boss: Ctx,
    boss2: Ctx,
    auditor: Ctx,
    /// Employer account of 株式会社ハローワーク飯田橋 (tanaka@example.co.jp).
    employer: AccountId,
    /// Seeker 山田 太郎.
    seeker: AccountId,
}

/// Staff member `name`'s context, on a terminal of their own.
fn staff_ctx(office: &Office, name: &str) -> Ctx {
    let id = office.ctx(name).staff_id;
    Ctx {
        staff_id: id,
        staff_name: name.into(),
        terminal: format!("pts/{id} 192.0.2.{id}"),
        now: t0(),
    }
}

fn account(
    store: &Store,
    kind: AccountKind,
    email: &str,
    seeker: Option<(&str, &str, &str, &str)>,
) -> AccountId {
    let e = madoguchi::domain::email::Email::parse(email).expect("email");
    storage::accounts::insert(
        store.conn(),
        &NewAccount {
            kind,
            email: e.as_str(),
            email_key: &e.key(),
            establishment_number: None,
            seeker_number: seeker.map(|s| s.0),
            name: seeker.map(|s| s.1),
            name_kana: seeker.map(|s| s.2),
            birth_date: seeker.map(|s| s.3),
            registered_by: Some(StaffId(1)),
            origin: madoguchi::domain::account::AccountOrigin::Counter,
        },
        t0(),
    )
    .expect("account")
}

#[allow(clippy::too_many_arguments)]
fn establishment(
    store: &Store,
    number: &str,
    corp: &str,
    name: &str,
    kana: &str,
    phone: &str,
    postal: &str,
    acc: AccountId,
) -> i64 {
    storage::establishments::insert(
        store.conn(),
        &Establishment {
            establishment_number: Some(number.into()),
            corporate_number: Some(corp.into()),
            name: name.into(),
            name_kana: kana.into(),
            representative_title: "代表取締役".into(),
            representative_name: "飯田 一郎".into(),
            postal_code: postal.into(),
            address: "東京都文京区後楽1-9-20".into(),
            phone: phone.into(),
            dispatch_licence: false,
            employment_insurance: true,
        },
        acc,
        t0(),
    )
    .expect("establishment")
}

fn env_with(cfg: Config) -> Env {
    let dir = tempfile::tempdir().expect("tempdir");
    let pw = "madoguchi-test-pass";
    let office = Office::builder()
        .now("2026-11-24T01:30:00Z")
        .staff("tanaka", "tanaka", &[Role::Counter], pw)
        .staff("suzuki", "suzuki", &[Role::Supervisor], pw)
        .staff("kato", "kato", &[Role::Supervisor], pw)
        .staff("sato", "sato", &[Role::Auditor], pw)
        .build_at(&dir.path().join("m.db"));
    let clerk = staff_ctx(&office, "tanaka");
    let boss = staff_ctx(&office, "suzuki");
    let boss2 = staff_ctx(&office, "kato");
    let auditor = staff_ctx(&office, "sato");
    let store = office.store;
    let employer = account(&store, AccountKind::Employer, "tanaka@example.co.jp", None);
    establishment(
        &store,
        "1301-123456-7",
        "7000012050002",
        "株式会社ハローワーク飯田橋",
        "カブシキガイシャ　ハローワークイイダバシ",
        "03-3812-8609",
        "112-8577",
        employer,
    );
    let other = account(&store, AccountKind::Employer, "info@ab-shoji.jp", None);
    establishment(
        &store,
        "1301-654321-0",
        "2010001008824",
        "ＡＢ商事",
        "エービーショウジ",
        "0312345678",
        "102-0072",
        other,
    );
    let seeker = account(
        &store,
        AccountKind::Seeker,
        "taro.yamada@example.jp",
        Some((
            "13010-00012345",
            "山田 太郎",
            "ヤマダ　タロウ",
            "1990-04-01",
        )),
    );
    Env {
        _dir: dir,
        store,
        cfg,
        clerk,
        boss,
        boss2,
        auditor,
        employer,
        seeker,
    }
}

fn env() -> Env {
    env_with(Config::default())
}

fn audit_rows(store: &Store) -> Vec<AuditRow> {
    let mut v = storage::audit::recent(store.conn(), 10_000).expect("rows");
    v.reverse();
    v
}

/// Runs `f` and returns the audit rows it wrote.
fn rows_written<T>(e: &mut Env, f: impl FnOnce(&mut Env) -> T) -> (T, Vec<AuditRow>) {
    let before = audit_rows(&e.store).len();
    let r = f(e);
    let after = audit_rows(&e.store);
    (r, after[before..].to_vec())
}

fn find(e: &mut Env, key: &SearchKey) -> Vec<lookup::Hit> {
    let clerk = e.clerk.clone();
    lookup::search(&mut e.store, &clerk, "ID照会", key)
        .expect("search")
        .hits
}

fn id_check() -> IdentityCheck {
    IdentityCheck::new(
        madoguchi::i18n::labels::document_named("運転免許証"),
        "番号末尾 1234、氏名・生年月日一致",
    )
    .expect("check")
}

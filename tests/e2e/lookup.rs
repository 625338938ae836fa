//! Forgotten-ID lookup, ID change and the audit trail (SPEC §2.4, §8) on a real database file.

use chrono::{DateTime, Utc};
use madoguchi::config::Config;
use madoguchi::domain::account::AccountKind;
use madoguchi::domain::establishment::Establishment;
use madoguchi::domain::ids::{AccountId, StaffId, SubmissionId};
use madoguchi::domain::lookup::IdentityCheck;
use madoguchi::domain::refusal::Refusal;
use madoguchi::domain::staff::Role;
use madoguchi::service::lookup::{self, ChangeOutcome, SearchKey};
use madoguchi::service::{Ctx, ServiceError, audit};
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

#[test]
fn r_id_3_every_search_view_reveal_mail_and_change_writes_one_row_with_purpose_and_terminal() {
    let mut e = env();
    let (clerk, cfg, acc) = (e.clerk.clone(), e.cfg.clone(), e.employer);
    let (r, rows) = rows_written(&mut e, |e| {
        lookup::search(
            &mut e.store,
            &clerk,
            "ID照会",
            &SearchKey::Email("tanaka@example.co.jp".into()),
        )
    });
    assert_eq!(r.expect("search").hits.len(), 1);
    let (_, rows2) = rows_written(&mut e, |e| {
        lookup::view(&mut e.store, &clerk, "ID照会", acc).expect("view")
    });
    let (email, rows3) = rows_written(&mut e, |e| {
        lookup::reveal(&mut e.store, &clerk, "ID照会", acc, &id_check()).expect("reveal")
    });
    assert_eq!(email, "tanaka@example.co.jp");
    let (mail, rows4) = rows_written(&mut e, |e| {
        lookup::mail_id(&mut e.store, &cfg, &clerk, "問合せ対応", acc).expect("mail")
    });
    assert_eq!(mail.to, "ta****@ex*****.co.jp");
    let (changed, rows5) = rows_written(&mut e, |e| {
        lookup::change_email(
            &mut e.store,
            &cfg,
            &clerk,
            "ID照会",
            acc,
            "new.tanaka@example.co.jp",
            &id_check(),
        )
        .expect("change")
    });
    assert!(matches!(changed, ChangeOutcome::Changed { .. }));
    let all: Vec<(Vec<AuditRow>, &str, &str)> = vec![
        (rows, "lookup.search", "ID照会"),
        (rows2, "lookup.view", "ID照会"),
        (rows3, "lookup.reveal", "ID照会"),
        (rows4, "lookup.mail_id", "問合せ対応"),
        (rows5, "account.change_email", "ID照会"),
    ];
    for (rows, action, purpose) in all {
        assert_eq!(rows.len(), 1, "{action}: exactly one row");
        let r = &rows[0].entry;
        assert_eq!(r.action, action);
        assert_eq!(r.purpose.as_deref(), Some(purpose), "{action}");
        assert_eq!(r.terminal, clerk.terminal, "{action}");
        assert_eq!(r.staff_id, Some(clerk.staff_id));
        let detail = r.detail.clone().unwrap_or_default();
        // R-AUD-1: never a full email in the log.
        assert!(
            !detail.contains("tanaka@example.co.jp"),
            "{action}: {detail}"
        );
        assert!(
            !detail.contains("new.tanaka@example.co.jp"),
            "{action}: {detail}"
        );
        if action != "lookup.search" {
            assert_eq!(
                r.subject.as_deref(),
                Some(format!("account:{acc}").as_str())
            );
        }
    }
    let reveal = audit_rows(&e.store)
        .into_iter()
        .find(|r| r.entry.action == "lookup.reveal")
        .expect("reveal row");
    assert!(
        reveal
            .entry
            .detail
            .as_deref()
            .unwrap_or("")
            .contains("document=drivers_licence")
    );
    // A search with no hit is one row too, outcome not_found.
    let (_, rows) = rows_written(&mut e, |e| {
        lookup::search(
            &mut e.store,
            &clerk,
            "ID照会",
            &SearchKey::Name("存在しない会社".into()),
        )
        .expect("search")
    });
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].entry.outcome, "not_found");
    assert!(audit::verify(&e.store).expect("verify").first_bad.is_none());
}

#[test]
fn r_id_4_change_email_new_key_both_notices_old_key_dies_and_uniqueness() {
    let mut e = env();
    let (clerk, cfg, acc) = (e.clerk.clone(), e.cfg.clone(), e.employer);
    // An earlier registration key (live) with its unsent mail.
    madoguchi::service::accounts::reissue_key(&mut e.store, &cfg, &clerk, acc).expect("reissue");
    // R-REG-2: the seeker's address is in use.
    let err = lookup::change_email(
        &mut e.store,
        &cfg,
        &clerk,
        "ID照会",
        acc,
        "taro.yamada@example.jp",
        &id_check(),
    )
    .expect_err("in use");
    assert!(matches!(err, ServiceError::EmailInUse { account_id, .. } if account_id == e.seeker));
    let err = lookup::change_email(
        &mut e.store,
        &cfg,
        &clerk,
        "ID照会",
        acc,
        "tanaka@EXAMPLE.co.jp",
        &id_check(),
    )
    .expect_err("same");
    assert!(matches!(err, ServiceError::Invalid(_)));
    let out = lookup::change_email(
        &mut e.store,
        &cfg,
        &clerk,
        "ID照会",
        acc,
        "hanako@newco.jp",
        &id_check(),
    )
    .expect("change");
    let ChangeOutcome::Changed {
        replaced_keys,
        cancelled_mails,
        ..
    } = out
    else {
        panic!("not changed: {out:?}")
    };
    assert_eq!((replaced_keys, cancelled_mails), (1, 1));
    let a = storage::accounts::by_id(e.store.conn(), acc)
        .expect("q")
        .expect("row");
    assert_eq!(a.email, "hanako@newco.jp");
    let reg =
        storage::keys::for_account(e.store.conn(), acc, storage::keys::KeyPurpose::Registration)
            .expect("keys");
    assert!(
        reg.iter()
            .all(|k| k.state != madoguchi::domain::authkey::KeyState::Live)
    );
    let ch =
        storage::keys::for_account(e.store.conn(), acc, storage::keys::KeyPurpose::EmailChange)
            .expect("keys");
    assert_eq!(ch.len(), 1);
    assert_eq!(ch[0].state, madoguchi::domain::authkey::KeyState::Live);
    let mails = storage::outbox::for_account(e.store.conn(), acc).expect("mails");
    let to = |template: &str| {
        mails
            .iter()
            .filter(|m| m.template == template)
            .map(|m| m.to_addr.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(to("email_changed_new"), vec!["hanako@newco.jp"]);
    assert_eq!(to("email_changed_old"), vec!["tanaka@example.co.jp"]);
    // The old address is free again, the new one is taken.
    assert_eq!(
        lookup::live_account_id(&e.store, "hanako@newco.jp").expect("id"),
        acc
    );
    assert!(lookup::live_account_id(&e.store, "tanaka@example.co.jp").is_err());
}

#[test]
fn r_id_4_supervisor_approval_when_configured_four_eyes() {
    let mut cfg = Config::default();
    cfg.id_change.needs_supervisor = true;
    let mut e = env_with(cfg);
    let (boss, boss2, acc) = (e.boss.clone(), e.boss2.clone(), e.employer);
    let cfg = e.cfg.clone();
    let out = lookup::change_email(
        &mut e.store,
        &cfg,
        &boss,
        "ID照会",
        acc,
        "hanako@newco.jp",
        &id_check(),
    )
    .expect("request");
    let ChangeOutcome::Pending { request_id, .. } = out else {
        panic!("{out:?}")
    };
    // Nothing changed yet; a second request for the account is refused.
    assert_eq!(
        storage::accounts::by_id(e.store.conn(), acc)
            .expect("q")
            .expect("row")
            .email,
        "tanaka@example.co.jp"
    );
    assert!(matches!(
        lookup::change_email(
            &mut e.store,
            &cfg,
            &boss,
            "ID照会",
            acc,
            "x@newco.jp",
            &id_check()
        ),
        Err(ServiceError::Refused(Refusal::ChangePending))
    ));
    // The requester cannot approve; a counter clerk cannot either.
    let clerk = e.clerk.clone();
    assert!(matches!(
        lookup::decide_change(&mut e.store, &cfg, &boss, request_id, true),
        Err(ServiceError::Denied)
    ));
    assert!(matches!(
        lookup::decide_change(&mut e.store, &cfg, &clerk, request_id, true),
        Err(ServiceError::Denied)
    ));
    assert_eq!(
        lookup::pending_changes(&e.store, &boss2)
            .expect("list")
            .len(),
        1
    );
    let done =
        lookup::decide_change(&mut e.store, &cfg, &boss2, request_id, true).expect("approve");
    assert!(matches!(done, Some(ChangeOutcome::Changed { .. })));
    assert_eq!(
        storage::accounts::by_id(e.store.conn(), acc)
            .expect("q")
            .expect("row")
            .email,
        "hanako@newco.jp"
    );
    assert!(matches!(
        lookup::decide_change(&mut e.store, &cfg, &boss2, request_id, true),
        Err(ServiceError::Refused(Refusal::ChangeDecided))
    ));
}

#[test]
fn r_aud_1_auditor_reads_the_log_but_cannot_look_up_reveal_mail_or_change() {
    let mut e = env();
    let (aud, cfg, acc) = (e.auditor.clone(), e.cfg.clone(), e.employer);
    assert!(matches!(
        lookup::search(
            &mut e.store,
            &aud,
            "ID照会",
            &SearchKey::Name("ハローワーク".into())
        ),
        Err(ServiceError::Denied)
    ));
    assert!(matches!(
        lookup::view(&mut e.store, &aud, "ID照会", acc),
        Err(ServiceError::Denied)
    ));
    assert!(matches!(
        lookup::reveal(&mut e.store, &aud, "ID照会", acc, &id_check()),
        Err(ServiceError::Denied)
    ));
    assert!(matches!(
        lookup::mail_id(&mut e.store, &cfg, &aud, "ID照会", acc),
        Err(ServiceError::Denied)
    ));
    assert!(matches!(
        lookup::change_email(
            &mut e.store,
            &cfg,
            &aud,
            "ID照会",
            acc,
            "a@b.jp",
            &id_check()
        ),
        Err(ServiceError::Denied)
    ));
    // Nothing was written by the refusals, and the auditor can read and report.
    let rows = audit::list(&e.store, &aud, &audit::Filter::default(), 100).expect("list");
    assert!(rows.iter().all(|r| !r.entry.action.starts_with("lookup.")));
    let day = madoguchi::clock::jst_date(t0());
    audit::report(&e.store, &cfg, &aud, day, day).expect("report");
    // A clerk cannot read the log.
    let clerk = e.clerk.clone();
    assert!(matches!(
        audit::list(&e.store, &clerk, &audit::Filter::default(), 10),
        Err(ServiceError::Denied)
    ));
}

#[test]
fn r_aud_2_tampered_row_is_detected() {
    let mut e = env();
    let clerk = e.clerk.clone();
    for _ in 0..3 {
        find(&mut e, &SearchKey::Name("ハローワーク".into()));
    }
    let _ = &clerk;
    assert!(audit::verify(&e.store).expect("verify").first_bad.is_none());
    let target = audit_rows(&e.store)
        .into_iter()
        .find(|r| r.entry.action == "lookup.search")
        .expect("row")
        .id;
    // The database refuses the edit…
    assert!(
        e.store
            .conn()
            .execute(
                "UPDATE audit_log SET detail = 'nothing to see' WHERE id = ?1",
                [target]
            )
            .is_err()
    );
    // …so someone with the file drops the guard first: the chain still tells.
    e.store
        .conn()
        .execute_batch("DROP TRIGGER audit_log_no_update")
        .expect("drop");
    e.store
        .conn()
        .execute(
            "UPDATE audit_log SET detail = 'nothing to see' WHERE id = ?1",
            [target],
        )
        .expect("tamper");
    let r = audit::verify(&e.store).expect("verify");
    assert_eq!(r.first_bad.map(|b| b.0), Some(target));
}

#[test]
fn r_aud_3_filters_export_and_report() {
    let mut e = env();
    let (clerk, boss, cfg) = (e.clerk.clone(), e.boss.clone(), e.cfg.clone());
    let (emp, seeker) = (e.employer, e.seeker);
    lookup::view(&mut e.store, &clerk, "ID照会", emp).expect("view");
    lookup::mail_id(&mut e.store, &cfg, &clerk, "ID照会", emp).expect("mail");
    lookup::view(&mut e.store, &clerk, "問合せ対応", seeker).expect("view");
    // 19:00 JST: after hours.
    let late = clerk.at(madoguchi::clock::parse_rfc3339("2026-11-24T10:00:00Z").expect("t"));
    lookup::view(&mut e.store, &late, "問合せ対応", emp).expect("view");

    let f = audit::Filter {
        staff: Some("tanaka".into()),
        action: Some("lookup.".into()),
        subject: Some(format!("account:{emp}")),
        ..Default::default()
    };
    let rows = audit::list(&e.store, &boss, &f, 100).expect("list");
    assert_eq!(rows.len(), 3);
    let day = madoguchi::clock::jst_date(t0());
    let only_day = audit::Filter {
        since: Some(day),
        until: Some(day),
        action: Some("lookup.mail_id".into()),
        ..Default::default()
    };
    assert_eq!(
        audit::list(&e.store, &boss, &only_day, 100)
            .expect("list")
            .len(),
        1
    );
    let nobody = audit::Filter {
        staff: Some("nobody".into()),
        ..Default::default()
    };
    assert!(
        audit::list(&e.store, &boss, &nobody, 100)
            .expect("list")
            .is_empty()
    );

    let rep = audit::report(&e.store, &cfg, &boss, day, day).expect("report");
    let tanaka = rep
        .per_staff_day
        .iter()
        .find(|d| d.staff == "tanaka")
        .expect("tanaka");
    assert_eq!(tanaka.lookups, 3);
    let unf: Vec<_> = rep
        .unfollowed
        .iter()
        .map(|l| l.subject.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        unf,
        vec![format!("account:{seeker}"), format!("account:{emp}")]
    );
    assert_eq!(rep.after_hours.len(), 1);
    assert_eq!(rep.after_hours[0].action, "lookup.view");

    let mut buf = Vec::new();
    let n = audit::export_csv(&mut e.store, &boss, day, day, &mut buf).expect("export");
    let text = String::from_utf8(buf).expect("utf8");
    assert_eq!(text.lines().count() as i64, n + 1);
    // Japanese Excel: UTF-8 with a byte-order mark, CRLF line ends.
    assert!(text.starts_with(&format!("\u{feff}{}\r\n", audit::CSV_HEADER)));
    assert!(text.ends_with("\r\n"));
    assert_eq!(text.matches('\n').count(), text.matches("\r\n").count());
    assert!(text.contains("lookup.mail_id"));
    assert!(!text.contains("tanaka@example.co.jp"));
    // The export is itself recorded.
    assert_eq!(
        audit_rows(&e.store)
            .last()
            .map(|r| r.entry.action.clone())
            .as_deref(),
        Some("audit.export")
    );
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

/// A job offer of `account` at `establishment`, registered under `job_number`.
fn registered_job(
    store: &Store,
    account: AccountId,
    establishment: i64,
    job_number: &str,
) -> SubmissionId {
    let id = storage::submissions::insert(
        store.conn(),
        &storage::submissions::NewSubmission {
            external_id: &format!("sub-{job_number}"),
            kind: madoguchi::domain::submission::SubmissionKind::Job,
            account_id: account,
            establishment_id: Some(establishment),
            display_name: "一般事務",
            deadline: None,
            has_warnings: false,
            flags: storage::submissions::JobFlags::default(),
            visit_reasons: &[],
        },
        t0(),
    )
    .expect("insert")
    .expect("new");
    assert!(
        storage::submissions::set_registered(store.conn(), id, Some(job_number), t0())
            .expect("register")
    );
    id
}

fn establishment_id(store: &Store, number: &str) -> i64 {
    store
        .conn()
        .query_row(
            "SELECT id FROM establishments WHERE establishment_number = ?1",
            [number],
            |r| r.get(0),
        )
        .expect("establishment")
}

/// Issue 16 item 10: a 求人番号 in any form a clerk types finds the offer's establishment and
/// every account of it (masked), with the one audit row of a search.
#[test]
fn r_id_1_job_number_finds_the_offers_establishment_and_its_accounts() {
    let mut e = env();
    let est = establishment_id(&e.store, "1301-123456-7");
    // An additional account of the same establishment, and the clerk's job offer.
    let extra = {
        let a = madoguchi::domain::email::Email::parse("jinji@example.co.jp").expect("email");
        storage::accounts::insert(
            e.store.conn(),
            &NewAccount {
                kind: AccountKind::Employer,
                email: a.as_str(),
                email_key: &a.key(),
                establishment_number: Some("1301-123456-7"),
                seeker_number: None,
                name: None,
                name_kana: None,
                birth_date: None,
                registered_by: Some(StaffId(1)),
                origin: madoguchi::domain::account::AccountOrigin::Counter,
            },
            t0(),
        )
        .expect("account")
    };
    registered_job(&e.store, extra, est, "13010-00000123");
    for typed in [
        "13010-00000123",
        "1301000000123",
        "１３０１０－０００００１２３",
        "13010ー00000123",
    ] {
        let hits = find(&mut e, &SearchKey::JobNumber(typed.into()));
        let ids: Vec<Option<AccountId>> = hits.iter().map(|h| h.account_id).collect();
        assert_eq!(ids, [Some(e.employer), Some(extra)], "{typed}");
        for h in &hits {
            assert_eq!(h.establishment_id, Some(est), "{typed}");
            assert_eq!(h.name, "株式会社ハローワーク飯田橋");
            assert!(h.email_masked.as_deref().unwrap_or("").contains('*'));
        }
    }
    // The audit row: the number normalised, who was listed.
    let clerk = e.clerk.clone();
    let (r, rows) = rows_written(&mut e, |e| {
        lookup::search(
            &mut e.store,
            &clerk,
            "ID照会",
            &SearchKey::JobNumber("13010-00000123".into()),
        )
    });
    assert_eq!(r.expect("search").hits.len(), 2);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].entry.action, "lookup.search");
    assert_eq!(rows[0].entry.purpose.as_deref(), Some("ID照会"));
    let detail = rows[0].entry.detail.clone().unwrap_or_default();
    assert!(
        detail.contains("by=job_number q=13010-00000123 hits=2"),
        "{detail}"
    );
    assert!(
        detail.contains(&format!("account:{}", e.employer)),
        "{detail}"
    );
    // An unknown number finds nothing (and says so in the log); a malformed one is refused
    // before anything is looked up or logged.
    let (r, rows) = rows_written(&mut e, |e| {
        lookup::search(
            &mut e.store,
            &clerk,
            "ID照会",
            &SearchKey::JobNumber("13010-99999999".into()),
        )
    });
    assert!(r.expect("search").hits.is_empty());
    assert_eq!(rows[0].entry.outcome, "not_found");
    let (r, rows) = rows_written(&mut e, |e| {
        lookup::search(
            &mut e.store,
            &clerk,
            "ID照会",
            &SearchKey::JobNumber("1301".into()),
        )
    });
    assert!(matches!(r, Err(ServiceError::Invalid(_))), "{r:?}");
    assert!(rows.is_empty());
}

/// Issue 16 item 10: the 求人番号 lookup reads the job-number index and primary keys only.
#[test]
fn r_id_1_job_number_lookup_plans_use_indexes() {
    let e = env();
    for q in [
        storage::lookup::sql_establishment_of_job(),
        storage::lookup::SQL_ACCOUNT_OF_JOB.to_string(),
    ] {
        let plan = storage::queue::explain(e.store.conn(), &q).expect("plan");
        assert!(
            !plan.iter().any(|s| s.starts_with("SCAN")),
            "{q}\n{plan:#?}"
        );
        assert!(
            plan.iter()
                .any(|s| s.contains("USING INDEX submissions_job_number")),
            "{q}\n{plan:#?}"
        );
    }
}

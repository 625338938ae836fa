//! Screen tests of the ID lookup and the audit viewer (SPEC §2.4, R-AUD-3): the real App on a
//! real database file, drawn on ratatui's `TestBackend`; snapshots are the screen's text.

use crate::common;
use crate::screens_lookup_support::{
    account_screen, audit_actions, audit_view, ctrl, fixture, press, searched, sign_in, t0,
    type_text,
};

use common::screen::screen_text;

use crossterm::event::KeyCode;
use madoguchi::app::{App, Screen};
use madoguchi::clock::{self, Clock};
use madoguchi::config::Config;
use madoguchi::domain::ids::{AccountId, StaffId};
use madoguchi::storage;

fn snap(name: &str, app: &App) {
    insta::assert_snapshot!(format!("{name}_80x24"), screen_text(app, 80, 24));
}

#[test]
fn r_id_1_r_id_5_search_asks_the_purpose_once_then_lists_masked_results() {
    let mut f = searched(Config::default());
    // R-ID-5: the purpose is asked before anything is searched.
    snap("lookup_purpose_prompt", &f.app);
    assert!(audit_actions(&f.app).is_empty());
    press(&mut f.app, KeyCode::Enter);
    let text = screen_text(&f.app, 80, 24);
    assert!(text.contains("ta****@ex*****.co.jp"), "{text}");
    assert!(!text.contains("tanaka@example.co.jp"));
    snap("lookup_results_masked", &f.app);
    // A second search for the same visitor does not ask again.
    press(&mut f.app, KeyCode::Char('/'));
    ctrl(&mut f.app, 's');
    assert!(screen_text(&f.app, 80, 24).contains("株式会社ハローワーク"));
    let rows = audit_actions(&f.app);
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter()
            .all(|r| r.0 == "lookup.search" && r.1.as_deref() == Some("ID照会") && r.2 == "pts/1")
    );
}

#[test]
fn r_id_5_purpose_given_at_the_lookup_covers_the_account_screen() {
    let mut f = searched(Config::default());
    press(&mut f.app, KeyCode::Enter); // purpose ID照会
    press(&mut f.app, KeyCode::Enter); // the record
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Esc);
    assert!(matches!(f.app.screen, Screen::Home(_)));
    account_screen(&mut f.app);
    let Screen::Account(a) = &f.app.screen else {
        panic!("asked again: {:?}", f.app.screen);
    };
    assert!(a.view.is_some(), "{:?}", f.app.flash);
    let rows = audit_actions(&f.app);
    let views: Vec<(&str, Option<&str>)> = rows
        .iter()
        .filter(|r| r.0.ends_with(".view"))
        .map(|r| (r.0.as_str(), r.1.as_deref()))
        .collect();
    assert_eq!(
        views,
        [
            ("lookup.view", Some("ID照会")),
            ("account.view", Some("ID照会"))
        ]
    );
}

#[test]
fn r_id_5_purpose_given_at_the_account_screen_covers_the_lookup() {
    let mut f = fixture(Config::default());
    sign_in(&mut f.app, "tanaka");
    account_screen(&mut f.app);
    assert!(matches!(f.app.screen, Screen::Purpose(_)));
    press(&mut f.app, KeyCode::Left); // 問合せ対応 → 本登録審査
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Esc);
    assert!(matches!(f.app.screen, Screen::Home(_)));
    // The lookup asks the visitor's purpose for the search (ID照会); the record of this
    // customer is viewed with the purpose given for them.
    press(&mut f.app, KeyCode::Char('3'));
    press(&mut f.app, KeyCode::Right);
    press(&mut f.app, KeyCode::Right);
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "ﾊﾛｰﾜｰｸ");
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Enter);
    let rows = audit_actions(&f.app);
    let rows: Vec<(&str, Option<&str>)> = rows
        .iter()
        .map(|r| (r.0.as_str(), r.1.as_deref()))
        .collect();
    assert_eq!(
        rows,
        [
            ("account.view", Some("本登録審査")),
            ("lookup.search", Some("ID照会")),
            ("lookup.view", Some("本登録審査"))
        ]
    );
}

#[test]
fn r_id_2_reveal_needs_the_identity_check_and_a_confirm_step() {
    let mut f = searched(Config::default());
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Enter);
    snap("lookup_detail_masked", &f.app);
    press(&mut f.app, KeyCode::Char('v'));
    // No note: refused on the field, nothing shown.
    ctrl(&mut f.app, 's');
    snap("lookup_identity_note_required", &f.app);
    type_text(&mut f.app, "番号末尾1234 氏名一致");
    ctrl(&mut f.app, 's');
    snap("lookup_reveal_confirm", &f.app);
    press(&mut f.app, KeyCode::Char('y'));
    let text = screen_text(&f.app, 80, 24);
    assert!(text.contains("tanaka@example.co.jp"), "{text}");
    snap("lookup_revealed", &f.app);
    let rows = audit_actions(&f.app);
    let actions: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(
        actions,
        vec!["lookup.search", "lookup.view", "lookup.reveal"]
    );
    // Leaving the record hides the ID again.
    press(&mut f.app, KeyCode::Esc);
    press(&mut f.app, KeyCode::Enter);
    assert!(!screen_text(&f.app, 80, 24).contains("tanaka@example.co.jp"));
}

#[test]
fn r_id_4_id_change_form_confirm_and_result() {
    let mut f = searched(Config::default());
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('c'));
    type_text(&mut f.app, "hanako@newco.jp");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "hanako@newco.jq");
    press(&mut f.app, KeyCode::Tab);
    press(&mut f.app, KeyCode::Right);
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "カード確認");
    ctrl(&mut f.app, 's');
    // Typed twice differently: refused on the field, what was typed is kept.
    snap("lookup_change_mismatch", &f.app);
    // The focus is on the field in error.
    press(&mut f.app, KeyCode::Backspace);
    type_text(&mut f.app, "p");
    ctrl(&mut f.app, 's');
    snap("lookup_change_confirm", &f.app);
    press(&mut f.app, KeyCode::Char('y'));
    snap("lookup_changed", &f.app);
    let email = storage::accounts::by_id(f.app.store.conn(), AccountId(1))
        .expect("q")
        .expect("row")
        .email;
    assert_eq!(email, "hanako@newco.jp");
    let rows = audit_actions(&f.app);
    assert_eq!(
        rows.last().map(|r| r.0.as_str()),
        Some("account.change_email")
    );
    assert_eq!(
        rows.iter()
            .filter(|r| r.0 == "account.change_email")
            .count(),
        1
    );
}

#[test]
fn r_aud_3_auditor_sees_the_audit_viewer_and_report_but_no_lookup() {
    let mut f = fixture(Config::default());
    sign_in(&mut f.app, "sato");
    let home = screen_text(&f.app, 80, 24);
    assert!(!home.contains("ID照会"), "{home}");
    // Auditor menu: 審査キュー, ダッシュボード, 監査ログ, パスワード変更.
    press(&mut f.app, KeyCode::Char('3'));
    assert!(matches!(f.app.screen, Screen::Audit(_)));
    snap("audit_viewer_auditor", &f.app);
    press(&mut f.app, KeyCode::Char('f'));
    type_text(&mut f.app, "sato");
    ctrl(&mut f.app, 's');
    snap("audit_viewer_filtered", &f.app);
    press(&mut f.app, KeyCode::Char('r'));
    snap("audit_report", &f.app);
}

#[test]
fn r_id_4_change_waits_for_a_supervisor_who_approves_on_the_record() {
    let mut cfg = Config::default();
    cfg.id_change.needs_supervisor = true;
    let mut f = searched(cfg);
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Char('c'));
    type_text(&mut f.app, "hanako@newco.jp");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "hanako@newco.jp");
    press(&mut f.app, KeyCode::Tab);
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "免許証確認");
    ctrl(&mut f.app, 's');
    assert!(screen_text(&f.app, 80, 24).contains("統括の承認があるまで変更されません"));
    press(&mut f.app, KeyCode::Char('y'));
    let email = |app: &App| {
        storage::accounts::by_id(app.store.conn(), AccountId(1))
            .expect("q")
            .expect("row")
            .email
    };
    assert_eq!(email(&f.app), "tanaka@example.co.jp");
    // The clerk cannot approve their own request.
    press(&mut f.app, KeyCode::Char('a'));
    press(&mut f.app, KeyCode::Char('y'));
    assert_eq!(email(&f.app), "tanaka@example.co.jp");

    f.app.sign_out(None);
    sign_in(&mut f.app, "suzuki");
    // Supervisor menu: 窓口登録, アカウント照会, ID照会, …
    press(&mut f.app, KeyCode::Char('3'));
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "1301-123456-7");
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Enter);
    press(&mut f.app, KeyCode::Enter);
    snap("lookup_pending_change_supervisor", &f.app);
    press(&mut f.app, KeyCode::Char('a'));
    press(&mut f.app, KeyCode::Char('y'));
    assert_eq!(email(&f.app), "hanako@newco.jp");
    let rows = audit_actions(&f.app);
    let actions: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert!(actions.contains(&"account.change_email_request"));
    assert_eq!(actions.last(), Some(&"account.change_email"));
}

/// Issue 15 items 1 and 8 (R-AUD-1): the audit viewer's `f` filter reads the dates a clerk
/// types — `2026-12-01` (refused before: the digits normaliser dropped the `-`), 和暦 `R8.12.1`,
/// full-width — and a refused date says why and takes the focus.
#[test]
fn r_aud_1_audit_filter_and_export_read_typed_dates() {
    let mut f = fixture(Config::default());
    // Today is 2026-12-01 (JST): the sign-in and the viewer's rows are of that day; the
    // office was set up on 2026-11-24.
    f.app.clock = Clock::Fixed(clock::parse_rfc3339("2026-12-01T01:00:00Z").expect("time"));
    sign_in(&mut f.app, "sato");
    press(&mut f.app, KeyCode::Char('3'));
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
    let filter = |app: &mut App, since: &str, until: &str| {
        press(app, KeyCode::Char('f'));
        let Screen::Audit(a) = &mut app.screen else {
            panic!("audit")
        };
        a.filter_form.set_value("since", "");
        a.filter_form.set_value("until", "");
        a.filter_form.focus_id("since");
        type_text(app, since);
        press(app, KeyCode::Tab);
        type_text(app, until);
        ctrl(app, 's');
    };

    filter(&mut f.app, "2026-12-01", "Ｒ８．１２．１");
    let a = audit_view(&f.app);
    assert_eq!(a.mode, madoguchi::app::audit::Mode::List, "filter applied");
    assert_eq!((a.filter.since, a.filter.until), (Some(day), Some(day)));
    assert!(!a.rows.is_empty());
    assert!(
        a.rows
            .iter()
            .all(|r| r.entry.at_utc.starts_with("2026-12-01")),
        "only the day's rows"
    );
    assert!(!a.rows.iter().any(|r| r.entry.action == "staff.add"));

    // The day before: only the set-up rows of 11-24 and earlier are outside it; nothing shown.
    filter(&mut f.app, "2026/11/30", "令和8年11月30日");
    let a = audit_view(&f.app);
    assert_eq!(
        a.filter.since,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 30)
    );
    assert!(a.rows.is_empty(), "{:?}", a.rows);

    // A day that does not exist: refused on its field, which takes the focus.
    filter(&mut f.app, "2026-11-24", "2026-12-32");
    let a = audit_view(&f.app);
    assert_eq!(a.mode, madoguchi::app::audit::Mode::Filter);
    assert_eq!(a.filter_form.focused().map(|x| x.id), Some("until"));
    let text = screen_text(&f.app, 80, 24);
    assert!(text.contains("その日はありません"), "{text}");

    // A date outside its era names the era's days; the focus goes back to that field.
    press(&mut f.app, KeyCode::Esc);
    filter(&mut f.app, "平成31年5月1日", "");
    let a = audit_view(&f.app);
    assert_eq!(a.filter_form.focused().map(|x| x.id), Some("since"));
    let text = screen_text(&f.app, 80, 24);
    assert!(text.contains("平成は1989年1月8日〜2019年4月30日"), "{text}");
    press(&mut f.app, KeyCode::Esc);

    // `x` export with typed dates: confirmed, then the CSV for Excel (BOM) is written.
    let path = f.dir.path().join("audit-2026-12.csv");
    press(&mut f.app, KeyCode::Char('x'));
    type_text(&mut f.app, &path.display().to_string());
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "2026/12/1");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "R8.12.1");
    ctrl(&mut f.app, 's');
    let text = screen_text(&f.app, 80, 24);
    assert!(text.contains("2026-12-01 .. 2026-12-01"), "{text}");
    press(&mut f.app, KeyCode::Char('y'));
    let bytes = std::fs::read(&path).expect("exported file");
    assert!(bytes.starts_with(b"\xEF\xBB\xBFid,at_utc,"));
}

/// Issue 15 item 12: the nine search methods are picked by number; a bad search term is told
/// before the purpose is asked, on its field; `n 次のお客様` keeps the method and clears the
/// term, so the next visitor's search does not fail on a stale value.
#[test]
fn r_id_1_r_id_5_methods_by_number_term_checked_first_and_next_visitor_keeps_the_method() {
    let mut f = fixture(Config::default());
    sign_in(&mut f.app, "tanaka");
    press(&mut f.app, KeyCode::Char('3'));
    // 7 = 求職番号, typed as a full-width digit from the IME: a short number is refused
    // before the purpose is asked.
    type_text(&mut f.app, "７");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "12");
    press(&mut f.app, KeyCode::Enter);
    let text = screen_text(&f.app, 80, 24);
    assert!(
        !text.contains("照会の目的"),
        "purpose not asked for a bad term: {text}"
    );
    assert!(text.contains("求職番号"), "{text}");
    assert!(text.contains("✖"), "the issue is on the field: {text}");
    assert!(audit_actions(&f.app).is_empty());
    // 9 = メールアドレス: now the purpose, then the search.
    press(&mut f.app, KeyCode::BackTab);
    type_text(&mut f.app, "9");
    press(&mut f.app, KeyCode::Tab);
    for _ in 0..2 {
        press(&mut f.app, KeyCode::Backspace);
    }
    type_text(&mut f.app, "tanaka@example.co.jp");
    press(&mut f.app, KeyCode::Enter);
    assert!(screen_text(&f.app, 80, 24).contains("照会の目的"));
    press(&mut f.app, KeyCode::Enter);
    assert_eq!(audit_actions(&f.app).len(), 1);
    // The next visitor: the method stays 求職番号, the term is empty and focused.
    press(&mut f.app, KeyCode::Char('n'));
    let Screen::Lookup(l) = &f.app.screen else {
        panic!("lookup")
    };
    let form = l.form().expect("search form");
    assert_eq!(
        form.get("kind")
            .map(madoguchi::app::form::Field::choice_code),
        Some("email".to_string())
    );
    assert_eq!(form.value("query"), "");
    assert_eq!(form.focused().map(|f| f.id), Some("query"));
}

/// Issue 15 item 6: an auditor reads the queues, and is offered neither opening an item
/// (personal data) nor a claim.
#[test]
fn an_auditor_is_not_offered_opening_or_claiming_queue_items() {
    let mut f = fixture(Config::default());
    sign_in(&mut f.app, "sato");
    press(&mut f.app, KeyCode::Char('1'));
    assert!(matches!(f.app.screen, Screen::Queue(_)));
    let t = screen_text(&f.app, 80, 24);
    assert!(!t.contains("Enter 開く"), "{t}");
    assert!(!t.contains("t 担当"), "{t}");
    assert!(!f.app.may_act(madoguchi::app::keymap::Action::Select));
}

/// Issue 16 item 10: 0 picks the tenth method, 求人番号; the offer's establishment is listed
/// masked, with one `lookup.search` row.
#[test]
fn r_id_1_job_number_is_the_tenth_method() {
    let mut f = fixture(Config::default());
    {
        let conn = f.app.store.conn();
        let (acc, est): (AccountId, i64) = conn
            .query_row("SELECT account_id, id FROM establishments", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .expect("establishment");
        let sub = storage::submissions::insert(
            conn,
            &storage::submissions::NewSubmission {
                external_id: "sub-1",
                kind: madoguchi::domain::submission::SubmissionKind::Job,
                account_id: acc,
                establishment_id: Some(est),
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
        storage::submissions::set_registered(conn, sub, Some("13010-00000123"), t0())
            .expect("registered");
    }
    sign_in(&mut f.app, "tanaka");
    press(&mut f.app, KeyCode::Char('3'));
    type_text(&mut f.app, "０");
    let text = screen_text(&f.app, 80, 24);
    assert!(text.contains("求人番号"), "{text}");
    press(&mut f.app, KeyCode::Tab);
    type_text(&mut f.app, "13010-123");
    press(&mut f.app, KeyCode::Enter);
    let text = screen_text(&f.app, 80, 24);
    assert!(
        text.contains("✖"),
        "a short number is refused first: {text}"
    );
    assert!(!text.contains("照会の目的"), "{text}");
    for _ in 0.."13010-123".len() {
        press(&mut f.app, KeyCode::Backspace);
    }
    type_text(&mut f.app, "１３０１０－０００００１２３");
    press(&mut f.app, KeyCode::Enter);
    assert!(screen_text(&f.app, 80, 24).contains("照会の目的"));
    press(&mut f.app, KeyCode::Enter);
    let text = screen_text(&f.app, 80, 24);
    assert!(text.contains("ta****@ex*****.co.jp"), "{text}");
    assert!(text.contains("株式会社ハローワーク"), "{text}");
    assert!(!text.contains("tanaka@example.co.jp"), "{text}");
    let rows = audit_actions(&f.app);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].0, "lookup.search");
}

/// Issue 15 item 4: at 80 columns the audit viewer never cuts an id into another id
/// (`submission:19` is not `submission:1`), names actions and outcomes in Japanese, marks cut
/// free text with …, and opens a row in full with Enter (Esc back).
#[test]
fn audit_viewer_at_80_columns_keeps_ids_whole_names_actions_and_opens_a_row() {
    let mut f = fixture(Config::default());
    let long_purpose = "本登録審査のための本人確認（窓口で運転免許証を確認、統括の指示あり）";
    for (i, subject) in ["submission:1", "submission:19", "account:123456"]
        .into_iter()
        .enumerate()
    {
        storage::audit::append(
            f.app.store.conn(),
            &storage::audit::AuditEntry {
                at_utc: format!("2026-11-24T01:2{i}:00Z"),
                staff_id: Some(StaffId(4)),
                staff_name: Some("suzuki".into()),
                staff_roles: Some("supervisor".into()),
                terminal: "pts/12 (192.168.10.21)".into(),
                action: "review.check".into(),
                subject: Some(subject.into()),
                purpose: Some(long_purpose.into()),
                outcome: "ok".into(),
                detail: Some("checked 12 items; visit not required".into()),
            },
        )
        .expect("append");
    }
    sign_in(&mut f.app, "sato");
    press(&mut f.app, KeyCode::Char('3'));
    let text = screen_text(&f.app, 80, 24);
    assert!(text.contains("submission:19 "), "{text}");
    assert!(text.contains("account:123456 "), "{text}");
    assert!(text.contains("審査：確認"), "{text}");
    assert!(text.contains("成功"), "{text}");
    assert!(!text.contains("review.check"), "no codes: {text}");
    assert!(text.contains('…'), "a cut purpose is marked: {text}");
    snap("audit_viewer_80_columns", &f.app);

    // Enter opens the row under the cursor (under the sign-in: account:123456) in full.
    press(&mut f.app, KeyCode::Down);
    press(&mut f.app, KeyCode::Enter);
    let text = screen_text(&f.app, 80, 24);
    for want in [
        "2026-11-24 10:22:00 JST",
        "2026-11-24T01:22:00Z",
        "suzuki",
        "統括 (supervisor)",
        "pts/12 (192.168.10.21)",
        "審査：確認",
        "review.check",
        "account:123456",
        "成功",
        "checked 12 items; visit not required",
    ] {
        assert!(text.contains(want), "{want} missing: {text}");
    }
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join("");
    assert!(
        flat.contains(&long_purpose.replace(' ', "")),
        "the purpose in full: {text}"
    );
    snap("audit_row_80_columns", &f.app);
    press(&mut f.app, KeyCode::Esc);
    assert_eq!(audit_view(&f.app).mode, madoguchi::app::audit::Mode::List);
}

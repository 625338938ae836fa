//! End-to-end ID lookup (SPEC §2.4): the real binary in a pseudo-terminal. A clerk searches an
//! employer by name, gives the purpose once, opens the record (masked), records the identity
//! check and sees the ID, mails the ID notice and quits; every step is one audit row with the
//! purpose and the terminal, read back from the database.

mod common;

use std::path::Path;

use common::pty::Term;
use common::{CLERK_PW, NOW};
use madoguchi::storage::Store;

fn prepare(path: &Path) {
    let now = madoguchi::clock::parse_rfc3339(NOW).expect("time");
    let (store, admin_ctx) = common::office(path, false);
    let admin = admin_ctx.staff_id;
    let acc = madoguchi::storage::accounts::insert(
        store.conn(),
        &madoguchi::storage::accounts::NewAccount {
            kind: madoguchi::domain::account::AccountKind::Employer,
            email: "tanaka@example.co.jp",
            email_key: "tanaka@example.co.jp",
            establishment_number: None,
            seeker_number: None,
            name: None,
            name_kana: None,
            birth_date: None,
            registered_by: Some(admin),
            origin: madoguchi::domain::account::AccountOrigin::Counter,
        },
        now,
    )
    .expect("account");
    madoguchi::storage::establishments::insert(
        store.conn(),
        &madoguchi::domain::establishment::Establishment {
            establishment_number: Some("1301-123456-7".into()),
            corporate_number: Some("7000012050002".into()),
            name: "株式会社ハローワーク飯田橋".into(),
            name_kana: "カブシキガイシャ　ハローワークイイダバシ".into(),
            representative_title: "代表取締役".into(),
            representative_name: "飯田 一郎".into(),
            postal_code: "112-8577".into(),
            address: "東京都文京区後楽1-9-20".into(),
            phone: "03-3812-8609".into(),
            dispatch_licence: false,
            employment_insurance: true,
        },
        acc,
        now,
    )
    .expect("establishment");
}

#[test]
fn clerk_looks_up_a_forgotten_id_reveals_it_mails_it_and_every_step_is_audited() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("m.db");
    prepare(&db);
    let mut t = Term::start(&db);
    t.wait_for("職員ID");
    t.send("tanaka\t");
    t.send(CLERK_PW);
    t.send("\r");
    t.wait_for("ID照会");
    t.send("3");
    t.wait_for("検索方法");
    // 事業所名, then the name in half-width kana.
    t.send("\x1b[C");
    t.send("\x1b[C");
    t.send("\t");
    t.send("ﾊﾛｰﾜｰｸ");
    t.send("\r");
    t.wait_for("照会の目的");
    t.send("\r");
    t.wait_for("ta****@ex*****.co.jp");
    assert!(!t.screen().contains("tanaka@example.co.jp"));
    t.send("\r");
    t.wait_for("パスワードはハローワークでも表示");
    t.send("v");
    t.wait_for("本人確認（IDを表示する前に）");
    t.send("\t");
    t.send("番号末尾1234");
    t.send("\x13");
    t.wait_for("IDを画面に表示しますか");
    t.send("y");
    t.wait_for("tanaka@example.co.jp");
    t.send("m");
    t.wait_for("登録IDをメールで通知しますか");
    t.send("y");
    t.wait_for("登録IDのお知らせを送信予約しました");
    t.send("\x11");
    t.wait_for("終了しますか");
    t.send("y");
    assert!(t.wait_exit(), "process did not exit");
    drop(t.master.take());

    let store = Store::open(&db).expect("open");
    let mut rows = madoguchi::storage::audit::recent(store.conn(), 100).expect("rows");
    rows.reverse();
    let lookups: Vec<_> = rows
        .iter()
        .filter(|r| r.entry.action.starts_with("lookup."))
        .collect();
    let actions: Vec<&str> = lookups.iter().map(|r| r.entry.action.as_str()).collect();
    assert_eq!(
        actions,
        vec![
            "lookup.search",
            "lookup.view",
            "lookup.reveal",
            "lookup.mail_id"
        ]
    );
    for r in &lookups {
        assert_eq!(r.entry.purpose.as_deref(), Some("ID照会"));
        assert!(
            !r.entry.terminal.is_empty() && r.entry.terminal != "-",
            "{:?}",
            r.entry.terminal
        );
        assert!(
            !r.entry
                .detail
                .as_deref()
                .unwrap_or("")
                .contains("tanaka@example.co.jp")
        );
    }
    assert!(
        madoguchi::service::audit::verify(&store)
            .expect("verify")
            .first_bad
            .is_none()
    );
}

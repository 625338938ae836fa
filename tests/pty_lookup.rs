//! End-to-end ID lookup (SPEC §2.4): the real binary in a pseudo-terminal. A clerk searches an
//! employer by name, gives the purpose once, opens the record (masked), records the identity
//! check and sees the ID, mails the ID notice and quits; every step is one audit row with the
//! purpose and the terminal, read back from the database.

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use madoguchi::domain::staff::{Role, Roles};
use madoguchi::service::{self, Ctx};
use madoguchi::storage::Store;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const NOW: &str = "2026-11-24T01:30:00Z";
const CLERK_PW: &str = "madoguchi-tanaka-pw";

fn prepare(path: &Path) {
    let now = madoguchi::clock::parse_rfc3339(NOW).expect("time");
    let mut store = Store::open(path).expect("open");
    let admin = service::setup::init(
        &mut store,
        &service::setup::InitInput {
            office_code: "13010",
            office_name: "飯田橋",
            admin_name: "admin",
            admin_display_name: "管理 太郎",
            admin_password: "kanri-sha-2026-pass",
            terminal: "test",
            now,
        },
    )
    .expect("init");
    let ctx = Ctx {
        staff_id: admin,
        staff_name: "admin".into(),
        terminal: "test".into(),
        now,
    };
    service::staff::add(
        &mut store,
        &ctx,
        "tanaka",
        "田中 花子",
        &Roles::new(vec![Role::Counter]),
    )
    .expect("add");
    let id = madoguchi::storage::staff::by_name(store.conn(), "tanaka")
        .expect("q")
        .expect("row")
        .id;
    let hash = madoguchi::secret::hash(CLERK_PW).expect("hash");
    madoguchi::storage::staff::set_password(store.conn(), id, &hash, false, now).expect("pw");
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
            registered_by: admin,
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

struct Term {
    parser: Arc<Mutex<vt100::Parser>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    master: Option<Box<dyn portable_pty::MasterPty + Send>>,
}

impl Term {
    fn start(db: &Path) -> Term {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows: 30,
                cols: 100,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_madoguchi"));
        cmd.arg("--db");
        cmd.arg(db);
        cmd.env("MADOGUCHI_NOW", NOW);
        cmd.env("TERM", "xterm-256color");
        cmd.env("MADOGUCHI_CONFIG", db.with_extension("toml"));
        let child = pair.slave.spawn_command(cmd).expect("spawn");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(30, 100, 0)));
        let p = Arc::clone(&parser);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().expect("parser").process(&buf[..n]);
            }
        });
        Term {
            parser,
            writer,
            child,
            master: Some(pair.master),
        }
    }

    fn screen(&self) -> String {
        self.parser.lock().expect("parser").screen().contents()
    }

    fn wait_for(&self, text: &str) {
        let until = Instant::now() + Duration::from_secs(20);
        while Instant::now() < until {
            if self.screen().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("timed out waiting for {text:?}; screen:\n{}", self.screen());
    }

    fn send(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).expect("write");
        self.writer.flush().expect("flush");
        // Let the app take each burst as typing, not as one escape sequence.
        std::thread::sleep(Duration::from_millis(60));
    }

    fn wait_exit(&mut self) -> bool {
        let until = Instant::now() + Duration::from_secs(10);
        while Instant::now() < until {
            if let Ok(Some(_)) = self.child.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }
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
        madoguchi::storage::audit::verify(store.conn())
            .expect("verify")
            .first_bad
            .is_none()
    );
}

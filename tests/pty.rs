//! End-to-end: the real binary in a pseudo-terminal, read back through a VT100 emulator.
//! A clerk signs in, registers an employer account, sees the result panel and quits; the
//! terminal is restored (main screen, cursor shown). Dropping the terminal (an SSH link going
//! away) ends the process instead of leaving it spinning.

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
fn clerk_registers_an_employer_and_quits_with_the_terminal_restored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("m.db");
    prepare(&db);
    let mut t = Term::start(&db);
    t.wait_for("サインイン");
    assert!(
        t.parser.lock().expect("p").screen().alternate_screen(),
        "TUI uses the alternate screen"
    );
    t.send("tanaka");
    t.send("\t");
    t.send(CLERK_PW);
    t.send("\r");
    t.wait_for("窓口登録");
    t.send("1");
    t.wait_for("アカウント種別");
    t.send("\t");
    t.send("saiyou@yamada-kensetsu.co.jp");
    t.send("\t");
    t.send("saiyou@yamada-kensetsu.co.jp");
    t.send("\t");
    t.send("1301-999999-9");
    t.send("\r");
    t.wait_for("登録しました");
    t.wait_for("2026-11-24 11:20 JST");
    t.wait_for("アカウント仮登録完了通知");
    t.send("\x1b");
    t.wait_for("メニュー");
    t.send("q");
    t.wait_for("終了しますか");
    t.send("y");
    assert!(t.wait_exit(), "quit ends the process");
    std::thread::sleep(Duration::from_millis(200));
    let p = t.parser.lock().expect("p");
    assert!(!p.screen().alternate_screen(), "back on the main screen");
    assert!(!p.screen().hide_cursor(), "cursor shown again");
    drop(p);
    // The registration is really in the database, with its audit row.
    let store = Store::open(&db).expect("reopen");
    assert_eq!(
        madoguchi::storage::accounts::count(store.conn()).expect("count"),
        1
    );
    assert!(
        madoguchi::storage::audit::verify(store.conn())
            .expect("verify")
            .first_bad
            .is_none()
    );
}

#[test]
fn hang_up_ends_the_process_and_restores_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("m.db");
    prepare(&db);
    let mut t = Term::start(&db);
    t.wait_for("サインイン");
    // Hang up, as the kernel does for the session when sshd closes the link.
    let pid = t.child.process_id().expect("pid");
    let status = std::process::Command::new("kill")
        .args(["-HUP", &pid.to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let until = Instant::now() + Duration::from_secs(10);
    let mut exited = false;
    while Instant::now() < until {
        if let Ok(Some(_)) = t.child.try_wait() {
            exited = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    if !exited {
        let _ = t.child.kill();
    }
    assert!(
        exited,
        "the process must exit when its terminal goes away, not spin"
    );
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        !t.parser.lock().expect("p").screen().alternate_screen(),
        "terminal restored on hang-up"
    );
    drop(t.master.take());
}

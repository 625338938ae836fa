//! `madoguchi backup` and `restore` (issue 18), the real binary: a backup taken while clerks
//! register accounts holds every registration committed before it started; it is checked and
//! carries the install secret; a restore round-trips it; both refuse to overwrite anything.

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::CLERK_PW;
use madoguchi::service::accounts::{self, RegisterInput};
use madoguchi::service::auth;
use madoguchi::storage::Store;

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi");

fn run(db: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(args)
        .env("MADOGUCHI_CONFIG", db.with_extension("toml"))
        .env_remove("MADOGUCHI_AS")
        .stdin(Stdio::null())
        .output()
        .expect("run madoguchi")
}

fn employer(email: &str) -> RegisterInput {
    RegisterInput {
        kind: Some(madoguchi::domain::account::AccountKind::Employer),
        email: email.into(),
        email_confirm: email.into(),
        accept_warnings: true,
        ..RegisterInput::default()
    }
}

fn has_account(store: &Store, email: &str) -> bool {
    store
        .conn()
        .query_row(
            "SELECT count(*) FROM accounts WHERE email = ?1",
            [email],
            |r| r.get::<_, i64>(0),
        )
        .expect("query")
        == 1
}

/// Clerk threads registering accounts until told to stop; the addresses committed so far.
fn writers(
    db: &Path,
    n: usize,
    stop: &Arc<AtomicBool>,
) -> (Arc<Mutex<Vec<String>>>, Vec<std::thread::JoinHandle<()>>) {
    let done = Arc::new(Mutex::new(Vec::new()));
    let handles = (0..n)
        .map(|w| {
            let (db, stop, done) = (db.to_path_buf(), Arc::clone(stop), Arc::clone(&done));
            std::thread::spawn(move || {
                let mut store = Store::open(&db).expect("open");
                let now = madoguchi::clock::parse_rfc3339(common::NOW).expect("now");
                let ctx = auth::sign_in(&mut store, "tanaka", CLERK_PW, "test", now)
                    .expect("sign in")
                    .ctx;
                let cfg = madoguchi::config::Config::default();
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    let email = format!("saiyou{w}x{i}@yamada-kensetsu.co.jp");
                    accounts::register(&mut store, &cfg, &ctx, &employer(&email))
                        .expect("register");
                    done.lock().expect("lock").push(email);
                    i += 1;
                }
            })
        })
        .collect();
    (done, handles)
}

#[test]
fn backup_during_registrations_loses_no_committed_row_and_restores() {
    let tmp = tempfile::tempdir().expect("tmp");
    let db = tmp.path().join("madoguchi.db");
    drop(common::office(&db, false));
    let stop = Arc::new(AtomicBool::new(false));
    let (done, handles) = writers(&db, 3, &stop);
    std::thread::sleep(Duration::from_millis(400));
    let before: Vec<String> = done.lock().expect("lock").clone();
    let backup = tmp.path().join("copy.db");
    let out = run(&db, &["backup", backup.to_str().expect("utf-8")]);
    let after = done.lock().expect("lock").len();
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, Ordering::Relaxed);
    for h in handles {
        h.join().expect("writer");
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("検査しました"), "{stdout}");
    assert!(
        stdout.contains("copy.secret"),
        "says where the secret went: {stdout}"
    );
    assert!(
        stderr.contains("個人情報"),
        "warns about personal data: {stderr}"
    );
    assert!(!before.is_empty(), "the clerks were registering");

    // Every registration committed before the backup started is in it; none after it ended.
    let copy = Store::open_existing(&backup).expect("open backup");
    let in_copy = madoguchi::storage::accounts::count(copy.conn()).expect("count");
    for e in &before {
        assert!(
            has_account(&copy, e),
            "{e} committed before the backup, missing from it"
        );
    }
    assert!(
        (before.len() as i64..=after as i64).contains(&in_copy),
        "{} ≤ {in_copy} ≤ {after}",
        before.len()
    );
    let v = madoguchi::service::audit::verify(&copy).expect("verify");
    assert!(v.first_bad.is_none());
    drop(copy);
    let secret = |p: &Path| std::fs::read(p.with_extension("secret")).expect("secret");
    assert_eq!(
        secret(&db),
        secret(&backup),
        "the install secret travels with the backup"
    );
    {
        use std::os::unix::fs::PermissionsExt as _;
        for p in [&backup, &backup.with_extension("secret")] {
            let mode = std::fs::metadata(p).expect("file").permissions().mode() & 0o777;
            assert_eq!(mode, 0o600, "{}", p.display());
        }
    }

    // Restore round trip into a new place.
    let target = tmp.path().join("restored/madoguchi.db");
    let out = run(&target, &["restore", backup.to_str().expect("utf-8")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let restored = Store::open_existing(&target).expect("open restored");
    assert_eq!(
        madoguchi::storage::accounts::count(restored.conn()).expect("count"),
        in_copy
    );
    assert!(
        madoguchi::service::audit::verify(&restored)
            .expect("v")
            .first_bad
            .is_none()
    );
    assert_eq!(secret(&target), secret(&db));
    let leftovers: Vec<_> = std::fs::read_dir(target.parent().expect("dir"))
        .expect("ls")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().to_string()))
        .filter(|n| n.contains("restore"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn backup_and_restore_refuse_to_overwrite_and_to_restore_what_does_not_check() {
    let tmp = tempfile::tempdir().expect("tmp");
    let db = tmp.path().join("madoguchi.db");
    drop(common::office(&db, false));
    let live_before = std::fs::read(&db).expect("db");

    // backup over an existing file: refused (3), the file untouched.
    let taken = tmp.path().join("taken.db");
    std::fs::write(&taken, b"keep me").expect("write");
    let out = run(&db, &["backup", taken.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(std::fs::read(&taken).expect("read"), b"keep me");
    // ... or where its secret would go.
    let other = tmp.path().join("other.db");
    std::fs::write(other.with_extension("secret"), b"x").expect("write");
    let out = run(&db, &["backup", other.to_str().expect("utf-8")]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!other.exists(), "nothing left behind");

    let good = tmp.path().join("good.db");
    assert!(
        run(&db, &["backup", good.to_str().expect("utf-8")])
            .status
            .success()
    );

    // restore over the live database: refused, live database unchanged.
    let out = run(&db, &["restore", good.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("上書きしません"));
    assert_eq!(std::fs::read(&db).expect("db"), live_before);

    // restore of a backup without its secret: refused.
    let target = tmp.path().join("new/madoguchi.db");
    let bare = tmp.path().join("bare.db");
    std::fs::copy(&good, &bare).expect("copy");
    let out = run(&target, &["restore", bare.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains(".secret"));
    assert!(!target.exists());

    // restore of a damaged backup: the check fails, nothing is put in place.
    let bad = tmp.path().join("bad.db");
    let mut bytes = std::fs::read(&good).expect("good");
    let page = 4096;
    for b in &mut bytes[page * 3..page * 6] {
        *b = 0x5a;
    }
    std::fs::write(&bad, bytes).expect("bad");
    std::fs::copy(good.with_extension("secret"), bad.with_extension("secret")).expect("secret");
    let out = run(&target, &["restore", bad.to_str().expect("utf-8")]);
    assert_ne!(
        out.status.code(),
        Some(0),
        "a damaged backup is not restored"
    );
    assert!(!target.exists(), "nothing restored");
    assert!(!target.with_extension("secret").exists());

    // restore of nothing: not found.
    let out = run(&target, &["restore", "/nonexistent/backup.db"]);
    assert_eq!(out.status.code(), Some(4));
}

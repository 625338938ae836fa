//! `--now` (SPEC §6): refused on a live database, honoured on a training one, a bad one reported
//! once.

use super::{ADMIN_PW, NOW, Run, audit_rows, ready};

#[test]
fn spec_6_invalid_now_is_reported_once() {
    let r = ready();
    let o = r
        .cmd(None, &["audit", "verify"])
        .env("MADOGUCHI_NOW", "yesterday")
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.matches("MADOGUCHI_NOW").count(), 1, "{err}");
    assert_eq!(o.status.code(), Some(0));
}

const LIVE_INIT: [&str; 7] = [
    "init",
    "--office-code",
    "13010",
    "--office-name",
    "飯田橋",
    "--admin",
    "admin",
];

#[test]
fn spec_6_now_is_refused_on_a_live_database() {
    let r = Run {
        dir: tempfile::tempdir().expect("tempdir"),
    };
    // `init` of a live database at a faked time: refused before anything is made.
    let o = r.run(Some(ADMIN_PW), &LIVE_INIT);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("研修用データベース"), "{}", o.stderr);
    assert!(!r.db().exists(), "no database made");
    // A live database, made at the real time…
    let o = r
        .cmd(Some(ADMIN_PW), &LIVE_INIT)
        .env_remove("MADOGUCHI_NOW")
        .output()
        .expect("init");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let before = audit_rows(&r.db());
    // …refuses every command and the TUI at a faked time, even one that does not parse.
    for now in [NOW, "yesterday"] {
        for args in [
            &["--as", "admin", "staff", "list"][..],
            &["audit", "verify"],
            &[],
        ] {
            let o = r
                .cmd(Some(ADMIN_PW), args)
                .env("MADOGUCHI_NOW", now)
                .output()
                .expect("run");
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
            assert!(
                err.contains("MADOGUCHI_NOW") && err.contains("本番のデータベース"),
                "{err}"
            );
        }
    }
    assert_eq!(
        audit_rows(&r.db()),
        before,
        "nothing written at a faked time"
    );
}

#[test]
fn spec_6_now_is_honoured_on_a_training_database() {
    let r = ready();
    let rows = audit_rows(&r.db());
    let training = rows
        .iter()
        .find(|(_, _, a)| a == "settings.training")
        .expect("the mark is audited");
    assert_eq!(training.1, NOW);
    assert!(
        rows.iter()
            .all(|(_, at, a)| at == NOW || a == "audit.chain_keyed"),
        "{rows:?}"
    );
    // `demo` makes a training database too.
    let d = Run {
        dir: tempfile::tempdir().expect("tempdir"),
    };
    let o = d.run(None, &["demo", "--no-tui"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    let o = d.run(Some("demo-kanri-pass"), &["--as", "admin", "staff", "list"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(
        audit_rows(&d.db()).last().map(|r| r.1.clone()),
        Some(NOW.to_string())
    );
}

//! The My Page lifecycle of seeds 000–002 end to end, through the real binary: counter-opened
//! accounts (R-REG-4), keys on request (R-KEY-0), self-registered accounts and their deadline
//! (R-DL-1 (a), R-DL-3), per-offer deadlines (R-DL-1 (b)) and continuous intake.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi");
const ADMIN_PW: &str = "root-of-trust-phrase";
const CLERK_PW: &str = "clerk-secret-passphrase";

struct Office {
    dir: tempfile::TempDir,
}

struct Out {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Office {
    fn db(&self) -> PathBuf {
        self.dir.path().join("madoguchi.db")
    }

    /// The binary at `now` (RFC 3339), optionally with a password.
    fn cmd(&self, now: &str, password: Option<&str>, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--db")
            .arg(self.db())
            .args(args)
            .env("MADOGUCHI_NOW", now)
            .env("MADOGUCHI_CONFIG", self.dir.path().join("none.toml"))
            .env_remove("MADOGUCHI_DB")
            .env_remove("MADOGUCHI_AS")
            .env_remove("MADOGUCHI_PASSWORD")
            .env_remove("MADOGUCHI_NEW_PASSWORD")
            .stdin(Stdio::null());
        if let Some(p) = password {
            c.env("MADOGUCHI_PASSWORD", p);
        }
        c
    }

    fn run(&self, now: &str, password: Option<&str>, args: &[&str]) -> Out {
        let o = self.cmd(now, password, args).output().expect("run");
        Out {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    fn clerk(&self, now: &str, args: &[&str]) -> Out {
        let mut a = vec!["--as", "tanaka"];
        a.extend_from_slice(args);
        self.run(now, Some(CLERK_PW), &a)
    }

    /// `account register` of an employer by the clerk at `now`, with `extra` arguments.
    fn register_employer(&self, now: &str, email: &str, extra: &[&str]) -> Out {
        let mut a = vec![
            "account", "register", "--kind", "employer", "--email", email,
        ];
        a.extend_from_slice(extra);
        self.clerk(now, &a)
    }

    /// The Internet Service's events at `now`, imported as the system.
    fn import(&self, now: &str, name: &str, events: &[serde_json::Value]) -> Out {
        let f = self.dir.path().join(name);
        let text = events
            .iter()
            .map(|e| format!("{e}\n"))
            .collect::<Vec<_>>()
            .concat();
        std::fs::write(&f, text).expect("events");
        self.run(now, None, &["import", f.to_str().expect("utf-8")])
    }

    fn account(&self, now: &str, email: &str) -> serde_json::Value {
        let o = self.clerk(now, &["account", "show", email, "--json"]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        serde_json::from_str(&o.stdout).expect("json")
    }

    fn sweep(&self, now: &str) -> serde_json::Value {
        let o = self.run(now, None, &["sweep", "--json"]);
        assert_eq!(o.code, 0, "{}", o.stderr);
        serde_json::from_str(&o.stdout).expect("json")
    }

    fn sql<T: rusqlite::types::FromSql>(&self, q: &str) -> T {
        let c = rusqlite::Connection::open(self.db()).expect("open");
        c.query_row(q, [], |r| r.get(0)).expect(q)
    }
}

/// init, and a counter clerk `tanaka` who changed the temporary password.
fn office(now: &str) -> Office {
    let o = Office {
        dir: tempfile::tempdir().expect("tempdir"),
    };
    let init = [
        "init",
        "--office-code",
        "13010",
        "--office-name",
        "飯田橋",
        "--admin",
        "admin",
        // SPEC §6: these tests move MADOGUCHI_NOW, so on a training database.
        "--training",
    ];
    assert_eq!(o.run(now, Some(ADMIN_PW), &init).code, 0);
    let add = [
        "--as",
        "admin",
        "staff",
        "add",
        "tanaka",
        "--role",
        "counter",
        "--display-name",
        "田中 花子",
        "--json",
    ];
    let out = o.run(now, Some(ADMIN_PW), &add);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    let temp = v["temporary_password"].as_str().expect("temp").to_string();
    let p = o
        .cmd(now, Some(&temp), &["--as", "tanaka", "passwd"])
        .env("MADOGUCHI_NEW_PASSWORD", CLERK_PW)
        .output()
        .expect("passwd");
    assert_eq!(p.status.code(), Some(0));
    o
}

fn ev(id: &str, at: &str, ty: &str, email: &str) -> serde_json::Value {
    serde_json::json!({"event_id": id, "occurred_at": at, "type": ty, "email": email})
}

/// The example file's establishment and job offer, for `email`.
fn example(kind: &str) -> serde_json::Value {
    include_str!("../../assets/examples/events.jsonl")
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("example"))
        .find(|v| v["type"] == kind)
        .expect(kind)
}

fn submitted(kind: &str, id: &str, at: &str, email: &str, sid: &str) -> serde_json::Value {
    let mut v = example(kind);
    v["event_id"] = id.into();
    v["occurred_at"] = at.into();
    v["email"] = email.into();
    v["submission_id"] = sid.into();
    v
}

/// The key as the customer reads it off the newest mail that carries one.
fn newest_key(o: &Office) -> String {
    let body: String =
        o.sql("SELECT body FROM outbox WHERE body LIKE '%認証キー：%' ORDER BY id DESC LIMIT 1");
    let line = body
        .lines()
        .find(|l| l.contains("認証キー："))
        .expect("key line");
    line.split_once('：').expect("colon").1.trim().to_string()
}

fn keys_in_mail(o: &Office) -> i64 {
    o.sql("SELECT count(*) FROM outbox WHERE body LIKE '%認証キー：%'")
}

#[test]
fn r_reg_4_r_key_0_counter_opened_account_gets_its_key_on_request_opens_and_is_never_purged() {
    let t0 = "2026-04-01T01:00:00Z"; // 10:00 JST
    let o = office(t0);
    let email = "info@iidabashi-shoji.co.jp";
    let number = ["--establishment-number", "1301-999999-9"];
    let r = o.register_employer(t0, email, &number);
    // Not registered here: said, and refused until the clerk confirms.
    assert_eq!(r.code, 3, "{}", r.stdout);
    assert!(
        format!("{}{}", r.stdout, r.stderr).contains("登録されていません"),
        "{} {}",
        r.stdout,
        r.stderr
    );
    let r = o.register_employer(t0, email, &[&number[..], &["--accept-warnings"]].concat());
    assert_eq!(r.code, 0, "{}", r.stderr);
    // No key anywhere: only the guidance mail, which names the sender to allow.
    assert_eq!(keys_in_mail(&o), 0);
    let guidance: String = o.sql("SELECT body FROM outbox ORDER BY id LIMIT 1");
    assert!(guidance.contains("パスワード登録"), "{guidance}");
    assert!(guidance.contains("madoguchi@localhost"), "{guidance}");
    let a = o.account(t0, email);
    assert_eq!(a["account"]["origin"], "counter");
    assert_eq!(a["status"]["status"], "awaiting_request");

    // Three hours later, at home: パスワード登録 online.
    let t1 = "2026-04-01T04:00:00Z";
    let asked = ev(
        "pw-1",
        "2026-04-01T12:59:00+09:00",
        "password.requested",
        email,
    );
    let i = o.import(t1, "a.jsonl", &[asked]);
    assert_eq!(i.code, 0, "{} {}", i.stdout, i.stderr);
    assert_eq!(keys_in_mail(&o), 1);
    let subject: String = o.sql("SELECT subject FROM outbox ORDER BY id DESC LIMIT 1");
    assert_eq!(subject, "【ハローワーク】パスワード登録申込受付通知");
    let a = o.account(t1, email);
    assert_eq!(a["status"]["status"], "key_live");

    // The key, 5 minutes later: アカウント登録完了, and the My Page is open at once.
    let mut act = ev(
        "act-1",
        "2026-04-01T13:05:00+09:00",
        "account.activated",
        email,
    );
    act["auth_key"] = newest_key(&o).into();
    let t2 = "2026-04-01T04:06:00Z";
    let i = o.import(t2, "b.jsonl", &[act]);
    assert_eq!(i.code, 0, "{} {}", i.stdout, i.stderr);
    let a = o.account(t2, email);
    assert_eq!(a["account"]["state"], "opened");
    assert_eq!(
        a["account"]["provisional_deadline"],
        serde_json::Value::Null
    );
    assert_eq!(a["account"]["opened_at"], "2026-04-01T04:05:00Z");
    assert_eq!(a["account"]["activated_at"], "2026-04-01T04:05:00Z");

    // Sixty days on, the sweep leaves it alone.
    let s = o.sweep("2026-05-31T01:00:00Z");
    assert_eq!(s["invalidated_accounts"], 0, "{s}");
    assert_eq!(s["purged_accounts"], 0, "{s}");
    let a = o.account("2026-05-31T01:00:00Z", email);
    assert_eq!(a["account"]["state"], "opened");
    assert_eq!(a["account"]["email"], email);
}

#[test]
fn r_key_0_a_job_seekers_request_needs_the_birth_date_registered_at_the_counter() {
    let t0 = "2026-04-01T01:00:00Z";
    let o = office(t0);
    let email = "yamada.taro@example.ne.jp";
    let r = o.clerk(
        t0,
        &[
            "account",
            "register",
            "--kind",
            "seeker",
            "--email",
            email,
            "--birth-date",
            "1990-04-05",
            "--name",
            "山田 太郎",
            "--kana",
            "ヤマダ タロウ",
            "--seeker-number",
            "13010-12345678",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut wrong = ev(
        "pw-1",
        "2026-04-01T10:30:00+09:00",
        "password.requested",
        email,
    );
    wrong["birth_date"] = "1990-04-06".into();
    let missing = ev(
        "pw-2",
        "2026-04-01T10:31:00+09:00",
        "password.requested",
        email,
    );
    let i = o.import("2026-04-01T01:35:00Z", "a.jsonl", &[wrong, missing]);
    assert_eq!(i.code, 3, "some lines rejected: {}", i.stdout);
    assert!(i.stdout.contains("birth_date_mismatch"), "{}", i.stdout);
    assert!(i.stdout.contains("birth_date_required"), "{}", i.stdout);
    assert_eq!(keys_in_mail(&o), 0, "no key for a wrong birth date");

    let mut right = ev(
        "pw-3",
        "2026-04-01T10:32:00+09:00",
        "password.requested",
        email,
    );
    right["birth_date"] = "1990-04-05".into();
    let i = o.import("2026-04-01T01:35:00Z", "b.jsonl", &[right]);
    assert_eq!(i.code, 0, "{}", i.stdout);
    assert_eq!(keys_in_mail(&o), 1);
    // An unknown address is refused the same way, telling nothing.
    let i = o.import(
        "2026-04-01T01:36:00Z",
        "c.jsonl",
        &[ev(
            "pw-4",
            "2026-04-01T10:33:00+09:00",
            "password.requested",
            "nobody@example.ne.jp",
        )],
    );
    assert_eq!(i.code, 3);
    assert!(i.stdout.contains("unknown_account"), "{}", i.stdout);
}

#[test]
fn r_dl_1_a_r_dl_3_self_registered_account_has_a_deadline_and_the_sweep_purges_it() {
    // Seed 004's check: completed 2026-03-17 → deadline Tuesday 2026-03-31.
    let t0 = "2026-03-17T01:00:00Z";
    let o = office(t0);
    let email = "tanaka@sakura-shoji.co.jp";
    let mut reg = ev(
        "sr-1",
        "2026-03-17T09:55:00+09:00",
        "account.self_registered",
        email,
    );
    reg["kind"] = "employer".into();
    let i = o.import(t0, "a.jsonl", &[reg.clone()]);
    assert_eq!(i.code, 0, "{} {}", i.stdout, i.stderr);
    let subject: String = o.sql("SELECT subject FROM outbox ORDER BY id DESC LIMIT 1");
    assert_eq!(subject, "【ハローワーク】アカウント仮登録完了通知");
    // A seeker cannot register itself.
    let mut seeker = reg.clone();
    seeker["event_id"] = "sr-2".into();
    seeker["kind"] = "seeker".into();
    seeker["email"] = "someone@example.jp".into();
    let i = o.import(t0, "b.jsonl", &[seeker]);
    assert_eq!(i.code, 3);
    assert!(i.stdout.contains("bad_field"), "{}", i.stdout);

    let mut act = ev(
        "act-1",
        "2026-03-17T10:05:00+09:00",
        "account.activated",
        email,
    );
    act["auth_key"] = newest_key(&o).into();
    let est = submitted(
        "establishment.submitted",
        "est-1",
        "2026-03-17T10:30:00+09:00",
        email,
        "est-0001",
    );
    let t1 = "2026-03-17T01:40:00Z";
    let i = o.import(t1, "c.jsonl", &[act, est]);
    assert_eq!(i.code, 0, "{} {}", i.stdout, i.stderr);
    let a = o.account(t1, email);
    assert_eq!(a["account"]["origin"], "self");
    assert_eq!(a["account"]["state"], "activated");
    assert_eq!(a["account"]["provisional_deadline"], "2026-03-31");
    // The provisional establishment carries the account's deadline and needs a visit.
    let (deadline, visit): (String, i64) = {
        let c = rusqlite::Connection::open(o.db()).expect("open");
        c.query_row(
            "SELECT deadline, visit_needed FROM submissions WHERE external_id = 'est-0001'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("submission")
    };
    assert_eq!((deadline.as_str(), visit), ("2026-03-31", 1));
    let reasons: String =
        o.sql("SELECT visit_reasons FROM submissions WHERE external_id = 'est-0001'");
    assert!(
        reasons.contains("self_registered_establishment"),
        "{reasons}"
    );

    // The last day is still in time; the day after, the account is invalid and purged.
    let s = o.sweep("2026-03-31T08:00:00Z");
    assert_eq!(s["invalidated_accounts"], 0, "{s}");
    let s = o.sweep("2026-03-31T15:00:00Z"); // 2026-04-01 00:00 JST
    assert_eq!(s["invalidated_accounts"], 1, "{s}");
    assert_eq!(s["purged_accounts"], 1, "{s}");
    assert_eq!(s["purged_submissions"], 1, "{s}");
    let state: String = o.sql("SELECT state FROM accounts LIMIT 1");
    assert_eq!(state, "invalid");
    let left: i64 = o.sql("SELECT count(*) FROM accounts WHERE email LIKE '%sakura%'");
    assert_eq!(left, 0, "the address is gone from the account row");
}

#[test]
fn r_dl_1_b_r_visit_1_an_offer_from_an_open_my_page_that_needs_a_visit_has_its_own_deadline() {
    let t0 = "2027-03-01T01:00:00Z";
    let o = office(t0);
    let email = "jinji@korakuen-foods.co.jp";
    let r = o.register_employer(t0, email, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let asked = ev(
        "pw-1",
        "2027-03-01T10:10:00+09:00",
        "password.requested",
        email,
    );
    assert_eq!(o.import(t0, "a.jsonl", &[asked]).code, 0);
    let mut act = ev(
        "act-1",
        "2027-03-01T10:15:00+09:00",
        "account.activated",
        email,
    );
    act["auth_key"] = newest_key(&o).into();
    // The establishment (no deadline: the My Page is open), then on 2027-03-08 an offer with
    // no offer in the past year: a visit, within its own 14 days (R-DL-1 (b)).
    let est = submitted(
        "establishment.submitted",
        "est-1",
        "2027-03-01T10:30:00+09:00",
        email,
        "est-0001",
    );
    let i = o.import("2027-03-01T01:40:00Z", "b.jsonl", &[act, est]);
    assert_eq!(i.code, 0, "{} {}", i.stdout, i.stderr);
    let job = submitted(
        "job.submitted",
        "job-1",
        "2027-03-08T11:00:00+09:00",
        email,
        "job-0001",
    );
    let i = o.import("2027-03-08T02:10:00Z", "c.jsonl", &[job]);
    assert_eq!(i.code, 0, "{} {}", i.stdout, i.stderr);
    let est_deadline: Option<String> =
        o.sql("SELECT deadline FROM submissions WHERE external_id = 'est-0001'");
    assert_eq!(
        est_deadline, None,
        "an open My Page has no account deadline"
    );
    let job_deadline: String =
        o.sql("SELECT deadline FROM submissions WHERE external_id = 'job-0001'");
    // 2027-03-22 is the substitute holiday of 春分の日: the Friday before.
    assert_eq!(job_deadline, "2027-03-19");
    let reasons: String =
        o.sql("SELECT visit_reasons FROM submissions WHERE external_id = 'job-0001'");
    assert!(
        !reasons.contains("first_mypage_offer"),
        "opened at the counter: {reasons}"
    );
    assert!(reasons.contains("no_offer_in_past_year"), "{reasons}");

    // Past it, only the offer expires; the account stays open.
    let s = o.sweep("2027-03-21T01:00:00Z");
    assert_eq!(s["expired_submissions"], 1, "{s}");
    assert_eq!(s["invalidated_accounts"], 0, "{s}");
    let state: String = o.sql("SELECT state FROM submissions WHERE external_id = 'job-0001'");
    assert_eq!(state, "expired");
    let est_state: String = o.sql("SELECT state FROM submissions WHERE external_id = 'est-0001'");
    assert_eq!(est_state, "received");
    let a = o.account("2027-03-21T01:00:00Z", email);
    assert_eq!(a["account"]["state"], "opened");
}

/// A background process, stopped with SIGTERM when dropped.
struct Service(Child);

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_until(limit: Duration, mut ok: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if ok() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn eml_count(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |d| {
        d.filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .count()
    })
}

#[test]
fn r_key_0_watched_drop_folder_imports_and_the_mail_service_sends_the_key() {
    let t0 = "2026-04-01T01:00:00Z";
    let o = office(t0);
    let email = "info@iidabashi-shoji.co.jp";
    let r = o.register_employer(t0, email, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let drop = o.dir.path().join("in");
    let spool = o.dir.path().join("spool");
    std::fs::create_dir_all(&drop).expect("drop dir");
    let watch = Service(
        o.cmd(
            t0,
            None,
            &["import", "--watch", drop.to_str().expect("utf-8")],
        )
        .stdout(Stdio::null())
        .spawn()
        .expect("import --watch"),
    );
    let mail = Service(
        o.cmd(
            t0,
            None,
            &[
                "mail",
                "sync",
                "--watch",
                "--spool",
                spool.to_str().expect("utf-8"),
            ],
        )
        .stdout(Stdio::null())
        .spawn()
        .expect("mail sync --watch"),
    );
    // The guidance mail goes out first.
    assert!(wait_until(Duration::from_secs(30), || eml_count(&spool) == 1));
    // The Service writes *.jsonl.tmp, then renames it: only the complete file is read.
    let tmp = drop.join("0001.jsonl.tmp");
    let line = ev(
        "pw-1",
        "2026-04-01T09:59:00+09:00",
        "password.requested",
        email,
    );
    std::fs::write(&tmp, format!("{line}\nnot json\n")).expect("tmp");
    std::thread::sleep(Duration::from_millis(500));
    assert!(tmp.exists(), "a .tmp file is left alone");
    std::fs::rename(&tmp, drop.join("0001.jsonl")).expect("rename");
    assert!(
        wait_until(Duration::from_secs(30), || eml_count(&spool) == 2),
        "the key mail reaches the spool"
    );
    assert!(
        wait_until(Duration::from_secs(10), || drop
            .join("done/0001.jsonl")
            .exists()),
        "filed under done/"
    );
    let rejects: i64 = o.sql("SELECT count(*) FROM import_rejects");
    assert_eq!(rejects, 1, "the bad line is recorded, the good one applied");
    // The .eml is written before the row is marked sent: on a busy machine that takes a moment.
    let state = || -> String {
        o.sql("SELECT state FROM outbox WHERE subject LIKE '%パスワード登録申込受付通知%'")
    };
    assert!(
        wait_until(Duration::from_secs(10), || state() == "sent"),
        "{}",
        state()
    );
    // SIGTERM stops both cleanly.
    for mut s in [watch, mail] {
        let pid =
            rustix::process::Pid::from_raw(i32::try_from(s.0.id()).expect("pid")).expect("pid");
        rustix::process::kill_process(pid, rustix::process::Signal::TERM).expect("term");
        let done = wait_until(Duration::from_secs(10), || {
            s.0.try_wait().ok().flatten().is_some()
        });
        assert!(done, "stops on SIGTERM");
        assert_eq!(s.0.wait().expect("status").code(), Some(0));
    }
}

//! `madoguchi lookup`, `account change-email`, `audit list|export|report` through the real binary.

use std::path::{Path, PathBuf};
use std::process::Command;

use madoguchi::domain::account::AccountKind;
use madoguchi::domain::ids::StaffId;
use madoguchi::domain::staff::Role;
use madoguchi::storage::Store;
use madoguchi::storage::accounts::NewAccount;

use crate::common::office::Office;

const BIN: &str = env!("CARGO_BIN_EXE_madoguchi");
const NOW: &str = "2026-11-24T01:30:00Z";
const PW: &str = "madoguchi-cli-lookup-pw";

fn prepare(path: &Path) {
    let now = madoguchi::clock::parse_rfc3339(NOW).expect("time");
    // SPEC §6: the binary runs at MADOGUCHI_NOW, which only a training database allows.
    let office = Office::builder()
        .now(NOW)
        .training()
        .staff("tanaka", "tanaka", &[Role::Counter], PW)
        .staff("suzuki", "suzuki", &[Role::Supervisor], PW)
        .staff("sato", "sato", &[Role::Auditor], PW)
        .build_at(path);
    let (store, admin) = (office.store, office.admin.staff_id);
    madoguchi::storage::accounts::insert(
        store.conn(),
        &NewAccount {
            kind: AccountKind::Seeker,
            email: "taro.yamada@example.jp",
            email_key: "taro.yamada@example.jp",
            establishment_number: None,
            seeker_number: Some("13010-00012345"),
            name: Some("山田 太郎"),
            name_kana: Some("ヤマダ　タロウ"),
            birth_date: Some("1990-04-01"),
            registered_by: Some(admin),
            origin: madoguchi::domain::account::AccountOrigin::Counter,
        },
        now,
    )
    .expect("account");
}

fn run(db: &Path, who: &str, args: &[&str]) -> (i32, String, String) {
    let o = Command::new(BIN)
        .arg("--db")
        .arg(db)
        .args(["--as", who])
        .args(args)
        .env("MADOGUCHI_NOW", NOW)
        .env("MADOGUCHI_PASSWORD", PW)
        .env("MADOGUCHI_CONFIG", db.with_extension("toml"))
        .output()
        .expect("run");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn db() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("m.db");
    prepare(&path);
    (dir, path)
}

#[test]
fn r_id_1_cli_lookup_masks_then_reveals_with_identity_check() {
    let (_d, db) = db();
    let (code, out, err) = run(
        &db,
        "tanaka",
        &[
            "lookup",
            "--kana-name",
            "ﾔﾏﾀﾞ ﾀﾛｳ",
            "--birth-date",
            "1990/04/01",
            "--purpose",
            "問合せ対応",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("ta*********@ex*****.jp"), "{out}");
    assert!(!out.contains("taro.yamada@example.jp"));
    assert!(out.contains("パスワード"));
    let (code, out, _) = run(
        &db,
        "tanaka",
        &[
            "--json",
            "lookup",
            "--seeker-number",
            "１３０１０－０００１２３４５",
        ],
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["hits"][0]["account_id"], 1);
    // --reveal needs --document and --note (clap refuses), then shows the ID.
    let (code, _, _) = run(&db, "tanaka", &["lookup", "--reveal", "1"]);
    assert_eq!(code, 2);
    let (code, out, err) = run(
        &db,
        "tanaka",
        &[
            "lookup",
            "--reveal",
            "1",
            "--document",
            "在留カード",
            "--note",
            "番号末尾12",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("taro.yamada@example.jp"));
    // The auditor may not.
    let (code, _, _) = run(
        &db,
        "sato",
        &[
            "lookup",
            "--reveal",
            "1",
            "--document",
            "在留カード",
            "--note",
            "x",
        ],
    );
    assert_eq!(code, 4);
}

#[test]
fn r_id_4_cli_change_email_then_audit_list_export_report() {
    let (_d, db) = db();
    let (code, out, err) = run(
        &db,
        "tanaka",
        &[
            "account",
            "change-email",
            "taro.yamada@example.jp",
            "taro.new@example.jp",
            "--document",
            "運転免許証",
            "--note",
            "末尾1234",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("ta******@ex*****.jp"), "{out}");
    let (code, out, _) = run(
        &db,
        "suzuki",
        &[
            "audit",
            "list",
            "--action",
            "account.",
            "--subject",
            "account:1",
        ],
    );
    assert_eq!(code, 0);
    assert!(out.contains("account.change_email"), "{out}");
    assert!(!out.contains("taro.new@example.jp"));
    let (code, out, _) = run(&db, "sato", &["audit", "export", "--since", "2026-11-24"]);
    assert_eq!(code, 0);
    // For Japanese Excel: a byte-order mark first.
    assert!(out.starts_with("\u{feff}id,at_utc,at_jst"), "{out}");
    assert!(out.contains("account.change_email"));
    let (code, out, _) = run(&db, "sato", &["audit", "report", "--date", "2026-11-24"]);
    assert_eq!(code, 0);
    assert!(out.contains("職員別・日別の照会件数"), "{out}");
    // A counter clerk cannot read the log.
    let (code, _, _) = run(&db, "tanaka", &["audit", "report"]);
    assert_eq!(code, 4);
}

/// Issue 16 item 10: `lookup --job-number` finds the offer's establishment and its account,
/// masked, with one `lookup.search` audit row.
#[test]
fn r_id_1_cli_lookup_by_job_number() {
    let (_d, db) = db();
    let now = madoguchi::clock::parse_rfc3339(NOW).expect("time");
    {
        let store = Store::open(&db).expect("open");
        let conn = store.conn();
        let acc = madoguchi::storage::accounts::insert(
            conn,
            &NewAccount {
                kind: AccountKind::Employer,
                email: "tanaka@example.co.jp",
                email_key: "tanaka@example.co.jp",
                establishment_number: None,
                seeker_number: None,
                name: None,
                name_kana: None,
                birth_date: None,
                registered_by: Some(StaffId(1)),
                origin: madoguchi::domain::account::AccountOrigin::Counter,
            },
            now,
        )
        .expect("account");
        let est = madoguchi::storage::establishments::insert(
            conn,
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
        let sub = madoguchi::storage::submissions::insert(
            conn,
            &madoguchi::storage::submissions::NewSubmission {
                external_id: "sub-1",
                kind: madoguchi::domain::submission::SubmissionKind::Job,
                account_id: acc,
                establishment_id: Some(est),
                display_name: "一般事務",
                deadline: None,
                has_warnings: false,
                flags: madoguchi::storage::submissions::JobFlags::default(),
                visit_reasons: &[],
            },
            now,
        )
        .expect("insert")
        .expect("new");
        madoguchi::storage::submissions::set_registered(conn, sub, Some("13010-00000123"), now)
            .expect("registered");
    }
    let (code, out, err) = run(
        &db,
        "tanaka",
        &["lookup", "--job-number", "１３０１０－１２３"],
    );
    assert_ne!(code, 0, "a short number is refused: {out}");
    assert!(err.contains("検索語"), "{err}");
    let (code, out, err) = run(
        &db,
        "tanaka",
        &["lookup", "--job-number", "１３０１０－０００００１２３"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("ta****@ex*****.co.jp"), "{out}");
    assert!(out.contains("株式会社ハローワーク飯田橋"), "{out}");
    assert!(out.contains("1301-123456-7"), "{out}");
    assert!(!out.contains("tanaka@example.co.jp"), "{out}");
    let (code, out, _) = run(
        &db,
        "tanaka",
        &["--json", "lookup", "--job-number", "13010-00000123"],
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(v["hits"].as_array().map(Vec::len), Some(1));
    let store = Store::open(&db).expect("open");
    let rows = madoguchi::storage::audit::recent(store.conn(), 100).expect("rows");
    let searches: Vec<_> = rows
        .iter()
        .filter(|r| r.entry.action == "lookup.search")
        .collect();
    assert_eq!(searches.len(), 2, "the refused one is not logged");
    assert!(
        searches.iter().all(|r| r
            .entry
            .detail
            .as_deref()
            .unwrap_or("")
            .contains("by=job_number q=13010-00000123")),
        "{searches:#?}"
    );
}

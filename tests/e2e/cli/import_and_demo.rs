//! `madoguchi import` from the CLI (R-VAL min wage table, R-REV-6 search index) and `madoguchi
//! demo`.

use std::path::{Path, PathBuf};

use super::{ADMIN_PW, Run, ready};

#[test]
fn cli_demo_builds_a_database_without_the_tui() {
    let dir = tempfile::tempdir().expect("tempdir");
    let r = Run { dir };
    let o = r.run(None, &["demo", "--no-tui"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("demo-kanri-pass"), "{}", o.stdout);
    assert!(o.stdout.contains("田中 花子"), "{}", o.stdout);
    // Demo staff are not forced to change their password.
    let o = r.run(Some("demo-kanri-pass"), &["--as", "admin", "staff", "list"]);
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(!o.stdout.contains("要パスワード変更"), "{}", o.stdout);
    let o = r.run(
        Some("demo-hanako-pass"),
        &[
            "--as",
            "tanaka",
            "account",
            "show",
            "recruit@kagurazaka-kogyo.co.jp",
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert!(o.stdout.contains("期限切れ"), "{}", o.stdout);
    let o = r.run(
        Some("demo-hanako-pass"),
        &[
            "--as",
            "tanaka",
            "account",
            "show",
            "jinji@korakuen-foods.co.jp",
        ],
    );
    assert!(o.stdout.contains("マイページ開設済"), "{}", o.stdout);
    // Never on top of an existing file.
    let o = r.run(None, &["demo", "--no-tui"]);
    assert_eq!(o.code, 3, "{}", o.stderr);
}

/// `gen`'s stream with every job offer paid `yen` an hour (the work location left to the
/// office, 13010: Tokyo).
fn stream_paying_hourly(r: &Run, yen: i64) -> PathBuf {
    // A seed of its own: each stream creates its own accounts.
    let seed = yen.to_string();
    let o = r.run(
        Some(ADMIN_PW),
        &[
            "--as",
            "admin",
            "gen",
            "--establishments",
            "1",
            "--jobs",
            "2",
            "--accounts",
            "1",
            "--seed",
            &seed,
        ],
    );
    assert_eq!(o.code, 0, "gen: {}", o.stderr);
    let mut out = String::new();
    for line in o.stdout.lines() {
        let mut v: serde_json::Value = serde_json::from_str(line).expect("event");
        if v["type"] == "job.submitted" {
            v["job"]["wage"] = serde_json::json!({"kind": "hourly", "min": yen, "max": null});
            v["job"]["work_location"] = serde_json::Value::Null;
        }
        out.push_str(&v.to_string());
        out.push('\n');
    }
    let path = r.dir.path().join(format!("hourly-{yen}.jsonl"));
    std::fs::write(&path, out).expect("write");
    path
}

fn import_json(r: &Run, file: &Path) -> (i32, serde_json::Value, String) {
    let o = r.run(None, &["--json", "import", file.to_str().expect("path")]);
    let v = serde_json::from_str(&o.stdout).unwrap_or(serde_json::Value::Null);
    (o.code, v, o.stderr)
}

#[test]
fn r_val_min_wage_office_table_update_applies_without_a_rebuild() {
    // The bundled table: Tokyo 1,226 yen on 2026-04-01, so 1,250 is legal and 1,225 is not.
    let r = ready();
    let (code, v, err) = import_json(&r, &stream_paying_hourly(&r, 1250));
    assert_eq!(code, 0, "{v} {err}");
    let (code, v, err) = import_json(&r, &stream_paying_hourly(&r, 1225));
    assert_eq!(code, 3, "{v} {err}");
    assert_eq!(v["rejected"], 2, "{v}");
    assert_eq!(v["rejects"][0]["reason"], "validation", "{v}");
    assert!(
        v["rejects"][0]["detail"]
            .as_str()
            .expect("detail")
            .contains("wage.min:min_wage"),
        "{v}"
    );

    // An office adds the next year's amounts (here in force from March): 1,250 is now too low.
    let r = ready();
    std::fs::write(
        r.dir.path().join("mw.csv"),
        "pref_code,prefecture,fy2026_yen_per_hour,fy2026_effective\n13,東京,1300,2026-03-01\n",
    )
    .expect("csv");
    std::fs::write(
        r.dir.path().join("none.toml"),
        "[data]\nminimum_wage_file = \"mw.csv\"\n",
    )
    .expect("config");
    let (code, v, err) = import_json(&r, &stream_paying_hourly(&r, 1250));
    assert_eq!(code, 3, "{v} {err}");
    assert_eq!(v["rejected"], 2, "{v}");
    assert!(
        v["rejects"][1]["detail"]
            .as_str()
            .expect("detail")
            .contains("wage.min:min_wage"),
        "{v}"
    );
    let (code, v, err) = import_json(&r, &stream_paying_hourly(&r, 1300));
    assert_eq!(code, 0, "{v} {err}");

    // A malformed office file stops the program at start, naming the file and the line.
    std::fs::write(
        r.dir.path().join("mw.csv"),
        "pref_code,fy2026_yen_per_hour\n13,千円\n",
    )
    .expect("csv");
    let o = r.clerk(&["account", "show", "nobody@example.co.jp"]);
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(o.stderr.contains("mw.csv"), "{}", o.stderr);
    assert!(o.stderr.contains("line 2"), "{}", o.stderr);
}

/// Issue 16 item 5: `import` leaves the queue filter's search index current: nothing is left
/// for the first filtered list to catch up.
#[test]
fn r_rev_6_import_leaves_the_search_index_current() {
    let r = ready();
    let (code, v, err) = import_json(&r, &stream_paying_hourly(&r, 1250));
    assert_eq!(code, 0, "{v} {err}");
    let store = madoguchi::storage::Store::open(&r.db()).expect("open");
    let backlog = madoguchi::storage::queue::backlog(store.conn(), 10).expect("backlog");
    assert_eq!(backlog.rows(), 0, "rows left for the first filtered list");
}

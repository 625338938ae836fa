//! The audit trail of lookups (R-ID-3, R-AUD-1/2/3): one row per act, the auditor's reach,
//! tampering, filters and export.

use madoguchi::service::lookup::{self, ChangeOutcome, SearchKey};
use madoguchi::service::{ServiceError, audit};
use madoguchi::storage::audit::AuditRow;

use super::{audit_rows, env, find, id_check, rows_written, t0};

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

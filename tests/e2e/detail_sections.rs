//! The read-only submission detail of a job offer (SPEC §2.3, issue 3): the eight sections of
//! the Internet Service's 求人仮登録 under their headings, the findings, the visit reasons, the
//! deadline with its open days left (R-DL-1/2), the changes from the previous version after a
//! 差戻し and a `job.resubmitted`, and outside text with escape sequences drawn safely (SPEC §5).
//! Every submission arrives through the real import (`service::import::import_events`); the
//! screens are the real App drawn on ratatui's `TestBackend`.

use crossterm::event::KeyCode;
use madoguchi::app::Screen;
use madoguchi::config::Config;
use madoguchi::domain::ids::SubmissionId;
use madoguchi::service;
use madoguchi::storage;
use serde_json::Value;

use crate::common;
pub(crate) use crate::detail_sections_support::{
    Fx, establishment, job, office, open_from_queue, screen_text, submission_id,
};
use crate::detail_sections_support::{
    HEADINGS, assert_no_raw_controls, full_text, imported_job_detail, line_with, page_terminals,
    pages, press, terminal, type_text,
};

#[test]
fn spec_2_3_job_detail_shows_the_eight_sections_findings_visit_reasons_and_deadline() {
    let (_dir, mut app, _) = imported_job_detail(common::NOW);

    // 120×40: the head of the detail (deadline, visit reasons, findings) and the sections.
    let wide = pages(&mut app, 120, 40);
    let all = full_text(&app, 120);
    // R-DL-1: activated 2026-11-24 → deadline 2026-12-08, 10 open days left from 11-24.
    let dl = line_with(&wide[0], "期限: 2026-12-08");
    assert!(dl.contains("残り開庁日 10"), "{dl}");
    // R-VISIT-1: why a counter visit is needed (first offer through My Page, trial employment).
    let visit = wide[0]
        .find("【窓口来所が必要な理由】")
        .unwrap_or_else(|| panic!("{}", wide[0]));
    for reason in [
        "初めてマイページを通じて求人を申し込む",
        "2020年1月以降、初めてのトライアル雇用求人",
    ] {
        assert!(wide[0][visit..].contains(reason), "{}", wide[0]);
    }
    // SPEC §5: the unusual wage is an orange warning naming the field.
    assert!(
        line_with(&wide[0], "[警告]").contains("賃金（下限）"),
        "{}",
        wide[0]
    );
    // The 8 headings in screen order, each once, the fields under theirs.
    let at: Vec<usize> = HEADINGS
        .iter()
        .map(|h| {
            assert_eq!(all.matches(h).count(), 1, "{h}:\n{all}");
            all.find(h).unwrap_or_else(|| panic!("{h} missing:\n{all}"))
        })
        .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}\n{all}");
    let under = |heading: usize, field: &str| {
        let f = all[at[heading]..].find(field).map(|p| p + at[heading]);
        let next = at.get(heading + 1).copied().unwrap_or(usize::MAX);
        assert!(
            f.is_some_and(|p| p < next),
            "{field} is not under {}:\n{all}",
            HEADINGS[heading]
        );
    };
    under(0, "公開範囲: 1. 事業所名等を含む求人情報を公開する");
    under(0, "オンライン提供不可（民間人材ビジネス）: あり");
    under(1, "事業所: 事業所仮登録 est-1");
    under(2, "職種: 介護職員");
    under(3, "雇用形態: 正社員");
    under(3, "就業場所（住所）: 東京都新宿区神楽坂2-1");
    under(4, "賃金（下限）: 90000");
    under(4, "賞与月数: 2.50");
    under(5, "労働時間制: 交替制（シフト制）");
    under(5, "6ヶ月経過後の年次有給休暇日数: 10");
    under(6, "就業規則（フルタイム）: あり");
    under(7, "事業所からのメッセージ: 働きやすい職場です。");
    under(8, "採用人数: 2");
    under(8, "ハローワークへの連絡事項: 面接は土曜も可");
    // No official-data warning: 2026's holidays are bundled.
    assert!(!all.contains("公式データがありません"), "{all}");
    for (i, p) in wide.iter().enumerate() {
        insta::assert_snapshot!(format!("job_detail_120x40_{i}"), p);
    }

    // 80×24 (the smallest screen): the same, a page at a time.
    let small = pages(&mut app, 80, 24);
    let all = small.concat();
    for h in HEADINGS {
        assert!(all.contains(h), "{h} missing at 80×24:\n{all}");
    }
    let narrow = full_text(&app, 80);
    assert!(narrow.contains("［6. 保険・年金・定年等］"), "{narrow}");
    assert!(small[0].contains("残り開庁日 10"), "{}", small[0]);
    for (i, p) in small.iter().enumerate() {
        insta::assert_snapshot!(format!("job_detail_80x24_{i}"), p);
    }
}

/// R-DL-2: a deadline in a year without official holiday data (2027 is not bundled) says so
/// next to the deadline, as the calendar screen does for the year.
#[test]
fn r_dl_2_deadline_in_a_year_without_official_holidays_is_flagged_in_the_detail() {
    // Thursday 2026-12-24 10:30 JST: deadline 2027-01-07.
    let (_dir, app, _) = imported_job_detail("2026-12-24T01:30:00Z");
    let text = screen_text(&app, 80, 24);
    let lines: Vec<&str> = text.lines().collect();
    let dl = lines
        .iter()
        .position(|l| l.contains("期限: 2027-01-07"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        lines[dl + 1].contains("！ 期限の年の祝日は公式データがありません"),
        "{text}"
    );
    insta::assert_snapshot!("job_detail_deadline_without_official_holidays", text);
}

#[test]
fn spec_2_3_resubmitted_job_shows_the_changes_from_the_returned_version() {
    let mut fx = office(common::NOW);
    let lines = [
        fx.activation(),
        fx.event(
            "ev-est",
            "establishment.submitted",
            90,
            &establishment("株式会社若葉商事", "ワカバショウジ"),
        ),
        fx.event(
            "ev-job",
            "job.submitted",
            60,
            &job("介護職員", 220_000, 280_000),
        ),
    ];
    fx.import(&lines);
    let id = submission_id(&fx.store, "job-1");
    // The clerk returns it (差戻し, reason 1 of the list) through the service.
    let clerk = fx.staff("tanaka");
    let cfg = Config::default();
    service::review::return_item(
        &mut fx.store,
        &cfg,
        &clerk,
        id,
        "1",
        "賃金を確認してください",
        None,
    )
    .expect("return");
    let row = storage::submissions::by_id(fx.store.conn(), id)
        .expect("q")
        .expect("row");
    assert_eq!(row.state.code(), "returned");
    // The employer corrects the title and the wage: job.resubmitted, version 2.
    let again = fx.event(
        "ev-job-2",
        "job.resubmitted",
        10,
        &job("介護職員（夜勤なし）", 240_000, 300_000),
    );
    fx.import(&[again]);
    let row = storage::submissions::by_id(fx.store.conn(), id)
        .expect("q")
        .expect("row");
    assert_eq!((row.state.code(), row.current_version), ("received", 2));

    // Opened from the account screen (menu 2, search by email, purpose 問合せ対応, its digit).
    let email = fx.account.email.clone();
    let (_dir, mut app) = fx.app();
    press(&mut app, KeyCode::Char('2'));
    type_text(&mut app, &email);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.screen, Screen::Account(_)), "{:?}", app.flash);
    let listed = screen_text(&app, 80, 24);
    let Screen::Account(a) = &app.screen else {
        unreachable!()
    };
    let n = a
        .submissions
        .iter()
        .position(|s| s.0 == id)
        .unwrap_or_else(|| panic!("not listed:\n{listed}"));
    assert!(listed.contains("介護職員（夜勤なし）"), "{listed}");
    press(
        &mut app,
        KeyCode::Char(char::from(b'1' + u8::try_from(n).expect("digit"))),
    );
    // R-ID-5: reading the offers is asked for itself (the inquiry preselected).
    assert!(matches!(app.screen, Screen::Purpose(_)));
    press(&mut app, KeyCode::Enter);
    let Screen::Detail(d) = &app.screen else {
        panic!("no detail: {:?}\n{listed}", app.flash);
    };
    assert_eq!(d.detail.id, id, "{listed}");

    let all = full_text(&app, 120);
    assert!(all.contains("【前の版からの変更 (v2)】"), "{all}");
    let title = line_with(&all, "職種: 介護職員 → ");
    assert!(
        title.contains("職種: 介護職員 → 介護職員（夜勤なし）"),
        "{title}"
    );
    assert!(all.contains("賃金（下限）: 220000 → 240000"), "{all}");
    assert!(all.contains("賃金（上限）: 280000 → 300000"), "{all}");
    // Nothing else changed, so nothing else is listed.
    let diff_at = all.find("【前の版からの変更").unwrap_or(0);
    let diff = &all[diff_at
        ..all[diff_at..]
            .find("【履歴】")
            .map_or(all.len(), |p| p + diff_at)];
    assert_eq!(diff.matches(" → ").count(), 3, "{diff}");
    // The current version's fields are the new ones.
    assert!(all.contains("職種: 介護職員（夜勤なし）"), "{all}");
    let small = pages(&mut app, 80, 24);
    let last = small.last().expect("a page");
    insta::assert_snapshot!("job_detail_diff_80x24", last);
}

/// SPEC §5 (issue 3, issue 17 item 8): JSON with control characters and escape sequences in
/// names is refused at import, the field named; rows that hold them all the same (written by an
/// older version or another tool) never reach the terminal raw: not in the queue, not in the
/// detail.
#[test]
fn spec_5_escape_sequences_in_imported_names_are_refused_and_never_drawn_raw() {
    let mut fx = office(common::NOW);
    let est_name = "株式会社\u{1b}[31m若葉\u{1b}]0;x\u{7}商事\u{9b}本店\u{202e}東京";
    let job_title = "介護\u{1b}[31m職員\u{202e}急募";
    let hostile = [
        fx.activation(),
        fx.event(
            "ev-est-hostile",
            "establishment.submitted",
            95,
            &establishment(est_name, "ワカバショウジ"),
        ),
        fx.event(
            "ev-job-hostile",
            "job.submitted",
            65,
            &job(job_title, 220_000, 280_000),
        ),
    ];
    // The lines are JSON text with the escapes written as JSON escapes (or raw, for C1 and
    // U+202E, which JSON need not escape).
    assert!(hostile[1].contains(r"\u001b[31m") && hostile[1].contains(r"\u001b]0;x\u0007"));
    let s = fx.try_import(&hostile);
    assert_eq!((s.applied, s.rejected), (1, 2), "{:?}", s.rejects);
    let said: Vec<String> = s
        .rejects
        .iter()
        .map(|r| madoguchi::i18n::findings::validation_detail(madoguchi::i18n::Lang::Ja, &r.detail))
        .collect();
    assert_eq!(
        said,
        [
            "事業所名: 制御文字や文字の向きを変える記号（U+001B）は使えません",
            "職種: 制御文字や文字の向きを変える記号（U+001B）は使えません",
        ],
        "{:?}",
        s.rejects
    );

    // The same offer with printable text only: taken as it is.
    let est_stored = "株式会社[31m若葉]0;x商事本店東京";
    let job_stored = "介護[31m職員急募";
    fx.import(&[
        fx.event(
            "ev-est",
            "establishment.submitted",
            90,
            &establishment(est_stored, "ワカバショウジ"),
        ),
        fx.event(
            "ev-job",
            "job.submitted",
            60,
            &job(job_stored, 220_000, 280_000),
        ),
    ]);
    let est = submission_id(&fx.store, "est-1");
    let jid = submission_id(&fx.store, "job-1");
    let stored = |id: SubmissionId| {
        storage::submissions::by_id(fx.store.conn(), id)
            .expect("q")
            .expect("row")
            .display_name
    };
    assert_eq!(stored(est), est_stored);
    assert_eq!(stored(jid), job_stored);
    let payload = |id: SubmissionId| -> Value {
        let p: String = fx
            .store
            .conn()
            .query_row(
                "SELECT payload FROM submission_versions WHERE submission_id = ?1",
                [id],
                |r| Ok(storage::payload::decode(r.get_ref(0)?)),
            )
            .expect("payload")
            .expect("stored form");
        serde_json::from_str(&p).expect("json")
    };
    assert_eq!(payload(est)["name"], est_stored);
    assert_eq!(payload(jid)["title"], job_stored);

    // The screens must not rely on that cleaning: the establishment's row is written back with
    // the name exactly as it came (as a row from an older version or another tool would be),
    // so raw ESC, BEL, the C1 CSI and the override are in the database.
    let mut p = payload(est);
    p["name"] = Value::from(est_name);
    let conn = fx.store.conn();
    conn.execute(
        "UPDATE submissions SET display_name = ?1 WHERE id = ?2",
        rusqlite::params![est_name, est],
    )
    .expect("name");
    conn.execute(
        "UPDATE submission_versions SET payload = ?1 WHERE submission_id = ?2",
        rusqlite::params![p.to_string(), est],
    )
    .expect("payload");
    conn.execute(
        "UPDATE establishments SET name = ?1 \
         WHERE id = (SELECT establishment_id FROM submissions WHERE id = ?2)",
        rusqlite::params![est_name, est],
    )
    .expect("establishment");
    assert_eq!(stored(est), est_name);
    assert_eq!(payload(est)["name"], est_name);
    // Drawn: each complete sequence removed as a whole, the lone C1 CSI a U+FFFD, the override
    // dropped (`domain::text::sanitize`).
    let est_shown = "株式会社若葉商事\u{fffd}本店東京";

    let (_dir, mut app) = fx.app();
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('1'));
    for (w, h) in [(80, 24), (120, 40)] {
        let t = terminal(&app, w, h);
        assert_no_raw_controls(&t, &format!("queue {w}×{h}"));
        let text = screen_text(&app, w, h);
        // Readable: the names are there (as much as the name column holds at 80 columns, the
        // cut marked with "…").
        assert!(text.contains("株式会社若葉商事\u{fffd}本"), "{text}");
        assert!(text.contains("介護[31m職員急募"), "{text}");
        insta::assert_snapshot!(format!("escape_queue_{w}x{h}"), text);
    }
    for id in [est, jid] {
        open_from_queue(&mut app, id);
        for (w, h) in [(80, 24), (120, 40)] {
            for (n, t) in page_terminals(&mut app, w, h).iter().enumerate() {
                assert_no_raw_controls(t, &format!("detail #{id} {w}×{h} page {n}"));
            }
        }
        let all = full_text(&app, 120);
        if id == est {
            assert!(
                line_with(&all, &format!("#{id} ")).contains(est_shown),
                "{all}"
            );
            assert!(line_with(&all, "事業所名: ").contains(est_shown), "{all}");
            insta::assert_snapshot!(
                "escape_establishment_detail_80x24",
                screen_text(&app, 80, 24)
            );
        } else {
            assert!(
                line_with(&all, &format!("#{id} ")).contains("介護[31m職員急募"),
                "{all}"
            );
            assert!(
                line_with(&all, "職種: ").contains("介護[31m職員急募"),
                "{all}"
            );
        }
        // Back to the queue for the next one.
        press(&mut app, KeyCode::Esc);
    }
}

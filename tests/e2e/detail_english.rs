//! English mode never shows the job offer form's Japanese words (issue 19 item 2): the coded
//! choices, the check boxes, the establishment an offer belongs to and the changes between two
//! versions come from `i18n::values`, in the service's detail and on the detail screen; the
//! Japanese detail keeps the form's words. The offer arrives through the real import and is
//! resubmitted after a 差戻し with other choices, so that the changes hold coded values too.

use madoguchi::config::{Config, Language};
use madoguchi::domain::ids::SubmissionId;
use madoguchi::i18n::Lang;
use madoguchi::i18n::fields::{FieldSet, field_label};
use madoguchi::service::{self, review::Detail};
use serde_json::json;

use crate::common;
use crate::detail_sections::{
    Fx, establishment, job, office, open_from_queue, screen_text, submission_id,
};

/// The fields whose value is a choice, a check box or a link, not text as entered.
const CODED: [&str; 16] = [
    "category.kind",
    "category.part_time",
    "category.trial_employment",
    "category.dispatch_or_contract",
    "category.disability_short_time_trial",
    "publication_scope",
    "online_opt_out.private_placement",
    "online_opt_out.local_government",
    "establishment",
    "employment_type",
    "work_location.address",
    "wage.kind",
    "bonus.has_bonus",
    "hours.kind",
    "insurance.kinds",
    "work_rules.full_time",
];

fn japanese(s: &str) -> bool {
    s.chars().any(|c| {
        matches!(c, '\u{3000}'..='\u{30ff}' | '\u{3400}'..='\u{9fff}' | '\u{ff01}'..='\u{ff9f}')
    })
}

/// An imported offer, returned and resubmitted with another wage type, working time, insurance
/// and part-time flag, and at the establishment's own address.
fn resubmitted_job() -> (Fx, SubmissionId) {
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
    let clerk = fx.staff("tanaka");
    service::review::return_item(&mut fx.store, &Config::default(), &clerk, id, "1", "", None)
        .expect("return");
    let mut again = job("介護職員", 1_500, 2_000);
    let j = &mut again["job"];
    j["wage"]["kind"] = json!("hourly");
    j["hours"]["kind"] = json!("flex");
    j["category"]["part_time"] = json!(true);
    j["employment_type"] = json!("part_time");
    j["insurance"]["kinds"] = json!(["employment", "workers_compensation", "zaikei"]);
    j["work_location"] = serde_json::Value::Null;
    let line = fx.event("ev-job-2", "job.resubmitted", 10, &again);
    fx.import(&[line]);
    (fx, id)
}

fn detail(fx: &mut Fx, id: SubmissionId, lang: Lang) -> Detail {
    let clerk = fx.staff("tanaka");
    service::review::detail(&mut fx.store, &clerk, id, "本登録審査", lang).expect("detail")
}

fn value<'a>(d: &'a Detail, path: &str) -> &'a str {
    d.fields.iter().find(|(k, _)| k == path).map_or_else(
        || panic!("no {path} in {:?}", d.fields),
        |(_, v)| v.as_str(),
    )
}

#[test]
fn i18n_english_review_detail_shows_no_japanese_for_coded_and_flag_fields() {
    let (mut fx, id) = resubmitted_job();
    let en = detail(&mut fx, id, Lang::En);
    for path in CODED {
        let v = value(&en, path);
        assert!(!v.is_empty(), "{path} empty");
        assert!(!japanese(v), "{path}: {v}");
    }
    assert_eq!(value(&en, "wage.kind"), "hourly");
    assert_eq!(value(&en, "category.part_time"), "yes");
    assert_eq!(
        value(&en, "establishment"),
        "provisional establishment est-1"
    );
    assert_eq!(
        value(&en, "insurance.kinds"),
        "employment insurance, workers' accident compensation, asset-building savings"
    );
    // The changes: coded values on both sides, in English.
    let changed: Vec<&str> = en.diff.iter().map(|(f, _, _)| f.as_str()).collect();
    for path in [
        "category.part_time",
        "employment_type",
        "work_location.address",
        "wage.kind",
        "hours.kind",
        "insurance.kinds",
    ] {
        assert!(changed.contains(&path), "{path} not in {changed:?}");
    }
    for (f, old, new) in &en.diff {
        if CODED.contains(&f.as_str()) {
            // The address before was text as entered.
            let old = if f == "work_location.address" {
                ""
            } else {
                old
            };
            assert!(!japanese(old) && !japanese(new), "{f}: {old} → {new}");
        }
    }
    // The same detail in Japanese keeps the form's words.
    let ja = detail(&mut fx, id, Lang::Ja);
    assert_eq!(value(&ja, "wage.kind"), "時給");
    assert_eq!(value(&ja, "category.part_time"), "あり");
    assert_eq!(
        value(&ja, "work_location.address"),
        "（事業所所在地と同じ）"
    );
    assert_eq!(value(&ja, "establishment"), "事業所仮登録 est-1");
    assert!(
        ja.diff
            .contains(&("wage.kind".into(), "月給".into(), "時給".into())),
        "{:?}",
        ja.diff
    );
}

#[test]
fn i18n_english_detail_screen_shows_no_japanese_for_coded_and_flag_fields() {
    let (fx, id) = resubmitted_job();
    let mut cfg = Config::default();
    cfg.ui.language = Language::En;
    let (_dir, mut app) = fx.app_with(cfg);
    open_from_queue(&mut app, id);
    let text = screen_text(&app, 160, 200);
    let mut seen = 0;
    for path in CODED {
        let label = format!("  {}: ", field_label(Lang::En, FieldSet::Submission, path));
        for line in text.lines().filter(|l| l.contains(&label)) {
            let shown = line.split_once(&label).map_or("", |(_, v)| v);
            // The address before was text as entered.
            let shown = match path {
                "work_location.address" => shown.rsplit(" → ").next().unwrap_or(shown),
                _ => shown,
            };
            assert!(!japanese(shown), "{path}: {line}\n{text}");
            seen += 1;
        }
    }
    // Every coded field once, and the changed ones again in the changes.
    assert!(seen >= CODED.len() + 6, "{seen} lines\n{text}");
}

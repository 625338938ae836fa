//! Tests: every text field of an establishment and a job offer refuses control characters
//! and bidi overrides at entry, keeps line breaks only where it is multi-line, and is capped.

#![allow(clippy::unwrap_used)]

use super::*;
use crate::domain::establishment;
use crate::domain::establishment::Establishment;
use crate::domain::job::JobOffer;
use crate::domain::job::{self, WorkLocation};
use crate::domain::minwage::MinimumWageTable;
use crate::domain::text;

/// Control characters (C0, DEL, C1) and bidi overrides, embeddings and isolates.
const HOSTILE: [char; 12] = [
    '\u{0}', '\u{1B}', '\u{7}', '\t', '\u{7F}', '\u{85}', '\u{9B}', '\u{202A}', '\u{202E}',
    '\u{2066}', '\u{2069}', '\u{200F}',
];

fn on() -> JobCheck<'static> {
    static T: std::sync::OnceLock<MinimumWageTable> = std::sync::OnceLock::new();
    JobCheck {
        date: NaiveDate::from_ymd_opt(2026, 4, 6).unwrap(),
        minimum_wage: T.get_or_init(|| MinimumWageTable::bundled().unwrap()),
        office_prefecture: Some(13),
    }
}

fn refused(findings: &[Finding], field: &str, c: char) -> bool {
    let code = text::char_code(c);
    findings.iter().any(|f| {
        f.field == field
            && f.rule == rules::CONTROL_CHAR
            && f.severity == Severity::Error
            && f.param.as_deref() == Some(code.as_str())
    })
}

type EstEdit = fn(&mut Establishment, String);
const EST_FIELDS: [(&str, EstEdit); 9] = [
    ("establishment_number", |e, v| {
        e.establishment_number = Some(v);
    }),
    ("corporate_number", |e, v| e.corporate_number = Some(v)),
    ("name", |e, v| e.name = v),
    ("name_kana", |e, v| e.name_kana = v),
    ("representative_title", |e, v| e.representative_title = v),
    ("representative_name", |e, v| e.representative_name = v),
    ("postal_code", |e, v| e.postal_code = v),
    ("address", |e, v| e.address = v),
    ("phone", |e, v| e.phone = v),
];

type JobEdit = fn(&mut JobOffer, String);
const JOB_FIELDS: [(&str, JobEdit); 11] = [
    ("establishment", |j, v| {
        j.establishment = Some(job::EstablishmentLink::SubmissionId(v));
    }),
    ("title", |j, v| j.title = v),
    ("occupation_code", |j, v| j.occupation_code = Some(v)),
    ("licences", |j, v| j.licences = vec![v]),
    ("work_location.postal_code", |j, v| {
        j.work_location = Some(WorkLocation {
            postal_code: v,
            address: "東京都千代田区".into(),
        });
    }),
    ("work_location.address", |j, v| {
        j.work_location = Some(WorkLocation {
            postal_code: "102-0072".into(),
            address: v,
        });
    }),
    ("wage.other_text", |j, v| j.wage.other_text = v),
    ("bonus.months", |j, v| j.bonus.months = Some(v)),
    ("insurance.other_text", |j, v| j.insurance.other_text = v),
    ("pr_message", |j, v| j.pr_message = v),
    ("note_to_hello_work", |j, v| j.note_to_hello_work = v),
];

#[test]
fn spec_5_every_establishment_field_refuses_control_and_bidi_characters() {
    for (field, set) in EST_FIELDS {
        for c in HOSTILE {
            let mut e = establishment::sample();
            set(&mut e, format!("12{c}34"));
            let f = validate_establishment(&e);
            assert!(refused(&f, field, c), "{field} {c:?}: {f:?}");
            // Told once: no second finding about the same field.
            assert_eq!(
                f.iter().filter(|x| x.field == field).count(),
                1,
                "{field}: {f:?}"
            );
        }
    }
}

#[test]
fn spec_5_every_job_field_refuses_control_and_bidi_characters() {
    for (field, set) in JOB_FIELDS {
        for c in HOSTILE {
            let mut j = job::sample();
            set(&mut j, format!("12{c}34"));
            let f = validate_job(&j, &on());
            assert!(refused(&f, field, c), "{field} {c:?}: {f:?}");
        }
    }
}

#[test]
fn spec_5_multi_line_fields_keep_line_breaks_only() {
    for field in ["pr_message", "note_to_hello_work"] {
        let set = JOB_FIELDS.iter().find(|(f, _)| *f == field).unwrap().1;
        let mut j = job::sample();
        set(&mut j, "一行目\n二行目\r\n三行目".into());
        let f = validate_job(&j, &on());
        assert!(
            !f.iter().any(|x| x.rule == rules::CONTROL_CHAR),
            "{field}: {f:?}"
        );
    }
    let mut e = establishment::sample();
    e.address = "東京都\n千代田区".into();
    assert!(refused(&validate_establishment(&e), "address", '\n'));
}

#[test]
fn spec_5_every_text_field_is_capped() {
    let long = "あ".repeat(10_000);
    for (field, set) in EST_FIELDS {
        let mut e = establishment::sample();
        set(&mut e, long.clone());
        let f = validate_establishment(&e);
        assert!(
            f.iter().any(|x| x.field == field
                && x.rule == rules::TOO_LONG
                && x.severity == Severity::Error),
            "{field}: {f:?}"
        );
    }
    for (field, set) in JOB_FIELDS {
        let mut j = job::sample();
        set(&mut j, long.clone());
        let f = validate_job(&j, &on());
        assert!(
            f.iter()
                .any(|x| x.field == field && x.severity == Severity::Error),
            "{field}: {f:?}"
        );
    }
    // At the cap: taken.
    let mut e = establishment::sample();
    e.name = "あ".repeat(ESTABLISHMENT_NAME_MAX);
    assert!(!validate_establishment(&e).iter().any(|x| x.field == "name"));
    e.name.push('あ');
    assert!(
        validate_establishment(&e)
            .iter()
            .any(|x| x.field == "name" && x.rule == rules::TOO_LONG)
    );
    // A list has a cap on its length too.
    let mut j = job::sample();
    j.licences = vec!["普通自動車免許".into(); LICENCES_MAX + 1];
    assert!(
        validate_job(&j, &on())
            .iter()
            .any(|x| x.field == "licences" && x.rule == rules::TOO_MANY)
    );
}

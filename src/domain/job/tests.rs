//! Tests of the job offer model: JSON round trips, the section of every field, the diff
//! between versions.

#![allow(clippy::unwrap_used)]

use super::*;

#[test]
fn r_io_1_job_json_round_trip() {
    let j = sample();
    let json = serde_json::to_string(&j).unwrap();
    assert!(json.contains(r#""start":"08:30""#), "{json}");
    assert!(json.contains(r#""kind":"monthly""#), "{json}");
    assert!(
        json.contains(r#""publication_scope":"with_name""#),
        "{json}"
    );
    let back: JobOffer = serde_json::from_str(&json).unwrap();
    assert_eq!(back, j);
}

#[test]
fn r_io_1_job_json_lenient_fields() {
    let j: JobOffer = serde_json::from_str(
        r#"{
            "title": "事務",
            "bonus": {"has_bonus": true, "months": 2.5},
            "hours": {"start": "09:00:00", "end": "", "kind": "shift"},
            "establishment": {"submission_id": "sub-42"},
            "insurance": {"kinds": ["health", "employment", "health"]},
            "unknown_section": {"x": 1}
        }"#,
    )
    .unwrap();
    assert_eq!(j.bonus.months.as_deref(), Some("2.5"));
    assert_eq!(j.hours.start, NaiveTime::from_hms_opt(9, 0, 0));
    assert_eq!(j.hours.end, None);
    assert_eq!(j.hours.kind, WorkingTimeKind::Shift);
    assert_eq!(
        j.establishment,
        Some(EstablishmentLink::SubmissionId("sub-42".into()))
    );
    assert_eq!(j.insurance.kinds.len(), 2);
    assert_eq!(j.wage, Wage::default());
    assert!(serde_json::from_str::<JobOffer>(r#"{"hours":{"start":"25:00"}}"#).is_err());
    assert!(serde_json::from_str::<JobOffer>(r#"{"wage":{"kind":"weekly"}}"#).is_err());
}

#[test]
fn spec_5_enum_codes() {
    assert_eq!(WageKind::parse("other"), Some(WageKind::Other));
    assert_eq!(WageKind::Annual.code(), "annual");
    assert_eq!(InsuranceKind::parse("zaikei"), Some(InsuranceKind::Zaikei));
    for n in 1..=4 {
        assert_eq!(PublicationScope::from_number(n).unwrap().number(), n);
    }
    assert_eq!(PublicationScope::from_number(5), None);
    for t in EmploymentType::ALL {
        assert_eq!(EmploymentType::parse(t.code()), Some(t));
        let json = serde_json::to_string(&t).unwrap();
        assert_eq!(json, format!("\"{}\"", t.code()));
    }
    assert!(EmploymentType::IndefiniteDispatchPartTime.is_part_time());
    assert!(EmploymentType::IndefiniteDispatchPartTime.is_dispatch());
    assert!(!EmploymentType::Regular.is_dispatch());
}

#[test]
fn spec_2_3_job_diff_lists_changed_values_as_data() {
    let old = sample();
    let mut new = sample();
    new.wage.min = Some(230_000);
    new.wage.kind = Some(WageKind::Hourly);
    new.insurance.kinds.insert(InsuranceKind::Zaikei);
    new.work_location = Some(WorkLocation {
        postal_code: "100-0001".into(),
        address: "東京都千代田区千代田1-1".into(),
    });
    let changes = diff(&old, &new);
    let fields: Vec<&str> = changes.iter().map(|c| c.field).collect();
    assert_eq!(
        fields,
        vec![
            "work_location.postal_code",
            "work_location.address",
            "wage.kind",
            "wage.min",
            "insurance.kinds"
        ]
    );
    assert_eq!(changes[1].old, FieldValue::SameAsEstablishment);
    assert_eq!(
        changes[2].old,
        FieldValue::Coded(Some(Coded::Wage(WageKind::Monthly)))
    );
    assert_eq!(
        changes[2].new,
        FieldValue::Coded(Some(Coded::Wage(WageKind::Hourly)))
    );
    assert_eq!(
        changes[4].new,
        FieldValue::CodedList(
            [
                InsuranceKind::Employment,
                InsuranceKind::WorkersCompensation,
                InsuranceKind::Health,
                InsuranceKind::Pension,
                InsuranceKind::Zaikei
            ]
            .map(Coded::Insurance)
            .to_vec()
        )
    );
    assert!(diff(&old, &old).is_empty());
}

#[test]
fn spec_2_3_every_job_field_has_a_section_in_screen_order() {
    let fields = sample().fields();
    let sections: Vec<JobSection> = fields
        .iter()
        .map(|(path, _)| JobSection::of_field(path).unwrap_or_else(|| panic!("{path}")))
        .collect();
    // fields() lists the sections in screen order, each once, all of them.
    let mut seen: Vec<JobSection> = sections.clone();
    seen.dedup();
    assert_eq!(seen, JobSection::ALL);
    assert_eq!(JobSection::of_field("wage.min"), Some(JobSection::Wage));
    assert_eq!(JobSection::of_field("bonus.months"), Some(JobSection::Wage));
    assert_eq!(
        JobSection::of_field("work_rules.part_time"),
        Some(JobSection::Insurance)
    );
    assert_eq!(
        JobSection::of_field("note_to_hello_work"),
        Some(JobSection::Selection)
    );
    assert_eq!(JobSection::of_field("phone"), None);
    let numbered: Vec<u8> = JobSection::ALL.iter().filter_map(|s| s.number()).collect();
    assert_eq!(numbered, (1..=8).collect::<Vec<u8>>());
    assert_eq!(JobSection::PlaceAndType.number(), None);
}

#[test]
fn r_visit_1_dispatch_detection() {
    let mut j = sample();
    assert!(!j.is_dispatch_or_contract());
    j.employment_type = Some(EmploymentType::FixedTermDispatch);
    assert!(j.is_dispatch_or_contract());
    j.employment_type = Some(EmploymentType::Regular);
    j.category.dispatch_or_contract = true;
    assert!(j.is_dispatch_or_contract());
}

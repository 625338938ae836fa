//! Tests of the interchange parser (SPEC §4): every event type read, every refusal coded,
//! hostile lines (control characters, long fields, truncation) refused without a panic.

#![allow(clippy::unwrap_used)]

use super::*;
use proptest::prelude::*;

const T: &str = "2026-04-06T09:30:00+09:00";

fn line(s: &str) -> Result<Event, ParseError> {
    parse_line(s.as_bytes())
}

#[test]
fn spec_5_event_type_must_match_exactly() {
    for ty in [
        "account.activated ",
        " account.activated",
        "Account.activated",
        "account.activated\t",
    ] {
        let e = line(&format!(
            r#"{{"event_id":"e1","occurred_at":"{T}","type":"{}","email":"a@b.jp","auth_key":"ABCD-EFGH-JKMN"}}"#,
            ty.replace('\t', "\\t")
        ))
        .unwrap_err();
        assert_eq!(e.code, reasons::UNKNOWN_TYPE, "{ty:?}");
    }
}

#[test]
fn spec_5_envelope_text_refuses_control_and_bidi_characters_and_is_capped() {
    for (field, bad) in [
        ("email", r"a\u0000@b.jp".to_string()),
        ("email", "a\u{202e}@b.jp".to_string()),
        ("email", format!("{}@b.jp", "a".repeat(300))),
        ("auth_key", r"ABCD-\u001b[2J".to_string()),
        ("auth_key", "A".repeat(65)),
    ] {
        let mut v = serde_json::json!({
            "event_id": "e1", "occurred_at": T, "type": "account.activated",
            "email": "a@b.jp", "auth_key": "ABCD-EFGH-JKMN",
        });
        let bad: String = serde_json::from_str(&format!("\"{bad}\"")).unwrap();
        v[field] = serde_json::Value::from(bad);
        let e = line(&v.to_string()).unwrap_err();
        assert_eq!(e.code, reasons::BAD_FIELD, "{field}: {e:?}");
        assert!(e.detail.starts_with(field), "{e:?}");
    }
    // Ids: bidi overrides too, not only control characters.
    let e = line(&format!(
        r#"{{"event_id":"e\u202e1","occurred_at":"{T}","type":"account.activated","email":"a@b.jp","auth_key":"ABCD-EFGH-JKMN"}}"#
    ))
    .unwrap_err();
    assert_eq!(e.code, reasons::BAD_ID);
    let w = line(&format!(
        r#"{{"event_id":"e1","occurred_at":"{T}","type":"account.withdrawn","email":"a@b.jp","reason":"x\u0085y"}}"#
    ))
    .unwrap_err();
    assert_eq!(w.code, reasons::BAD_FIELD);
}

#[test]
fn r_io_1_activation_parses() {
    let e = line(&format!(
        r#"{{"event_id":"e1","occurred_at":"{T}","type":"account.activated","email":"a@b.jp","auth_key":"ABCD-EFGH-JKMN"}}"#
    ))
    .unwrap();
    assert_eq!(e.event_id, "e1");
    assert_eq!(e.occurred_at.to_rfc3339(), "2026-04-06T00:30:00+00:00");
    assert_eq!(
        e.body,
        EventBody::AccountActivated {
            email: "a@b.jp".into(),
            auth_key: "ABCD-EFGH-JKMN".into()
        }
    );
}

#[test]
fn r_io_1_job_with_crlf_and_bom_and_unknown_fields() {
    let s = format!(
        "\u{feff}{{\"event_id\":\"e2\",\"occurred_at\":\"{T}\",\"type\":\"job.submitted\",\"email\":\"a@b.jp\",\"submission_id\":\"J1\",\"job\":{{\"title\":\"介護職員\"}},\"x\":[1]}}\r"
    );
    let e = line(&s).unwrap();
    let EventBody::JobSubmitted { job, .. } = e.body else {
        panic!("type")
    };
    assert_eq!(job.title, "介護職員");
}

#[test]
fn r_io_2_reasons() {
    let code = |s: &str| line(s).unwrap_err().code;
    assert_eq!(code("not json"), reasons::BAD_JSON);
    assert_eq!(code("[1]"), reasons::BAD_JSON);
    assert_eq!(code("{}"), reasons::MISSING_FIELD);
    assert_eq!(
        code(
            r#"{"event_id":"e","occurred_at":"yesterday","type":"account.withdrawn","email":"a@b"}"#
        ),
        reasons::BAD_TIME
    );
    assert_eq!(
        code(&format!(
            r#"{{"event_id":"e","occurred_at":"{T}","type":"account.deleted","email":"a@b"}}"#
        )),
        reasons::UNKNOWN_TYPE
    );
    assert_eq!(
        code(&format!(
            r#"{{"event_id":"e","occurred_at":"{T}","type":"job.submitted","email":"a@b","submission_id":"s"}}"#
        )),
        reasons::MISSING_FIELD
    );
    assert_eq!(
        code(&format!(
            r#"{{"event_id":"e\u001b[2J","occurred_at":"{T}","type":"account.withdrawn","email":"a@b"}}"#
        )),
        reasons::BAD_ID
    );
    assert_eq!(
        parse_line(&[0xff, 0xfe]).unwrap_err().code,
        reasons::BAD_UTF8
    );
}

#[test]
fn r_io_2_bad_payload_still_names_the_event() {
    let e = line(&format!(
        r#"{{"event_id":"e9","occurred_at":"{T}","type":"job.submitted","email":"a@b","submission_id":"s","job":{{"wage":{{"min":"lots"}}}}}}"#
    ))
    .unwrap_err();
    assert_eq!(e.code, reasons::BAD_JSON);
    assert_eq!(e.event_id.as_deref(), Some("e9"));
}

#[test]
fn r_io_2_truncated_line_is_bad_json() {
    let full = format!(
        r#"{{"event_id":"e1","occurred_at":"{T}","type":"account.withdrawn","email":"a@b.jp"}}"#
    );
    assert!(line(&full).is_ok());
    assert_eq!(
        line(&full[..full.len() - 5]).unwrap_err().code,
        reasons::BAD_JSON
    );
}

#[test]
fn r_io_1_round_trip_through_wire() {
    let e = Event {
        event_id: "x".into(),
        occurred_at: DateTime::parse_from_rfc3339("2026-04-06T00:30:00Z")
            .unwrap()
            .with_timezone(&Utc),
        body: EventBody::AccountWithdrawn {
            email: "a@b.jp".into(),
            reason: Some("事業廃止".into()),
        },
    };
    assert_eq!(line(&e.to_json_line()).unwrap(), e);
}

#[test]
fn truncate_raw_cuts_at_char_boundary() {
    assert_eq!(truncate_raw("あいう".as_bytes(), 4), "あ");
    assert_eq!(truncate_raw(b"abc", 10), "abc");
}

proptest! {
    #[test]
    fn r_io_2_parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let _ = parse_line(&bytes);
    }

    #[test]
    fn r_io_2_parser_never_panics_on_near_json(s in r#"\{("(event_id|occurred_at|type|email|job|establishment|submission_id)":("[^"]{0,12}"|\{[^}]{0,20}\}|[0-9]{1,3}|null),?){0,8}\}"#) {
        let _ = parse_line(s.as_bytes());
    }
}

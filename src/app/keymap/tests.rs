//! Tests of the key tables: every F-key has another way, no context binds a key twice.

use super::*;

fn key(code: KeyCode, m: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, m)
}

#[test]
fn every_f_key_has_a_non_f_alternative() {
    for table in [
        FORM,
        SIGNIN,
        HOME,
        ACCOUNT,
        RESULT,
        STAFF,
        STAFF_READONLY,
        MAILQ,
        QUEUE,
        DETAIL,
        PICKER,
        CHECKLIST,
        LOOKUP_RESULTS,
        LOOKUP_DETAIL,
        AUDIT,
        AUDIT_REPORT,
        AUDIT_ROW,
        CALENDAR,
        CALENDAR_READONLY,
        CONFIRM,
        NOTICE,
        LOCKED,
        HELP,
    ] {
        for b in table {
            if b.keys.iter().any(|k| matches!(k, Key::F(_))) {
                assert!(
                    b.keys.iter().any(|k| !matches!(k, Key::F(_))),
                    "{:?} has only F-keys",
                    b.action
                );
            }
        }
    }
}

#[test]
fn form_letters_are_not_commands() {
    for c in ['a', 'q', 'r', '?', '/', ' '] {
        assert_eq!(
            resolve(FORM, &key(KeyCode::Char(c), KeyModifiers::NONE)),
            None,
            "{c}"
        );
    }
    assert_eq!(
        resolve(FORM, &key(KeyCode::Char('s'), KeyModifiers::CONTROL)),
        Some(Action::Submit)
    );
    assert_eq!(
        resolve(FORM, &key(KeyCode::F(3), KeyModifiers::NONE)),
        Some(Action::Back)
    );
    assert_eq!(
        resolve(FORM, &key(KeyCode::Tab, KeyModifiers::SHIFT)),
        Some(Action::PrevField)
    );
}

//! Keys to actions, one table per context. The hint bar and the help overlay are generated from
//! these tables, so what is shown is what works. F-keys are accelerators only: every action
//! also has a letter, Ctrl, Enter, Esc or Tab path (F-keys arrive in several encodings over SSH).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::i18n::ui::Msg;

mod tables;
pub use tables::{
    ACCOUNT, AUDIT, AUDIT_REPORT, AUDIT_ROW, CALENDAR, CALENDAR_READONLY, CHECKLIST, CONFIRM,
    DETAIL, FORM, HELP, HOME, LOCKED, LOOKUP_DETAIL, LOOKUP_RESULTS, MAILQ, NOTICE, PICKER, QUEUE,
    RESULT, SIGNIN, STAFF, STAFF_READONLY,
};

/// Everything a key can ask for. Text editing keys are handled by the form, not here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Help,
    Back,
    Cancel,
    Quit,
    Submit,
    NextField,
    PrevField,
    Up,
    Down,
    PageUp,
    PageDown,
    Select,
    Yes,
    No,
    Lock,
    Search,
    Reissue,
    Refresh,
    NewItem,
    ToggleDisable,
    UnlockStaff,
    ResetPassword,
    ChangePassword,
    SignOut,
    Menu(u8),
    Filter,
    MailRetry,
    MailHold,
    MailRelease,
    MailCancel,
    Reveal,
    MailId,
    ChangeId,
    Report,
    Export,
    Approve,
    Reject,
    PrevYear,
    NextYear,
    RemoveItem,
    /// Review (R-REV-1..6)
    Sort,
    ReviewCheck,
    ReviewApprove,
    ReviewReturn,
    ReviewReject,
    ReviewClaim,
    ReviewRelease,
    ReviewVisit,
    ReviewComment,
    ReviewHandOver,
    ReviewFollowUp,
    /// Checklist: tick or untick the item under the cursor; tick every item.
    Toggle,
    TickAll,
}

/// A key as written in the tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Ctrl(char),
    F(u8),
    Enter,
    Esc,
    Tab,
    BackTab,
    Up,
    Down,
    PageUp,
    PageDown,
}

impl Key {
    #[must_use]
    pub fn matches(self, ev: &KeyEvent) -> bool {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        match (self, ev.code) {
            (Key::Char(c), KeyCode::Char(x)) => !ctrl && x == c,
            (Key::Ctrl(c), KeyCode::Char(x)) => ctrl && x.eq_ignore_ascii_case(&c),
            (Key::F(n), KeyCode::F(m)) => n == m,
            (Key::Enter, KeyCode::Enter) => true,
            (Key::Esc, KeyCode::Esc) => true,
            (Key::Tab, KeyCode::Tab) => !ev.modifiers.contains(KeyModifiers::SHIFT),
            (Key::BackTab, KeyCode::BackTab) => true,
            (Key::BackTab, KeyCode::Tab) => ev.modifiers.contains(KeyModifiers::SHIFT),
            (Key::Up, KeyCode::Up) => true,
            (Key::Down, KeyCode::Down) => true,
            (Key::PageUp, KeyCode::PageUp) => true,
            (Key::PageDown, KeyCode::PageDown) => true,
            _ => false,
        }
    }

    /// How the key is written in hints and help.
    #[must_use]
    pub fn label(self) -> String {
        match self {
            Key::Char(' ') => "Space".into(),
            Key::Char(c) => c.to_string(),
            Key::Ctrl(c) => format!("^{}", c.to_ascii_uppercase()),
            Key::F(n) => format!("F{n}"),
            Key::Enter => "Enter".into(),
            Key::Esc => "Esc".into(),
            Key::Tab => "Tab".into(),
            Key::BackTab => "S-Tab".into(),
            Key::Up => "↑".into(),
            Key::Down => "↓".into(),
            Key::PageUp => "PgUp".into(),
            Key::PageDown => "PgDn".into(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    pub label: Msg,
    /// Shown in the bottom hint bar (the help overlay shows every binding).
    pub hint: bool,
}

/// The first binding in `table` that the key matches.
#[must_use]
pub fn resolve(table: &[Binding], ev: &KeyEvent) -> Option<Action> {
    table
        .iter()
        .find(|b| b.keys.iter().any(|k| k.matches(ev)))
        .map(|b| b.action)
}

/// `Enter/^S` style: the keys of a binding as shown to people (first two at most).
#[must_use]
pub fn keys_label(b: &Binding) -> String {
    b.keys
        .iter()
        .take(2)
        .map(|k| k.label())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests;

//! Form state: labelled fields with tui-input buffers, focus, and per-field issues.
//! Values are kept by field id, so a refused form keeps everything that was typed.

use tui_input::{Input, InputRequest};

use crate::i18n::ui::Msg;
use crate::service::{FieldIssue, Severity};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    /// Shown as one `*` per character.
    Password,
    /// One of several options, changed with ←/→ or Space.
    Choice {
        options: Vec<(&'static str, Msg)>,
        selected: usize,
    },
    /// Any number of options, cursor with ←/→, toggled with Space.
    Flags {
        options: Vec<(&'static str, Msg)>,
        on: Vec<bool>,
        cursor: usize,
    },
}

#[derive(Debug, Clone)]
pub struct Field {
    pub id: &'static str,
    pub label: Msg,
    pub kind: FieldKind,
    pub input: Input,
    /// Most severe issue first; the text is already in the user's language.
    pub issues: Vec<(Severity, String)>,
    /// Shown in grey under the label when there is no issue.
    pub hint: Option<Msg>,
}

impl Field {
    #[must_use]
    pub fn text(id: &'static str, label: Msg) -> Field {
        Field {
            id,
            label,
            kind: FieldKind::Text,
            input: Input::default(),
            issues: Vec::new(),
            hint: None,
        }
    }

    #[must_use]
    pub fn password(id: &'static str, label: Msg) -> Field {
        Field {
            kind: FieldKind::Password,
            ..Field::text(id, label)
        }
    }

    #[must_use]
    pub fn choice(id: &'static str, label: Msg, options: Vec<(&'static str, Msg)>) -> Field {
        Field {
            kind: FieldKind::Choice {
                options,
                selected: 0,
            },
            ..Field::text(id, label)
        }
    }

    #[must_use]
    pub fn flags(id: &'static str, label: Msg, options: Vec<(&'static str, Msg)>) -> Field {
        let on = vec![false; options.len()];
        Field {
            kind: FieldKind::Flags {
                options,
                on,
                cursor: 0,
            },
            ..Field::text(id, label)
        }
    }

    #[must_use]
    pub fn with_hint(mut self, hint: Msg) -> Field {
        self.hint = Some(hint);
        self
    }

    #[must_use]
    pub fn value(&self) -> &str {
        self.input.value()
    }

    /// The selected option's code for a choice; for flags, the codes that are on, comma-joined.
    #[must_use]
    pub fn choice_code(&self) -> String {
        match &self.kind {
            FieldKind::Choice { options, selected } => options
                .get(*selected)
                .map(|o| o.0.to_string())
                .unwrap_or_default(),
            FieldKind::Flags { options, on, .. } => options
                .iter()
                .zip(on)
                .filter(|(_, on)| **on)
                .map(|(o, _)| o.0)
                .collect::<Vec<_>>()
                .join(","),
            _ => String::new(),
        }
    }

    pub fn set_choice(&mut self, code: &str) {
        if let FieldKind::Choice { options, selected } = &mut self.kind
            && let Some(i) = options.iter().position(|o| o.0 == code)
        {
            *selected = i;
        }
    }

    #[must_use]
    pub fn is_text(&self) -> bool {
        matches!(self.kind, FieldKind::Text | FieldKind::Password)
    }
}

/// What an edit key did to the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditResult {
    Changed,
    /// A choice changed (a screen may rebuild its fields).
    ChoiceChanged,
    Ignored,
}

#[derive(Debug, Clone, Default)]
pub struct Form {
    pub fields: Vec<Field>,
    pub focus: usize,
}

impl Form {
    #[must_use]
    pub fn new(fields: Vec<Field>) -> Form {
        Form { fields, focus: 0 }
    }

    #[must_use]
    pub fn get(&self, id: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Field> {
        self.fields.iter_mut().find(|f| f.id == id)
    }

    /// The text of a field, or "" when the form has no such field.
    #[must_use]
    pub fn value(&self, id: &str) -> String {
        self.get(id)
            .map(|f| f.value().to_string())
            .unwrap_or_default()
    }

    pub fn set_value(&mut self, id: &str, v: &str) {
        if let Some(f) = self.get_mut(id) {
            f.input = Input::new(v.to_string());
        }
    }

    #[must_use]
    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    pub fn next(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + 1) % self.fields.len();
        }
    }

    pub fn prev(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
        }
    }

    #[must_use]
    pub fn on_last(&self) -> bool {
        self.focus + 1 >= self.fields.len()
    }

    pub fn focus_id(&mut self, id: &str) {
        if let Some(i) = self.fields.iter().position(|f| f.id == id) {
            self.focus = i;
        }
    }

    pub fn clear_issues(&mut self) {
        for f in &mut self.fields {
            f.issues.clear();
        }
    }

    /// Puts each issue on its field (sorted errors first) and moves the focus to the first field
    /// with an error, else the first with a warning. Issues for fields the form does not show
    /// are returned for the screen's message line.
    pub fn set_issues(&mut self, issues: Vec<(FieldIssue, String)>) -> Vec<String> {
        self.clear_issues();
        let mut loose = Vec::new();
        for (issue, text) in issues {
            match self.get_mut(issue.field) {
                Some(f) => f.issues.push((issue.severity, text)),
                None => loose.push(text),
            }
        }
        for f in &mut self.fields {
            f.issues.sort_by_key(|(s, _)| *s != Severity::Error);
        }
        let first = |sev: Severity| {
            self.fields
                .iter()
                .position(|f| f.issues.iter().any(|(s, _)| *s == sev))
        };
        if let Some(i) = first(Severity::Error).or_else(|| first(Severity::Warning)) {
            self.focus = i;
        }
        loose
    }

    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.fields
            .iter()
            .any(|f| f.issues.iter().any(|(s, _)| *s == Severity::Error))
    }

    /// Applies an editing request to the focused field.
    pub fn edit(&mut self, req: Edit) -> EditResult {
        let Some(f) = self.fields.get_mut(self.focus) else {
            return EditResult::Ignored;
        };
        match (&mut f.kind, req) {
            (FieldKind::Text | FieldKind::Password, Edit::Input(r)) => {
                let changed = f.input.handle(r).is_some_and(|s| s.value);
                if changed {
                    // What was said about the old value no longer holds.
                    f.issues.clear();
                }
                EditResult::Changed
            }
            (FieldKind::Choice { options, selected }, Edit::Left) => {
                *selected = (*selected + options.len() - 1) % options.len().max(1);
                EditResult::ChoiceChanged
            }
            (FieldKind::Choice { options, selected }, Edit::Right | Edit::Toggle) => {
                *selected = (*selected + 1) % options.len().max(1);
                EditResult::ChoiceChanged
            }
            // A digit picks the option of that number (ID照会 has ten search methods: not
            // eight presses of →); full-width digits from an IME count too.
            (FieldKind::Choice { options, selected }, Edit::Input(InputRequest::InsertChar(c))) => {
                match crate::domain::numbers::normalize_digits(&c.to_string())
                    .chars()
                    .next()
                    .and_then(|d| d.to_digit(10))
                    .and_then(|d| usize::try_from(d).ok())
                    // 0 is the tenth, as on the number row of the keyboard.
                    .map(|d| if d == 0 { 10 } else { d })
                    .filter(|d| (1..=options.len()).contains(d))
                {
                    Some(d) => {
                        *selected = d - 1;
                        EditResult::ChoiceChanged
                    }
                    None => EditResult::Ignored,
                }
            }
            (
                FieldKind::Flags {
                    options, cursor, ..
                },
                Edit::Left,
            ) => {
                *cursor = (*cursor + options.len() - 1) % options.len().max(1);
                EditResult::Changed
            }
            (
                FieldKind::Flags {
                    options, cursor, ..
                },
                Edit::Right,
            ) => {
                *cursor = (*cursor + 1) % options.len().max(1);
                EditResult::Changed
            }
            (FieldKind::Flags { on, cursor, .. }, Edit::Toggle) => {
                if let Some(v) = on.get_mut(*cursor) {
                    *v = !*v;
                    f.issues.clear();
                }
                EditResult::Changed
            }
            (FieldKind::Text | FieldKind::Password, Edit::Left) => {
                f.input.handle(InputRequest::GoToPrevChar);
                EditResult::Changed
            }
            (FieldKind::Text | FieldKind::Password, Edit::Right) => {
                f.input.handle(InputRequest::GoToNextChar);
                EditResult::Changed
            }
            (FieldKind::Text | FieldKind::Password, Edit::Toggle) => {
                f.input.handle(InputRequest::InsertChar(' '));
                EditResult::Changed
            }
            _ => EditResult::Ignored,
        }
    }
}

/// Editing inside a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Input(InputRequest),
    Left,
    Right,
    /// Space: toggles a flag or choice, or types a space in a text field.
    Toggle,
}

//! The submission detail's dialogs: a comment, the follow-up date (both saved on Enter, nothing
//! irreversible), the colleague an item is handed to (confirmed first), and the check's
//! checklist that the clerk ticks item by item (R-REV-1).

use super::{ReviewKey, run_pending};
use crate::app::form::Form;
use crate::app::keymap::Action;
use crate::app::{App, Pending, Screen, Tone};
use crate::domain::calendar::parse_typed_date;
use crate::domain::review::CHECKLIST;
use crate::i18n::ui::Msg;
use crate::service::FieldIssue;
use crate::service::review::{self, Colleague};

/// What the detail is asking for.
#[derive(Debug)]
pub enum Dialog {
    /// A return / reject reason: (`is_reject`, form).
    Reason(bool, Form),
    /// コメント: one line of text.
    Comment(Form),
    /// フォロー日: a date; empty clears it.
    FollowUp(Form),
    /// 引継ぎ: the colleague to hand the item to.
    HandOver(Picker),
    /// 確認: the checklist, ticked by the clerk.
    Check(Checklist),
}

/// The check's checklist (`domain::review::CHECKLIST`, in its order): nothing is ticked until
/// the clerk ticks it. Enter hands the ticks to the service, which refuses missing items; the
/// ticks stay as they were and the missing items are shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checklist {
    /// One per checklist item.
    pub ticked: Vec<bool>,
    pub cursor: usize,
    /// The item codes the service found unticked at the last Enter (empty: no error shown).
    pub missing: Vec<String>,
}

impl Checklist {
    #[must_use]
    pub fn new() -> Checklist {
        Checklist {
            ticked: vec![false; CHECKLIST.len()],
            cursor: 0,
            missing: Vec::new(),
        }
    }

    pub fn up(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn down(&mut self) {
        self.cursor = (self.cursor + 1).min(self.ticked.len().saturating_sub(1));
    }

    /// Ticks or unticks the item under the cursor.
    pub fn toggle(&mut self) {
        if let Some(t) = self.ticked.get_mut(self.cursor) {
            *t = !*t;
        }
    }

    pub fn tick_all(&mut self) {
        self.ticked.iter_mut().for_each(|t| *t = true);
    }

    /// The codes of the ticked items, in the checklist's order.
    #[must_use]
    pub fn codes(&self) -> Vec<String> {
        CHECKLIST
            .iter()
            .zip(&self.ticked)
            .filter(|(_, t)| **t)
            .map(|(c, _)| c.code().to_string())
            .collect()
    }
}

impl Default for Checklist {
    fn default() -> Self {
        Checklist::new()
    }
}

/// Colleagues to choose from, with the cursor.
#[derive(Debug)]
pub struct Picker {
    pub colleagues: Vec<Colleague>,
    pub cursor: usize,
}

pub(super) fn dialog_form(app: &mut App) -> Option<&mut Form> {
    match &mut app.screen {
        Screen::Detail(d) => d.form_mut(),
        _ => None,
    }
}

/// Enter in the comment or follow-up dialog saves at once (nothing irreversible: no confirm).
pub(super) fn act_input(app: &mut App, action: Action) {
    let Screen::Detail(d) = &mut app.screen else {
        return;
    };
    let (id, seen) = (d.detail.id, d.detail.rev);
    let key = match (&d.dialog, action) {
        (_, Action::Back) => {
            d.dialog = None;
            return;
        }
        (Some(Dialog::Comment(f)), Action::Submit | Action::Select) => {
            ReviewKey::Comment(f.value("comment"))
        }
        (Some(Dialog::FollowUp(f)), Action::Submit | Action::Select) => {
            let typed = f.value("follow_up");
            if typed.trim().is_empty() {
                ReviewKey::FollowUp(None)
            } else {
                match parse_typed_date(&typed) {
                    Ok(date) => ReviewKey::FollowUp(Some(date)),
                    Err(code) => {
                        let texts = app.issue_texts(vec![FieldIssue::error("follow_up", code)]);
                        if let Some(f) = dialog_form(app) {
                            f.set_issues(texts);
                        }
                        return;
                    }
                }
            }
        }
        _ => return,
    };
    run_pending(app, id, &key, Some(seen));
}

/// 引継ぎ: the colleagues who may review, but not the one who holds the item now.
pub(super) fn ask_colleague(app: &mut App) {
    let Some(ctx) = app.ctx() else { return };
    let list = review::colleagues(&app.store, &ctx);
    let Screen::Detail(d) = &mut app.screen else {
        return;
    };
    match list {
        Ok(mut colleagues) => {
            colleagues.retain(|c| Some(c.id) != d.detail.assigned_staff);
            if colleagues.is_empty() {
                let text = app.t(Msg::NoColleague).to_string();
                app.flash(Tone::Warning, text);
            } else {
                d.dialog = Some(Dialog::HandOver(Picker {
                    colleagues,
                    cursor: 0,
                }));
            }
        }
        Err(e) => app.flash_error(&e),
    }
}

pub(super) fn act_picker(app: &mut App, action: Action) {
    let Screen::Detail(d) = &mut app.screen else {
        return;
    };
    let Some(Dialog::HandOver(p)) = &mut d.dialog else {
        return;
    };
    let last = p.colleagues.len().saturating_sub(1);
    match action {
        Action::Up => p.cursor = p.cursor.saturating_sub(1),
        Action::Down => p.cursor = (p.cursor + 1).min(last),
        Action::Back => d.dialog = None,
        Action::Select => {
            let Some(c) = p.colleagues.get(p.cursor).cloned() else {
                return;
            };
            let (id, seen) = (d.detail.id, d.detail.rev);
            let item = format!("#{id} {}", d.detail.display_name);
            let now = d.detail.assigned.clone().unwrap_or_else(|| "-".into());
            let lines = vec![
                item,
                format!(
                    "{}: {now} → {}",
                    app.t(Msg::LabelAssigned),
                    crate::i18n::labels::with_paren(app.lang, &c.display_name, &c.name)
                ),
                app.t(Msg::HandOverEffect).to_string(),
            ];
            let title = app.t(Msg::ConfirmHandOver).to_string();
            app.confirm(
                title,
                lines,
                Pending::Review(id, ReviewKey::HandOver(c.name, c.display_name), Some(seen)),
            );
        }
        _ => {}
    }
}

/// The checklist's keys: move, tick, tick all; Enter asks the service to record the check.
pub(super) fn act_checklist(app: &mut App, action: Action) {
    let Screen::Detail(d) = &mut app.screen else {
        return;
    };
    let (id, seen) = (d.detail.id, d.detail.rev);
    let Some(Dialog::Check(c)) = &mut d.dialog else {
        return;
    };
    match action {
        Action::Up => c.up(),
        Action::Down => c.down(),
        Action::Toggle => c.toggle(),
        Action::TickAll => c.tick_all(),
        Action::Back => d.dialog = None,
        Action::Select | Action::Submit => {
            let ticks = c.codes();
            run_pending(app, id, &ReviewKey::Check(ticks), Some(seen));
        }
        _ => {}
    }
}

/// The service refused the check (R-REV-1): the items it names as missing are shown in the
/// dialog, the ticks stay. Returns false when the dialog is not open.
pub(super) fn checklist_missing(app: &mut App, issues: &[FieldIssue]) -> bool {
    let Screen::Detail(d) = &mut app.screen else {
        return false;
    };
    let Some(Dialog::Check(c)) = &mut d.dialog else {
        return false;
    };
    c.missing = issues
        .iter()
        .filter(|i| i.field == "checklist")
        .filter_map(|i| i.param.clone())
        .collect();
    !c.missing.is_empty()
}

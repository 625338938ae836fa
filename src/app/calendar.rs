//! Closed days (R-DL-2): a year's national holidays (bundled calendar), the year-end closure and
//! the office's own closures. Admins add (form: date, reason) and remove (after a confirm
//! step) office closures through `service::calendar`; supervisors see the list read-only.

use chrono::{Datelike, NaiveDate};

use super::form::{Field, Form};
use super::keymap::Action;
use super::{App, Pending, Screen, Tone};
use crate::clock;
use crate::domain::calendar::{FIRST_YEAR, LAST_YEAR, parse_typed_date};
use crate::domain::refusal::Refusal;
use crate::domain::staff::{Permission, Role};
use crate::i18n::ui::Msg;
use crate::service::calendar;
use crate::service::{FieldIssue, ServiceError};
use crate::storage::Store;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// A national holiday from the bundled calendar.
    Holiday,
    /// 12/29–1/3.
    YearEnd,
    /// An office closure (the only kind that can be removed).
    Office,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayRow {
    pub date: NaiveDate,
    pub kind: DayKind,
    /// The holiday's name or the closure's reason.
    pub text: String,
}

#[derive(Debug)]
pub struct CalendarView {
    pub year: i32,
    /// The bundled calendar has official data for the year (else a warning line).
    pub official_data: bool,
    pub rows: Vec<DayRow>,
    pub cursor: usize,
    /// Admins may add and remove office closures.
    pub editable: bool,
}

/// Whether the signed-in staff member may open the screen (admins, and supervisors read-only).
#[must_use]
pub fn may_view(app: &App) -> bool {
    app.may(Permission::ManageStaff)
        || app
            .session
            .as_ref()
            .is_some_and(|s| s.roles.has(Role::Supervisor))
}

impl CalendarView {
    #[must_use]
    pub fn new(year: i32, editable: bool) -> CalendarView {
        CalendarView {
            year,
            official_data: true,
            rows: Vec::new(),
            cursor: 0,
            editable,
        }
    }

    /// Re-reads the year, keeping the cursor on the same date when it is still listed.
    pub fn reload(&mut self, store: &Store) {
        let keep = self.selected().map(|r| (r.date, r.kind));
        let Ok(v) = calendar::list(store, self.year) else {
            return;
        };
        let mut rows: Vec<DayRow> = Vec::new();
        rows.extend(v.holidays.into_iter().map(|(date, text)| DayRow {
            date,
            kind: DayKind::Holiday,
            text,
        }));
        let year_end = [(1, 1), (1, 2), (1, 3), (12, 29), (12, 30), (12, 31)];
        rows.extend(
            year_end
                .iter()
                .filter_map(|&(m, d)| NaiveDate::from_ymd_opt(self.year, m, d))
                .map(|date| DayRow {
                    date,
                    kind: DayKind::YearEnd,
                    text: String::new(),
                }),
        );
        rows.extend(v.closures.into_iter().map(|(date, text)| DayRow {
            date,
            kind: DayKind::Office,
            text,
        }));
        rows.sort_by_key(|r| (r.date, r.kind as u8));
        self.official_data = v.official_data;
        self.rows = rows;
        self.cursor = keep
            .and_then(|k| self.rows.iter().position(|r| (r.date, r.kind) == k))
            .unwrap_or(self.cursor)
            .min(self.rows.len().saturating_sub(1));
    }

    #[must_use]
    pub fn selected(&self) -> Option<&DayRow> {
        self.rows.get(self.cursor)
    }

    fn go_year(&mut self, store: &Store, year: i32) {
        let year = year.clamp(FIRST_YEAR, LAST_YEAR);
        if year != self.year {
            self.year = year;
            self.cursor = 0;
            self.rows.clear();
            self.reload(store);
        }
    }
}

#[derive(Debug)]
pub struct CalendarAdd {
    pub form: Form,
}

impl CalendarAdd {
    #[must_use]
    pub fn new() -> CalendarAdd {
        CalendarAdd {
            form: Form::new(vec![
                Field::text("date", Msg::FieldClosureDate).with_hint(Msg::HintClosureDate),
                Field::text("reason", Msg::FieldClosureReason).with_hint(Msg::HintClosureReason),
            ]),
        }
    }
}

impl Default for CalendarAdd {
    fn default() -> Self {
        CalendarAdd::new()
    }
}

/// Opens the list on the current Japan year.
pub fn open(app: &mut App) {
    let year = clock::jst_date(app.now()).year();
    let mut v = CalendarView::new(year, app.may(Permission::ManageStaff));
    v.reload(&app.store);
    app.push(Screen::Calendar(v));
}

pub fn act(app: &mut App, action: Action) {
    match &mut app.screen {
        Screen::Calendar(v) => match action {
            Action::Up => v.cursor = v.cursor.saturating_sub(1),
            Action::Down => v.cursor = (v.cursor + 1).min(v.rows.len().saturating_sub(1)),
            Action::PageUp => v.cursor = v.cursor.saturating_sub(10),
            Action::PageDown => v.cursor = (v.cursor + 10).min(v.rows.len().saturating_sub(1)),
            Action::PrevYear => {
                let y = v.year - 1;
                v.go_year(&app.store, y);
            }
            Action::NextYear => {
                let y = v.year + 1;
                v.go_year(&app.store, y);
            }
            Action::Refresh => v.reload(&app.store),
            Action::NewItem if v.editable => app.push(Screen::CalendarAdd(CalendarAdd::new())),
            Action::RemoveItem if v.editable => ask_remove(app),
            Action::Back => app.pop(),
            _ => {}
        },
        Screen::CalendarAdd(add) => match action {
            Action::NextField => add.form.next(),
            Action::PrevField => add.form.prev(),
            Action::Select if !add.form.on_last() => add.form.next(),
            Action::Select | Action::Submit => submit_add(app),
            Action::Back => app.pop(),
            _ => {}
        },
        _ => {}
    }
}

fn ask_remove(app: &mut App) {
    let Screen::Calendar(v) = &app.screen else {
        return;
    };
    match v.selected() {
        Some(r) if r.kind == DayKind::Office => {
            let date = r.date;
            let line = format!("{}  {}", date.format("%Y-%m-%d"), r.text);
            let title = app.t(Msg::ConfirmRemoveClosure).to_string();
            app.confirm(title, vec![line], Pending::CalendarRemove(date));
        }
        _ => {
            let text = app.t(Msg::OnlyOfficeClosuresRemovable).to_string();
            app.flash(Tone::Info, text);
        }
    }
}

fn submit_add(app: &mut App) {
    let Screen::CalendarAdd(add) = &app.screen else {
        return;
    };
    let date = parse_typed_date(&add.form.value("date"));
    let reason = add.form.value("reason");
    let Some(ctx) = app.ctx() else { return };
    let result = match date {
        Ok(d) => calendar::add_closure(&mut app.store, &ctx, d, &reason),
        Err(code) => {
            // The date is needed before the service can judge; say what is wrong with both.
            let mut issues = vec![FieldIssue::error("date", code)];
            issues.extend(calendar::reason_issue(&reason));
            Err(ServiceError::Invalid(issues))
        }
    };
    match result {
        Ok(added) => {
            app.pop();
            if let Screen::Calendar(v) = &mut app.screen {
                v.go_year(&app.store, added.date.year());
                v.reload(&app.store);
                if let Some(i) = v
                    .rows
                    .iter()
                    .position(|r| r.date == added.date && r.kind == DayKind::Office)
                {
                    v.cursor = i;
                }
            }
            if added.no_official_data {
                let text = app.t(Msg::ClosureAddedNoOfficialData).to_string();
                app.flash(Tone::Warning, text);
            } else {
                let text = app.t(Msg::ClosureAdded).to_string();
                app.flash(Tone::Success, text);
            }
        }
        Err(ServiceError::Invalid(issues)) => show_issues(app, issues),
        Err(ServiceError::Refused(Refusal::AlreadyClosed(_))) => {
            show_issues(app, vec![FieldIssue::error("date", "already_closed")]);
        }
        Err(e) => app.flash_error(&e),
    }
}

fn show_issues(app: &mut App, issues: Vec<FieldIssue>) {
    let texts = app.issue_texts(issues);
    if let Screen::CalendarAdd(add) = &mut app.screen {
        add.form.set_issues(texts);
    }
    let text = app.t(Msg::FixRedFields).to_string();
    app.flash(Tone::Error, text);
}

pub fn run_pending(app: &mut App, date: NaiveDate) {
    let Some(ctx) = app.ctx() else { return };
    match calendar::remove_closure(&mut app.store, &ctx, date) {
        Ok(_) => {
            if let Screen::Calendar(v) = &mut app.screen {
                v.reload(&app.store);
            }
            let text = app.t(Msg::ClosureRemoved).to_string();
            app.flash(Tone::Success, text);
        }
        Err(e) => app.flash_error(&e),
    }
}

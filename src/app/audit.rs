//! The audit viewer for supervisors and auditors (R-AUD-1..3): rows filtered by staff, customer
//! (subject), action and JST dates; whether the chain verifies (R-AUD-2); the R-AUD-3 report;
//! CSV export to a file path the user types (after a confirm step).

use chrono::NaiveDate;

use super::form::{Field, Form};
use super::keymap::Action;
use super::{App, Pending, Screen, Tone};
use crate::i18n::ui::Msg;
use crate::service::audit::{self as audit_service, Filter, Report};
use crate::service::{Ctx, FieldIssue};
use crate::storage::Store;
use crate::storage::audit::{AuditRow, VerifyReport};

const ROWS: i64 = 500;

/// A confirmed CSV export: where to and which JST days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportJob {
    pub path: String,
    pub since: NaiveDate,
    pub until: NaiveDate,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    #[default]
    List,
    Filter,
    Report,
    Export,
    /// One row in full (Enter on the list; Esc, Enter or q back).
    Row,
}

#[derive(Debug, Default)]
pub struct AuditView {
    pub rows: Vec<AuditRow>,
    pub verify: Option<VerifyReport>,
    pub cursor: usize,
    pub mode: Mode,
    pub filter: Filter,
    pub filter_form: Form,
    pub export_form: Form,
    pub report: Option<Report>,
    pub scroll: u16,
}

fn filter_form() -> Form {
    Form::new(vec![
        Field::text("staff", Msg::AuStaff).with_hint(Msg::AuStaffHint),
        Field::text("subject", Msg::AuSubject).with_hint(Msg::AuSubjectHint),
        Field::text("action", Msg::AuAction).with_hint(Msg::AuActionHint),
        Field::text("since", Msg::AuSince).with_hint(Msg::AuDateHint),
        Field::text("until", Msg::AuUntil).with_hint(Msg::AuDateHint),
    ])
}

fn export_form() -> Form {
    Form::new(vec![
        Field::text("path", Msg::AuPath).with_hint(Msg::AuPathHint),
        Field::text("since", Msg::AuSince).with_hint(Msg::AuDateHint),
        Field::text("until", Msg::AuUntil).with_hint(Msg::AuDateHint),
    ])
}

/// The chain's verification for the screen; `None` (shown as not verified) when it could not
/// be read, which is logged.
fn verified(store: &Store) -> Option<VerifyReport> {
    audit_service::verify(store)
        .map_err(|e| tracing::error!("audit screen: the chain could not be verified: {e}"))
        .ok()
}

impl AuditView {
    #[must_use]
    pub fn new() -> AuditView {
        AuditView {
            filter_form: filter_form(),
            export_form: export_form(),
            ..AuditView::default()
        }
    }

    /// Rows for the filter; cheap, so it also runs when another session writes.
    pub fn reload(&mut self, store: &Store, ctx: &Ctx) {
        match audit_service::list(store, ctx, &self.filter, ROWS) {
            Ok(rows) => {
                self.rows = rows;
                self.cursor = self.cursor.min(self.rows.len().saturating_sub(1));
            }
            // The rows shown stay; the screen is reloaded on the next change.
            Err(e) => tracing::warn!("audit screen: rows not read: {e}"),
        }
    }

    /// Walks the whole chain: on open and on an explicit refresh only.
    pub fn verify_now(&mut self, store: &Store) {
        self.verify = verified(store);
    }

    pub fn form_mut(&mut self) -> Option<&mut Form> {
        match self.mode {
            Mode::Filter => Some(&mut self.filter_form),
            Mode::Export => Some(&mut self.export_form),
            Mode::List | Mode::Report | Mode::Row => None,
        }
    }

    /// The row under the cursor.
    #[must_use]
    pub fn selected(&self) -> Option<&AuditRow> {
        self.rows.get(self.cursor)
    }

    #[must_use]
    pub fn editing(&self) -> bool {
        matches!(self.mode, Mode::Filter | Mode::Export)
    }

    /// The report's period: the filter's dates, else today (JST).
    fn period(&self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let since = self.filter.since.or(self.filter.until).unwrap_or(today);
        (since, self.filter.until.unwrap_or(since.max(today)))
    }
}

fn view(app: &mut App) -> Option<&mut AuditView> {
    match &mut app.screen {
        Screen::Audit(a) => Some(a),
        _ => None,
    }
}

pub fn act(app: &mut App, action: Action) {
    let Some(a) = view(app) else { return };
    if let Some(form) = a.form_mut() {
        match action {
            Action::NextField => form.next(),
            Action::PrevField => form.prev(),
            Action::Select if !form.on_last() => form.next(),
            Action::Select | Action::Submit => submit(app),
            Action::Back => a.mode = Mode::List,
            _ => {}
        }
        return;
    }
    let last = a.rows.len().saturating_sub(1);
    match (a.mode, action) {
        (Mode::Report, Action::Up) => a.scroll = a.scroll.saturating_sub(1),
        (Mode::Report, Action::Down) => a.scroll += 1,
        (Mode::Report, Action::PageUp) => a.scroll = a.scroll.saturating_sub(10),
        (Mode::Report, Action::PageDown) => a.scroll += 10,
        (Mode::Report, Action::Back | Action::Report) => a.mode = Mode::List,
        (Mode::Row, Action::Up) => a.scroll = a.scroll.saturating_sub(1),
        (Mode::Row, Action::Down) => a.scroll += 1,
        (Mode::Row, Action::PageUp) => a.scroll = a.scroll.saturating_sub(10),
        (Mode::Row, Action::PageDown) => a.scroll += 10,
        (Mode::Row, Action::Back) => a.mode = Mode::List,
        (Mode::Row, _) => {}
        (_, Action::Select) if a.selected().is_some() => {
            a.scroll = 0;
            a.mode = Mode::Row;
        }
        (_, Action::Up) => a.cursor = a.cursor.saturating_sub(1),
        (_, Action::Down) => a.cursor = (a.cursor + 1).min(last),
        (_, Action::PageUp) => a.cursor = a.cursor.saturating_sub(10),
        (_, Action::PageDown) => a.cursor = (a.cursor + 10).min(last),
        (_, Action::Filter) => {
            a.filter_form.clear_issues();
            a.mode = Mode::Filter;
        }
        (_, Action::Export) => {
            a.export_form.clear_issues();
            a.mode = Mode::Export;
        }
        (_, Action::Report) => open_report(app),
        (_, Action::Refresh) => {
            app.reload_screen();
            let v = verified(&app.store);
            if let Some(a) = view(app) {
                a.verify = v;
            }
        }
        (_, Action::Back) => app.pop(),
        _ => {}
    }
}

fn set_issues(app: &mut App, issues: Vec<FieldIssue>) {
    let texts = app.issue_texts(issues);
    if let Some(form) = view(app).and_then(AuditView::form_mut) {
        form.set_issues(texts);
    }
}

/// The period's dates, read by the one date parser (`2026-12-01`, `2026/12/1`, `R8.12.1`…);
/// empty is no bound. A refused date is an issue on its field, which then takes the focus.
fn dates(form: &Form) -> Result<(Option<NaiveDate>, Option<NaiveDate>), Vec<FieldIssue>> {
    let mut issues = Vec::new();
    let mut read = |field: &'static str| {
        crate::domain::date::parse_optional(&form.value(field)).unwrap_or_else(|e| {
            issues.push(FieldIssue::error(field, e.code()));
            None
        })
    };
    let (since, until) = (read("since"), read("until"));
    if let (Some(a), Some(b)) = (since, until)
        && a > b
    {
        issues.push(FieldIssue::error("until", "date_before_since"));
    }
    if issues.is_empty() {
        Ok((since, until))
    } else {
        Err(issues)
    }
}

fn submit(app: &mut App) {
    let Some(a) = view(app) else { return };
    match a.mode {
        Mode::Filter => {
            let (since, until) = match dates(&a.filter_form) {
                Ok(d) => d,
                Err(i) => return set_issues(app, i),
            };
            let opt = |s: String| Some(s.trim().to_string()).filter(|s| !s.is_empty());
            a.filter = Filter {
                staff: opt(a.filter_form.value("staff")),
                action: opt(a.filter_form.value("action")),
                subject: opt(a.filter_form.value("subject")),
                since,
                until,
            };
            a.mode = Mode::List;
            a.cursor = 0;
            app.reload_screen();
        }
        Mode::Export => {
            let path = a.export_form.value("path").trim().to_string();
            let (since, until) = match dates(&a.export_form) {
                Ok(d) => d,
                Err(i) => return set_issues(app, i),
            };
            if path.is_empty() {
                return set_issues(app, vec![FieldIssue::error("path", "required")]);
            }
            let today = crate::clock::jst_date(app.now());
            let since = since.unwrap_or(today);
            let until = until.unwrap_or(today);
            let lines = vec![
                format!(
                    "{}: {}",
                    app.t(Msg::AuPath),
                    crate::domain::text::sanitize(&path, false)
                ),
                format!("{since} .. {until}"),
                app.t(Msg::AuExportEffect).to_string(),
            ];
            let title = app.t(Msg::AuConfirmExport).to_string();
            app.confirm(
                title,
                lines,
                Pending::AuditExport(ExportJob { path, since, until }),
            );
        }
        Mode::List | Mode::Report | Mode::Row => {}
    }
}

fn open_report(app: &mut App) {
    let Some(ctx) = app.ctx() else { return };
    let today = crate::clock::jst_date(ctx.now);
    let Some(a) = view(app) else { return };
    let (since, until) = a.period(today);
    match audit_service::report(&app.store, &app.cfg, &ctx, since, until) {
        Ok(r) => {
            if let Some(a) = view(app) {
                a.report = Some(r);
                a.scroll = 0;
                a.mode = Mode::Report;
            }
        }
        Err(e) => app.flash_error(&e),
    }
}

/// Writes the CSV file (never over an existing file).
pub fn run_export(app: &mut App, job: &ExportJob) {
    let (path, since, until) = (job.path.as_str(), job.since, job.until);
    let Some(ctx) = app.ctx() else { return };
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path);
    let mut file = match file {
        Ok(f) => std::io::BufWriter::new(f),
        Err(e) => {
            tracing::warn!("audit export to {path}: {e}");
            let text = format!("{}: {e}", app.t(Msg::AuExportFailed));
            app.flash(Tone::Error, crate::domain::text::sanitize(&text, false));
            return;
        }
    };
    match audit_service::export_csv(&mut app.store, &ctx, since, until, &mut file) {
        Ok(n) => {
            let text = format!("{} ({n})", app.t(Msg::AuExported));
            if let Some(a) = view(app) {
                a.mode = Mode::List;
            }
            app.flash(Tone::Success, text);
            app.reload_screen();
        }
        Err(e) => app.flash_error(&e),
    }
}

//! Review screens (SPEC §2.3): the work queues (R-REV-6), the submission detail with its
//! actions behind confirm steps (R-REV-1..5, R-VISIT-1), and the supervisor dashboard.
//! `reload` keeps the cursor on the same item when another session changes the data.

mod dialog;

use std::cell::Cell;

use chrono::NaiveDate;

pub use dialog::{Checklist, Dialog, Picker};
use dialog::{act_checklist, act_input, act_picker, ask_colleague, checklist_missing, dialog_form};

use super::form::{Field, Form};
use super::keymap::Action;
use super::{App, Overlay, Pending, Screen, Tone, purpose};
use crate::domain::queue::{Queue, Sort};
use crate::domain::refusal::Refusal;
use crate::i18n::ui::Msg;
use crate::service::queue::{self, Dashboard, QueueLine, Resume};
use crate::service::queue_counts::{Ask, Counter};
use crate::service::review::{self, Detail};
use crate::service::{Ctx, ServiceError};
use crate::storage::Store;

/// Lines read at a time (a chunk): the queue screen holds two or three chunks around the
/// cursor and reads the next one when the cursor gets there (keyset paging, issue 15).
pub const PAGE: u32 = 200;
/// The purpose selected when a customer's submission is first opened from the queues (R-ID-5):
/// a supervisor clearing a queue confirms it with Enter.
pub const REVIEW_PURPOSE: &str = "本登録審査";

/// Chunks held at most: the cursor's, and those the drawn rows reach into.
const CHUNKS_HELD: usize = 3;

#[derive(Debug)]
pub struct QueueView {
    pub queue: Queue,
    pub sort: Sort,
    pub filter: String,
    /// Some while the `/` filter is typed.
    pub filter_form: Option<Form>,
    pub counts: Vec<(Queue, i64)>,
    /// The chunks held, in queue order: `lines[0]` is the queue's row [`QueueView::base`].
    pub lines: Vec<QueueLine>,
    /// The selected line, an index into `lines`.
    pub cursor: usize,
    /// The chunk `lines` begins with.
    first: usize,
    /// How many lines each held chunk has.
    held: Vec<usize>,
    /// Where chunk `i` starts (`starts[0]` the queue's start): known for every chunk read.
    starts: Vec<Resume>,
    /// Where the lines after the held ones start; None at the queue's end.
    next: Option<Resume>,
    /// The first row drawn (a queue position). The view stays where it is while the cursor
    /// moves inside it and turns a whole page when it leaves (as mutt does), so that a `j`
    /// repaints two rows, not every row shifted by one.
    pub top: Cell<usize>,
    /// Rows the last drawing showed (the page a PgDn turns).
    pub shown: Cell<usize>,
}

impl QueueView {
    #[must_use]
    pub fn new() -> QueueView {
        QueueView {
            queue: Queue::Unassigned,
            sort: Sort::Deadline,
            filter: String::new(),
            filter_form: None,
            counts: Vec::new(),
            lines: Vec::new(),
            cursor: 0,
            first: 0,
            held: Vec::new(),
            starts: vec![Resume::Start],
            next: None,
            top: Cell::new(0),
            shown: Cell::new(10),
        }
    }

    /// The queue position of `lines[0]`.
    #[must_use]
    pub fn base(&self) -> usize {
        self.first * PAGE as usize
    }

    /// The selected line's queue position.
    #[must_use]
    pub fn position(&self) -> usize {
        self.base() + self.cursor
    }

    /// Whether the last line held is the queue's last.
    #[must_use]
    pub fn at_end(&self) -> bool {
        self.next.is_none()
    }

    /// Back to the start of the queue (another queue, order or filter): the next
    /// [`QueueView::relist`] reads its first chunk.
    pub fn restart(&mut self) {
        self.lines.clear();
        self.cursor = 0;
        self.first = 0;
        self.held.clear();
        self.starts = vec![Resume::Start];
        self.next = None;
        self.top.set(0);
    }

    /// Re-reads counts and lines; the cursor stays on the same item (or the same row). With a
    /// `counter` the counts are only asked for: they arrive later ([`App::on_counts`]).
    ///
    /// # Errors
    /// `Denied` and storage failures.
    pub fn reload(
        &mut self,
        store: &Store,
        ctx: &Ctx,
        counter: Option<&Counter>,
    ) -> Result<(), ServiceError> {
        match counter {
            Some(c) => c.request(Ask::Counts(ctx.clone())),
            None => self.counts = queue::counts(store, ctx)?,
        }
        self.relist(store, ctx)
    }

    fn read(
        &self,
        store: &Store,
        ctx: &Ctx,
        from: &Resume,
    ) -> Result<(Vec<QueueLine>, Option<Resume>), ServiceError> {
        queue::list_from(store, ctx, self.queue, self.sort, &self.filter, PAGE, from)
    }

    /// Re-reads the chunks held (the counts stay: another queue, order or filter leaves them
    /// as they are, and at L scale counting every queue takes tens of milliseconds, a chunk
    /// about one). The cursor stays on the same item, or the same row.
    ///
    /// # Errors
    /// `Denied` and storage failures.
    pub fn relist(&mut self, store: &Store, ctx: &Ctx) -> Result<(), ServiceError> {
        let keep = self.selected().map(|l| l.row.id);
        let chunks = self.held.len().max(1);
        let mut lines = Vec::new();
        let mut held = Vec::new();
        let mut next = self.starts.get(self.first).cloned();
        for i in 0..chunks {
            let Some(from) = next.take() else { break };
            let (rows, after) = self.read(store, ctx, &from)?;
            if let Some(slot) = self.starts.get_mut(self.first + i) {
                *slot = from;
            }
            if rows.is_empty() && i > 0 {
                break;
            }
            held.push(rows.len());
            lines.extend(rows);
            next = after;
        }
        if lines.is_empty() && self.first > 0 {
            // The rows this far down have gone (claimed, checked): back to the start.
            self.restart();
            return self.relist(store, ctx);
        }
        self.starts.truncate(self.first + held.len());
        if let Some(n) = &next {
            self.starts.push(n.clone());
        }
        self.lines = lines;
        self.held = held;
        self.next = next;
        self.cursor = keep
            .and_then(|id| self.lines.iter().position(|l| l.row.id == id))
            .unwrap_or(self.cursor)
            .min(self.lines.len().saturating_sub(1));
        self.follow();
        Ok(())
    }

    /// Moves the cursor to queue position `to` (as near as the queue allows), reading the
    /// chunks on the way and letting go of those far behind.
    ///
    /// # Errors
    /// `Denied` and storage failures.
    pub fn seek(&mut self, store: &Store, ctx: &Ctx, to: usize) -> Result<(), ServiceError> {
        while to >= self.base() + self.lines.len() {
            let Some(from) = self.next.clone() else { break };
            let (rows, after) = self.read(store, ctx, &from)?;
            if rows.is_empty() {
                self.next = None;
                break;
            }
            self.held.push(rows.len());
            self.lines.extend(rows);
            self.next = after;
            if let Some(n) = &self.next {
                let i = self.first + self.held.len();
                self.starts.truncate(i);
                self.starts.push(n.clone());
            }
            if self.held.len() > CHUNKS_HELD {
                let n = self.held.remove(0);
                self.lines.drain(..n);
                self.first += 1;
                self.cursor = self.cursor.saturating_sub(n);
            }
        }
        while to < self.base() && self.first > 0 {
            let Some(from) = self.starts.get(self.first - 1).cloned() else {
                break;
            };
            let (rows, _) = self.read(store, ctx, &from)?;
            let n = rows.len();
            self.lines.splice(0..0, rows);
            self.held.insert(0, n);
            self.first -= 1;
            self.cursor += n;
            if self.held.len() > CHUNKS_HELD {
                let last = self.held.pop().unwrap_or(0);
                self.lines.truncate(self.lines.len() - last);
                let i = self.first + self.held.len();
                self.next = self.starts.get(i).cloned();
            }
        }
        let last = self.lines.len().saturating_sub(1);
        self.cursor = to.saturating_sub(self.base()).min(last);
        Ok(())
    }

    /// The view follows the cursor a page at a time: unchanged while the cursor is inside it.
    pub fn follow(&self) {
        let h = self.shown.get().max(1);
        let p = self.position();
        let mut top = self.top.get();
        if p >= top + h {
            top += h;
            if p >= top + h {
                top = p + 1 - h;
            }
        } else if p < top {
            top = top.saturating_sub(h);
            if p < top {
                top = p;
            }
        }
        self.top.set(top);
    }

    #[must_use]
    pub fn selected(&self) -> Option<&QueueLine> {
        self.lines.get(self.cursor)
    }

    #[must_use]
    pub fn count(&self, q: Queue) -> i64 {
        self.counts.iter().find(|c| c.0 == q).map_or(0, |c| c.1)
    }
}

impl Default for QueueView {
    fn default() -> Self {
        QueueView::new()
    }
}

#[derive(Debug)]
pub struct DetailView {
    pub detail: Detail,
    pub scroll: u16,
    /// The furthest scroll the last drawing could show (the end of the text at the bottom),
    /// left by the drawing like ratatui's own list offsets, so Down stops there instead of
    /// scrolling on into nothing (and Up then seeming dead).
    pub scroll_end: Cell<u16>,
    /// Some while an action asks for its input; the detail stays drawn underneath.
    pub dialog: Option<Dialog>,
}

impl DetailView {
    #[must_use]
    pub fn new(detail: Detail) -> DetailView {
        DetailView {
            detail,
            scroll: 0,
            scroll_end: Cell::new(u16::MAX),
            dialog: None,
        }
    }

    pub fn reload(&mut self, store: &Store, ctx: &Ctx) {
        if let Ok(d) = review::reread(store, ctx, self.detail.id) {
            self.detail = d;
        }
    }

    /// The dialog's form, when it has one (its keys are the form keys).
    #[must_use]
    pub fn form(&self) -> Option<&Form> {
        match &self.dialog {
            Some(Dialog::Reason(_, f) | Dialog::Comment(f) | Dialog::FollowUp(f)) => Some(f),
            _ => None,
        }
    }

    pub fn form_mut(&mut self) -> Option<&mut Form> {
        match &mut self.dialog {
            Some(Dialog::Reason(_, f) | Dialog::Comment(f) | Dialog::FollowUp(f)) => Some(f),
            _ => None,
        }
    }

    #[must_use]
    pub fn picking(&self) -> bool {
        matches!(self.dialog, Some(Dialog::HandOver(_)))
    }

    /// The check's checklist is open.
    #[must_use]
    pub fn checking(&self) -> bool {
        matches!(self.dialog, Some(Dialog::Check(_)))
    }
}

#[derive(Debug, Default)]
pub struct DashboardView {
    pub data: Option<Dashboard>,
}

impl DashboardView {
    /// Re-reads the dashboard; with a `counter` it is only asked for and arrives later
    /// ([`App::on_counts`]), the last one staying on screen meanwhile.
    pub fn reload(&mut self, store: &Store, ctx: &Ctx, counter: Option<&Counter>) {
        match counter {
            Some(c) => c.request(Ask::Dashboard(ctx.clone())),
            None => {
                if let Ok(d) = queue::dashboard(store, ctx) {
                    self.data = Some(d);
                }
            }
        }
    }
}

/// Opens the queues (menu).
pub fn open_queues(app: &mut App) {
    let Some(ctx) = app.ctx() else { return };
    let mut q = QueueView::new();
    match q.reload(&app.store, &ctx, app.counter.as_ref()) {
        Ok(()) => app.push(Screen::Queue(q)),
        Err(e) => app.flash_error(&e),
    }
}

/// Opens the dashboard (menu).
pub fn open_dashboard(app: &mut App) {
    let Some(ctx) = app.ctx() else { return };
    let mut d = DashboardView::default();
    d.reload(&app.store, &ctx, app.counter.as_ref());
    app.push(Screen::Dashboard(d));
}

/// Opens a submission's detail. R-ID-5: the first record of a customer (account) this session
/// asks for the purpose first, with `suggested` selected; later ones reuse the answer.
pub fn open_detail(app: &mut App, id: i64, suggested: &str) {
    let Some(ctx) = app.ctx() else { return };
    let brief = match review::brief(&app.store, &ctx, id) {
        Ok(b) => b,
        Err(e) => return app.flash_error(&e),
    };
    if let Some(p) = app
        .visit
        .per_customer_review
        .get(&brief.account_id)
        .cloned()
    {
        if let Some(v) = view(app, id, &p) {
            app.push(Screen::Detail(v));
        }
        return;
    }
    app.push(Screen::Purpose(Box::new(purpose::Ask::new(
        purpose::Target::Submission(brief),
        suggested,
    ))));
}

/// The purpose was given: the view is audited with it, remembered for the customer, and the
/// detail takes the prompt's place (Back returns to where the item was chosen).
pub fn open_with_purpose(app: &mut App, id: i64, account_id: i64, purpose: &str) {
    if let Some(v) = view(app, id, purpose) {
        app.visit
            .per_customer_review
            .insert(account_id, purpose.to_string());
        app.screen = Screen::Detail(v);
    }
}

/// One audit row `submission.view` with the purpose (R-ID-5).
fn view(app: &mut App, id: i64, purpose: &str) -> Option<Box<DetailView>> {
    let ctx = app.ctx()?;
    match review::detail(&mut app.store, &ctx, id, purpose) {
        Ok(detail) => Some(Box::new(DetailView::new(detail))),
        Err(e) => {
            app.flash_error(&e);
            None
        }
    }
}

fn reload_queue(app: &mut App) {
    let Some(ctx) = app.ctx() else { return };
    if let Screen::Queue(q) = &mut app.screen
        && let Err(e) = q.reload(&app.store, &ctx, app.counter.as_ref())
    {
        app.flash_error(&e);
    }
}

/// Another queue, order or filter on screen: its lines (the counts stay).
fn relist_queue(app: &mut App) {
    let Some(ctx) = app.ctx() else { return };
    if let Screen::Queue(q) = &mut app.screen
        && let Err(e) = q.relist(&app.store, &ctx)
    {
        app.flash_error(&e);
    }
}

/// j/k a row, PgDn/PgUp a page (the view turns with the cursor), through the whole queue.
fn move_in_queue(app: &mut App, action: Action) {
    let Some(ctx) = app.ctx() else { return };
    let Screen::Queue(q) = &mut app.screen else {
        return;
    };
    let h = q.shown.get().max(1);
    let (p, top) = (q.position(), q.top.get());
    let to = match action {
        Action::Up => p.saturating_sub(1),
        Action::Down => p + 1,
        Action::PageUp => p.saturating_sub(h),
        _ => p + h,
    };
    if let Err(e) = q.seek(&app.store, &ctx, to) {
        return app.flash_error(&e);
    }
    let p = q.position();
    match action {
        // The page turns with the cursor; on the last page the cursor goes to the last row.
        Action::PageDown if p >= top + h => q.top.set(top + h),
        Action::PageUp => q.top.set(top.saturating_sub(h).min(p)),
        _ => {}
    }
    q.follow();
}

pub fn act_queue(app: &mut App, action: Action) {
    let Screen::Queue(q) = &mut app.screen else {
        return;
    };
    if let Some(form) = &q.filter_form {
        match action {
            Action::Submit | Action::Select => {
                q.filter = form.value("filter");
                q.filter_form = None;
                q.restart();
                relist_queue(app);
            }
            Action::Back => q.filter_form = None,
            _ => {}
        }
        return;
    }
    let pos = Queue::ALL.iter().position(|x| *x == q.queue).unwrap_or(0);
    match action {
        Action::Up | Action::Down | Action::PageUp | Action::PageDown => move_in_queue(app, action),
        Action::Menu(n) => {
            if let Some(x) = Queue::ALL.get(usize::from(n).saturating_sub(1)) {
                q.queue = *x;
                q.restart();
                relist_queue(app);
            }
        }
        Action::NextField | Action::PrevField => {
            let n = Queue::ALL.len();
            let next = if action == Action::NextField {
                (pos + 1) % n
            } else {
                (pos + n - 1) % n
            };
            q.queue = Queue::ALL[next];
            q.restart();
            relist_queue(app);
        }
        Action::Sort => {
            let i = Sort::ALL.iter().position(|s| *s == q.sort).unwrap_or(0);
            q.sort = Sort::ALL[(i + 1) % Sort::ALL.len()];
            q.restart();
            relist_queue(app);
        }
        Action::Filter => {
            let mut f = Form::new(vec![
                Field::text("filter", Msg::LabelQueueFilter).with_hint(Msg::KeyQueueFilter),
            ]);
            f.set_value("filter", &q.filter);
            q.filter_form = Some(f);
        }
        Action::Refresh => reload_queue(app),
        Action::Select => {
            if let Some(id) = q.selected().map(|l| l.row.id) {
                open_detail(app, id, REVIEW_PURPOSE);
            }
        }
        Action::ReviewClaim => {
            if let Some(l) = q.selected() {
                let (id, seen) = (l.row.id, l.row.rev);
                let line = format!("#{id} {}", l.row.display_name);
                let title = app.t(Msg::ConfirmClaim).to_string();
                app.confirm(
                    title,
                    vec![line],
                    Pending::Review(id, ReviewKey::Claim, Some(seen)),
                );
            }
        }
        Action::Back => app.pop(),
        _ => {}
    }
}

/// A review action waiting for its confirm step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewKey {
    Claim,
    Release,
    /// The codes of the ticked checklist items.
    Check(Vec<String>),
    Approve,
    Visit,
    /// Reason text as typed (number or text), free text.
    Return(String, String),
    Reject(String, String),
    /// The comment as typed.
    Comment(String),
    /// The colleague's sign-in name and display name.
    HandOver(String, String),
    /// None clears the date.
    FollowUp(Option<NaiveDate>),
}

pub fn act_detail(app: &mut App, action: Action) {
    let reasons_return = app.cfg.review.return_reasons.clone();
    let reasons_reject = app.cfg.review.reject_reasons.clone();
    let Screen::Detail(d) = &mut app.screen else {
        return;
    };
    match &mut d.dialog {
        Some(Dialog::Comment(_) | Dialog::FollowUp(_)) => return act_input(app, action),
        Some(Dialog::HandOver(_)) => return act_picker(app, action),
        Some(Dialog::Check(_)) => return act_checklist(app, action),
        _ => {}
    }
    // The reason form's own moves: Tab/↓/Enter to the free text, Enter there asks to confirm.
    if let Some(Dialog::Reason(_, form)) = &mut d.dialog {
        match action {
            Action::NextField => return form.next(),
            Action::PrevField => return form.prev(),
            Action::Select if !form.on_last() => return form.next(),
            _ => {}
        }
    }
    if let Some(Dialog::Reason(reject, form)) = &d.dialog {
        match action {
            Action::Submit | Action::Select => {
                let (reject, reason, text) = (*reject, form.value("reason"), form.value("text"));
                let list = if reject {
                    &reasons_reject
                } else {
                    &reasons_return
                };
                let picked = review::pick_reason(list, &reason);
                let id = d.detail.id;
                let seen = d.detail.rev;
                match picked {
                    Ok(r) => {
                        let (title, effect, key) = if reject {
                            (
                                Msg::ConfirmReject,
                                Msg::RejectEffect,
                                ReviewKey::Reject(reason, text.clone()),
                            )
                        } else {
                            (
                                Msg::ConfirmReturn,
                                Msg::ReturnEffect,
                                ReviewKey::Return(reason, text.clone()),
                            )
                        };
                        let mut lines = vec![
                            format!("#{id} {}", d.detail.display_name),
                            format!("理由: {r}"),
                        ];
                        if !text.is_empty() {
                            lines.push(format!(
                                "補足: {}",
                                crate::domain::text::sanitize(&text, false)
                            ));
                        }
                        lines.push(app.t(effect).to_string());
                        let title = app.t(title).to_string();
                        app.confirm(title, lines, Pending::Review(id, key, Some(seen)));
                    }
                    Err(e) => app.flash_error(&e),
                }
            }
            Action::Back => d.dialog = None,
            _ => {}
        }
        return;
    }
    let id = d.detail.id;
    let seen = d.detail.rev;
    let name = d.detail.display_name.clone();
    match action {
        Action::Up => d.scroll = d.scroll.saturating_sub(1),
        Action::Down => d.scroll = d.scroll.saturating_add(1).min(d.scroll_end.get()),
        Action::PageUp => d.scroll = d.scroll.saturating_sub(10),
        Action::PageDown => d.scroll = d.scroll.saturating_add(10).min(d.scroll_end.get()),
        Action::Refresh => {
            let Some(ctx) = app.ctx() else { return };
            if let Screen::Detail(d) = &mut app.screen {
                d.reload(&app.store, &ctx);
            }
        }
        Action::ReviewReturn | Action::ReviewReject => {
            let reject = action == Action::ReviewReject;
            let form = Form::new(vec![
                Field::text("reason", Msg::FieldReason).with_hint(Msg::HintReason),
                Field::text("text", Msg::FieldReasonText),
            ]);
            d.dialog = Some(Dialog::Reason(reject, form));
        }
        Action::ReviewComment => {
            d.dialog = Some(Dialog::Comment(Form::new(vec![
                Field::text("comment", Msg::FieldComment).with_hint(Msg::HintComment),
            ])));
        }
        Action::ReviewFollowUp => {
            let mut f = Form::new(vec![
                Field::text("follow_up", Msg::FieldFollowUp).with_hint(Msg::HintFollowUp),
            ]);
            // The date set now, to change or to clear with ^U.
            f.set_value(
                "follow_up",
                d.detail.follow_up_date.as_deref().unwrap_or(""),
            );
            d.dialog = Some(Dialog::FollowUp(f));
        }
        Action::ReviewHandOver => ask_colleague(app),
        // The checklist, nothing ticked: the clerk ticks what was checked (R-REV-1).
        Action::ReviewCheck => d.dialog = Some(Dialog::Check(Checklist::new())),
        Action::ReviewApprove => {
            let lines = vec![
                format!("#{id} {name}"),
                app.t(Msg::ApproveEffect).to_string(),
            ];
            let title = app.t(Msg::ConfirmApprove).to_string();
            app.confirm(
                title,
                lines,
                Pending::Review(id, ReviewKey::Approve, Some(seen)),
            );
        }
        Action::ReviewVisit => {
            let title = app.t(Msg::ConfirmVisit).to_string();
            app.confirm(
                title,
                vec![format!("#{id} {name}")],
                Pending::Review(id, ReviewKey::Visit, Some(seen)),
            );
        }
        Action::ReviewClaim => {
            let title = app.t(Msg::ConfirmClaim).to_string();
            app.confirm(
                title,
                vec![format!("#{id} {name}")],
                Pending::Review(id, ReviewKey::Claim, Some(seen)),
            );
        }
        Action::ReviewRelease => {
            let title = app.t(Msg::ConfirmRelease).to_string();
            app.confirm(
                title,
                vec![format!("#{id} {name}")],
                Pending::Review(id, ReviewKey::Release, Some(seen)),
            );
        }
        Action::Back => app.pop(),
        _ => {}
    }
}

pub fn act_dashboard(app: &mut App, action: Action) {
    match action {
        Action::Refresh => {
            let Some(ctx) = app.ctx() else { return };
            if let Screen::Dashboard(d) = &mut app.screen {
                d.reload(&app.store, &ctx, app.counter.as_ref());
            }
        }
        Action::Back => app.pop(),
        _ => {}
    }
}

/// Runs a confirmed review action; someone acting first is shown as a notice (R-REV-5).
pub fn run_pending(app: &mut App, id: i64, key: ReviewKey, seen: Option<i64>) {
    let Some(ctx) = app.ctx() else { return };
    let cfg = app.cfg.clone();
    let store = &mut app.store;
    let r = match &key {
        ReviewKey::Claim => review::claim(store, &ctx, id, seen),
        ReviewKey::Release => review::release(store, &ctx, id, seen),
        ReviewKey::Check(ticks) => review::check(store, &ctx, id, ticks, seen),
        ReviewKey::Approve => review::approve(store, &cfg, &ctx, id, seen),
        ReviewKey::Visit => {
            review::record_visit(store, &ctx, id, crate::clock::jst_date(ctx.now), seen)
        }
        ReviewKey::Return(r, t) => review::return_item(store, &cfg, &ctx, id, r, t, seen),
        ReviewKey::Reject(r, t) => review::reject(store, &cfg, &ctx, id, r, t, seen),
        ReviewKey::Comment(t) => review::comment(store, &ctx, id, t, seen),
        ReviewKey::HandOver(name, _) => review::hand_over(store, &ctx, id, name, seen),
        ReviewKey::FollowUp(date) => review::follow_up(store, &ctx, id, *date, seen),
    };
    match r {
        Ok(o) => {
            if let Screen::Detail(d) = &mut app.screen {
                d.dialog = None;
            }
            let mut text = match &key {
                ReviewKey::Comment(_) => app.t(Msg::CommentSaved).to_string(),
                ReviewKey::HandOver(_, who) => {
                    format!("#{} {who}{}", o.id, app.t(Msg::HandedOver))
                }
                ReviewKey::FollowUp(Some(d)) => format!("{}: {d}", app.t(Msg::FollowUpSet)),
                ReviewKey::FollowUp(None) => app.t(Msg::FollowUpCleared).to_string(),
                // Say what happened, not only that it did (issue 15 item 7).
                ReviewKey::Claim => format!("#{} {}", o.id, app.t(Msg::ResultClaimed)),
                ReviewKey::Release => format!("#{} {}", o.id, app.t(Msg::ResultReleased)),
                ReviewKey::Check(_) => format!("#{} {}", o.id, app.t(Msg::ResultChecked)),
                ReviewKey::Approve => format!("#{} {}", o.id, app.t(Msg::ResultApproved)),
                ReviewKey::Visit => format!("#{} {}", o.id, app.t(Msg::ResultVisit)),
                ReviewKey::Return(..) => format!("#{} {}", o.id, app.t(Msg::ResultReturned)),
                ReviewKey::Reject(..) => format!("#{} {}", o.id, app.t(Msg::ResultRejected)),
            };
            if !o.mails.is_empty() {
                text.push_str(app.t(Msg::ResultMailQueued));
            }
            if !o.skipped.is_empty() {
                text.push_str(&format!(
                    "{}{}",
                    app.t(Msg::ResultSkipped),
                    o.skipped
                        .iter()
                        .map(|(id, _)| format!("#{id}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                ));
            }
            for reg in &o.registered {
                text.push_str(&format!("  {}", reg.number));
            }
            app.flash(Tone::Success, text);
            if !o.mails.is_empty() {
                app.mail_was_queued();
            }
        }
        Err(ServiceError::Refused(Refusal::ActedFirst { by, now })) => {
            // The item moved on: its checklist no longer applies.
            if let (Screen::Detail(d), ReviewKey::Check(_)) = (&mut app.screen, &key) {
                d.dialog = None;
            }
            app.overlay = Some(Overlay::Notice {
                title: app.t(Msg::ActedFirstTitle).to_string(),
                // Who first, then the new state, on its own line (fits 80 columns).
                lines: crate::i18n::refusal::acted_first_lines(app.lang, by.as_deref(), now).into(),
            });
        }
        // Unticked items: named in the checklist, the ticks kept.
        Err(ServiceError::Invalid(v))
            if matches!(key, ReviewKey::Check(_)) && checklist_missing(app, &v) => {}
        // A refused input stays in its dialog, with the reason under the field.
        Err(ServiceError::Invalid(v)) if dialog_form(app).is_some() => {
            let texts = app.issue_texts(v);
            let loose = dialog_form(app).map(|f| f.set_issues(texts));
            if let Some(loose) = loose.filter(|l| !l.is_empty()) {
                app.flash(Tone::Error, loose.join(" / "));
            }
        }
        Err(e) => app.flash_error(&e),
    }
    app.reload_screen();
}

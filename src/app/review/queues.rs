//! The work queues' screen (R-REV-6): the rows held around the cursor in chunks read by
//! keyset, the counts, the `/` filter, and what the keys do there. Apart from the detail because
//! the two screens share nothing but the item id the one opens the other with.

use std::cell::Cell;

use crate::app::form::{Field, Form};
use crate::app::keymap::Action;
use crate::app::{App, Pending, Screen};
use crate::domain::queue::{Queue, Sort};
use crate::i18n::ui::Msg;
use crate::service::queue::{self, QueueLine, Resume};
use crate::service::queue_counts::{Ask, Counter};
use crate::service::{Ctx, ServiceError};
use crate::storage::Store;

use super::{ReviewKey, open_detail};

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

/// Opens the queues (menu).
pub fn open_queues(app: &mut App) {
    let Some(ctx) = app.ctx() else { return };
    let mut q = QueueView::new();
    match q.reload(&app.store, &ctx, app.counter.as_ref()) {
        Ok(()) => app.push(Screen::Queue(q)),
        Err(e) => app.flash_error(&e),
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

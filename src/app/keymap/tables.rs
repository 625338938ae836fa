//! The key tables, one per context (a screen, a mode, a dialog): each binding's keys, action,
//! hint label and whether the hint bar shows it. A table, kept whole so a context reads top to
//! bottom; apart from the types and the lookup in `mod.rs`.

use crate::i18n::ui::Msg;

use super::{Action, Binding, Key};

const fn b(keys: &'static [Key], action: Action, label: Msg, hint: bool) -> Binding {
    Binding {
        keys,
        action,
        label,
        hint,
    }
}

/// The keys every list screen ends with: back, help, lock and quit.
const LIST_BACK: Binding = b(
    &[Key::Esc, Key::Char('q'), Key::F(3)],
    Action::Back,
    Msg::KeyBack,
    true,
);
const LIST_HELP: Binding = b(
    &[Key::Char('?'), Key::Ctrl('g'), Key::F(1)],
    Action::Help,
    Msg::KeyHelp,
    true,
);
const LIST_LOCK: Binding = b(
    &[Key::Char('l'), Key::Ctrl('l')],
    Action::Lock,
    Msg::KeyLock,
    false,
);
const QUIT: Binding = b(&[Key::Ctrl('q')], Action::Quit, Msg::KeyQuit, false);
// Moving in a list, the same keys on every list screen.
const LIST_UP: Binding = b(&[Key::Up, Key::Char('k')], Action::Up, Msg::KeyUp, false);
const LIST_DOWN: Binding = b(
    &[Key::Down, Key::Char('j')],
    Action::Down,
    Msg::KeyDown,
    false,
);
const LIST_PAGE_UP: Binding = b(&[Key::PageUp], Action::PageUp, Msg::KeyPageUp, false);
const LIST_PAGE_DOWN: Binding = b(
    &[Key::PageDown, Key::Char(' ')],
    Action::PageDown,
    Msg::KeyPageDown,
    false,
);

/// Screens where letters type into a field: only Ctrl, F-keys and Enter/Esc/Tab act.
pub const FORM: &[Binding] = &[
    b(
        &[Key::Ctrl('s'), Key::F(2)],
        Action::Submit,
        Msg::KeySubmit,
        true,
    ),
    b(
        &[Key::Tab, Key::Down],
        Action::NextField,
        Msg::KeyNextField,
        true,
    ),
    b(
        &[Key::BackTab, Key::Up],
        Action::PrevField,
        Msg::KeyPrevField,
        false,
    ),
    b(&[Key::Enter], Action::Select, Msg::KeyEnterNext, false),
    b(&[Key::Esc, Key::F(3)], Action::Back, Msg::KeyBack, true),
    b(
        &[Key::Ctrl('x'), Key::F(12)],
        Action::Cancel,
        Msg::KeyCancel,
        false,
    ),
    b(
        &[Key::Ctrl('g'), Key::F(1)],
        Action::Help,
        Msg::KeyHelp,
        true,
    ),
    b(&[Key::Ctrl('l')], Action::Lock, Msg::KeyLock, false),
    QUIT,
];

/// Sign-in: no lock, no back.
pub const SIGNIN: &[Binding] = &[
    b(&[Key::Enter], Action::Select, Msg::KeyEnterNext, true),
    b(
        &[Key::Tab, Key::Down],
        Action::NextField,
        Msg::KeyNextField,
        true,
    ),
    b(
        &[Key::BackTab, Key::Up],
        Action::PrevField,
        Msg::KeyPrevField,
        false,
    ),
    b(
        &[Key::Ctrl('g'), Key::F(1)],
        Action::Help,
        Msg::KeyHelp,
        true,
    ),
    b(
        &[Key::Esc, Key::Ctrl('q'), Key::F(3)],
        Action::Quit,
        Msg::KeyQuit,
        true,
    ),
];

pub const HOME: &[Binding] = &[
    b(&[Key::Char('1')], Action::Menu(1), Msg::MenuRegister, false),
    b(&[Key::Char('2')], Action::Menu(2), Msg::MenuAccount, false),
    b(&[Key::Char('3')], Action::Menu(3), Msg::MenuStaff, false),
    b(
        &[Key::Char('4')],
        Action::Menu(4),
        Msg::MenuChangePassword,
        false,
    ),
    b(&[Key::Char('5')], Action::Menu(5), Msg::KeyMenuItem, false),
    b(&[Key::Char('6')], Action::Menu(6), Msg::KeyMenuItem, false),
    b(&[Key::Char('7')], Action::Menu(7), Msg::KeyMenuItem, false),
    b(&[Key::Char('8')], Action::Menu(8), Msg::KeyMenuItem, false),
    b(&[Key::Char('9')], Action::Menu(9), Msg::KeyMenuItem, false),
    LIST_UP,
    b(
        &[Key::Down, Key::Char('j'), Key::Tab],
        Action::Down,
        Msg::KeyDown,
        false,
    ),
    b(&[Key::Enter], Action::Select, Msg::KeyOpen, true),
    b(
        &[Key::Char('l'), Key::Ctrl('l')],
        Action::Lock,
        Msg::KeyLock,
        true,
    ),
    b(&[Key::Char('o')], Action::SignOut, Msg::KeySignOut, true),
    LIST_HELP,
    b(
        &[Key::Char('q'), Key::Ctrl('q'), Key::F(3)],
        Action::Quit,
        Msg::KeyQuit,
        true,
    ),
];

/// The account screen once an account is shown (the search field has FORM keys).
pub const ACCOUNT: &[Binding] = &[
    b(
        &[Key::Char('r'), Key::F(6)],
        Action::Reissue,
        Msg::KeyReissue,
        true,
    ),
    b(
        &[Key::Char('/'), Key::Char('s'), Key::Tab],
        Action::Search,
        Msg::KeySearch,
        true,
    ),
    b(
        &[Key::Char('n')],
        Action::NewItem,
        Msg::KeyRegisterNew,
        false,
    ),
    b(
        &[Key::Char('g'), Key::F(5)],
        Action::Refresh,
        Msg::KeyRefresh,
        false,
    ),
    LIST_UP,
    LIST_DOWN,
    LIST_BACK,
    LIST_HELP,
    LIST_LOCK,
    QUIT,
    b(
        &[Key::Char('1')],
        Action::Menu(1),
        Msg::KeyOpenSubmission,
        false,
    ),
    b(
        &[Key::Char('2')],
        Action::Menu(2),
        Msg::KeyOpenSubmission,
        false,
    ),
    b(
        &[Key::Char('3')],
        Action::Menu(3),
        Msg::KeyOpenSubmission,
        false,
    ),
    b(
        &[Key::Char('4')],
        Action::Menu(4),
        Msg::KeyOpenSubmission,
        false,
    ),
    b(
        &[Key::Char('5')],
        Action::Menu(5),
        Msg::KeyOpenSubmission,
        false,
    ),
];

/// The result panel after a registration.
pub const RESULT: &[Binding] = &[
    b(
        &[Key::Enter, Key::Char('a')],
        Action::Select,
        Msg::KeyOpenAccount,
        true,
    ),
    b(
        &[Key::Char('n')],
        Action::NewItem,
        Msg::KeyRegisterNew,
        true,
    ),
    LIST_BACK,
    LIST_HELP,
    LIST_LOCK,
    QUIT,
];

pub const STAFF: &[Binding] = &[
    b(
        &[Key::Char('a'), Key::F(7)],
        Action::NewItem,
        Msg::KeyAddStaff,
        true,
    ),
    b(
        &[Key::Char('d')],
        Action::ToggleDisable,
        Msg::KeyToggleDisable,
        true,
    ),
    b(
        &[Key::Char('u')],
        Action::UnlockStaff,
        Msg::KeyUnlockStaff,
        true,
    ),
    b(
        &[Key::Char('p')],
        Action::ResetPassword,
        Msg::KeyResetPassword,
        true,
    ),
    LIST_UP,
    LIST_DOWN,
    LIST_BACK,
    LIST_HELP,
    LIST_LOCK,
    QUIT,
];

/// Read-only lists (the audit log).
pub const STAFF_READONLY: &[Binding] = &[
    b(&[Key::Up, Key::Char('k')], Action::Up, Msg::KeyUp, true),
    b(
        &[Key::Down, Key::Char('j')],
        Action::Down,
        Msg::KeyDown,
        true,
    ),
    LIST_PAGE_UP,
    LIST_PAGE_DOWN,
    b(
        &[Key::Char('g'), Key::F(5)],
        Action::Refresh,
        Msg::KeyRefresh,
        true,
    ),
    LIST_BACK,
    LIST_HELP,
    LIST_LOCK,
    QUIT,
];

/// The mail queue (R-MAIL-7).
pub const MAILQ: &[Binding] = &[
    b(
        &[Key::Char('r'), Key::F(6)],
        Action::MailRetry,
        Msg::KeyMailRetry,
        true,
    ),
    b(&[Key::Char('h')], Action::MailHold, Msg::KeyMailHold, true),
    b(
        &[Key::Char('e')],
        Action::MailRelease,
        Msg::KeyMailRelease,
        true,
    ),
    b(
        &[Key::Char('c')],
        Action::MailCancel,
        Msg::KeyMailCancel,
        true,
    ),
    b(&[Key::Char('f')], Action::Filter, Msg::KeyFilter, true),
    b(
        &[Key::Char('g'), Key::F(5)],
        Action::Refresh,
        Msg::KeyRefresh,
        true,
    ),
    LIST_UP,
    LIST_DOWN,
    LIST_PAGE_UP,
    LIST_PAGE_DOWN,
    LIST_BACK,
    LIST_HELP,
    LIST_LOCK,
    QUIT,
];

/// The review queues (R-REV-6).
pub const QUEUE: &[Binding] = &[
    b(&[Key::Enter], Action::Select, Msg::KeyOpen, true),
    b(
        &[Key::Char('1')],
        Action::Menu(1),
        Msg::QueueUnassigned,
        false,
    ),
    b(&[Key::Char('2')], Action::Menu(2), Msg::QueueMine, false),
    b(&[Key::Char('3')], Action::Menu(3), Msg::QueueOverdue, false),
    b(&[Key::Char('4')], Action::Menu(4), Msg::QueueDueSoon, false),
    b(&[Key::Char('5')], Action::Menu(5), Msg::QueueChecked, false),
    b(
        &[Key::Char('6')],
        Action::Menu(6),
        Msg::QueueReturned,
        false,
    ),
    b(&[Key::Char('7')], Action::Menu(7), Msg::QueueVisit, false),
    b(&[Key::Tab], Action::NextField, Msg::KeyNextQueue, true),
    b(&[Key::BackTab], Action::PrevField, Msg::KeyPrevQueue, false),
    b(&[Key::Char('/')], Action::Filter, Msg::KeyQueueFilter, true),
    b(&[Key::Char('s')], Action::Sort, Msg::KeySort, true),
    b(&[Key::Char('t')], Action::ReviewClaim, Msg::KeyClaim, true),
    b(
        &[Key::Char('g'), Key::F(5)],
        Action::Refresh,
        Msg::KeyRefresh,
        false,
    ),
    LIST_UP,
    LIST_DOWN,
    LIST_PAGE_UP,
    LIST_PAGE_DOWN,
    LIST_BACK,
    LIST_HELP,
    LIST_LOCK,
    QUIT,
];

/// The submission detail with its review actions (each behind a confirm step).
pub const DETAIL: &[Binding] = &[
    b(&[Key::Char('c')], Action::ReviewCheck, Msg::KeyCheck, true),
    b(
        &[Key::Char('a')],
        Action::ReviewApprove,
        Msg::KeyApprove,
        true,
    ),
    b(
        &[Key::Char('r')],
        Action::ReviewReturn,
        Msg::KeyReturn,
        true,
    ),
    b(
        &[Key::Char('x')],
        Action::ReviewReject,
        Msg::KeyReject,
        true,
    ),
    b(&[Key::Char('v')], Action::ReviewVisit, Msg::KeyVisit, true),
    b(&[Key::Char('t')], Action::ReviewClaim, Msg::KeyClaim, true),
    b(
        &[Key::Char('m')],
        Action::ReviewComment,
        Msg::KeyComment,
        true,
    ),
    b(
        &[Key::Char('h')],
        Action::ReviewHandOver,
        Msg::KeyHandOver,
        true,
    ),
    b(
        &[Key::Char('f')],
        Action::ReviewFollowUp,
        Msg::KeyFollowUp,
        true,
    ),
    b(
        &[Key::Char('u')],
        Action::ReviewRelease,
        Msg::KeyRelease,
        false,
    ),
    b(
        &[Key::Char('g'), Key::F(5)],
        Action::Refresh,
        Msg::KeyRefresh,
        false,
    ),
    LIST_UP,
    LIST_DOWN,
    LIST_PAGE_UP,
    LIST_PAGE_DOWN,
    LIST_BACK,
    LIST_HELP,
    LIST_LOCK,
    QUIT,
];

/// A list to choose one from over the screen (the colleague to hand an item to).
pub const PICKER: &[Binding] = &[
    b(&[Key::Enter], Action::Select, Msg::KeyChoose, true),
    b(&[Key::Up, Key::Char('k')], Action::Up, Msg::KeyUp, true),
    b(
        &[Key::Down, Key::Char('j')],
        Action::Down,
        Msg::KeyDown,
        true,
    ),
    b(
        &[Key::Esc, Key::Char('q'), Key::F(3)],
        Action::Back,
        Msg::KeyCancelDialog,
        true,
    ),
    LIST_HELP,
    LIST_LOCK,
    QUIT,
];

/// The check's checklist over the detail (R-REV-1): the clerk ticks each item, Enter records.
pub const CHECKLIST: &[Binding] = &[
    // Y as in the confirm steps: the checklist is the check's confirm step.
    b(
        &[Key::Enter, Key::Char('y'), Key::Char('Y')],
        Action::Select,
        Msg::KeyRecordCheck,
        true,
    ),
    b(
        &[Key::Char(' '), Key::Char('x')],
        Action::Toggle,
        Msg::KeyTick,
        true,
    ),
    b(&[Key::Char('a')], Action::TickAll, Msg::KeyTickAll, true),
    LIST_UP,
    LIST_DOWN,
    b(
        &[Key::Esc, Key::Char('q'), Key::F(3)],
        Action::Back,
        Msg::KeyCancelDialog,
        true,
    ),
    LIST_HELP,
    LIST_LOCK,
    QUIT,
];

/// Lookup results (R-ID-1): open a customer, search again, next visitor.
pub const LOOKUP_RESULTS: &[Binding] = &[
    b(&[Key::Enter], Action::Select, Msg::KeyOpen, true),
    b(
        &[Key::Char('/'), Key::Char('s')],
        Action::Search,
        Msg::KeySearch,
        true,
    ),
    b(
        &[Key::Char('n')],
        Action::NewItem,
        Msg::KeyNextVisitor,
        true,
    ),
    LIST_UP,
    LIST_DOWN,
    LIST_BACK,
    LIST_HELP,
    LIST_LOCK,
    QUIT,
];

/// One customer's record in the lookup (R-ID-2, R-ID-4).
pub const LOOKUP_DETAIL: &[Binding] = &[
    b(&[Key::Char('v')], Action::Reveal, Msg::KeyReveal, true),
    b(&[Key::Char('m')], Action::MailId, Msg::KeyMailId, true),
    b(&[Key::Char('c')], Action::ChangeId, Msg::KeyChangeId, true),
    b(
        &[Key::Char('a')],
        Action::Approve,
        Msg::KeyApproveChange,
        false,
    ),
    b(
        &[Key::Char('x')],
        Action::Reject,
        Msg::KeyRejectChange,
        false,
    ),
    b(
        &[Key::Char('n')],
        Action::NewItem,
        Msg::KeyNextVisitor,
        false,
    ),
    LIST_BACK,
    LIST_HELP,
    LIST_LOCK,
    QUIT,
];

/// The audit viewer (R-AUD-1..3).
pub const AUDIT: &[Binding] = &[
    b(&[Key::Enter], Action::Select, Msg::KeyAuditOpenRow, true),
    b(&[Key::Char('f')], Action::Filter, Msg::KeyAuditFilter, true),
    b(&[Key::Char('r')], Action::Report, Msg::KeyAuditReport, true),
    b(&[Key::Char('x')], Action::Export, Msg::KeyAuditExport, true),
    b(
        &[Key::Char('g'), Key::F(5)],
        Action::Refresh,
        Msg::KeyRefreshVerify,
        true,
    ),
    LIST_UP,
    LIST_DOWN,
    LIST_PAGE_UP,
    LIST_PAGE_DOWN,
    LIST_BACK,
    LIST_HELP,
    LIST_LOCK,
    QUIT,
];

/// The R-AUD-3 report.
pub const AUDIT_REPORT: &[Binding] = &[
    b(&[Key::Up, Key::Char('k')], Action::Up, Msg::KeyUp, true),
    b(
        &[Key::Down, Key::Char('j')],
        Action::Down,
        Msg::KeyDown,
        true,
    ),
    LIST_PAGE_UP,
    LIST_PAGE_DOWN,
    b(
        &[Key::Esc, Key::Char('q'), Key::Char('r'), Key::F(3)],
        Action::Back,
        Msg::KeyBack,
        true,
    ),
    LIST_HELP,
    LIST_LOCK,
    QUIT,
];

/// One audit row in full.
pub const AUDIT_ROW: &[Binding] = &[
    b(
        &[Key::Esc, Key::Enter, Key::Char('q'), Key::F(3)],
        Action::Back,
        Msg::KeyBack,
        true,
    ),
    LIST_UP,
    LIST_DOWN,
    LIST_PAGE_UP,
    LIST_PAGE_DOWN,
    LIST_HELP,
    LIST_LOCK,
    QUIT,
];

/// The closed-day calendar for admins: office closures can be added and removed.
pub const CALENDAR: &[Binding] = &[
    b(
        &[Key::Char('a'), Key::F(7)],
        Action::NewItem,
        Msg::KeyAddClosure,
        true,
    ),
    b(
        &[Key::Char('d'), Key::F(8)],
        Action::RemoveItem,
        Msg::KeyRemoveClosure,
        true,
    ),
    b(&[Key::Char('p')], Action::PrevYear, Msg::KeyPrevYear, true),
    b(&[Key::Char('n')], Action::NextYear, Msg::KeyNextYear, true),
    b(
        &[Key::Char('g'), Key::F(5)],
        Action::Refresh,
        Msg::KeyRefresh,
        false,
    ),
    LIST_UP,
    LIST_DOWN,
    LIST_PAGE_UP,
    LIST_PAGE_DOWN,
    LIST_BACK,
    LIST_HELP,
    LIST_LOCK,
    QUIT,
];

/// The closed-day calendar, read-only (supervisors).
pub const CALENDAR_READONLY: &[Binding] = &[
    b(&[Key::Char('p')], Action::PrevYear, Msg::KeyPrevYear, true),
    b(&[Key::Char('n')], Action::NextYear, Msg::KeyNextYear, true),
    b(
        &[Key::Char('g'), Key::F(5)],
        Action::Refresh,
        Msg::KeyRefresh,
        false,
    ),
    LIST_UP,
    LIST_DOWN,
    LIST_PAGE_UP,
    LIST_PAGE_DOWN,
    LIST_BACK,
    LIST_HELP,
    LIST_LOCK,
    QUIT,
];

/// A yes/no question.
pub const CONFIRM: &[Binding] = &[
    b(
        &[Key::Char('y'), Key::Char('Y')],
        Action::Yes,
        Msg::KeyYes,
        true,
    ),
    b(
        &[Key::Char('n'), Key::Char('N'), Key::Esc, Key::F(12)],
        Action::No,
        Msg::KeyNo,
        true,
    ),
];

/// A message that only needs to be read.
pub const NOTICE: &[Binding] = &[b(
    &[Key::Enter, Key::Esc, Key::Char('q')],
    Action::Back,
    Msg::KeyClose,
    true,
)];

/// The idle lock: only the password field and quit.
pub const LOCKED: &[Binding] = &[
    b(&[Key::Enter], Action::Submit, Msg::KeyUnlock, true),
    b(&[Key::Ctrl('q')], Action::Quit, Msg::KeySignOutQuit, true),
];

pub const HELP: &[Binding] = &[
    b(
        &[Key::Esc, Key::Char('q'), Key::Enter, Key::F(1), Key::F(3)],
        Action::Back,
        Msg::KeyClose,
        true,
    ),
    LIST_UP,
    LIST_DOWN,
    b(&[Key::PageUp], Action::PageUp, Msg::KeyUp, false),
    b(
        &[Key::PageDown, Key::Char(' ')],
        Action::PageDown,
        Msg::KeyDown,
        false,
    ),
];

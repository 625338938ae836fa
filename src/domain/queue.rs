//! The review work lists (R-REV-6) and their orders: the vocabulary the screens, the CLI and
//! the store share (`storage::queue` says which rows each holds and reads their pages).

/// The work lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Queue {
    Unassigned,
    Mine,
    Overdue,
    DueSoon,
    Checked,
    Returned,
    Visit,
}

impl Queue {
    pub const ALL: [Queue; 7] = [
        Queue::Unassigned,
        Queue::Mine,
        Queue::Overdue,
        Queue::DueSoon,
        Queue::Checked,
        Queue::Returned,
        Queue::Visit,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Queue::Unassigned => "unassigned",
            Queue::Mine => "mine",
            Queue::Overdue => "overdue",
            Queue::DueSoon => "due-soon",
            Queue::Checked => "checked",
            Queue::Returned => "returned",
            Queue::Visit => "visit",
        }
    }

    #[must_use]
    pub fn parse(s: &str) -> Option<Queue> {
        Queue::ALL.into_iter().find(|q| q.code() == s)
    }
}

/// Queue order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Deadline,
    Received,
    Name,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::Deadline, Sort::Received, Sort::Name];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Sort::Deadline => "deadline",
            Sort::Received => "received",
            Sort::Name => "name",
        }
    }
}

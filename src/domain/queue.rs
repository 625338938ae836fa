//! The review work lists (R-REV-6) and their orders: the vocabulary the screens, the CLI and
//! the store share (`storage::queue` says which rows each holds and reads their pages).

use super::coded::coded_enum;

coded_enum! {
    /// The work lists. (Their JSON form is `snake_case`; the code, as typed on the command
    /// line, says `due-soon`.)
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Queue {
        Unassigned = "unassigned",
        Mine = "mine",
        Overdue = "overdue",
        DueSoon = "due-soon",
        Checked = "checked",
        Returned = "returned",
        Visit = "visit",
    }
}

coded_enum! {
    /// Queue order.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Sort {
        #[default]
        Deadline = "deadline",
        Received = "received",
        Name = "name",
    }
}

//! A submission's field values as data (SPEC §2.3): what `JobOffer::fields` and
//! `Establishment::fields` list for the detail, and what `diff_fields` compares between two
//! versions. Text as entered and the form's codes, never words: `i18n::values` puts a value
//! into the reader's language.

use super::job::{
    EmploymentType, EstablishmentLink, InsuranceKind, JobCategoryKind, PublicationScope, WageKind,
    WorkingTimeKind,
};

/// One of the job offer form's coded choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coded {
    /// 求人区分.
    Category(JobCategoryKind),
    /// 雇用形態.
    Employment(EmploymentType),
    /// 賃金形態.
    Wage(WageKind),
    /// 交替制・フレックスタイム制・裁量労働制・変形労働時間制.
    WorkingTime(WorkingTimeKind),
    /// 加入保険等.
    Insurance(InsuranceKind),
}

/// The value of one field of a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    /// Text as entered, or a number or time in its one written form; empty when not given.
    Text(String),
    /// Several texts as entered (必要な免許・資格).
    List(Vec<String>),
    /// A check box or a yes/no question; `None` when the payload does not say.
    Flag(Option<bool>),
    /// A coded choice; `None` when not given.
    Coded(Option<Coded>),
    /// Several coded choices (加入保険等), in the form's order.
    CodedList(Vec<Coded>),
    /// 公開範囲, shown with its number on the form; `None` when not given.
    Scope(Option<PublicationScope>),
    /// The establishment an offer belongs to; `None` when not given.
    Establishment(Option<EstablishmentLink>),
    /// 就業場所: the establishment's own address.
    SameAsEstablishment,
}

/// A field not there is an empty text (the diff's "nothing").
impl Default for FieldValue {
    fn default() -> Self {
        Self::Text(String::new())
    }
}

impl From<String> for FieldValue {
    fn from(s: String) -> Self {
        Self::Text(s)
    }
}

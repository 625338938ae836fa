//! Job offer data (求人情報) as it arrives in `job.submitted` / `job.resubmitted` (R-IO-1).
//!
//! The layout follows the eight input screens of the Internet Service's 求人仮登録
//! (seed 004): 1 求人区分等, 2 事業所情報, 3 仕事内容, 4 賃金・手当, 5 労働時間,
//! 6 保険・年金・定年等, 7 求人PR情報, 8 選考方法; plus the work location and employment type.
//!
//! Every field has a default so that a payload missing a field still parses and validation
//! (`domain::validate`) reports it field by field; unknown fields are ignored. Enums serialize as
//! stable `snake_case` codes and hold no words: `i18n::values` names them, and `fields()` lists
//! the offer as data (`field_value::FieldValue`) for the detail and the diff.

use std::collections::BTreeSet;

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

use super::coded::coded_enum;
use super::field_value::{Coded, FieldValue};
use super::submission::{FieldChange, diff_fields};

#[cfg(test)]
mod sample;
#[cfg(test)]
pub(crate) use sample::sample;

coded_enum! {
    serde;
    /// 求人区分.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub enum JobCategoryKind {
        General = "general",
        Student = "student",
        Disabled = "disabled",
    }
}

coded_enum! {
    serde;
    /// 求人情報・事業所名の公開範囲 (1–4).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub enum PublicationScope {
        WithName = "with_name",
        HelloWorkSeekersOnly = "hello_work_seekers_only",
        WithoutName = "without_name",
        NotPublished = "not_published",
    }
}

impl PublicationScope {
    /// The number on the form, 1–4.
    #[must_use]
    pub fn number(self) -> u8 {
        match self {
            Self::WithName => 1,
            Self::HelloWorkSeekersOnly => 2,
            Self::WithoutName => 3,
            Self::NotPublished => 4,
        }
    }

    /// The scope for a form number 1–4.
    #[must_use]
    pub fn from_number(n: u8) -> Option<Self> {
        Self::ALL.iter().copied().find(|s| s.number() == n)
    }
}

coded_enum! {
    serde;
    /// 雇用形態.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub enum EmploymentType {
        Regular = "regular",
        NonRegular = "non_regular",
        FixedTermDispatch = "fixed_term_dispatch",
        IndefiniteDispatch = "indefinite_dispatch",
        PartTime = "part_time",
        FixedTermDispatchPartTime = "fixed_term_dispatch_part_time",
        IndefiniteDispatchPartTime = "indefinite_dispatch_part_time",
    }
}

impl EmploymentType {
    /// A part-time (パート) employment type.
    #[must_use]
    pub fn is_part_time(self) -> bool {
        matches!(
            self,
            Self::PartTime | Self::FixedTermDispatchPartTime | Self::IndefiniteDispatchPartTime
        )
    }

    /// A dispatch (派遣) employment type.
    #[must_use]
    pub fn is_dispatch(self) -> bool {
        matches!(
            self,
            Self::FixedTermDispatch
                | Self::IndefiniteDispatch
                | Self::FixedTermDispatchPartTime
                | Self::IndefiniteDispatchPartTime
        )
    }
}

coded_enum! {
    serde;
    /// 賃金形態.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub enum WageKind {
        Monthly = "monthly",
        Daily = "daily",
        Hourly = "hourly",
        Annual = "annual",
        Other = "other",
    }
}

coded_enum! {
    serde;
    /// 交替制（シフト制）・フレックスタイム制・裁量労働制・変形労働時間制.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub enum WorkingTimeKind {
        Normal = "normal",
        Shift = "shift",
        Flex = "flex",
        Discretionary = "discretionary",
        Variable = "variable",
    }
}

// `coded_enum!` fixes the derive list, so `#[default]` cannot be used.
#[allow(clippy::derivable_impls)]
impl Default for WorkingTimeKind {
    fn default() -> Self {
        Self::Normal
    }
}

coded_enum! {
    serde;
    /// 加入保険等.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub enum InsuranceKind {
        Employment = "employment",
        WorkersCompensation = "workers_compensation",
        PublicServiceCompensation = "public_service_compensation",
        Health = "health",
        Pension = "pension",
        Zaikei = "zaikei",
        Other = "other",
    }
}

coded_enum! {
    serde;
    /// The detail's headings: the eight input screens of 求人仮登録 as the seed names them
    /// (「1. 求人区分等 2. 事業所情報 3. 仕事内容 4. 賃金・手当 5. 労働時間 6. 保険・年金・定年等
    /// 7. 求人PR情報 8. 選考方法」), plus the work location and employment type, which the
    /// manual does not place on a screen (「職種別・就業場所別・雇用形態別にお申し込みください」):
    /// shown as an unnumbered section after 仕事内容.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
    pub enum JobSection {
        Category = "category",
        Establishment = "establishment",
        Work = "work",
        PlaceAndType = "place_and_type",
        Wage = "wage",
        Hours = "hours",
        Insurance = "insurance",
        Pr = "pr",
        Selection = "selection",
    }
}

impl JobSection {
    /// The screen's number 1–8 on the Internet Service's form; `None` for the extra section.
    #[must_use]
    pub fn number(self) -> Option<u8> {
        Some(match self {
            Self::Category => 1,
            Self::Establishment => 2,
            Self::Work => 3,
            Self::PlaceAndType => return None,
            Self::Wage => 4,
            Self::Hours => 5,
            Self::Insurance => 6,
            Self::Pr => 7,
            Self::Selection => 8,
        })
    }

    /// The section of a field path of [`JobOffer::fields`] (and of findings and diffs);
    /// `None` for a path the offer does not have.
    #[must_use]
    pub fn of_field(path: &str) -> Option<Self> {
        let head = path.split('.').next().unwrap_or(path);
        Some(match head {
            "category" | "publication_scope" | "online_opt_out" => Self::Category,
            "establishment" => Self::Establishment,
            "title" | "occupation_code" | "licences" => Self::Work,
            "employment_type" | "work_location" => Self::PlaceAndType,
            "wage" | "bonus" => Self::Wage,
            "hours" => Self::Hours,
            "insurance" | "work_rules" => Self::Insurance,
            "pr_message" => Self::Pr,
            "hires" | "note_to_hello_work" => Self::Selection,
            _ => return None,
        })
    }
}

/// Section 1: 求人区分.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
#[allow(clippy::struct_excessive_bools)] // the form's check boxes, one field each
pub struct Category {
    /// 一般・学生・障害者 (required).
    pub kind: Option<JobCategoryKind>,
    /// パート.
    pub part_time: bool,
    /// トライアル雇用求人.
    pub trial_employment: bool,
    /// 派遣・請負.
    pub dispatch_or_contract: bool,
    /// 障害者（短時間）トライアル雇用求人.
    pub disability_short_time_trial: bool,
}

/// Section 1: オンライン提供を不可とする機関 (either, both or none).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct OnlineOptOut {
    /// 民間人材ビジネス.
    pub private_placement: bool,
    /// 地方自治体（地方版ハローワーク）.
    pub local_government: bool,
}

/// Section 2: which establishment the offer belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EstablishmentLink {
    /// A registered establishment, by 事業所番号.
    EstablishmentNumber(String),
    /// A new establishment, by the id of its own (provisional) submission (R-REV-4).
    SubmissionId(String),
}

/// 就業場所. `None` on the offer means "same as the establishment".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkLocation {
    pub postal_code: String,
    pub address: String,
}

/// Section 4: 賃金.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Wage {
    /// 賃金形態 (required).
    pub kind: Option<WageKind>,
    /// その他の内容 (≤ 40 characters, required for その他).
    pub other_text: String,
    /// 賃金の額 下限, yen (required).
    pub min: Option<i64>,
    /// 賃金の額 上限, yen (optional: a fixed wage has only the lower bound).
    pub max: Option<i64>,
}

/// Section 4: 賞与 (前年度実績).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Bonus {
    /// 賞与の有無 (必須, seed 004): `None` when the payload does not say; validation reports it.
    pub has_bonus: Option<bool>,
    /// 賞与月数 as a decimal string (≤ 2 decimals); a JSON number is accepted too.
    #[serde(deserialize_with = "string_or_number")]
    pub months: Option<String>,
    /// 賞与金額 下限, yen.
    pub amount_min: Option<i64>,
    /// 賞与金額 上限, yen.
    pub amount_max: Option<i64>,
}

/// Section 5: 労働時間.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkingHours {
    pub kind: WorkingTimeKind,
    /// 就業時間 始業, `HH:MM`.
    #[serde(with = "hhmm")]
    pub start: Option<NaiveTime>,
    /// 就業時間 終業, `HH:MM` (may be earlier than the start: night work).
    #[serde(with = "hhmm")]
    pub end: Option<NaiveTime>,
    /// 6ヶ月経過後の年次有給休暇日数 (0–40).
    pub paid_leave_days: Option<i64>,
    /// 年間休日数 (required, 0–366).
    pub annual_holidays: Option<i64>,
}

/// Section 6: 加入保険等.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Insurance {
    /// At least one.
    pub kinds: BTreeSet<InsuranceKind>,
    /// その他の加入保険等 (≤ 6 characters).
    pub other_text: String,
}

/// Section 6: 就業規則.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WorkRules {
    /// フルタイムに適用される就業規則あり.
    pub full_time: bool,
    /// パートタイムに適用される就業規則あり.
    pub part_time: bool,
}

/// 求人情報.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct JobOffer {
    // 1 求人区分等
    pub category: Category,
    pub publication_scope: Option<PublicationScope>,
    pub online_opt_out: OnlineOptOut,
    // 2 事業所情報
    pub establishment: Option<EstablishmentLink>,
    // 3 仕事内容
    /// 職種 (≤ 28 characters, required).
    pub title: String,
    /// 職業分類コード.
    pub occupation_code: Option<String>,
    /// 必要な免許・資格.
    pub licences: Vec<String>,
    pub employment_type: Option<EmploymentType>,
    pub work_location: Option<WorkLocation>,
    // 4 賃金・手当
    pub wage: Wage,
    pub bonus: Bonus,
    // 5 労働時間
    pub hours: WorkingHours,
    // 6 保険・年金・定年等
    pub insurance: Insurance,
    pub work_rules: WorkRules,
    // 7 求人PR情報
    /// 事業所からのメッセージ (≤ 600 characters, 20 lines × 30).
    pub pr_message: String,
    // 8 選考方法
    /// 採用人数 (1–999).
    pub hires: Option<i64>,
    /// ハローワークへの連絡事項.
    pub note_to_hello_work: String,
}

fn opt_num(v: Option<i64>) -> FieldValue {
    FieldValue::Text(v.map(|n| n.to_string()).unwrap_or_default())
}

fn opt_time(v: Option<NaiveTime>) -> FieldValue {
    FieldValue::Text(v.map(|t| t.format("%H:%M").to_string()).unwrap_or_default())
}

fn flag(b: bool) -> FieldValue {
    FieldValue::Flag(Some(b))
}

fn text(s: &str) -> FieldValue {
    FieldValue::Text(s.to_string())
}

impl JobOffer {
    /// The fields as (stable path, value) pairs, in screen order. The paths are those
    /// validation findings use; `i18n::values` puts the values into words.
    #[must_use]
    pub fn fields(&self) -> Vec<(&'static str, FieldValue)> {
        let c = &self.category;
        let (loc_postal, loc_address) = match &self.work_location {
            Some(l) => (text(&l.postal_code), text(&l.address)),
            None => (text(""), FieldValue::SameAsEstablishment),
        };
        vec![
            (
                "category.kind",
                FieldValue::Coded(c.kind.map(Coded::Category)),
            ),
            ("category.part_time", flag(c.part_time)),
            ("category.trial_employment", flag(c.trial_employment)),
            (
                "category.dispatch_or_contract",
                flag(c.dispatch_or_contract),
            ),
            (
                "category.disability_short_time_trial",
                flag(c.disability_short_time_trial),
            ),
            (
                "publication_scope",
                FieldValue::Scope(self.publication_scope),
            ),
            (
                "online_opt_out.private_placement",
                flag(self.online_opt_out.private_placement),
            ),
            (
                "online_opt_out.local_government",
                flag(self.online_opt_out.local_government),
            ),
            (
                "establishment",
                FieldValue::Establishment(self.establishment.clone()),
            ),
            ("title", text(&self.title)),
            (
                "occupation_code",
                text(self.occupation_code.as_deref().unwrap_or_default()),
            ),
            ("licences", FieldValue::List(self.licences.clone())),
            (
                "employment_type",
                FieldValue::Coded(self.employment_type.map(Coded::Employment)),
            ),
            ("work_location.postal_code", loc_postal),
            ("work_location.address", loc_address),
            (
                "wage.kind",
                FieldValue::Coded(self.wage.kind.map(Coded::Wage)),
            ),
            ("wage.other_text", text(&self.wage.other_text)),
            ("wage.min", opt_num(self.wage.min)),
            ("wage.max", opt_num(self.wage.max)),
            ("bonus.has_bonus", FieldValue::Flag(self.bonus.has_bonus)),
            (
                "bonus.months",
                text(self.bonus.months.as_deref().unwrap_or_default()),
            ),
            ("bonus.amount_min", opt_num(self.bonus.amount_min)),
            ("bonus.amount_max", opt_num(self.bonus.amount_max)),
            (
                "hours.kind",
                FieldValue::Coded(Some(Coded::WorkingTime(self.hours.kind))),
            ),
            ("hours.start", opt_time(self.hours.start)),
            ("hours.end", opt_time(self.hours.end)),
            ("hours.paid_leave_days", opt_num(self.hours.paid_leave_days)),
            ("hours.annual_holidays", opt_num(self.hours.annual_holidays)),
            (
                "insurance.kinds",
                FieldValue::CodedList(
                    self.insurance
                        .kinds
                        .iter()
                        .copied()
                        .map(Coded::Insurance)
                        .collect(),
                ),
            ),
            ("insurance.other_text", text(&self.insurance.other_text)),
            ("work_rules.full_time", flag(self.work_rules.full_time)),
            ("work_rules.part_time", flag(self.work_rules.part_time)),
            ("pr_message", text(&self.pr_message)),
            ("hires", opt_num(self.hires)),
            ("note_to_hello_work", text(&self.note_to_hello_work)),
        ]
    }

    /// A dispatch or contracting offer (派遣・請負): flagged, or a dispatch employment type.
    #[must_use]
    pub fn is_dispatch_or_contract(&self) -> bool {
        self.category.dispatch_or_contract
            || self
                .employment_type
                .is_some_and(EmploymentType::is_dispatch)
    }
}

/// What changed between two versions of an offer, for the reviewer.
#[must_use]
pub fn diff(old: &JobOffer, new: &JobOffer) -> Vec<FieldChange<FieldValue>> {
    diff_fields(&old.fields(), &new.fields())
}

/// Accepts `"2.5"` or `2.5` (or `null`) as an optional decimal string.
fn string_or_number<'de, D>(deserializer: D) -> Result<Option<String>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Text(String),
        Number(serde_json::Number),
    }
    Ok(Option::<Raw>::deserialize(deserializer)?.map(|r| match r {
        Raw::Text(s) => s,
        Raw::Number(n) => n.to_string(),
    }))
}

/// `Option<NaiveTime>` as `"HH:MM"` (reading `"HH:MM:SS"` too).
mod hhmm {
    use chrono::NaiveTime;
    use serde::{Deserialize, Deserializer, Serializer};

    #[allow(clippy::ref_option)] // serde's `with` passes `&Option<T>`
    pub fn serialize<S: Serializer>(v: &Option<NaiveTime>, s: S) -> Result<S::Ok, S::Error> {
        use chrono::Timelike;
        match v {
            // By hand: chrono's formatter costs more than the rest of an offer's JSON.
            Some(t) => s.serialize_str(&format!("{:02}:{:02}", t.hour(), t.minute())),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveTime>, D::Error> {
        let Some(text) = Option::<String>::deserialize(d)? else {
            return Ok(None);
        };
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        NaiveTime::parse_from_str(text, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(text, "%H:%M:%S"))
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("time {text:?} is not HH:MM")))
    }
}

#[cfg(test)]
mod tests;

//! `madoguchi gen`: a realistic, valid interchange stream of any size, the same for the same
//! seed (training data, tests, the import benchmark).
//!
//! Activation keys are random and stored only as hashes, so a stream cannot activate
//! accounts it does not know. [`prepare_accounts`] therefore creates `accounts` key-pending
//! self-registered employer accounts in the target database (keys drawn from the seeded
//! generator, issued one minute before `start`) and returns their keys; [`generate`] then writes, in order:
//! 1. one `account.activated` per account, within the keys' 50 minutes;
//! 2. from `start` + 1 h, `establishments` × `establishment.submitted` (round robin over the
//!    accounts) interleaved with `jobs` job events, each linked to an establishment already
//!    sent; about one job event in ten is a `job.resubmitted` of an earlier offer;
//! 3. one `account.withdrawn` for every tenth account (none with fewer than ten).
//!
//! Imported into the database `prepare_accounts` wrote to, the stream applies with no rejects.

mod fill;

pub use fill::bench_fill;

use std::io::Write;

use chrono::{DateTime, Duration, NaiveTime, Utc};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::domain::account::{AccountKind, AccountOrigin};
use crate::domain::authkey;
use crate::domain::establishment::Establishment;
use crate::domain::ids::StaffId;
use crate::domain::interchange::{Event, EventBody};
use crate::domain::job::{
    Bonus, Category, EmploymentType, EstablishmentLink, Insurance, InsuranceKind, JobCategoryKind,
    JobOffer, PublicationScope, Wage, WageKind, WorkRules, WorkingHours, WorkingTimeKind,
};
use crate::domain::numbers::corporate_check_digit;
use crate::service::{Result, ServiceError};
use crate::storage::accounts::NewAccount;
use crate::storage::audit::AuditEntry;
use crate::storage::keys::KeyPurpose;
use crate::storage::{self, Store};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenOptions {
    pub establishments: u64,
    pub jobs: u64,
    pub accounts: u64,
    pub seed: u64,
    /// Time of the first activation.
    pub start: DateTime<Utc>,
}

/// An account `prepare_accounts` created, with the key the stream will use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenAccount {
    pub email: String,
    pub key: String,
}

const DOMAINS: &[&str] = &[
    "sakura-shoji.co.jp",
    "aoba-kensetsu.co.jp",
    "fujimi-care.jp",
    "hokuto-logi.co.jp",
    "yamato-foods.co.jp",
];

/// (kanji, katakana) name parts.
const CORES: &[(&str, &str)] = &[
    ("さくら", "サクラ"),
    ("青葉", "アオバ"),
    ("富士見", "フジミ"),
    ("北斗", "ホクト"),
    ("大和", "ヤマト"),
    ("東海", "トウカイ"),
    ("松風", "マツカゼ"),
    ("光", "ヒカリ"),
    ("みなと", "ミナト"),
    ("若葉", "ワカバ"),
    ("朝日", "アサヒ"),
    ("緑川", "ミドリカワ"),
];
const TRADES: &[(&str, &str)] = &[
    ("商事", "ショウジ"),
    ("物流", "ブツリュウ"),
    ("建設", "ケンセツ"),
    ("食品", "ショクヒン"),
    ("製作所", "セイサクショ"),
    ("介護サービス", "カイゴサービス"),
    ("システムズ", "システムズ"),
    ("運輸", "ウンユ"),
    ("工業", "コウギョウ"),
    ("不動産", "フドウサン"),
];
const SURNAMES: &[&str] = &[
    "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤",
];
const GIVEN: &[&str] = &[
    "太郎", "花子", "健一", "美咲", "大輔", "陽子", "翔太", "由美", "誠", "直樹",
];
/// (prefecture + city, area code).
const PLACES: &[(&str, &str)] = &[
    ("東京都千代田区", "03"),
    ("東京都新宿区", "03"),
    ("神奈川県横浜市中区", "045"),
    ("大阪府大阪市北区", "06"),
    ("愛知県名古屋市中村区", "052"),
    ("福岡県福岡市博多区", "092"),
    ("北海道札幌市中央区", "011"),
    ("宮城県仙台市青葉区", "022"),
];
const TOWNS: &[&str] = &[
    "本町",
    "栄町",
    "緑町",
    "旭町",
    "中央",
    "駅前",
    "錦",
    "大手町",
];
const TITLES: &[&str] = &[
    "介護職員",
    "一般事務",
    "倉庫内作業スタッフ",
    "調理補助",
    "法人営業",
    "プログラマー",
    "配送ドライバー（２トン車）",
    "看護師",
    "保育士",
    "清掃スタッフ",
    "経理事務",
    "製造ライン作業員",
];
const PR: &[&str] = &[
    "未経験の方も丁寧に指導します。\n資格取得支援制度あり。",
    "地域に根ざした会社です。残業は月１０時間程度です。",
    "子育て中の方も働きやすい職場です。",
    "",
];

fn pick<'a, T>(rng: &mut StdRng, xs: &'a [T]) -> &'a T {
    &xs[rng.random_range(0..xs.len())]
}

fn digits(rng: &mut StdRng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

fn establishment(rng: &mut StdRng) -> Establishment {
    let (core, core_kana) = *pick(rng, CORES);
    let (trade, trade_kana) = *pick(rng, TRADES);
    let (place, area) = *pick(rng, PLACES);
    let twelve = digits(rng, 12);
    let check = corporate_check_digit(&twelve).unwrap_or(9);
    let rest = 10 - area.len();
    let mid = digits(rng, rest - 4);
    Establishment {
        establishment_number: None,
        corporate_number: Some(format!("{check}{twelve}")),
        name: format!("株式会社{core}{trade}"),
        name_kana: format!("カブシキガイシャ{core_kana}{trade_kana}"),
        representative_title: "代表取締役".into(),
        representative_name: format!("{}　{}", pick(rng, SURNAMES), pick(rng, GIVEN)),
        postal_code: format!("{}-{}", digits(rng, 3), digits(rng, 4)),
        address: format!(
            "{place}{}{}-{}-{}",
            pick(rng, TOWNS),
            rng.random_range(1..10),
            rng.random_range(1..30),
            rng.random_range(1..20)
        ),
        phone: format!("{area}-{mid}-{}", digits(rng, 4)),
        dispatch_licence: rng.random_bool(0.05),
        employment_insurance: true,
    }
}

fn hm(h: u32, m: u32) -> Option<NaiveTime> {
    NaiveTime::from_hms_opt(h, m, 0)
}

fn job(rng: &mut StdRng, establishment_sid: &str) -> JobOffer {
    let roll: f64 = rng.random();
    let employment_type = if roll < 0.5 {
        EmploymentType::Regular
    } else if roll < 0.8 {
        EmploymentType::PartTime
    } else if roll < 0.95 {
        EmploymentType::NonRegular
    } else {
        EmploymentType::FixedTermDispatch
    };
    let part = employment_type.is_part_time();
    let kind = if rng.random_bool(0.03) {
        JobCategoryKind::Disabled
    } else {
        JobCategoryKind::General
    };
    let wage = if part {
        // Above every prefecture's minimum wage (FY2025: at most 1,226 yen, Tokyo).
        let min = rng.random_range(13..=17) * 100;
        Wage {
            kind: Some(WageKind::Hourly),
            other_text: String::new(),
            min: Some(min),
            max: Some(min + rng.random_range(0..=3) * 100),
        }
    } else {
        // Above the minimum wage too once divided by the hours (8 h × (365 − 125) / 12 days).
        let min = rng.random_range(21..=35) * 10_000;
        Wage {
            kind: Some(WageKind::Monthly),
            other_text: String::new(),
            min: Some(min),
            max: Some(min + rng.random_range(2..=8) * 10_000),
        }
    };
    let has_bonus = !part && rng.random_bool(0.7);
    let (start, end) = if part {
        (hm(10, 0), hm(15, 0))
    } else {
        (hm(9, 0), hm(18, 0))
    };
    JobOffer {
        category: Category {
            kind: Some(kind),
            part_time: part,
            trial_employment: rng.random_bool(0.03),
            dispatch_or_contract: employment_type.is_dispatch(),
            disability_short_time_trial: false,
        },
        publication_scope: Some(if rng.random_bool(0.9) {
            PublicationScope::WithName
        } else {
            PublicationScope::HelloWorkSeekersOnly
        }),
        establishment: Some(EstablishmentLink::SubmissionId(
            establishment_sid.to_string(),
        )),
        title: (*pick(rng, TITLES)).to_string(),
        occupation_code: Some(format!(
            "{:03}-{:02}",
            rng.random_range(1..100),
            rng.random_range(1..10)
        )),
        employment_type: Some(employment_type),
        wage,
        bonus: Bonus {
            has_bonus: Some(has_bonus),
            months: has_bonus
                .then(|| format!("{}.{}", rng.random_range(1..4), rng.random_range(0..10))),
            amount_min: None,
            amount_max: None,
        },
        hours: WorkingHours {
            kind: WorkingTimeKind::Normal,
            start,
            end,
            paid_leave_days: Some(10),
            annual_holidays: Some(rng.random_range(105..=125)),
        },
        insurance: Insurance {
            kinds: [
                InsuranceKind::Employment,
                InsuranceKind::WorkersCompensation,
                InsuranceKind::Health,
                InsuranceKind::Pension,
            ]
            .into_iter()
            .collect(),
            other_text: String::new(),
        },
        work_rules: WorkRules {
            full_time: !part,
            part_time: part,
        },
        pr_message: (*pick(rng, PR)).to_string(),
        hires: Some(rng.random_range(1..=5)),
        ..JobOffer::default()
    }
}

fn email(seed: u64, i: u64) -> String {
    format!(
        "gen{seed}.{i:05}@{}",
        DOMAINS[usize::try_from(i).unwrap_or(0) % DOMAINS.len()]
    )
}

/// Creates `opts.accounts` key-pending employer accounts with known keys (see the module docs),
/// registered by `staff_id`, in one transaction with one audit row.
///
/// # Errors
/// `EmailInUse` when the seed was prepared in this database already; on SQLite failure.
pub fn prepare_accounts(
    store: &mut Store,
    staff_id: StaffId,
    opts: &GenOptions,
) -> Result<Vec<GenAccount>> {
    let mut rng = StdRng::seed_from_u64(opts.seed ^ 0x6b65_7973);
    let accounts: Vec<GenAccount> = (0..opts.accounts)
        .map(|i| GenAccount {
            email: email(opts.seed, i),
            key: authkey::generate(&mut rng),
        })
        .collect();
    // Keyed hashes under the install secret (R-KEY-2), before the write lock.
    let hashes: Vec<String> = accounts
        .iter()
        .map(|a| store.secret().key_hash(&a.key))
        .collect();
    let issued = opts.start - Duration::minutes(1);
    let tx = store.immediate()?;
    for (a, hash) in accounts.iter().zip(&hashes) {
        let key = crate::domain::email::Email::parse(&a.email)
            .map_err(|e| ServiceError::Internal(e.to_string()))?
            .key();
        if let Some(holder) = storage::accounts::live_by_email_key(&tx, &key)? {
            return Err(ServiceError::EmailInUse {
                account_id: holder.id,
                kind: holder.kind,
            });
        }
        let id = storage::accounts::insert(
            &tx,
            &NewAccount {
                kind: AccountKind::Employer,
                email: &a.email,
                email_key: &key,
                establishment_number: None,
                seeker_number: None,
                name: None,
                name_kana: None,
                birth_date: None,
                // As if each employer had registered online (seed 000): they then submit
                // their establishment in the provisional period.
                registered_by: None,
                origin: AccountOrigin::SelfRegistered,
            },
            issued,
        )?;
        storage::keys::insert(
            &tx,
            id,
            KeyPurpose::Registration,
            hash,
            issued,
            authkey::expires_at(issued),
            Some(staff_id),
        )?;
    }
    storage::audit::append(
        &tx,
        &AuditEntry {
            at_utc: crate::clock::to_db(crate::clock::now()),
            staff_id: Some(staff_id),
            staff_name: None,
            staff_roles: None,
            terminal: "gen".into(),
            action: "gen.prepare_accounts".into(),
            subject: Some(format!("seed:{}", opts.seed)),
            purpose: None,
            outcome: "ok".into(),
            detail: Some(format!("accounts={}", accounts.len())),
        },
    )?;
    tx.commit()?;
    Ok(accounts)
}

/// Writes the stream (see the module docs); returns the number of events.
///
/// # Errors
/// When the writer fails, or jobs are asked for without establishments or accounts.
pub fn generate(
    opts: &GenOptions,
    accounts: &[GenAccount],
    w: &mut dyn Write,
) -> std::io::Result<u64> {
    let invalid = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidInput, m.to_string());
    if accounts.is_empty() && opts.establishments + opts.jobs > 0 {
        return Err(invalid("submissions need at least one account"));
    }
    if opts.establishments == 0 && opts.jobs > 0 {
        return Err(invalid("job offers need at least one establishment"));
    }
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let mut n = 0u64;
    let mut emit = |w: &mut dyn Write, at: DateTime<Utc>, body: EventBody| -> std::io::Result<()> {
        let e = Event {
            event_id: format!("gen-{}-{n:07}", opts.seed),
            occurred_at: at,
            body,
        };
        n += 1;
        writeln!(w, "{}", e.to_json_line())
    };
    let k = i64::try_from(accounts.len()).unwrap_or(i64::MAX).max(1);
    for (i, a) in accounts.iter().enumerate() {
        let i = i64::try_from(i).unwrap_or(0);
        let at = opts.start + Duration::milliseconds(i * 2_400_000 / k);
        emit(
            w,
            at,
            EventBody::AccountActivated {
                email: a.email.clone(),
                auth_key: authkey::format_for_mail(&a.key),
            },
        )?;
    }
    let mut at = opts.start + Duration::hours(1);
    let step = Duration::milliseconds(30);
    // (establishment submission id, account index)
    let mut ests: Vec<(String, usize)> = Vec::new();
    // (job submission id, establishment index)
    let mut jobs: Vec<(String, usize)> = Vec::new();
    let mut jobs_sent = 0u64;
    for e in 0..opts.establishments {
        let acc = usize::try_from(e).unwrap_or(0) % accounts.len();
        let sid = format!("est-{}-{e:06}", opts.seed);
        emit(
            w,
            at,
            EventBody::EstablishmentSubmitted {
                email: accounts[acc].email.clone(),
                submission_id: sid.clone(),
                establishment: Box::new(establishment(&mut rng)),
            },
        )?;
        at += step;
        ests.push((sid, acc));
        let due = (u128::from(e) + 1) * u128::from(opts.jobs) / u128::from(opts.establishments);
        while u128::from(jobs_sent) < due {
            if !jobs.is_empty() && rng.random_bool(0.1) {
                let (sid, est) = jobs[rng.random_range(0..jobs.len())].clone();
                let (est_sid, acc) = &ests[est];
                emit(
                    w,
                    at,
                    EventBody::JobResubmitted {
                        email: accounts[*acc].email.clone(),
                        submission_id: sid,
                        job: Box::new(job(&mut rng, est_sid)),
                    },
                )?;
            } else {
                let est = rng.random_range(0..ests.len());
                let (est_sid, acc) = &ests[est];
                let sid = format!("job-{}-{jobs_sent:07}", opts.seed);
                emit(
                    w,
                    at,
                    EventBody::JobSubmitted {
                        email: accounts[*acc].email.clone(),
                        submission_id: sid.clone(),
                        job: Box::new(job(&mut rng, est_sid)),
                    },
                )?;
                jobs.push((sid, est));
            }
            at += step;
            jobs_sent += 1;
        }
    }
    for (i, a) in accounts.iter().enumerate() {
        if i % 10 == 9 {
            emit(
                w,
                at,
                EventBody::AccountWithdrawn {
                    email: a.email.clone(),
                    reason: Some("事業所の廃止".into()),
                },
            )?;
            at += step;
        }
    }
    w.flush()?;
    Ok(n)
}

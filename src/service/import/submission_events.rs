//! What establishment and job-offer events do (R-IO-1, R-VISIT-1, R-DL-1): a new
//! submission or its next version, its deadline and visit reasons.

use super::{
    AccountOrigin, AccountRow, AccountState, Checked, Connection, DateTime, Establishment,
    EstablishmentLink, JobCategoryKind, JobFlags, JobOffer, LineStatements, NewSubmission,
    NewVersionRow, Outcome, Ready, Result, Run, ServiceError, SubmissionEvent, SubmissionHead,
    SubmissionKind, SubmissionState, Utc, VISIT_SINCE, deadline, from_db, jst_date, reasons,
    reject, storage, submission, visit,
};
use crate::domain::ids::SubmissionId;
use crate::i18n::labels::visit_reason_ja;

/// Which state a new version leaves the submission in: received stays received (the employer
/// corrected it before review), returned goes back to received (resubmit); others refuse.
/// What a resubmission stores as its new version.
pub(super) struct NewVersion<'a> {
    payload: &'a [u8],
    findings: &'a str,
    at: DateTime<Utc>,
    event_id: &'a str,
    /// The version's name for the queues (establishment name or job title).
    display_name: &'a str,
    has_warnings: bool,
    flags: JobFlags,
}

impl<'a> NewVersion<'a> {
    /// The version an event brings: its checked payload, named `display_name` in the queues.
    fn of<T>(c: &'a Checked<T>, ev: &'a Ready, display_name: &'a str, flags: JobFlags) -> Self {
        NewVersion {
            payload: &c.payload,
            findings: &c.findings,
            at: ev.occurred_at,
            event_id: &ev.event_id,
            display_name,
            has_warnings: c.has_warnings,
            flags,
        }
    }

    /// Its row as version `version` of submission `submission_id`.
    fn row(
        &self,
        submission_id: SubmissionId,
        version: i64,
    ) -> storage::submissions::NewVersion<'a> {
        storage::submissions::NewVersion {
            submission_id,
            version,
            payload: self.payload,
            findings: self.findings,
            received_at: self.at,
            event_id: self.event_id,
        }
    }
}

/// A resubmission of an establishment or a job (every version is kept): the next version, if
/// the submission's state takes one. Returns the refusal otherwise.
pub(super) fn add_version(
    conn: &Connection,
    st: &mut LineStatements<'_>,
    head: &SubmissionHead,
    v: &NewVersion<'_>,
    visit_reasons: Option<&[(&str, String)]>,
) -> Result<Option<Outcome>> {
    let (display_name, flags) = (v.display_name, v.flags);
    let Some(state) = next_state_for_new_version(head) else {
        return Ok(Some(reject(
            reasons::SUBMISSION_STATE,
            format!("submission is {}", head.state.code()),
        )));
    };
    let version = head.current_version + 1;
    st.insert_version(&v.row(head.id, version))?;
    // The row update below may change what the item counts towards (its triggers take one
    // from the counts the batch's inserts hold).
    st.flush_tally()?;
    storage::submissions::set_new_version(
        conn,
        head.id,
        &NewVersionRow {
            version,
            state: (state != head.state).then_some(state),
            display_name: (display_name != head.display_name).then_some(display_name),
            has_warnings: v.has_warnings,
            flags,
            category_changed: flags.category != head.job_category.as_deref(),
            visit_reasons,
        },
        v.at,
    )?;
    Ok(None)
}

pub(super) fn next_state_for_new_version(head: &SubmissionHead) -> Option<SubmissionState> {
    match head.state {
        SubmissionState::Received => Some(SubmissionState::Received),
        s => submission::transition(s, SubmissionEvent::Resubmit).ok(),
    }
}

pub(super) fn submit_establishment(
    conn: &Connection,
    st: &mut LineStatements<'_>,
    run: &mut Run<'_>,
    acc: &AccountRow,
    ev: &Ready,
    submission_id: &str,
    c: &Checked<Establishment>,
) -> Result<Outcome> {
    let (n, has_warnings) = (&c.value, c.has_warnings);
    let at = ev.occurred_at;
    match storage::submissions::by_external_id(conn, submission_id)? {
        None => {
            let est_id = if let Some(id) = n
                .establishment_number
                .as_deref()
                .map(|num| storage::establishments::id_by_number(conn, num))
                .transpose()?
                .flatten()
            {
                id
            } else {
                let (id, search) =
                    storage::establishments::insert_without_search(conn, n, acc.id, at)?;
                run.search_rows.push(search);
                id
            };
            // What `resolve_establishment` would find for this account's offers that name it.
            run.links
                .insert((acc.id, submission_id.to_string()), est_id);
            // R-VISIT-1: a self-registered account's provisional establishment is registered
            // at the office, within the account's deadline (R-DL-1 (a)).
            let reasons: Vec<(&str, String)> =
                visit::establishment_visit_reasons(in_provisional_period(acc))
                    .iter()
                    .map(|r| (r.code(), visit_reason_ja(r)))
                    .collect();
            let deadline = submission_deadline(run, acc, !reasons.is_empty(), at);
            // Looked up just above in this transaction: the id is free.
            let id = st
                .insert_submission(
                    &NewSubmission {
                        external_id: submission_id,
                        kind: SubmissionKind::Establishment,
                        account_id: acc.id,
                        establishment_id: Some(est_id),
                        display_name: &n.name,
                        deadline: deadline.as_deref(),
                        has_warnings,
                        flags: JobFlags::default(),
                        visit_reasons: &reasons,
                    },
                    at,
                )?
                .ok_or_else(|| ServiceError::Internal("submission id taken".into()))?;
            st.insert_version(&NewVersion::of(c, ev, &n.name, JobFlags::default()).row(id, 1))?;
        }
        Some(head) => {
            if head.kind != SubmissionKind::Establishment || head.account_id != acc.id {
                return Ok(reject(
                    reasons::DUPLICATE_SUBMISSION,
                    "submission id in use by another submission",
                ));
            }
            let version = NewVersion::of(c, ev, &n.name, JobFlags::default());
            if let Some(refused) = add_version(conn, st, &head, &version, None)? {
                return Ok(refused);
            }
            if let Some(est) = head.establishment_id {
                // The update trigger replaces the search row: the pending ones first.
                storage::establishments::insert_search_rows(conn, &run.search_rows)?;
                run.search_rows.clear();
                storage::establishments::update_provisional(conn, est, n, at)?;
            }
        }
    }
    Ok(Outcome::Applied)
}

/// A self-registered account whose establishment is not registered yet (R-DL-1 (a)).
pub(super) fn in_provisional_period(acc: &AccountRow) -> bool {
    acc.state == AccountState::Activated
}

/// R-DL-1: the deadline a new submission of `acc` gets (see `deadline::for_submission`).
pub(super) fn submission_deadline(
    run: &mut Run<'_>,
    acc: &AccountRow,
    needs_visit: bool,
    at: DateTime<Utc>,
) -> Option<String> {
    let provisional = in_provisional_period(acc)
        .then(|| {
            acc.provisional_deadline
                .as_deref()
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        })
        .flatten();
    let d = deadline::for_submission(provisional, needs_visit, jst_date(at), run.cal)?;
    if d.calendar_warning {
        run.calendar_warnings += 1;
    }
    Some(d.date.format("%Y-%m-%d").to_string())
}

pub(super) fn job_flags(j: &JobOffer) -> JobFlags {
    JobFlags {
        disabled_only: j.category.kind == Some(JobCategoryKind::Disabled),
        trial: j.category.trial_employment,
        disability_short_trial: j.category.disability_short_time_trial,
        category: Some(j.category.kind.map_or("", JobCategoryKind::code)),
    }
}

pub(super) fn resolve_establishment(
    conn: &Connection,
    run: &mut Run<'_>,
    acc: &AccountRow,
    link: Option<&EstablishmentLink>,
) -> Result<Option<i64>> {
    Ok(match link {
        Some(EstablishmentLink::EstablishmentNumber(num)) => {
            storage::establishments::id_by_number(conn, num)?
        }
        Some(EstablishmentLink::SubmissionId(sid)) => {
            let key = (acc.id, sid.clone());
            if let Some(id) = run.links.get(&key) {
                return Ok(Some(*id));
            }
            let found = storage::submissions::by_external_id(conn, sid)?
                .filter(|h| h.kind == SubmissionKind::Establishment && h.account_id == acc.id)
                .and_then(|h| h.establishment_id);
            // Only what was found: an establishment submitted later in the batch must be seen.
            if let Some(id) = found {
                run.links.insert(key, id);
            }
            found
        }
        None => None,
    })
}

/// R-VISIT-1 reasons for a job offer, from the establishment's registered offers other than
/// `exclude` (the offer itself when it is registered; `None` otherwise: an offer that is not
/// registered is not counted anyway, and its establishment's history is cached).
#[allow(clippy::too_many_arguments)]
pub(super) fn visit_reasons_for(
    conn: &Connection,
    run: &mut Run<'_>,
    acc: &AccountRow,
    establishment_id: i64,
    exclude: Option<SubmissionId>,
    job: &JobOffer,
    at: DateTime<Utc>,
) -> Result<Vec<(&'static str, String)>> {
    let h = match exclude {
        Some(id) => storage::submissions::history(conn, establishment_id, id, VISIT_SINCE)?,
        None => {
            if let Some(h) = run.histories.get(&establishment_id) {
                h.clone()
            } else {
                let h = storage::submissions::history(
                    conn,
                    establishment_id,
                    SubmissionId(0),
                    VISIT_SINCE,
                )?;
                run.histories.insert(establishment_id, h.clone());
                h
            }
        }
    };
    let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
    let history = visit::EstablishmentHistory {
        prior_mypage_offers: count(h.registered_jobs),
        // 「窓口でマイページ開設手続きを行った場合を除く」: the account submitting the offer.
        mypage_opened_at_counter: h.opened_at_counter || acc.origin == AccountOrigin::Counter,
        prior_disability_only_since_2020: count(h.disabled_only_since),
        prior_trial_since_2020: count(h.trial_since),
        prior_disability_short_trial_since_2020: count(h.disability_short_trial_since),
        last_offer_date: h
            .last_received_at
            .as_deref()
            .and_then(from_db)
            .map(jst_date),
        staff_flagged: None,
    };
    Ok(visit::visit_reasons(job, &history, jst_date(at))
        .iter()
        .map(|r| (r.code(), visit_reason_ja(r)))
        .collect())
}

#[allow(clippy::too_many_arguments)]
pub(super) fn submit_job(
    conn: &Connection,
    st: &mut LineStatements<'_>,
    run: &mut Run<'_>,
    acc: &AccountRow,
    ev: &Ready,
    submission_id: &str,
    c: &Checked<JobOffer>,
    resubmit: bool,
) -> Result<Outcome> {
    let (n, has_warnings) = (&c.value, c.has_warnings);
    let at = ev.occurred_at;
    let flags = job_flags(n);
    if resubmit {
        let head = storage::submissions::by_external_id(conn, submission_id)?;
        let Some(head) = head.filter(|h| h.kind == SubmissionKind::Job && h.account_id == acc.id)
        else {
            return Ok(reject(
                reasons::UNKNOWN_SUBMISSION,
                submission_id.to_string(),
            ));
        };
        let version = NewVersion::of(c, ev, &n.title, flags);
        // Judged before the version is written (they do not depend on it), so that they are
        // stored by the same row update.
        let reasons = match head.establishment_id {
            Some(est) => {
                let exclude = (head.state == SubmissionState::Registered).then_some(head.id);
                Some(visit_reasons_for(conn, run, acc, est, exclude, n, at)?)
            }
            None => None,
        };
        let refused = add_version(conn, st, &head, &version, reasons.as_deref())?;
        return Ok(refused.unwrap_or(Outcome::Applied));
    }
    let Some(est) = resolve_establishment(conn, run, acc, n.establishment.as_ref())? else {
        return Ok(reject(
            reasons::UNKNOWN_ESTABLISHMENT,
            n.establishment
                .as_ref()
                .map(|l| crate::i18n::values::establishment_link(crate::i18n::Lang::Ja, l))
                .unwrap_or_default(),
        ));
    };
    let reasons = visit_reasons_for(conn, run, acc, est, None, n, at)?;
    let deadline = submission_deadline(run, acc, !reasons.is_empty(), at);
    let Some(id) = st.insert_submission(
        &NewSubmission {
            external_id: submission_id,
            kind: SubmissionKind::Job,
            account_id: acc.id,
            establishment_id: Some(est),
            display_name: &n.title,
            deadline: deadline.as_deref(),
            has_warnings,
            flags,
            visit_reasons: &reasons,
        },
        at,
    )?
    else {
        // Nothing written yet: the refusal leaves the line without effects.
        return Ok(reject(
            reasons::DUPLICATE_SUBMISSION,
            submission_id.to_string(),
        ));
    };
    st.insert_version(&NewVersion::of(c, ev, &n.title, flags).row(id, 1))?;
    Ok(Outcome::Applied)
}

//! What account events do: activation (R-KEY-0..4), self-registration, a password request,
//! and the rule that only an account in its provisional period or opened may submit.

use super::{
    AccountKind, AccountOrigin, AccountRow, AccountState, ActivationOutcome, Connection, Ctx,
    DateTime, Email, KeyPurpose, KeyState, NewAccount, NewKey, Outcome, Result, Run, Template, Utc,
    account, accounts, authkey, deadline, jst_date, reasons, reject, storage,
};
use crate::domain::ids::StaffId;

/// The import's own context for the mails it queues: the system, at the import's time (a key
/// the customer asked for is issued by nobody at the office).
pub(super) fn system_ctx(run: &Run<'_>) -> Ctx {
    Ctx {
        staff_id: StaffId(0),
        staff_name: "import".into(),
        terminal: "import".into(),
        now: run.now,
    }
}

/// R-REG-4, R-KEY-0 (seed 000): an employer registered online. A new self-registered account
/// and its key; the same address registering again before its key was used starts over with
/// a new key (seed 004 「はじめからやり直してください」). Any other live account refuses it.
pub(super) fn self_register(
    conn: &Connection,
    run: &mut Run<'_>,
    key: Option<&str>,
    email: &std::result::Result<Email, &'static str>,
    new: &NewKey,
) -> Result<Outcome> {
    let email = match email {
        Ok(e) => e,
        Err(code) => return Ok(reject(reasons::VALIDATION, format!("email:{code}"))),
    };
    let ctx = system_ctx(run);
    let account_id = match run.account(conn, key)? {
        Some(acc)
            if acc.origin == AccountOrigin::SelfRegistered
                && acc.state == AccountState::KeyPending =>
        {
            acc.id
        }
        Some(_) => {
            return Ok(reject(
                reasons::EMAIL_IN_USE,
                "a live account holds this address",
            ));
        }
        None => accounts::insert_account(
            conn,
            &NewAccount {
                kind: AccountKind::Employer,
                email: email.as_str(),
                email_key: &email.key(),
                establishment_number: None,
                seeker_number: None,
                name: None,
                name_kana: None,
                birth_date: None,
                registered_by: None,
                origin: AccountOrigin::SelfRegistered,
            },
            run.now,
        )?,
    };
    accounts::issue_key(
        conn,
        run.cfg,
        &ctx,
        (account_id, email.as_str()),
        Template::SelfRegistered,
        new,
    )?;
    Ok(Outcome::Applied)
}

/// R-KEY-0 (seeds 001 ②–④, 002): the customer of a counter-opened account asked for パスワード
/// 登録 (judged by `domain::account::judge_key_request`). The previous key dies and its unsent
/// mail is cancelled, as with a re-issue.
pub(super) fn password_requested(
    conn: &Connection,
    run: &Run<'_>,
    acc: &AccountRow,
    birth_date: Option<chrono::NaiveDate>,
    new: &NewKey,
) -> Result<Outcome> {
    if let Err(refusal) = account::judge_key_request(accounts::key_request_subject(acc), birth_date)
    {
        return Ok(reject(refusal.code(), format!("{refusal:?}")));
    }
    accounts::issue_key(
        conn,
        run.cfg,
        &system_ctx(run),
        (acc.id, &acc.email),
        Template::PasswordRequested,
        new,
    )?;
    Ok(Outcome::Applied)
}

pub(super) fn may_submit(acc: &AccountRow) -> Option<Outcome> {
    if acc.kind != AccountKind::Employer {
        return Some(reject(reasons::ACCOUNT_STATE, "not an employer account"));
    }
    if !matches!(acc.state, AccountState::Activated | AccountState::Opened) {
        return Some(reject(
            reasons::ACCOUNT_STATE,
            format!("account is {}", acc.state.code()),
        ));
    }
    None
}

/// The same rule as `service::accounts::activate` (R-KEY-1, R-KEY-4, R-KEY-6), judged at the
/// time the customer entered the key.
pub(super) fn activate(
    conn: &Connection,
    run: &mut Run<'_>,
    acc: &AccountRow,
    at: DateTime<Utc>,
    matched: Option<i64>,
) -> Result<Outcome> {
    let keys = storage::keys::for_account(conn, acc.id, KeyPurpose::Registration)?;
    let matched_key = matched.and_then(|id| keys.iter().find(|k| k.id == id));
    let live = keys.iter().find(|k| k.state == KeyState::Live);
    let outcome = match (matched_key, live) {
        (Some(k), _) => authkey::judge(k.state, k.expires_at, k.wrong_tries, true, at),
        (None, Some(k)) => authkey::judge(k.state, k.expires_at, k.wrong_tries, false, at),
        (None, None) => keys
            .first()
            .map_or(ActivationOutcome::NoKey, |k| match k.state {
                KeyState::Used => ActivationOutcome::Used,
                KeyState::Locked => ActivationOutcome::Locked,
                KeyState::Replaced | KeyState::Live => ActivationOutcome::NoKey,
            }),
    };
    let refused = |detail: String| Outcome::Rejected {
        reason: format!("{}{}", reasons::KEY_PREFIX, outcome.code()),
        detail,
        keep: true,
    };
    match outcome {
        ActivationOutcome::Activated => {
            let Some(k) = matched_key else {
                return Ok(reject(reasons::CONFLICT, "matched key vanished"));
            };
            if acc.state != AccountState::KeyPending {
                return Ok(refused(format!("account is {}", acc.state.code())));
            }
            storage::keys::set_state(conn, k.id, KeyState::Used, k.wrong_tries, at)?;
            let dl = acc
                .origin
                .has_provisional_period()
                .then(|| deadline::deadline(jst_date(at), run.cal));
            if dl.is_some_and(|d| d.calendar_warning) {
                run.calendar_warnings += 1;
            }
            let dl = dl.map(|d| d.date.format("%Y-%m-%d").to_string());
            let state = acc.origin.state_on_activation();
            storage::accounts::mark_activated(conn, acc.id, at, state, dl.as_deref())?;
            Ok(Outcome::Applied)
        }
        ActivationOutcome::Wrong { tries_left } => {
            if let Some(k) = live {
                storage::keys::set_state(conn, k.id, KeyState::Live, k.wrong_tries + 1, at)?;
            }
            Ok(refused(format!("tries_left={tries_left}")))
        }
        ActivationOutcome::Locked => {
            if let Some(k) = live {
                storage::keys::set_state(conn, k.id, KeyState::Locked, k.wrong_tries + 1, at)?;
            }
            Ok(refused("key locked".into()))
        }
        other => Ok(refused(other.code().to_string())),
    }
}

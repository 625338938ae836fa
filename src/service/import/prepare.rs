//! Reading and preparing lines, off the write lock: bounded line reads, parsing, checking
//! and serialising each event ([`Ready`]) on threads at a lower priority than the writer.

use super::{
    Body, BufRead, Checked, Checking, Email, Event, EventBody, Finding, Line, MAX_LINE_BYTES,
    ParseError, RawLine, Ready, Result, ServiceError, Validated, authkey, email_key, interchange,
    new_key, reasons, storage, validate,
};

/// Reads one line of at most `max` bytes into `buf` (the rest of a longer line is skipped).
/// Returns `None` at the end of input, else (complete, oversize, bytes consumed).
pub(super) fn read_bounded(
    r: &mut dyn BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<Option<(bool, bool, u64)>> {
    buf.clear();
    let mut consumed = 0u64;
    let mut oversize = false;
    loop {
        let avail = match r.fill_buf() {
            Ok(a) => a,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok((consumed > 0).then_some((false, oversize, consumed)));
        }
        let (chunk, done) = match avail.iter().position(|b| *b == b'\n') {
            Some(i) => (&avail[..i], Some(i + 1)),
            None => (avail, None),
        };
        let room = max.saturating_sub(buf.len());
        if chunk.len() > room {
            oversize = true;
        }
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let used = done.unwrap_or(avail.len());
        r.consume(used);
        consumed += used as u64;
        if done.is_some() {
            return Ok(Some((true, oversize, consumed)));
        }
    }
}

pub(super) fn checked<T: serde::Serialize>(value: T, findings: &[Finding]) -> Result<Validated<T>> {
    if validate::has_errors(findings) {
        return Ok(Err(errors_detail(findings)));
    }
    let json = serde_json::to_string(&value).map_err(|e| ServiceError::Internal(e.to_string()))?;
    let payload =
        storage::payload::encode(&json).map_err(|e| ServiceError::Internal(e.to_string()))?;
    Ok(Ok(Box::new(Checked {
        value,
        payload,
        findings: findings_json(findings),
        has_warnings: !findings.is_empty(),
    })))
}

pub(super) fn ready_event(ev: Event, chk: Checking<'_>) -> Result<Ready> {
    let email_key = email_key(ev.body.email());
    let body = match ev.body {
        EventBody::AccountSelfRegistered { email } => Body::SelfRegistered {
            email: Email::parse(&email).map_err(|e| e.code()),
            key: new_key(chk.secret, chk.now),
        },
        EventBody::PasswordRequested { birth_date, .. } => Body::PasswordRequested {
            birth_date,
            key: new_key(chk.secret, chk.now),
        },
        EventBody::AccountActivated { auth_key, .. } => Body::Activated {
            typed_key: authkey::normalize_input(&auth_key),
        },
        EventBody::AccountWithdrawn { .. } => Body::Withdrawn,
        EventBody::EstablishmentSubmitted {
            submission_id,
            establishment,
            ..
        } => {
            let (n, findings) = validate::check_establishment(&establishment);
            Body::Establishment {
                submission_id,
                data: checked(n, &findings)?,
            }
        }
        EventBody::JobSubmitted {
            submission_id, job, ..
        } => {
            let (n, findings) = validate::check_job(&job, &chk.on(ev.occurred_at));
            Body::Job {
                submission_id,
                resubmit: false,
                data: checked(n, &findings)?,
            }
        }
        EventBody::JobResubmitted {
            submission_id, job, ..
        } => {
            let (n, findings) = validate::check_job(&job, &chk.on(ev.occurred_at));
            Body::Job {
                submission_id,
                resubmit: true,
                data: checked(n, &findings)?,
            }
        }
    };
    Ok(Ready {
        event_id: ev.event_id,
        occurred_at: ev.occurred_at,
        email_key,
        body,
    })
}

pub(super) fn prepare(raw: RawLine, chk: Checking<'_>) -> Result<Line> {
    let parsed = if raw.oversize {
        Err(ParseError {
            code: reasons::TOO_LONG,
            detail: format!("longer than {MAX_LINE_BYTES} bytes"),
            event_id: None,
        })
    } else {
        interchange::parse_line(&raw.bytes).map_err(|mut e| {
            if !raw.complete {
                e.detail = format!("last line cut off: {}", e.detail);
                e.code = reasons::TRUNCATED;
            }
            e
        })
    };
    let ready = match parsed {
        Ok(ev) => Ok(ready_event(ev, chk)?),
        Err(e) => Err(e),
    };
    Ok(Line {
        file: raw.file,
        line: raw.line,
        bytes: raw.bytes,
        ready,
    })
}

/// Prepares a batch in input order, split over `workers` threads.
pub(super) fn prepare_batch(
    raw: Vec<RawLine>,
    workers: usize,
    chk: Checking<'_>,
) -> Result<Vec<Line>> {
    if workers < 2 || raw.len() < 2 * workers {
        return raw.into_iter().map(|r| prepare(r, chk)).collect();
    }
    let size = raw.len().div_ceil(workers);
    let mut chunks: Vec<Vec<RawLine>> = Vec::with_capacity(workers);
    let mut rest = raw.into_iter();
    loop {
        let c: Vec<RawLine> = rest.by_ref().take(size).collect();
        if c.is_empty() {
            break;
        }
        chunks.push(c);
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|c| {
                s.spawn(move || {
                    yield_to_the_writer();
                    c.into_iter()
                        .map(|r| prepare(r, chk))
                        .collect::<Result<Vec<_>>>()
                })
            })
            .collect();
        let mut out = Vec::with_capacity(size * workers);
        for h in handles {
            let part = h
                .join()
                .map_err(|_| ServiceError::Internal("import worker panicked".into()))??;
            out.extend(part);
        }
        Ok(out)
    })
}

/// Nice value of the parsing threads: the writer is the slowest stage, so when it and the
/// parsers want the same core the scheduler gives it the writer (a parser at nice 10 gets
/// about a tenth), while a core the writer leaves idle goes to the parsers in full.
pub(super) const PARSER_NICE: i32 = 10;

/// Lowers the calling thread's priority: on Linux a nice value is per thread (elsewhere it
/// would be the whole process's, so nothing is done there). Raising it back would need
/// privileges, so only threads that end with their batch call this.
pub(super) fn yield_to_the_writer() {
    // Not lowered: the batch is parsed all the same, only with the writer's priority.
    #[cfg(target_os = "linux")]
    let _ = rustix::process::setpriority_process(None, PARSER_NICE);
}

#[derive(serde::Serialize)]
pub(super) struct FindingJson<'a> {
    field: &'a str,
    severity: &'a str,
    rule: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    param: Option<&'a str>,
}

/// The findings as stored in `submission_versions.findings`.
#[must_use]
pub fn findings_json(findings: &[Finding]) -> String {
    let v: Vec<FindingJson<'_>> = findings
        .iter()
        .map(|f| FindingJson {
            field: f.field,
            severity: f.severity.code(),
            rule: f.rule,
            param: f.param.as_deref(),
        })
        .collect();
    serde_json::to_string(&v).unwrap_or_else(|_| "[]".into())
}

pub(super) fn errors_detail(findings: &[Finding]) -> String {
    findings
        .iter()
        .filter(|f| f.severity == validate::Severity::Error)
        .map(|f| match &f.param {
            Some(p) => format!("{}:{}={p}", f.field, f.rule),
            None => format!("{}:{}", f.field, f.rule),
        })
        .collect::<Vec<_>>()
        .join(",")
}

//! `doctor` (issue 18): one line per check of an installation, each 正常 / 注意 / 異常 with what
//! to do. Reads only; the SMTP check says EHLO and QUIT, nothing more.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{TcpStream, ToSocketAddrs as _};
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Datelike as _, Utc};

use crate::config::{Config, Security};
use crate::i18n::ops::{Finding, Level};
use crate::storage::{Store, maintenance};

/// How long the SMTP check waits for the server, per step.
pub const SMTP_TIMEOUT: Duration = Duration::from_secs(5);

/// What `doctor` looks at besides the store.
#[derive(Debug, Clone)]
pub struct Inputs<'a> {
    pub config: &'a Config,
    /// The configuration file, when one was read.
    pub config_path: Option<&'a Path>,
    pub now: DateTime<Utc>,
    /// The file modes as found before the store was opened (opening makes the database and
    /// its journal files owner-only again, which would hide what was wrong).
    pub modes_before_open: Option<Line>,
}

/// One line: its level and what was found.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub level: Level,
    pub finding: Finding,
}

fn line(level: Level, finding: Finding) -> Line {
    Line { level, finding }
}

/// Every check, in the order shown.
///
/// # Errors
/// Only when the database cannot be read at all.
pub fn run(store: &Store, inp: &Inputs<'_>) -> crate::storage::Result<Vec<Line>> {
    let mut out = Vec::new();
    out.extend(database(store)?);
    out.push(chain(store));
    let db = store.path().map(Path::to_path_buf);
    match (&inp.modes_before_open, &db) {
        (Some(l), _) => out.push(l.clone()),
        (None, Some(db)) => out.push(file_modes(db, inp.config)),
        (None, None) => {}
    }
    out.extend(config(inp));
    out.push(smtp(inp.config, db.as_deref()));
    if let Some(db) = &db {
        out.push(spool(&spool_dir(inp.config, db)));
        let wal = maintenance::wal_bytes(db);
        let level = match wal {
            w if w > 1024 * 1024 * 1024 => Level::Bad,
            w if w > 64 * 1024 * 1024 => Level::Warn,
            _ => Level::Ok,
        };
        out.push(line(level, Finding::Wal { bytes: wal }));
    }
    out.push(unsent(store, inp.now)?);
    out.push(calendar(inp.now));
    out.push(minimum_wage(inp.config, inp.now));
    Ok(out)
}

/// The worst level of the lines: the exit status (0 正常, 1 注意, 2 異常).
#[must_use]
pub fn worst(lines: &[Line]) -> Level {
    lines.iter().map(|l| l.level).max().unwrap_or(Level::Ok)
}

fn spool_dir(cfg: &Config, db: &Path) -> PathBuf {
    if cfg.mail.spool_dir.is_empty() {
        crate::mail::worker::default_spool_dir(db)
    } else {
        PathBuf::from(&cfg.mail.spool_dir)
    }
}

fn database(store: &Store) -> crate::storage::Result<Vec<Line>> {
    let mut out = Vec::new();
    let bad = maintenance::integrity_problems(store.conn())?;
    out.push(match bad.first() {
        None => line(Level::Ok, Finding::IntegrityOk),
        Some(first) => line(
            Level::Bad,
            Finding::IntegrityBad {
                first: crate::domain::text::sanitize(first, false),
            },
        ),
    });
    let fk = maintenance::foreign_key_violations(store.conn())?;
    if fk > 0 {
        out.push(line(Level::Bad, Finding::ForeignKeysBad { rows: fk }));
    }
    // The triggers a database of this version has: those of a fresh one.
    let have = maintenance::trigger_names(store.conn())?;
    let want = Store::open_in_memory()
        .and_then(|s| maintenance::trigger_names(s.conn()))
        .unwrap_or_default();
    let missing: Vec<&str> = want
        .iter()
        .filter(|w| !have.contains(w))
        .map(String::as_str)
        .collect();
    out.push(if missing.is_empty() {
        line(Level::Ok, Finding::TriggersOk { count: want.len() })
    } else {
        line(
            Level::Bad,
            Finding::TriggersMissing {
                names: missing.join(", "),
            },
        )
    });
    Ok(out)
}

fn chain(store: &Store) -> Line {
    match super::audit::verify(store) {
        Ok(v) => match v.first_bad {
            None => line(Level::Ok, Finding::ChainOk { rows: v.rows }),
            Some((id, why)) => line(Level::Bad, Finding::ChainBroken { id, why }),
        },
        Err(e) => line(
            Level::Bad,
            Finding::ChainBroken {
                id: 0,
                why: e.to_string(),
            },
        ),
    }
}

/// The database, its journal files, its companions (install secret, …), the log files and the
/// spool folder with its files: owned by this user, nothing for group or others.
#[must_use]
pub fn file_modes(db: &Path, cfg: &Config) -> Line {
    modes(db, &spool_dir(cfg, db))
}

fn modes(db: &Path, spool: &Path) -> Line {
    let mut paths: Vec<PathBuf> = vec![db.to_path_buf()];
    paths.extend(maintenance::side_files(db));
    paths.extend(maintenance::companions(db).unwrap_or_default());
    let log = crate::paths::log_file_for(db);
    for n in 0..=crate::logfile::KEEP {
        paths.push(crate::logfile::rotated(&log, n));
    }
    paths.push(spool.to_path_buf());
    if let Ok(rd) = std::fs::read_dir(spool) {
        paths.extend(rd.filter_map(|e| e.ok().map(|e| e.path())));
    }
    let uid = rustix::process::geteuid().as_raw();
    let mut seen = 0;
    for p in paths {
        let Ok(m) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        seen += 1;
        let shown = p.display().to_string();
        if m.uid() != uid {
            return line(Level::Bad, Finding::NotOwner { path: shown });
        }
        if m.mode() & 0o077 != 0 {
            return line(
                Level::Bad,
                Finding::ModeTooOpen {
                    path: shown,
                    mode: m.mode() & 0o7777,
                },
            );
        }
    }
    line(Level::Ok, Finding::ModesOk { files: seen })
}

fn config(inp: &Inputs<'_>) -> Vec<Line> {
    let mut out = vec![match inp.config_path.filter(|p| p.is_file()) {
        Some(p) => line(
            Level::Ok,
            Finding::ConfigFile {
                path: p.display().to_string(),
            },
        ),
        None => line(Level::Warn, Finding::ConfigDefaults),
    }];
    let s = &inp.config.smtp;
    if !s.host.trim().is_empty() && !s.username.is_empty() {
        let source = if s.password_file.is_empty() {
            format!("${}", s.password_env)
        } else {
            s.password_file.clone()
        };
        let readable = if s.password_file.is_empty() {
            std::env::var_os(&s.password_env).is_some_and(|v| !v.is_empty())
        } else {
            std::fs::read_to_string(&s.password_file).is_ok()
        };
        if !readable {
            out.push(line(Level::Bad, Finding::SmtpPasswordMissing { source }));
        }
    }
    out
}

/// Connects, reads the greeting, says EHLO, reads the reply, says QUIT: no mail, no login.
fn smtp(cfg: &Config, db: Option<&Path>) -> Line {
    let s = &cfg.smtp;
    let host = s.host.trim().to_string();
    if host.is_empty() {
        let dir = db.map_or_else(|| PathBuf::from("spool"), |d| spool_dir(cfg, d));
        return line(
            Level::Warn,
            Finding::SmtpSpool {
                dir: dir.display().to_string(),
            },
        );
    }
    let port = s.port.unwrap_or(match s.security {
        Security::None => 25,
        Security::Starttls => 587,
        Security::Tls => 465,
    });
    let unreachable = |error: String| {
        line(
            Level::Bad,
            Finding::SmtpUnreachable {
                host: host.clone(),
                port,
                error,
            },
        )
    };
    let addr = match (host.as_str(), port)
        .to_socket_addrs()
        .map(|mut a| a.next())
    {
        Ok(Some(a)) => a,
        Ok(None) => return unreachable("no address".into()),
        Err(e) => return unreachable(e.to_string()),
    };
    let stream = match TcpStream::connect_timeout(&addr, SMTP_TIMEOUT) {
        Ok(st) => st,
        Err(e) => return unreachable(e.to_string()),
    };
    if s.security == Security::Tls {
        return line(Level::Ok, Finding::SmtpTlsOnlyConnected { host, port });
    }
    let hello = if s.hello_name.is_empty() {
        "madoguchi.doctor".to_string()
    } else {
        s.hello_name.clone()
    };
    match ehlo(stream, &hello) {
        Ok((first, lines)) => {
            let starttls = lines
                .iter()
                .any(|l| l.to_ascii_uppercase().contains("STARTTLS"));
            if s.security == Security::Starttls && !starttls {
                line(Level::Bad, Finding::SmtpNoStarttls { host, port })
            } else {
                line(
                    Level::Ok,
                    Finding::SmtpOk {
                        host,
                        port,
                        reply: crate::domain::text::sanitize(&first, false),
                    },
                )
            }
        }
        Err(e) => unreachable(e),
    }
}

/// Reads one SMTP reply (all its lines); the code and the lines.
fn reply(r: &mut BufReader<TcpStream>) -> Result<(u16, Vec<String>), String> {
    let mut lines = Vec::new();
    loop {
        let mut l = String::new();
        let n = r.read_line(&mut l).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("connection closed".into());
        }
        let l = l.trim_end().to_string();
        let code = l
            .get(..3)
            .and_then(|c| c.parse::<u16>().ok())
            .ok_or_else(|| format!("not SMTP: {}", crate::domain::text::sanitize(&l, false)))?;
        let more = l.as_bytes().get(3) == Some(&b'-');
        lines.push(l.get(4..).unwrap_or("").to_string());
        if !more || lines.len() > 100 {
            return Ok((code, lines));
        }
    }
}

fn ehlo(stream: TcpStream, hello: &str) -> Result<(String, Vec<String>), String> {
    stream
        .set_read_timeout(Some(SMTP_TIMEOUT))
        .map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(Some(SMTP_TIMEOUT))
        .map_err(|e| e.to_string())?;
    let mut w = stream.try_clone().map_err(|e| e.to_string())?;
    let mut r = BufReader::new(stream);
    let (code, greeting) = reply(&mut r)?;
    if code != 220 {
        return Err(format!("{code} {}", greeting.join(" ")));
    }
    write!(w, "EHLO {hello}\r\n").map_err(|e| e.to_string())?;
    let (code, lines) = reply(&mut r)?;
    let _ = write!(w, "QUIT\r\n");
    if code != 250 {
        return Err(format!("EHLO: {code} {}", lines.join(" ")));
    }
    let first = format!("{code} {}", lines.first().map_or("", String::as_str));
    Ok((first, lines))
}

fn spool(dir: &Path) -> Line {
    let (mut files, mut bytes) = (0u64, 0u64);
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            if let Ok(m) = e.metadata()
                && m.is_file()
            {
                files += 1;
                bytes += m.len();
            }
        }
    }
    let level = if files > 10_000 {
        Level::Warn
    } else {
        Level::Ok
    };
    line(level, Finding::Spool { files, bytes })
}

fn unsent(store: &Store, now: DateTime<Utc>) -> crate::storage::Result<Line> {
    let oldest = crate::storage::outbox::oldest_waiting(store.conn())?;
    Ok(match oldest.as_deref().and_then(crate::clock::from_db) {
        None => line(Level::Ok, Finding::MailNoneWaiting),
        Some(t) => {
            let minutes = (now - t).num_minutes().max(0);
            let level = match minutes {
                m if m > 24 * 60 => Level::Bad,
                m if m > 60 => Level::Warn,
                _ => Level::Ok,
            };
            line(level, Finding::MailOldest { minutes })
        }
    })
}

fn calendar(now: DateTime<Utc>) -> Line {
    let today = crate::clock::jst_date(now);
    let Ok(cal) = crate::domain::calendar::Calendar::bundled() else {
        return line(Level::Bad, Finding::CalendarMissing { year: today.year() });
    };
    let newest = (today.year() - 1..=today.year() + 5)
        .rev()
        .find(|y| cal.has_official_data(*y));
    match newest {
        Some(n) if n > today.year() => line(Level::Ok, Finding::CalendarOk { newest: n }),
        // From October the next year's deadlines come into reach (14 days and more).
        Some(n) if n == today.year() && today.month() < 10 => {
            line(Level::Ok, Finding::CalendarOk { newest: n })
        }
        Some(n) if n == today.year() => line(Level::Warn, Finding::CalendarEnding { newest: n }),
        _ => line(Level::Bad, Finding::CalendarMissing { year: today.year() }),
    }
}

fn minimum_wage(cfg: &Config, now: DateTime<Utc>) -> Line {
    let table = cfg.minimum_wage();
    let today = crate::clock::jst_date(now);
    match table.newest_fiscal_year() {
        None => line(Level::Bad, Finding::MinWageNone),
        Some(n) if table.is_past_newest_year(today) => {
            line(Level::Warn, Finding::MinWageOld { newest: n })
        }
        Some(n) => line(Level::Ok, Finding::MinWageOk { newest: n }),
    }
}

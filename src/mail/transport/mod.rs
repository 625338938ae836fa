//! Where a mail goes (R-MAIL-1): an SMTP server through lettre (one kept connection serves a
//! whole pass), or — with no `[smtp] host` — a spool folder of `.eml` files, so the program
//! works out of the box. Every SMTP send has an overall deadline: lettre's timeout bounds each
//! socket operation, not the exchange, so a server that trickles bytes could hold a worker for
//! ever. The send runs on its own thread and the worker stops waiting at the deadline; then it
//! closes the abandoned send's connection, so that nothing is left behind (issue 17 item 4: a
//! trickling server left a thread and a socket per pass). lettre does not hand out its socket,
//! so each connection goes through a loopback relay of ours ([`Guard`]): the server's socket and
//! the one lettre talks on, both ours to shut down, which ends every read and write of the
//! connection wherever it blocks. TLS runs end to end through the relay (the certificate is
//! checked against the configured host).
//!
//! `smtp.rs` holds the SMTP exchange (relay, connection, one mail's transaction, error
//! classes); this file what the worker calls (`Transport`) and the spool folder.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};
use lettre::Message;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Mailbox, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, TlsParameters};
use lettre::transport::smtp::extension::ClientId;

use crate::config::{Config, Security};
use crate::domain::mail::DeliveryNote;
use crate::i18n::delivery::SetupProblem;

mod smtp;
use smtp::{FlightSlot, Kept, SendError, abandon, classify, deliver, dot_stuffed, hold};

/// One mail as the worker hands it over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing<'a> {
    /// Stored when queued, the same on every retry (R-MAIL-2), with its angle brackets.
    pub message_id: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub date: DateTime<Utc>,
}

/// What became of one send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Accepted; the server's reply (or the spool file written).
    Sent(String),
    /// R-MAIL-3: try again later. `connection` is true when the server could not be talked to at
    /// all (refused, TLS, timeout): the rest of the pass is not tried either.
    Temporary { reply: String, connection: bool },
    /// R-MAIL-3: 5xx, or a mail that cannot be built (bad address): do not retry by itself.
    Permanent(String),
}

/// The transport could not be set up from the configuration: what is wrong (its words are
/// `i18n::delivery::setup_problem`'s) and the detail from the system.
#[derive(Debug)]
pub struct TransportError {
    pub problem: SetupProblem,
    pub detail: String,
}

impl TransportError {
    fn new(problem: SetupProblem, detail: impl std::fmt::Display) -> Self {
        Self {
            problem,
            detail: detail.to_string(),
        }
    }

    /// In the operator's language (the CLI's `--lang`, the TUI's `ui.language`).
    #[must_use]
    pub fn describe(&self, lang: crate::i18n::Lang) -> String {
        format!(
            "{}: {}",
            crate::i18n::delivery::setup_problem(lang, self.problem),
            self.detail
        )
    }
}

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe(crate::i18n::Lang::Ja))
    }
}

impl std::error::Error for TransportError {}

/// How to reach the server; shared with the send threads.
struct Settings {
    host: String,
    port: u16,
    timeout: Duration,
    hello: ClientId,
    /// `(parameters, wrapper)`: TLS from the first byte when `wrapper`, else STARTTLS required.
    tls: Option<(TlsParameters, bool)>,
    credentials: Option<Credentials>,
}

/// One SMTP connection kept across sends (and passes) — lettre's pooled transport writes the
/// message and the final `.` in two writes, which with Nagle and delayed ACK costs ~40 ms per
/// mail; here the DATA content goes in one write.
struct Smtp {
    settings: Arc<Settings>,
    conn: Mutex<Option<Kept>>,
}

enum Kind {
    Smtp(Box<Smtp>),
    Spool(PathBuf),
}

pub struct Transport {
    kind: Kind,
    from: Mailbox,
    reply_to: Option<Mailbox>,
    deadline: Duration,
    describe: String,
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Transport")
            .field("to", &self.describe)
            .finish_non_exhaustive()
    }
}

impl Transport {
    /// From `[smtp]` and `[mail]`. `spool_override` (`--spool DIR`) wins over `mail.spool_dir`,
    /// which wins over `default_spool` (beside the database); a spool is used only when no
    /// `[smtp] host` is set.
    ///
    /// # Errors
    /// A bad sender address, an unreadable password or CA file, a spool folder that cannot be
    /// made.
    pub fn from_config(
        cfg: &Config,
        spool_override: Option<&Path>,
        default_spool: &Path,
    ) -> Result<Transport, TransportError> {
        let s = &cfg.smtp;
        if s.host.trim().is_empty() || spool_override.is_some() {
            let dir = spool_override.map_or_else(
                || {
                    if cfg.mail.spool_dir.is_empty() {
                        default_spool.to_path_buf()
                    } else {
                        PathBuf::from(&cfg.mail.spool_dir)
                    }
                },
                Path::to_path_buf,
            );
            return Transport::spool(cfg, &dir);
        }
        let host = s.host.trim().to_string();
        let port = s.port.unwrap_or(match s.security {
            Security::None => 25,
            Security::Starttls => 587,
            Security::Tls => 465,
        });
        let hello = if s.hello_name.is_empty() {
            ClientId::default()
        } else {
            ClientId::Domain(s.hello_name.clone())
        };
        let mut tls_params = None;
        if s.security != Security::None {
            let mut tls = TlsParameters::builder(host.clone());
            if !s.ca_file.is_empty() {
                let pem = std::fs::read(&s.ca_file).map_err(|e| {
                    TransportError::new(SetupProblem::CaFile, format!("{}: {e}", s.ca_file))
                })?;
                let cert = Certificate::from_pem(&pem).map_err(|e| {
                    TransportError::new(SetupProblem::CaFile, format!("{}: {e}", s.ca_file))
                })?;
                tls = tls.add_root_certificate(cert);
            }
            let params = tls
                .build_rustls()
                .map_err(|e| TransportError::new(SetupProblem::Tls, e))?;
            tls_params = Some((params, s.security == Security::Tls));
        }
        let credentials = if s.username.is_empty() {
            None
        } else {
            Some(Credentials::new(s.username.clone(), password(s)?))
        };
        let settings = Settings {
            host: host.clone(),
            port,
            timeout: Duration::from_secs(s.timeout_seconds.max(1)),
            hello,
            tls: tls_params,
            credentials,
        };
        let (from, reply_to) = senders(cfg)?;
        Ok(Transport {
            kind: Kind::Smtp(Box::new(Smtp {
                settings: Arc::new(settings),
                conn: Mutex::new(None),
            })),
            from,
            reply_to,
            deadline: Duration::from_secs(cfg.mail.send_deadline_seconds.max(1)),
            describe: format!("smtp://{host}:{port} ({:?})", s.security),
        })
    }

    /// The spool folder transport, made owner-only when created.
    ///
    /// # Errors
    /// A bad sender address or a folder that cannot be made.
    pub fn spool(cfg: &Config, dir: &Path) -> Result<Transport, TransportError> {
        make_private_dir(dir).map_err(|e| {
            TransportError::new(SetupProblem::Spool, format!("{}: {e}", dir.display()))
        })?;
        let (from, reply_to) = senders(cfg)?;
        Ok(Transport {
            kind: Kind::Spool(dir.to_path_buf()),
            from,
            reply_to,
            deadline: Duration::from_secs(cfg.mail.send_deadline_seconds.max(1)),
            describe: format!("spool {}", dir.display()),
        })
    }

    /// Overrides the overall deadline of one send (tests, benchmarks).
    #[must_use]
    pub fn with_deadline(mut self, deadline: Duration) -> Transport {
        self.deadline = deadline;
        self
    }

    /// `smtp://host:port (…)` or `spool DIR`, for logs and `mail sync`.
    #[must_use]
    pub fn describe(&self) -> &str {
        &self.describe
    }

    /// Builds the message (UTF-8 text, MIME-encoded subject, stable Message-ID) and sends it.
    #[must_use]
    pub fn send(&self, m: &Outgoing<'_>) -> Outcome {
        let message = match self.build(m) {
            Ok(msg) => msg,
            Err(e) => return Outcome::Permanent(DeliveryNote::Unbuildable.stored(Some(&e))),
        };
        match &self.kind {
            Kind::Spool(dir) => match write_spool(dir, m.message_id, &message.formatted()) {
                Ok(path) => Outcome::Sent(format!("spooled {}", path.display())),
                Err(e) => Outcome::Temporary {
                    reply: format!("spool: {e}"),
                    connection: true,
                },
            },
            Kind::Smtp(smtp) => self.send_smtp(smtp, &message),
        }
    }

    fn send_smtp(&self, smtp: &Smtp, message: &Message) -> Outcome {
        let (tx, rx) = mpsc::sync_channel(1);
        let settings = Arc::clone(&smtp.settings);
        let mut kept = smtp.conn.lock().ok().and_then(|mut c| c.take());
        let flight: FlightSlot = Arc::default();
        match kept.as_ref().map(|k| k.guard.try_clone()) {
            Some(Ok(g)) => hold(&flight, g),
            // Not closable from here: not used either (dropped, a new connection is made).
            Some(Err(_)) => kept = None,
            None => {}
        }
        let envelope = message.envelope().clone();
        let data = dot_stuffed(&message.formatted());
        let in_flight = Arc::clone(&flight);
        let spawned = std::thread::Builder::new()
            .name("mail-send".into())
            .spawn(move || {
                let result = deliver(&settings, kept, &envelope, &data, &in_flight);
                // The receiver may have given up (deadline): the connection is dropped then.
                let _ = tx.send(result);
            });
        if let Err(e) = spawned {
            return Outcome::Temporary {
                reply: format!("thread: {e}"),
                connection: true,
            };
        }
        let answer = rx.recv_timeout(self.deadline);
        if answer.is_err() {
            // Abandoned: its connection is closed now, so its thread ends with it.
            abandon(&flight);
        }
        match answer {
            Ok((result, conn)) => {
                if let (Some(c), Ok(mut slot)) = (conn, smtp.conn.lock()) {
                    *slot = Some(c);
                }
                match result {
                    Ok(resp) => {
                        let text: Vec<&str> = resp.message().collect();
                        Outcome::Sent(format!("{} {}", resp.code(), text.join(" ")))
                    }
                    Err(SendError::Smtp(e)) => classify(&e),
                    Err(SendError::Io(e)) => Outcome::Temporary {
                        reply: format!("connection: {e}"),
                        connection: true,
                    },
                }
            }
            Err(mpsc::RecvTimeoutError::Timeout) => Outcome::Temporary {
                reply: format!(
                    "timeout: no answer within {} s",
                    self.deadline.as_secs_f32()
                ),
                connection: true,
            },
            Err(mpsc::RecvTimeoutError::Disconnected) => Outcome::Temporary {
                reply: "send thread ended without a result".into(),
                connection: true,
            },
        }
    }

    fn build(&self, m: &Outgoing<'_>) -> Result<Message, String> {
        let to: Mailbox = m.to.parse().map_err(|e| format!("to: {e}"))?;
        let mut b = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(m.subject)
            .message_id(Some(m.message_id.to_string()))
            .date(SystemTime::from(m.date));
        if let Some(r) = &self.reply_to {
            b = b.reply_to(r.clone());
        }
        b.singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .header(ContentTransferEncoding::Base64)
                .body(m.body.to_string()),
        )
        .map_err(|e| e.to_string())
    }
}

fn senders(cfg: &Config) -> Result<(Mailbox, Option<Mailbox>), TransportError> {
    let from: Mailbox = cfg.mail.from.parse().map_err(|e| {
        TransportError::new(SetupProblem::Address, format!("{}: {e}", cfg.mail.from))
    })?;
    let reply_to = if cfg.mail.reply_to.is_empty() {
        None
    } else {
        Some(cfg.mail.reply_to.parse().map_err(|e| {
            TransportError::new(SetupProblem::Address, format!("{}: {e}", cfg.mail.reply_to))
        })?)
    };
    Ok((from, reply_to))
}

fn password(s: &crate::config::Smtp) -> Result<String, TransportError> {
    if !s.password_file.is_empty() {
        let text = std::fs::read_to_string(&s.password_file).map_err(|e| {
            TransportError::new(SetupProblem::Password, format!("{}: {e}", s.password_file))
        })?;
        return Ok(text.lines().next().unwrap_or_default().to_string());
    }
    std::env::var(&s.password_env).map_err(|_| {
        TransportError::new(
            SetupProblem::Password,
            format!("${} is not set", s.password_env),
        )
    })
}

fn make_private_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Writes `<message-id>.eml` through a temporary file and a rename, so a reader never sees half
/// a mail, and a resend after a crash replaces the file instead of adding a second one.
fn write_spool(dir: &Path, message_id: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let name: String = message_id
        .chars()
        .filter(|c| !matches!(c, '<' | '>'))
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '@') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let path = dir.join(format!("{name}.eml"));
    let tmp = dir.join(format!(".{name}.eml.tmp"));
    {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, &path)?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spool_writes_one_file_per_message_id() {
        let dir = tempfile::tempdir().expect("dir");
        let t = Transport::spool(&Config::default(), dir.path()).expect("spool");
        let m = Outgoing {
            message_id: "<abc.13010@localhost>",
            to: "tanaka@example.co.jp",
            subject: "【ハローワーク】テスト",
            body: "本文です。\n",
            date: crate::clock::wall_clock(),
        };
        assert!(matches!(t.send(&m), Outcome::Sent(_)));
        assert!(matches!(t.send(&m), Outcome::Sent(_)));
        let files: Vec<_> = std::fs::read_dir(dir.path())
            .expect("read")
            .filter_map(Result::ok)
            .collect();
        assert_eq!(files.len(), 1);
        let text = std::fs::read_to_string(files[0].path()).expect("eml");
        assert!(text.contains("Message-ID: <abc.13010@localhost>"));
        assert!(text.contains("Subject: =?utf-8?"));
        assert!(text.contains("Content-Type: text/plain; charset=utf-8"));
        assert!(text.contains("Content-Transfer-Encoding: base64"));
    }

    /// Issue 19: a configuration the transport cannot use is said in the operator's language.
    #[test]
    fn a_bad_sender_is_said_in_the_operators_language() {
        let dir = tempfile::tempdir().expect("dir");
        let mut cfg = Config::default();
        cfg.mail.from = "not an address".into();
        let Err(e) = Transport::spool(&cfg, dir.path()) else {
            panic!("a bad sender was taken");
        };
        assert_eq!(e.problem, SetupProblem::Address);
        let en = e.describe(crate::i18n::Lang::En);
        assert!(en.starts_with("mail.from / mail.reply_to is not a valid address: not an address"));
        assert!(en.is_ascii(), "{en}");
        assert!(e.to_string().contains("正しくありません"), "{e}");
    }

    #[test]
    fn a_bad_recipient_is_permanent() {
        let dir = tempfile::tempdir().expect("dir");
        let t = Transport::spool(&Config::default(), dir.path()).expect("spool");
        let m = Outgoing {
            message_id: "<x@y>",
            to: "not an address",
            subject: "s",
            body: "b",
            date: crate::clock::wall_clock(),
        };
        assert!(matches!(t.send(&m), Outcome::Permanent(_)));
    }
}

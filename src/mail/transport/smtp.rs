//! The SMTP exchange under the deadline: the loopback relay every connection goes through
//! (`Guard`), the send in flight the worker may abandon, connecting (STARTTLS, TLS, login),
//! one mail's transaction, and how a server's error is classed (temporary, permanent).
//! Apart from `mod.rs` (what the worker calls: `Transport`, the spool) because it is the part
//! that talks to sockets and threads.

use std::net::{Ipv4Addr, Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::{Arc, Mutex, mpsc};

use lettre::transport::smtp::client::SmtpConnection;
use lettre::transport::smtp::commands::{Data, Mail, Rcpt, Rset};
use lettre::transport::smtp::response::Response;

use super::{Outcome, Settings};

/// The two sockets of one connection's relay: the server's and the loopback one lettre talks
/// on. Shutting both down ends the connection at once: lettre's reads and writes fail, the
/// relay's copies end, and every thread of the connection with them.
pub(super) struct Guard {
    server: TcpStream,
    local: TcpStream,
}

impl Guard {
    fn close(&self) {
        let _ = self.server.shutdown(Shutdown::Both);
        let _ = self.local.shutdown(Shutdown::Both);
    }

    pub(super) fn try_clone(&self) -> std::io::Result<Guard> {
        Ok(Guard {
            server: self.server.try_clone()?,
            local: self.local.try_clone()?,
        })
    }
}

/// The connections a send in flight uses, for the worker to close when it stops waiting; one
/// opened after that is closed as soon as it is known.
#[derive(Default)]
pub(super) struct Flight {
    guards: Vec<Guard>,
    abandoned: bool,
}

pub(super) type FlightSlot = Arc<Mutex<Flight>>;

pub(super) fn hold(flight: &FlightSlot, g: Guard) {
    match flight.lock() {
        Ok(mut f) if !f.abandoned => f.guards.push(g),
        _ => g.close(),
    }
}

pub(super) fn abandon(flight: &FlightSlot) {
    if let Ok(mut f) = flight.lock() {
        f.abandoned = true;
        for g in f.guards.drain(..) {
            g.close();
        }
    }
}

/// A connection with its relay; dropping it closes both (the relay's threads end).
pub(super) struct Kept {
    pub(super) conn: SmtpConnection,
    pub(super) guard: Guard,
}

impl Drop for Kept {
    fn drop(&mut self) {
        self.guard.close();
    }
}

type SmtpResult = Result<Response, lettre::transport::smtp::Error>;

/// Why a send failed: what the server or lettre said, or our own relay's sockets.
pub(super) enum SendError {
    Smtp(lettre::transport::smtp::Error),
    Io(std::io::Error),
}

impl From<lettre::transport::smtp::Error> for SendError {
    fn from(e: lettre::transport::smtp::Error) -> Self {
        SendError::Smtp(e)
    }
}

impl From<std::io::Error> for SendError {
    fn from(e: std::io::Error) -> Self {
        SendError::Io(e)
    }
}

/// The server's socket, within the connect timeout.
fn dial(s: &Settings) -> std::io::Result<TcpStream> {
    let mut last = None;
    for addr in (s.host.as_str(), s.port).to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, s.timeout) {
            Ok(t) => return Ok(t),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::NotFound, "no address for the host")
    }))
}

/// The relay of one connection: accepts lettre's loopback connection, hands its [`Guard`] to
/// `flight` and to `ready`, and copies both ways until either side ends; then closes both.
fn relay(
    listener: &TcpListener,
    server: TcpStream,
    flight: &FlightSlot,
    ready: &mpsc::Sender<Guard>,
) {
    let accepted = listener.accept();
    let Ok((local, _)) = accepted else {
        let _ = server.shutdown(Shutdown::Both);
        return;
    };
    let _ = local.set_nodelay(true);
    let guard = Guard { server, local };
    let (Ok(held), Ok(kept), Ok(back)) = (guard.try_clone(), guard.try_clone(), guard.try_clone())
    else {
        guard.close();
        return;
    };
    hold(flight, held);
    if ready.send(kept).is_err() {
        guard.close();
        return;
    }
    // lettre → server on a thread of its own; server → lettre here.
    let up = std::thread::Builder::new()
        .name("mail-relay".into())
        .spawn(move || {
            let (mut from, mut to) = (&back.local, &back.server);
            let _ = std::io::copy(&mut from, &mut to);
            back.close();
        });
    if up.is_err() {
        guard.close();
        return;
    }
    let (mut from, mut to) = (&guard.server, &guard.local);
    let _ = std::io::copy(&mut from, &mut to);
    guard.close();
}

fn connect(s: &Settings, flight: &FlightSlot) -> Result<Kept, SendError> {
    let server = dial(s)?;
    let _ = server.set_nodelay(true);
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    let local_addr: SocketAddr = listener.local_addr()?;
    let (ready_tx, ready_rx) = mpsc::channel();
    let relay_flight = Arc::clone(flight);
    let dialled = server.try_clone()?;
    let spawned = std::thread::Builder::new()
        .name("mail-relay".into())
        .spawn(move || relay(&listener, dialled, &relay_flight, &ready_tx));
    if let Err(e) = spawned {
        let _ = server.shutdown(Shutdown::Both);
        return Err(e.into());
    }
    let wrapper = s.tls.as_ref().filter(|(_, w)| *w).map(|(p, _)| p);
    let opened = SmtpConnection::connect(local_addr, Some(s.timeout), &s.hello, wrapper, None);
    // lettre's TCP connect is accepted at once (loopback); the relay then hands its sockets
    // over. When lettre could not even connect, the relay is woken to end.
    let Ok(guard) = ready_rx.recv_timeout(s.timeout) else {
        let _ = server.shutdown(Shutdown::Both);
        let _ = TcpStream::connect(local_addr);
        return Err(opened.err().map_or_else(
            || std::io::Error::other("relay not ready").into(),
            SendError::Smtp,
        ));
    };
    let mut kept = match opened {
        Ok(conn) => Kept { conn, guard },
        Err(e) => {
            guard.close();
            return Err(e.into());
        }
    };
    if let Some((params, false)) = &s.tls {
        // STARTTLS is required: a server that does not offer it gets nothing in clear.
        kept.conn.starttls(params, &s.hello)?;
    }
    if let Some(c) = &s.credentials {
        use lettre::transport::smtp::authentication::Mechanism;
        kept.conn.auth(&[Mechanism::Plain, Mechanism::Login], c)?;
    }
    Ok(kept)
}

fn transaction(
    conn: &mut SmtpConnection,
    envelope: &lettre::address::Envelope,
    data: &str,
) -> SmtpResult {
    conn.command(Mail::new(envelope.from().cloned(), vec![]))?;
    for to in envelope.to() {
        conn.command(Rcpt::new(to.clone(), vec![]))?;
    }
    conn.command(Data)?;
    // The content and its final `.` in one write (see `Smtp`).
    conn.command(data)
}

/// One mail on the kept connection (or a new one); gives the connection back when it is still
/// good. A kept connection the server has closed meanwhile is replaced once.
pub(super) fn deliver(
    s: &Settings,
    kept: Option<Kept>,
    envelope: &lettre::address::Envelope,
    data: &str,
    flight: &FlightSlot,
) -> (Result<Response, SendError>, Option<Kept>) {
    let reused = kept.is_some();
    // A broken kept connection is dropped here, its relay with it.
    let mut k = match kept.filter(|k| !k.conn.has_broken()) {
        Some(k) => k,
        None => match connect(s, flight) {
            Ok(k) => k,
            Err(e) => return (Err(e), None),
        },
    };
    match transaction(&mut k.conn, envelope, data) {
        Ok(r) => (Ok(r), Some(k)),
        Err(e) if e.is_transient() || e.is_permanent() => {
            // A refusal of this mail: the session can go on after RSET.
            let keep = k.conn.command(Rset).is_ok();
            (Err(e.into()), keep.then_some(k))
        }
        Err(_) if reused => {
            k.conn.abort();
            drop(k);
            deliver(s, None, envelope, data, flight)
        }
        Err(e) => {
            k.conn.abort();
            (Err(e.into()), None)
        }
    }
}

/// RFC 5321 §4.5.2: a line starting with `.` gets another; then the terminating `.` line.
pub(super) fn dot_stuffed(formatted: &[u8]) -> String {
    let text = String::from_utf8_lossy(formatted);
    let mut out = String::with_capacity(text.len() + 8);
    for line in text.split_inclusive("\r\n") {
        if line.starts_with('.') {
            out.push('.');
        }
        out.push_str(line);
    }
    if !out.ends_with("\r\n") {
        out.push_str("\r\n");
    }
    out.push_str(".\r\n");
    out
}

/// 5xx is permanent; 4xx is temporary for this mail; anything else (refused, TLS, network,
/// timeout) is temporary for the whole server.
pub(super) fn classify(e: &lettre::transport::smtp::Error) -> Outcome {
    let reply = e.to_string();
    if e.is_permanent() {
        Outcome::Permanent(reply)
    } else {
        Outcome::Temporary {
            reply,
            connection: !e.is_transient(),
        }
    }
}

//! Command output on stdout, for readers that stop early (`madoguchi audit report | head`,
//! `madoguchi lookup … | grep -q`).
//!
//! Rust ignores SIGPIPE, so a write to a pipe whose reader has gone fails with `BrokenPipe`,
//! and `println!` panics on it with a backtrace hint. Every command therefore writes through
//! `outln!` or [`Stdout`]: the failed write is an `Err` that stops the command,
//! this module remembers that stdout was closed, and [`super::run`] then ends the command
//! quietly with status 0, as `ripgrep` and friends do (the reader got what it asked for). What
//! the command had committed stays committed (an audit export logs how many rows it wrote).
//! `main` also installs [`quiet_broken_pipe_panics`] for any `println!` left elsewhere.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once a write to stdout found the reader gone. Stdout belongs to the process, so this
/// does too; it is only ever set, by the command-line front end.
static CLOSED: AtomicBool = AtomicBool::new(false);

/// True once a write found stdout's reader gone.
#[must_use]
pub fn closed() -> bool {
    CLOSED.load(Ordering::Relaxed)
}

fn note(e: io::Error) -> io::Error {
    if e.kind() == io::ErrorKind::BrokenPipe {
        CLOSED.store(true, Ordering::Relaxed);
    }
    e
}

/// Stdout as a writer whose failures are errors, never panics (wrap it in a `BufWriter` for a
/// long stream).
#[derive(Debug, Default, Clone, Copy)]
pub struct Stdout;

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        io::stdout().lock().write(buf).map_err(note)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        io::stdout().lock().write_all(buf).map_err(note)
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stdout().lock().flush().map_err(note)
    }
}

/// One line on stdout (what `outln!` expands to). SPEC §5 at the boundary: whatever the line
/// holds, no control character but its line breaks and column tabs, and no bidi override,
/// reaches the terminal (`domain::text::terminal_line`).
///
/// # Errors
/// The write failed: the reader went away (`BrokenPipe`) or the disk is full.
pub fn line(args: std::fmt::Arguments<'_>) -> io::Result<()> {
    let text = crate::domain::text::terminal_line(&args.to_string());
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|()| out.write_all(b"\n"))
        .map_err(note)
}

/// `println!` that returns the write's `io::Result` instead of panicking: `outln!("…")?;`.
macro_rules! outln {
    () => {
        $crate::cli::out::line(format_args!(""))
    };
    ($($arg:tt)*) => {
        $crate::cli::out::line(format_args!($($arg)*))
    };
}
pub(crate) use outln;

/// True for the panic `println!` raises when stdout's reader has gone.
#[must_use]
pub fn is_broken_pipe_panic(message: &str) -> bool {
    message.contains("failed printing to stdout")
        && (message.contains("Broken pipe") || message.contains("os error 32"))
}

/// A panic hook in front of the current one: a `println!` that hit a closed stdout ends the
/// process quietly with status 0 (like the commands that write through this module); every
/// other panic goes to the previous hook as before.
pub fn quiet_broken_pipe_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or("");
        if is_broken_pipe_panic(message) {
            tracing::info!("stdout closed by its reader: ending quietly");
            std::process::exit(super::code::OK);
        }
        previous(info);
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_println_panic_of_a_closed_pipe_is_recognised() {
        assert!(is_broken_pipe_panic(
            "failed printing to stdout: Broken pipe (os error 32)"
        ));
        assert!(!is_broken_pipe_panic(
            "failed printing to stdout: No space left on device (os error 28)"
        ));
        assert!(!is_broken_pipe_panic("index out of bounds"));
    }
}

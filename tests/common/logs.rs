//! The log lines a piece of code writes: a `tracing` subscriber for the current thread, as
//! `main.rs` sets up (plain text, INFO and above), writing into a buffer the test reads.

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
pub struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Buffer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// The lines written since the last call, and forgets them.
    pub fn take(&self) -> String {
        let mut b = self.0.lock().unwrap();
        let s = String::from_utf8_lossy(&b).into_owned();
        b.clear();
        s
    }
}

/// Runs `f` with a subscriber like the program's (no colours, INFO) writing into the
/// returned buffer; events from other threads are not caught.
pub fn capture<T>(f: impl FnOnce(&Buffer) -> T) -> T {
    let buf = Buffer::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    tracing::subscriber::with_default(subscriber, || f(&buf))
}

/// A subscriber for every thread of this test process (a background thread's events), set
/// once; its buffer collects from every test that runs in the process, so a test looks for
/// its own lines.
pub fn global() -> &'static Buffer {
    static BUF: std::sync::OnceLock<Buffer> = std::sync::OnceLock::new();
    BUF.get_or_init(|| {
        let buf = Buffer::default();
        let writer = buf.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("one global subscriber");
        buf
    })
}

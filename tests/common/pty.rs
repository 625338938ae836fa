//! The real binary in a pseudo-terminal, read back through a VT100 emulator (send keys, read
//! the screen; expect-style crates only see the byte stream).

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

use super::NOW;

pub struct Term {
    pub parser: Arc<Mutex<vt100::Parser>>,
    pub writer: Box<dyn Write + Send>,
    pub child: Box<dyn portable_pty::Child + Send + Sync>,
    pub master: Option<Box<dyn portable_pty::MasterPty + Send>>,
}

impl Term {
    pub fn start(db: &Path) -> Term {
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_madoguchi"));
        cmd.arg("--db");
        cmd.arg(db);
        cmd.env("MADOGUCHI_NOW", NOW);
        cmd.env("TERM", "xterm-256color");
        cmd.env("MADOGUCHI_CONFIG", db.with_extension("toml"));
        Term::spawn(cmd)
    }

    /// Any command in the pseudo-terminal (`ssh -tt …` in tests/deploy.rs).
    pub fn spawn(cmd: CommandBuilder) -> Term {
        Term::spawn_sized(cmd, 30, 100)
    }

    /// Any command in a `rows`×`cols` pseudo-terminal.
    pub fn spawn_sized(cmd: CommandBuilder, rows: u16, cols: u16) -> Term {
        let pty = native_pty_system();
        let pair = pty
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("pty");
        let child = pair.slave.spawn_command(cmd).expect("spawn");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
        let p = Arc::clone(&parser);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                p.lock().expect("parser").process(&buf[..n]);
            }
        });
        Term {
            parser,
            writer,
            child,
            master: Some(pair.master),
        }
    }

    pub fn screen(&self) -> String {
        self.parser.lock().expect("parser").screen().contents()
    }

    pub fn wait_for(&self, text: &str) {
        let until = Instant::now() + Duration::from_secs(20);
        while Instant::now() < until {
            if self.screen().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("timed out waiting for {text:?}; screen:\n{}", self.screen());
    }

    pub fn send(&mut self, s: &str) {
        self.writer.write_all(s.as_bytes()).expect("write");
        self.writer.flush().expect("flush");
        // Let the app take each burst as typing, not as one escape sequence.
        std::thread::sleep(Duration::from_millis(60));
    }

    pub fn wait_exit(&mut self) -> bool {
        let until = Instant::now() + Duration::from_secs(10);
        while Instant::now() < until {
            if let Ok(Some(_)) = self.child.try_wait() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }
}

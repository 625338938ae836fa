//! A crossterm backend that writes fewer bytes over SSH (issue 15, the queue at L scale).
//!
//! ratatui's `CrosstermBackend::draw` moves the cursor before any cell that does not follow the
//! previous one by exactly one column. After a double-width character (every kanji and kana)
//! the next cell is two columns on, so it sends a cursor move (`ESC[y;xH`, 6–8 bytes) before
//! nearly every character of a Japanese row: a queue row cost ~250 bytes instead of ~120.
//! Here the terminal's own advance is trusted for the width ratatui itself gave the symbol,
//! and everything else is delegated unchanged.

use std::io::{self, Write};

use crossterm::queue;
use crossterm::style::{Attribute, Print, SetAttribute, SetColors};
use ratatui::backend::{Backend, ClearType, CrosstermBackend, IntoCrossterm, WindowSize};
use ratatui::buffer::Cell;
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthStr;

/// [`CrosstermBackend`] with a leaner `draw`.
#[derive(Debug)]
pub struct Lean<W: Write> {
    inner: CrosstermBackend<W>,
}

impl<W: Write> Lean<W> {
    pub fn new(writer: W) -> Lean<W> {
        Lean {
            inner: CrosstermBackend::new(writer),
        }
    }
}

/// The attributes of `m`, each one set (after a reset).
fn set_modifiers<W: Write>(w: &mut W, m: Modifier) -> io::Result<()> {
    let table = [
        (Modifier::BOLD, Attribute::Bold),
        (Modifier::DIM, Attribute::Dim),
        (Modifier::ITALIC, Attribute::Italic),
        (Modifier::UNDERLINED, Attribute::Underlined),
        (Modifier::SLOW_BLINK, Attribute::SlowBlink),
        (Modifier::RAPID_BLINK, Attribute::RapidBlink),
        (Modifier::REVERSED, Attribute::Reverse),
        (Modifier::HIDDEN, Attribute::Hidden),
        (Modifier::CROSSED_OUT, Attribute::CrossedOut),
    ];
    for (flag, attr) in table {
        if m.contains(flag) {
            queue!(w, SetAttribute(attr))?;
        }
    }
    Ok(())
}

impl<W: Write> Backend for Lean<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        let w = &mut self.inner;
        let mut fg = Color::Reset;
        let mut bg = Color::Reset;
        let mut modifier = Modifier::empty();
        // Where the terminal's cursor is after the last symbol printed.
        let mut at: Option<(u16, u16)> = None;
        for (x, y, cell) in content {
            if at != Some((x, y)) {
                queue!(w, crossterm::cursor::MoveTo(x, y))?;
            }
            let width = u16::try_from(cell.symbol().width().max(1)).unwrap_or(1);
            at = Some((x.saturating_add(width), y));
            if cell.modifier != modifier {
                // A reset clears the colours too: they are set again below.
                queue!(w, SetAttribute(Attribute::Reset))?;
                set_modifiers(w, cell.modifier)?;
                modifier = cell.modifier;
                fg = Color::Reset;
                bg = Color::Reset;
                if cell.fg != Color::Reset || cell.bg != Color::Reset {
                    queue!(
                        w,
                        SetColors(crossterm::style::Colors::new(
                            cell.fg.into_crossterm(),
                            cell.bg.into_crossterm(),
                        ))
                    )?;
                    fg = cell.fg;
                    bg = cell.bg;
                }
            }
            if cell.fg != fg || cell.bg != bg {
                queue!(
                    w,
                    SetColors(crossterm::style::Colors::new(
                        cell.fg.into_crossterm(),
                        cell.bg.into_crossterm(),
                    ))
                )?;
                fg = cell.fg;
                bg = cell.bg;
            }
            queue!(w, Print(cell.symbol()))?;
        }
        if modifier != Modifier::empty() || fg != Color::Reset || bg != Color::Reset {
            queue!(w, SetAttribute(Attribute::Reset))?;
        }
        Ok(())
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        self.inner.append_lines(n)
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> io::Result<()> {
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> io::Result<Size> {
        self.inner.size()
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        self.inner.window_size()
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(&mut self.inner)
    }
}

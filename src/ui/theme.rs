//! Colours and styles by meaning, so every screen says "error" the same way.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

use crate::app::Tone;

/// How much colour the terminal gets: every colour (256), the 16 basic ones (`TERM=linux`,
/// `vt100`, …), or none (`NO_COLOR`, no-color.org). Meaning never rides on colour alone: errors
/// and warnings carry marks, and without colour the header and keys are reversed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Palette {
    Full,
    Basic,
    Mono,
}

static PALETTE: std::sync::OnceLock<Palette> = std::sync::OnceLock::new();

/// The palette for these environment values (pure: tested without touching the process).
#[must_use]
pub fn palette_for(no_color: Option<&str>, term: Option<&str>) -> Palette {
    if no_color.is_some_and(|v| !v.is_empty()) {
        return Palette::Mono;
    }
    match term.unwrap_or("") {
        "dumb" => Palette::Mono,
        t if t.contains("256color") || t.contains("truecolor") || t.contains("direct") => {
            Palette::Full
        }
        "" | "linux" | "vt100" | "vt102" | "vt220" | "ansi" | "xterm" | "screen" | "tmux"
        | "cons25" => Palette::Basic,
        _ => Palette::Full,
    }
}

/// Chooses the palette once, from `NO_COLOR` and `TERM`, when the TUI starts.
pub fn init_from_env() {
    let no_color = std::env::var("NO_COLOR").ok();
    let term = std::env::var("TERM").ok();
    let _ = PALETTE.set(palette_for(no_color.as_deref(), term.as_deref()));
}

fn palette() -> Palette {
    PALETTE.get().copied().unwrap_or(Palette::Full)
}

fn fg(p: Palette, c: Color) -> Style {
    match p {
        Palette::Mono => Style::new(),
        _ => Style::new().fg(c),
    }
}

/// 赤: must be fixed.
#[must_use]
pub fn error() -> Style {
    error_in(palette())
}

#[must_use]
pub fn error_in(p: Palette) -> Style {
    fg(p, Color::Red).add_modifier(Modifier::BOLD)
}

/// 橙: confirm to accept (256-colour orange; yellow with 16 colours).
#[must_use]
pub fn warning() -> Style {
    warning_in(palette())
}

#[must_use]
pub fn warning_in(p: Palette) -> Style {
    match p {
        Palette::Full => Style::new().fg(Color::Indexed(208)),
        Palette::Basic => Style::new().fg(Color::Yellow),
        Palette::Mono => Style::new().add_modifier(Modifier::UNDERLINED),
    }
}

#[must_use]
pub fn success() -> Style {
    fg(palette(), Color::Green)
}

#[must_use]
pub fn dim() -> Style {
    fg(palette(), Color::DarkGray)
}

#[must_use]
pub fn header() -> Style {
    header_in(palette())
}

#[must_use]
pub fn header_in(p: Palette) -> Style {
    match p {
        Palette::Mono => Style::new().add_modifier(Modifier::REVERSED),
        _ => Style::new().fg(Color::Black).bg(Color::Cyan),
    }
}

#[must_use]
pub fn focused() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}

#[must_use]
pub fn input() -> Style {
    Style::new().add_modifier(Modifier::UNDERLINED)
}

#[must_use]
pub fn key() -> Style {
    match palette() {
        Palette::Mono => Style::new().add_modifier(Modifier::REVERSED),
        _ => Style::new().fg(Color::Black).bg(Color::Gray),
    }
}

#[must_use]
pub fn title() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

#[must_use]
pub fn tone(t: Tone) -> Style {
    match t {
        Tone::Info => Style::new(),
        Tone::Success => success(),
        Tone::Warning => warning(),
        Tone::Error => error(),
    }
}

/// Box-drawing glyphs are double-width on some East-Asian terminals: offer plain ASCII.
pub const ASCII: border::Set<'static> = border::Set {
    top_left: "+",
    top_right: "+",
    bottom_left: "+",
    bottom_right: "+",
    vertical_left: "|",
    vertical_right: "|",
    horizontal_top: "-",
    horizontal_bottom: "-",
};

#[must_use]
pub fn border_set(ascii: bool) -> border::Set<'static> {
    if ascii { ASCII } else { border::PLAIN }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_and_term_choose_the_palette() {
        assert_eq!(
            palette_for(Some("1"), Some("xterm-256color")),
            Palette::Mono
        );
        assert_eq!(palette_for(Some(""), Some("xterm-256color")), Palette::Full);
        assert_eq!(palette_for(None, Some("linux")), Palette::Basic);
        assert_eq!(palette_for(None, Some("vt100")), Palette::Basic);
        assert_eq!(palette_for(None, Some("screen-256color")), Palette::Full);
        assert_eq!(palette_for(None, Some("dumb")), Palette::Mono);
        // No 256-colour index reaches a 16-colour or colourless terminal.
        assert_eq!(warning_in(Palette::Basic).fg, Some(Color::Yellow));
        assert_eq!(warning_in(Palette::Mono).fg, None);
        assert_eq!(error_in(Palette::Mono).fg, None);
        assert!(
            error_in(Palette::Mono)
                .add_modifier
                .contains(Modifier::BOLD)
        );
        assert_eq!(header_in(Palette::Mono).bg, None);
    }
}

//! Colours and styles by meaning, so every screen says "error" the same way.

use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::border;

use crate::app::Tone;

/// 赤: must be fixed.
#[must_use]
pub fn error() -> Style {
    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
}

/// 橙: confirm to accept (256-colour orange; shown as yellow on 16-colour terminals).
#[must_use]
pub fn warning() -> Style {
    Style::new().fg(Color::Indexed(208))
}

#[must_use]
pub fn success() -> Style {
    Style::new().fg(Color::Green)
}

#[must_use]
pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}

#[must_use]
pub fn header() -> Style {
    Style::new().fg(Color::Black).bg(Color::Cyan)
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
    Style::new().fg(Color::Black).bg(Color::Gray)
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

//! Screen text from ratatui's `TestBackend`, for tests that read what a clerk would see.

use madoguchi::app::App;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

/// The buffer's rows, each character with its column; a wide character's second cell is
/// skipped, so a Japanese row reads as typed.
pub fn cells(buf: &Buffer) -> Vec<Vec<(u16, String)>> {
    let (w, h) = (buf.area.width, buf.area.height);
    (0..h)
        .map(|y| {
            let mut row = Vec::new();
            let mut skip = 0;
            for x in 0..w {
                if skip > 0 {
                    skip -= 1;
                    continue;
                }
                let sym = buf[(x, y)].symbol();
                skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
                row.push((x, sym.to_string()));
            }
            row
        })
        .collect()
}

/// The drawn screen's text, one line per row (see [`cells`]).
pub fn buffer_text(t: &Terminal<TestBackend>) -> String {
    cells(t.backend().buffer())
        .iter()
        .map(|r| r.iter().map(|c| c.1.as_str()).collect::<String>() + "\n")
        .collect()
}

/// `app` drawn on a `w`×`h` terminal, as text.
pub fn screen_text(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| madoguchi::ui::draw(f, app)).expect("draw");
    buffer_text(&t)
}

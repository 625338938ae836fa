//! Screen text from ratatui's `TestBackend`, for tests that read what a clerk would see.

use madoguchi::app::App;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// The drawn screen's text, one line per row (a wide character's second cell skipped, so a
/// Japanese line reads as typed).
pub fn buffer_text(t: &Terminal<TestBackend>) -> String {
    let buf = t.backend().buffer();
    let (w, h) = (buf.area.width, buf.area.height);
    let mut out = String::new();
    for y in 0..h {
        let mut skip = 0;
        for x in 0..w {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
            out.push_str(sym);
        }
        out.push('\n');
    }
    out
}

/// `app` drawn on a `w`×`h` terminal, as text.
pub fn screen_text(app: &App, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| madoguchi::ui::draw(f, app)).expect("draw");
    buffer_text(&t)
}

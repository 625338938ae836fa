//! Text in terminal cells: display widths (double-width characters, half-width sound marks),
//! fitting and ellipsizing to a width, word wrapping with 行頭禁則, and scrolling. Apart from the
//! widgets because it draws nothing: every widget measures with it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::app::App;
use crate::i18n::ui::Msg;
use crate::ui::theme;

const VOICED: char = '\u{ff9e}';
const SEMI_VOICED: char = '\u{ff9f}';

/// `s` as it can be drawn: ratatui-core 0.1 adds a column for each half-width ﾞ/ﾟ that
/// unicode-width 0.2.3 already counts, so `ｶﾞ` is laid out three columns wide where terminals
/// and tui-input's cursor take two: the text spreads out and the cursor (where the IME opens)
/// ends up left of it (issue 15 item 9). For drawing only, a half-width kana with its mark
/// becomes its NFKC form (`ガ`, or `ア` + combining mark): the same two columns, measured alike
/// by ratatui, terminals and tui-input. A mark on its own, one column everywhere, becomes an
/// ASCII look-alike. The value itself is never changed.
#[must_use]
pub fn drawable(s: &str) -> std::borrow::Cow<'_, str> {
    use unicode_normalization::UnicodeNormalization;
    if !s.contains([VOICED, SEMI_VOICED]) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for g in s.graphemes(true) {
        if !g.contains([VOICED, SEMI_VOICED]) {
            out.push_str(g);
        } else if g == "\u{ff9e}" {
            out.push('"');
        } else if g == "\u{ff9f}" {
            out.push('\'');
        } else {
            out.extend(g.nfkc());
        }
    }
    std::borrow::Cow::Owned(out)
}

/// What ratatui laid out three columns wide for a half-width kana with ﾞ/ﾟ (text other than the
/// input fields, which are drawn with [`drawable`]): the glyph is drawn as its two-column NFKC
/// form and the third column written blank, never left holding what an earlier frame put
/// there (the terminal was never sent anything for it).
pub fn settle_sound_marks(buf: &mut ratatui::buffer::Buffer) {
    let area = buf.area;
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            let sym = buf[(x, y)].symbol();
            if sym.contains([VOICED, SEMI_VOICED]) {
                let fixed = drawable(sym).into_owned();
                buf[(x, y)].set_symbol(&fixed);
            }
        }
    }
}

/// Display width of a string (double-width characters count two).
#[must_use]
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// A table column for coded words (states, kinds): as wide as the widest of them in the
/// language on screen, and never narrower than `at_least`, so no word is cut in either language.
#[must_use]
pub fn column_for<'a>(words: impl IntoIterator<Item = &'a str>, at_least: u16) -> u16 {
    let widest = words.into_iter().map(width).max().unwrap_or(0);
    u16::try_from(widest).unwrap_or(u16::MAX).max(at_least)
}

/// Pads (or cuts) `s` to exactly `w` columns without splitting a double-width character.
#[must_use]
pub fn fit(s: &str, w: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    // By grapheme: a half-width kana and its ﾞ/ﾟ (`ｶﾞ`) stay together (issue 15 item 9).
    for g in s.graphemes(true) {
        let gw = width_of(g);
        if used + gw > w {
            break;
        }
        out.push_str(g);
        used += gw;
    }
    out.push_str(&" ".repeat(w - used));
    out
}

/// `s` in at most `w` columns: whole when it fits, else cut at a character boundary with `…`
/// as its last column, so a cut is never mistaken for a shorter value (an id, a name).
#[must_use]
pub fn ellipsize(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    if w == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for g in s.graphemes(true) {
        let gw = width_of(g);
        if used + gw > w - 1 {
            break;
        }
        out.push_str(g);
        used += gw;
    }
    out.push('…');
    out
}

/// The furthest `rows` rows can scroll in a box `height` rows high (one row then shows the
/// scroll mark).
#[must_use]
pub fn max_scroll(rows: usize, height: usize) -> u16 {
    if rows <= height || height < 2 {
        0
    } else {
        u16::try_from(rows - (height - 1)).unwrap_or(u16::MAX)
    }
}

/// Draws `rows` (already wrapped to `area`'s width, see [`wrap_words`]) from row `scroll`
/// (clamped to the last page). When they do not all fit, the last row says which way there is
/// more (「↓ 続きあり（j/k, PgDn）」), so a cut never passes for the end. Returns the scroll
/// actually used.
pub fn scrolled(
    frame: &mut Frame<'_>,
    app: &App,
    rows: Vec<Line<'static>>,
    area: Rect,
    scroll: u16,
) -> u16 {
    let height = usize::from(area.height);
    if rows.len() <= height || height < 2 {
        frame.render_widget(Paragraph::new(rows), area);
        return 0;
    }
    // One row is kept for the indicator.
    let page = height - 1;
    let max = rows.len() - page;
    let top = usize::from(scroll).min(max);
    let shown: Vec<Line<'static>> = rows.into_iter().skip(top).take(page).collect();
    frame.render_widget(
        Paragraph::new(shown),
        Rect {
            height: area.height - 1,
            ..area
        },
    );
    let mark = if top < max {
        app.t(Msg::MoreBelow)
    } else {
        app.t(Msg::MoreAbove)
    };
    frame.render_widget(
        Paragraph::new(Span::styled(
            ellipsize(mark, usize::from(area.width)),
            theme::dim(),
        )),
        Rect {
            y: area.bottom() - 1,
            height: 1,
            ..area
        },
    );
    u16::try_from(top).unwrap_or(u16::MAX)
}

/// Characters a line must not start with (行頭禁則): closing brackets and punctuation stay on
/// the row they close.
const NO_LINE_START: &[&str] = &[
    "、", "。", "，", "．", "）", "」", "』", "】", "〕", "・", "：", "；", "ー", "ゃ", "ゅ", "ょ",
    "っ", "ャ", "ュ", "ョ", "ッ", ")", "]", ",", ".", ":", ";", "!", "?", "！", "？",
];

fn ascii_word(g: &str) -> bool {
    g.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '^' | '-' | '_' | '/' | '@' | '.'))
}

/// `line` broken at `width` columns by display width, for prose: Japanese anywhere but before
/// closing punctuation (「。」「）」 stay with what they close), a run of ASCII (a key such as
/// `PgDn`, an English word, an address) kept whole when it fits on a row, continuation rows
/// indented by `indent` columns, leading spaces of a continuation dropped. Each piece keeps its
/// span's style; no row is wider than `width`.
#[must_use]
pub fn wrap_words(line: &Line<'_>, width: usize, indent: usize) -> Vec<Line<'static>> {
    let width = width.max(2);
    let indent = indent.min(width / 2);
    let cells: Vec<(&str, Style)> = line
        .spans
        .iter()
        .flat_map(|s| s.content.graphemes(true).map(move |g| (g, s.style)))
        .collect();
    let mut out = Vec::new();
    let mut start = 0;
    let mut first = true;
    while start < cells.len() || first {
        let lead = if first { 0 } else { indent };
        let room = width - lead;
        // The longest run from `start` that fits.
        let mut end = start;
        let mut used = 0;
        while end < cells.len() {
            let w = width_of(cells[end].0);
            if used + w > room {
                break;
            }
            used += w;
            end += 1;
        }
        if end < cells.len() && end > start {
            let mut cut = end;
            // An ASCII word split in two: break before it when it starts on this row.
            if ascii_word(cells[cut].0) && ascii_word(cells[cut - 1].0) {
                let mut j = cut - 1;
                while j > start && ascii_word(cells[j - 1].0) {
                    j -= 1;
                }
                let mut e = cut;
                while e < cells.len() && ascii_word(cells[e].0) {
                    e += 1;
                }
                let word_w: usize = cells[j..e].iter().map(|c| width_of(c.0)).sum();
                if j > start && word_w <= width - indent {
                    cut = j;
                } else {
                    // The run is longer than a row (an address): break after a '.', '-',
                    // '/' or '_', or before the '@', near the row's end, not mid-name.
                    let mut k = cut;
                    let mut found = false;
                    while k > j.max(start + 1) && cut - k < 24 {
                        let before = cells[k - 1].0;
                        if matches!(before, "." | "-" | "/" | "_") || cells[k].0 == "@" {
                            cut = k;
                            found = true;
                            break;
                        }
                        k -= 1;
                    }
                    if !found && j > start {
                        cut = j;
                    }
                }
            }
            // Japanese prose breaks after its punctuation when there is some near the row's
            // end (「…最古の案件、」 / 「メールの状況」), not in the middle of a word.
            else {
                let mut k = cut;
                let mut back = 0;
                while k > start + 1 && back < 12 {
                    let before = cells[k - 1].0;
                    if matches!(before, "、" | "。" | "・" | "）" | "」" | "』" | " " | "，")
                    {
                        cut = k;
                        break;
                    }
                    back += width_of(before);
                    k -= 1;
                }
            }
            // Closing punctuation never starts a row: take one more character down with it.
            if NO_LINE_START.contains(&cells[cut].0) && cut > start + 1 {
                cut -= 1;
            }
            // An opening bracket never ends one, nor two in a row (「（「1」…」).
            while matches!(cells[cut - 1].0, "「" | "（" | "『" | "【" | "(") && cut > start + 1
            {
                cut -= 1;
            }
            end = cut;
            // Nor does a row end with the space the break was made at.
            while end > start + 1 && cells[end - 1].0 == " " {
                end -= 1;
            }
        }
        let mut row: Vec<Span<'static>> = Vec::new();
        if lead > 0 {
            row.push(Span::raw(" ".repeat(lead)));
        }
        let fixed = row.len();
        for (g, style) in &cells[start..end] {
            let n = row.len();
            match row.last_mut() {
                Some(last) if n > fixed && last.style == *style => {
                    last.content.to_mut().push_str(g);
                }
                _ => row.push(Span::styled((*g).to_string(), *style)),
            }
        }
        out.push(Line::from(row).style(line.style));
        first = false;
        start = end;
        // A continuation does not start with the space the break was made at.
        while start < cells.len() && cells[start].0 == " " {
            start += 1;
        }
    }
    out
}

/// `lines` broken at `width` columns, grapheme by grapheme (Japanese has no spaces to break at),
/// each piece keeping its span's style; an indented line (a list item) continues two columns
/// further in. ratatui's own wrapping can let a double-width character overrun the last column
/// onto the border (ratatui#2679); this never does, and the number of rows is the number of
/// lines returned.
#[must_use]
pub fn wrap_lines(lines: Vec<Line<'_>>, width: usize) -> Vec<Line<'static>> {
    let width = width.max(2);
    let mut out = Vec::new();
    for line in lines {
        let text = line.to_string();
        let lead = text.len() - text.trim_start_matches(' ').len();
        let indent = if lead > 0 {
            (lead + 2).min(width / 2)
        } else {
            0
        };
        let mut row: Vec<Span<'static>> = Vec::new();
        let mut used = 0;
        for span in line.spans {
            let mut piece = String::new();
            for g in span.content.graphemes(true) {
                let w = width_of(g);
                if used + w > width && used > 0 {
                    if !piece.is_empty() {
                        row.push(Span::styled(std::mem::take(&mut piece), span.style));
                    }
                    out.push(Line::from(std::mem::take(&mut row)).style(line.style));
                    if indent > 0 {
                        row.push(Span::raw(" ".repeat(indent)));
                    }
                    used = indent;
                }
                piece.push_str(g);
                used += w;
            }
            if !piece.is_empty() {
                row.push(Span::styled(piece, span.style));
            }
        }
        out.push(Line::from(row).style(line.style));
    }
    out
}

/// Short items side by side, two spaces apart, a new row when the next one does not fit (an
/// item is never split unless it is wider than a row on its own); the rows in `style`.
#[must_use]
pub fn pack(items: &[String], width: usize, style: Style) -> Vec<Line<'static>> {
    let mut rows: Vec<String> = Vec::new();
    let mut row = String::new();
    for item in items {
        if !row.is_empty() && width_of(&row) + 2 + width_of(item) > width {
            rows.push(std::mem::take(&mut row));
        }
        if !row.is_empty() {
            row.push_str("  ");
        }
        row.push_str(item);
    }
    if !row.is_empty() {
        rows.push(row);
    }
    let lines = rows
        .into_iter()
        .map(|r| Line::from(Span::styled(r, style)))
        .collect();
    wrap_lines(lines, width)
}

pub(super) fn width_of(g: &str) -> usize {
    UnicodeWidthStr::width(g)
}

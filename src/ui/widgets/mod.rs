//! Pieces every screen uses: header, message line, hint bar, forms, dialogs.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use super::theme;
use crate::app::form::{FieldKind, Form};
use crate::app::keymap::{self, Binding};
use crate::app::{App, Tone, staff};
use crate::i18n::ui::Msg;
use crate::service::Severity;

/// Marks before an error (must fix) and a warning (confirm to accept), beside their colours.
pub const ERROR_MARK: &str = "✖ ";
pub const WARNING_MARK: &str = "！";

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
            // An opening bracket never ends one.
            if matches!(cells[cut - 1].0, "「" | "（" | "『" | "【" | "(") && cut > start + 1 {
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

fn width_of(g: &str) -> usize {
    UnicodeWidthStr::width(g)
}

/// A titled box in the configured border style.
#[must_use]
pub fn block<'a>(app: &App, title: &'a str) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_set(theme::border_set(app.cfg.ui.ascii_borders))
        .title(Span::styled(format!(" {title} "), theme::title()))
}

/// The top row: office, who is signed in, the clock and the mail state. When it does not fit,
/// it gives way from the least needed end: the product name, the office name, the roles, then
/// the staff member's name is shortened with …; the mail state (送信待ち, 失敗, 送信エラー) and
/// the clock are never cut (issue 15 item 5).
pub fn header(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let total = usize::from(area.width);
    let narrow = total < 110;
    // "2026-11-24 10:30" → "11-24 10:30" when space is short.
    let clock = if narrow {
        app.clock_text.get(5..).unwrap_or(&app.clock_text)
    } else {
        &app.clock_text
    };
    let mut tail = format!("{clock} JST");
    if app.session.is_some() {
        tail.push_str(&format!(
            "  {} {}",
            app.t(Msg::MailWaiting),
            app.mail.waiting
        ));
        if app.mail.failed > 0 {
            tail.push_str(&format!(" {} {}", app.t(Msg::MailFailed), app.mail.failed));
        }
        if app.mail.last_error.is_some() {
            tail.push_str(&format!(" {}", app.t(Msg::MailWorkerError)));
        }
    }
    tail.push(' ');
    let (name, roles) = app.session.as_ref().map_or_else(
        || (String::new(), String::new()),
        |s| {
            let roles: Vec<&str> = s
                .roles
                .iter()
                .map(|r| app.t(staff::role_label(r)))
                .collect();
            (s.display_name.clone(), format!("（{}）", roles.join("・")))
        },
    );
    let office = |with_name: bool, product: bool| {
        let p = if product {
            "窓口 madoguchi"
        } else {
            "窓口"
        };
        if with_name {
            format!(" {p}  {} {}", app.office_code, app.office_name)
        } else {
            format!(" {p}  {}", app.office_code)
        }
    };
    let who = |roles_too: bool| {
        if name.is_empty() {
            String::new()
        } else if roles_too {
            format!("{name}{roles}  ")
        } else {
            format!("{name}  ")
        }
    };
    let candidates = [
        (office(true, !narrow), who(true)),
        (office(true, false), who(true)),
        (office(false, false), who(true)),
        (office(false, false), who(false)),
    ];
    let fits = |l: &str, r: &str| width(l) + 1 + width(r) + width(&tail) <= total;
    let line = if let Some((left, right)) = candidates.iter().find(|(l, r)| fits(l, r)) {
        let gap = total - width(left) - width(right) - width(&tail);
        format!("{left}{}{right}{tail}", " ".repeat(gap))
    } else {
        // Even so too long: the name gives way, marked with …; the tail stays whole.
        let left = office(false, false);
        let room = total.saturating_sub(width(&left) + 1 + width(&tail) + 2);
        let right = if room > 1 {
            format!("{}  ", ellipsize(&name, room))
        } else {
            String::new()
        };
        let used = width(&left) + width(&right) + width(&tail);
        if used < total {
            format!("{left}{}{right}{tail}", " ".repeat(total - used))
        } else {
            fit(&format!("{right}{tail}"), total)
        }
    };
    frame.render_widget(Paragraph::new(Span::styled(line, theme::header())), area);
}

pub fn flash(frame: &mut Frame<'_>, app: &App, area: Rect) {
    if let Some(f) = &app.flash {
        let mark = match f.tone {
            Tone::Error if !f.text.starts_with(['✖', '！']) => ERROR_MARK,
            Tone::Warning if !f.text.starts_with(['✖', '！']) => WARNING_MARK,
            _ => "",
        };
        let text = fit(&format!(" {mark}{}", f.text), usize::from(area.width));
        frame.render_widget(
            Paragraph::new(Span::styled(text, theme::tone(f.tone))),
            area,
        );
    }
}

/// Generated from the key table in force, so it never lists a key that does nothing. When not
/// every hint fits, each hint shows only its first key, help (`?`, which lists every key) and
/// the way back (Esc) keep their places at the end, and the hints before them are cut.
pub fn hint_bar(frame: &mut Frame<'_>, app: &App, area: Rect) {
    let hinted: Vec<&Binding> = app
        .bindings()
        .iter()
        .filter(|b| b.hint && (app.overlay.is_some() || app.may_act(b.action)))
        .collect();
    let max = usize::from(area.width);
    let full = |b: &Binding| width(&keymap::keys_label(b)) + width(app.t(b.label)) + 3;
    let compact = hinted.iter().map(|b| full(b)).sum::<usize>() > max;
    let keys = |b: &Binding| {
        if compact {
            b.keys.first().map(|k| k.label()).unwrap_or_default()
        } else {
            keymap::keys_label(b)
        }
    };
    let w = |b: &Binding| width(&keys(b)) + width(app.t(b.label)) + 3;
    let kept =
        |b: &Binding| compact && matches!(b.action, keymap::Action::Back | keymap::Action::Help);
    let tail: Vec<&Binding> = hinted.iter().copied().filter(|b| kept(b)).collect();
    let room = max.saturating_sub(tail.iter().map(|b| w(b)).sum());
    let mut shown = Vec::new();
    let mut used = 0;
    for b in hinted.iter().copied().filter(|b| !kept(b)) {
        if used + w(b) > room {
            break;
        }
        used += w(b);
        shown.push(b);
    }
    shown.extend(tail);
    let mut spans = Vec::new();
    for b in shown {
        spans.push(Span::styled(format!(" {} ", keys(b)), theme::key()));
        spans.push(Span::raw(format!("{} ", app.t(b.label))));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Draws a form: label, input, and under it the field's issue (red/orange) or hint (grey).
/// Puts the terminal cursor on the focused text field, so an IME window follows it.
pub fn form(frame: &mut Frame<'_>, app: &App, form: &Form, area: Rect, label_width: u16) {
    let note_w = usize::from(area.width.saturating_sub(label_width).max(10));
    let notes: Vec<Vec<Line<'static>>> = form
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| field_note(app, f, i == form.focus, note_w))
        .collect();
    let heights: Vec<u16> = notes
        .iter()
        .map(|n| 1 + u16::try_from(n.len().max(1)).unwrap_or(u16::MAX))
        .collect();
    // When the notes make the form taller than its box, it scrolls so the focused field and
    // its whole note are in view.
    let mut top = 0;
    while top < form.focus
        && heights[top..=form.focus.min(heights.len().saturating_sub(1))]
            .iter()
            .map(|h| u32::from(*h))
            .sum::<u32>()
            > u32::from(area.height)
    {
        top += 1;
    }
    let mut y = area.y;
    for (i, f) in form.fields.iter().enumerate().skip(top) {
        if y >= area.bottom() {
            break;
        }
        let row = &Rect {
            y,
            height: heights[i].min(area.bottom() - y),
            ..area
        };
        y = y.saturating_add(heights[i]);
        let focused = i == form.focus;
        let [label_area, input_area] =
            Layout::horizontal([Constraint::Length(label_width), Constraint::Min(10)])
                .areas(Rect { height: 1, ..*row });
        let marker = if focused { "> " } else { "  " };
        let label = fit(
            &format!("{marker}{}", app.t(f.label)),
            usize::from(label_width),
        );
        let label_style = if focused {
            theme::title()
        } else {
            Style::new()
        };
        frame.render_widget(Paragraph::new(Span::styled(label, label_style)), label_area);
        let input_w = usize::from(input_area.width.saturating_sub(1));
        match &f.kind {
            FieldKind::Text | FieldKind::Password => {
                let shown = if f.kind == FieldKind::Password {
                    "*".repeat(f.input.value().chars().count())
                } else {
                    f.input.value().to_string()
                };
                let visual_cursor = if f.kind == FieldKind::Password {
                    f.input.cursor()
                } else {
                    f.input.visual_cursor()
                };
                // Columns, by grapheme and display width (tui-input's own measure): the
                // terminal cursor, which the IME follows, goes right after the text.
                let (visible, scroll) = skip_columns(
                    &shown,
                    visual_cursor.saturating_sub(input_w.saturating_sub(1)),
                );
                let style = if focused {
                    theme::input().add_modifier(Modifier::BOLD)
                } else {
                    theme::input()
                };
                frame.render_widget(
                    Paragraph::new(Span::styled(
                        drawable(&fit(&visible, input_w)).into_owned(),
                        style,
                    )),
                    input_area,
                );
                if focused && app.overlay.is_none() {
                    let x = input_area.x
                        + u16::try_from(visual_cursor.saturating_sub(scroll)).unwrap_or(0);
                    frame.set_cursor_position((
                        x.min(input_area.right().saturating_sub(1)),
                        input_area.y,
                    ));
                }
            }
            FieldKind::Choice { options, selected } => {
                // When the options do not fit, a window around the selected one, with ‹ › marks.
                let w = |j: usize| width(app.t(options[j].1)) + 3;
                let avail = usize::from(input_area.width).saturating_sub(4);
                let (mut lo, mut hi) = (*selected, *selected + 1);
                let mut used = w(*selected);
                while lo > 0 || hi < options.len() {
                    if hi < options.len() && used + w(hi) <= avail {
                        used += w(hi);
                        hi += 1;
                    } else if lo > 0 && used + w(lo - 1) <= avail {
                        lo -= 1;
                        used += w(lo);
                    } else {
                        break;
                    }
                }
                let mut spans = Vec::new();
                if lo > 0 {
                    spans.push(Span::styled("‹ ", theme::dim()));
                }
                for (j, (_, m)) in options.iter().enumerate().take(hi).skip(lo) {
                    let style = if j == *selected {
                        theme::focused()
                    } else {
                        theme::dim()
                    };
                    spans.push(Span::styled(format!(" {} ", app.t(*m)), style));
                    spans.push(Span::raw(" "));
                }
                if hi < options.len() {
                    spans.push(Span::styled("›", theme::dim()));
                }
                frame.render_widget(Paragraph::new(Line::from(spans)), input_area);
            }
            FieldKind::Flags {
                options,
                on,
                cursor,
            } => {
                let mut spans = Vec::new();
                for (j, ((_, m), on)) in options.iter().zip(on).enumerate() {
                    let mark = if *on { "[x]" } else { "[ ]" };
                    let style = if focused && j == *cursor {
                        theme::focused()
                    } else {
                        Style::new()
                    };
                    spans.push(Span::styled(format!("{mark}{}", app.t(*m)), style));
                    spans.push(Span::raw(" "));
                }
                frame.render_widget(Paragraph::new(Line::from(spans)), input_area);
            }
        }
        let note_area = Rect {
            x: input_area.x,
            y: row.y + 1,
            width: input_area.width,
            height: row.height.saturating_sub(1),
        };
        if row.height < 2 {
            continue;
        }
        frame.render_widget(Paragraph::new(notes[i].clone()), note_area);
    }
}

/// The note under a field, wrapped to `width` by display width (issue 15 item 5: a long rule
/// or example is shown whole on as many rows as it takes): its first issue with a mark as well
/// as the colour (errors and warnings read apart on a monochrome terminal or to a colour-blind
/// clerk), else the focused field's hint.
fn field_note(
    app: &App,
    f: &crate::app::form::Field,
    focused: bool,
    width: usize,
) -> Vec<Line<'static>> {
    let line = match f.issues.first() {
        Some((Severity::Error, t)) => {
            Line::from(Span::styled(format!("{ERROR_MARK}{t}"), theme::error()))
        }
        Some((Severity::Warning, t)) => {
            Line::from(Span::styled(format!("{WARNING_MARK}{t}"), theme::warning()))
        }
        None => match (focused, f.hint) {
            (true, Some(h)) => Line::from(Span::styled(app.t(h).to_string(), theme::dim())),
            _ => return Vec::new(),
        },
    };
    wrap_words(&line, width, 0)
}

/// The rows `form` takes at `width` columns with its notes wrapped (for a box sized to it).
#[must_use]
pub fn form_height(app: &App, form: &Form, width: u16, label_width: u16) -> u16 {
    let note_w = usize::from(width.saturating_sub(label_width).max(10));
    form.fields
        .iter()
        .enumerate()
        .map(|(i, f)| {
            1 + u16::try_from(field_note(app, f, i == form.focus, note_w).len().max(1))
                .unwrap_or(u16::MAX)
        })
        .fold(0u16, u16::saturating_add)
}

/// Drops the first `cols` display columns (for a field scrolled to its cursor).
/// `s` less its first `cols` columns, whole graphemes only (a wide one on the edge goes
/// too), and how many columns went.
fn skip_columns(s: &str, cols: usize) -> (String, usize) {
    let mut used = 0;
    let rest = s
        .graphemes(true)
        .skip_while(|g| {
            if used >= cols {
                return false;
            }
            used += width_of(g);
            true
        })
        .collect();
    (rest, used)
}

/// A centred rectangle of at most `w`×`h` inside `area`.
#[must_use]
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Clears `r` for a popup. A double-width character starting just left of `r` would hide the
/// popup's left border under its second half (the terminal draws it whole, and ratatui skips
/// the covered cell): it is blanked, as half a character cannot be shown.
pub fn clear_popup(frame: &mut Frame<'_>, r: Rect) {
    frame.render_widget(Clear, r);
    if r.x == 0 {
        return;
    }
    let buf = frame.buffer_mut();
    for y in r.top()..r.bottom() {
        let cell = &mut buf[(r.x - 1, y)];
        if width(cell.symbol()) > 1 {
            cell.set_symbol(" ");
        }
    }
}

/// A dialog: wide enough for its title (up to the screen), its lines wrapped by display width,
/// and the answer line always shown last (issue 15 item 5): when the lines do not fit the
/// screen, they are cut and the cut marked with …, never the answer.
fn dialog(
    frame: &mut Frame<'_>,
    app: &App,
    title: &str,
    lines: &[Line<'_>],
    answer: Line<'_>,
    area: Rect,
) {
    const MIN_W: usize = 64;
    let max_w = usize::from(area.width.saturating_sub(2)).max(20);
    // The title sits in the border between "┌ " and " ┐".
    let w = (width(title) + 6).max(MIN_W).min(max_w);
    let inner_w = w - 4;
    let title_fits = width(title) + 6 <= w;
    let mut rows: Vec<Line<'static>> = Vec::new();
    if !title_fits {
        // Too long for the border even at full width: said whole inside.
        rows.extend(wrap_words(
            &Line::from(Span::styled(title.to_string(), theme::title())),
            inner_w,
            0,
        ));
    }
    for l in lines {
        rows.extend(wrap_words(l, inner_w, 2));
    }
    let mut tail = vec![Line::from("")];
    tail.extend(wrap_words(&answer, inner_w, 0));
    let room = usize::from(area.height.saturating_sub(4)).saturating_sub(tail.len());
    if rows.len() > room {
        rows.truncate(room.max(1));
        if let Some(last) = rows.last_mut() {
            let text = format!("{}…", last.to_string().trim_end());
            *last = Line::from(ellipsize(&text, inner_w));
        }
    }
    rows.extend(tail);
    let h = u16::try_from(rows.len())
        .unwrap_or(u16::MAX)
        .saturating_add(4);
    let r = centered(area, u16::try_from(w).unwrap_or(u16::MAX), h);
    clear_popup(frame, r);
    let shown = if title_fits {
        title.to_string()
    } else {
        ellipsize(title, w.saturating_sub(6))
    };
    let b = block(app, &shown);
    let inner = b.inner(r);
    frame.render_widget(b, r);
    frame.render_widget(
        Paragraph::new(rows),
        inner.inner(ratatui::layout::Margin::new(1, 1)),
    );
}

pub fn confirm(frame: &mut Frame<'_>, app: &App, title: &str, lines: &[String], area: Rect) {
    let ls: Vec<Line<'_>> = lines.iter().map(|l| Line::from(l.as_str())).collect();
    let answer = Line::from(vec![
        Span::styled(" Y ", theme::key()),
        Span::raw(format!(" {}   ", app.t(Msg::KeyYes))),
        Span::styled(" N ", theme::key()),
        Span::raw(format!(" {}", app.t(Msg::KeyNo))),
    ]);
    dialog(frame, app, title, &ls, answer, area);
}

pub fn notice(frame: &mut Frame<'_>, app: &App, title: &str, lines: &[String], area: Rect) {
    let ls: Vec<Line<'_>> = lines.iter().map(|l| Line::from(l.as_str())).collect();
    let answer = Line::from(vec![
        Span::styled(" Enter ", theme::key()),
        Span::raw(format!(" {}", app.t(Msg::KeyClose))),
    ]);
    dialog(frame, app, title, &ls, answer, area);
}

/// The help box: as tall as the body, 76 columns (inside its border, 74).
fn help_inner(area: Rect) -> Rect {
    block_inner(centered(area, 76, area.height))
}

fn block_inner(r: Rect) -> Rect {
    r.inner(ratatui::layout::Margin::new(1, 1))
}

/// The help's rows at `width`: the screen's own keys (a key column, the label wrapped under
/// itself), the screen's help text, and the editing keys only where there is a field to type
/// in (issue 15 item 11).
#[must_use]
pub fn help_rows(app: &App, cols: usize) -> Vec<Line<'static>> {
    const KEYS: usize = 22;
    let mut rows = Vec::new();
    // The menu's number keys are one row, as many as the signed-in roles' menu has.
    let menu = crate::app::home::items(app).len();
    let mut menu_done = false;
    for b in app
        .screen_bindings()
        .iter()
        .filter(|b| app.may_act(b.action))
    {
        let keys = if let keymap::Action::Menu(_) = b.action {
            if menu_done {
                continue;
            }
            menu_done = true;
            if menu > 1 {
                format!("1〜{menu}")
            } else {
                "1".to_string()
            }
        } else {
            let keys: Vec<String> = b.keys.iter().map(|k| k.label()).collect();
            keys.join(" / ")
        };
        let label = if let keymap::Action::Menu(_) = b.action {
            app.t(Msg::KeyMenuItem)
        } else {
            app.t(b.label)
        };
        let line = if width(&keys) < KEYS {
            Line::from(vec![
                Span::styled(fit(&keys, KEYS), theme::title()),
                Span::raw(label.to_string()),
            ])
        } else {
            Line::from(vec![
                Span::styled(keys, theme::title()),
                Span::raw(format!("  {label}")),
            ])
        };
        rows.extend(wrap_words(&line, cols, KEYS));
    }
    let prose = |text: &str, rows: &mut Vec<Line<'static>>| {
        rows.push(Line::from(""));
        for l in text.lines() {
            rows.extend(wrap_words(&Line::from(l.to_string()), cols, 2));
        }
    };
    prose(app.t(app.screen.help()), &mut rows);
    if app.has_input() {
        prose(app.t(Msg::HelpEditing), &mut rows);
    }
    rows
}

/// How far the help scrolls at a terminal of `size` (columns, rows).
#[must_use]
pub fn help_max_scroll(app: &App, (w, h): (u16, u16)) -> u16 {
    // The body is the terminal less the header, message and hint rows.
    let body = Rect::new(0, 1, w, h.saturating_sub(3));
    let inner = help_inner(body);
    max_scroll(
        help_rows(app, usize::from(inner.width)).len(),
        usize::from(inner.height),
    )
}

/// F1 / ? : every key of the screen underneath, then the screen's help text, wrapped by
/// display width, with a mark when it scrolls.
pub fn help(frame: &mut Frame<'_>, app: &App, scroll: u16, area: Rect) {
    let r = centered(area, 76, area.height);
    clear_popup(frame, r);
    let b = block(app, app.t(Msg::HelpTitle));
    frame.render_widget(b, r);
    let inner = help_inner(area);
    let rows = help_rows(app, usize::from(inner.width));
    scrolled(frame, app, rows, inner, scroll);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn wrap_never_puts_a_double_width_character_past_the_last_column() {
        let l = vec![Line::from(vec![
            Span::raw("ab"),
            Span::styled("全角カナ", theme::error()),
        ])];
        let w = wrap_lines(l, 5);
        assert_eq!(texts(&w), ["ab全", "角カ", "ナ"]);
        assert!(w.iter().all(|l| l.width() <= 5));
        // Each piece keeps its style.
        assert_eq!(w[1].spans[0].style, theme::error());
        assert_eq!(texts(&wrap_lines(vec![Line::from("")], 5)), [""]);
        // A list item continues under its text.
        let w = wrap_lines(vec![Line::from("  ・全角カナ")], 8);
        assert_eq!(texts(&w), ["  ・全角", "    カナ"]);
    }

    #[test]
    fn wrap_words_keeps_ascii_words_whole_and_punctuation_with_its_text() {
        let w = wrap_words(&Line::from("次のページは PgDn で見ます"), 16, 0);
        assert_eq!(texts(&w), ["次のページは", "PgDn で見ます"]);
        // 「。」 never starts a row.
        let w = wrap_words(&Line::from("あいうえお。かきくけこ"), 10, 0);
        assert_eq!(texts(&w), ["あいうえ", "お。", "かきくけこ"]);
        // Prose breaks after its punctuation near the row's end, not inside a word.
        let w = wrap_words(
            &Line::from("一覧ごとの件数、本日の処理件数、最古の案件、メールの状況"),
            48,
            0,
        );
        assert_eq!(
            texts(&w),
            [
                "一覧ごとの件数、本日の処理件数、最古の案件、",
                "メールの状況"
            ]
        );
        // Continuations indented; nothing wider than the width, double-width included.
        let w = wrap_words(&Line::from("a 全角の説明がとても長い行"), 12, 2);
        assert!(w.iter().all(|l| l.width() <= 12), "{:?}", texts(&w));
        assert!(texts(&w)[1..].iter().all(|t| t.starts_with("  ")));
        let joined: String = texts(&w).concat().split_whitespace().collect();
        assert_eq!(joined, "a全角の説明がとても長い行");
        // A word longer than a row is cut where it must be; an address at its dots or '@'.
        let w = wrap_words(&Line::from("abcdefghij"), 4, 0);
        assert_eq!(texts(&w), ["abcd", "efgh", "ij"]);
        let w = wrap_words(&Line::from("「saiyou.tantou@example.co.jp」"), 18, 0);
        assert_eq!(texts(&w), ["「saiyou.tantou", "@example.co.jp」"]);
        assert_eq!(texts(&wrap_words(&Line::from(""), 5, 0)), [""]);
    }
}

//! What inputs are made of: pieces that reach the parsers' edges, random texts of them, values
//! near a valid one, and a form's fields joined into one input.

use rand::Rng;
use rand::rngs::StdRng;

/// Pieces that inputs are made of: the characters parsers treat specially.
pub(crate) const PIECES: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    "\"",
    ":",
    ",",
    "\\",
    "\\u0000",
    "\\u001b[2J",
    "\\ud800",
    "\u{1b}",
    "\u{1b}[31m",
    "\u{1b}]0;title\u{7}",
    "\u{9b}2J",
    "\u{85}",
    "\u{0}",
    "\u{7}",
    "\u{8}",
    "\u{7f}",
    "\u{202a}",
    "\u{202e}",
    "\u{2066}",
    "\u{2069}",
    "\u{200b}",
    "\u{feff}",
    "\u{2028}",
    "\u{3099}",
    "\u{ff9e}",
    "\r",
    "\n",
    "\r\n",
    "\t",
    " ",
    "　",
    "-",
    "ー",
    "－",
    "‐",
    "―",
    "・",
    "･",
    "ﾞ",
    "ﾟ",
    "ｶ",
    "ガ",
    "が",
    "ア",
    "ゔ",
    "漢",
    "𠮷",
    "1",
    "１",
    "0",
    "9",
    "９",
    "/",
    "年",
    "月",
    "日",
    "H",
    "R",
    "S",
    "T",
    "M",
    "平成",
    "令和",
    "昭和",
    "元",
    ".",
    "@",
    "＠",
    "..",
    "a",
    "Z",
    "é",
    "😀",
    "null",
    "true",
    "12345678901234567890",
    "-1",
    "1e400",
    "\"event_id\":\"x\"",
    "\"occurred_at\":\"2026-04-01T10:00:00+09:00\"",
    "\"type\":\"job.submitted\"",
    "\"type\":\"password.requested\"",
    "\"type\":\"account.self_registered\"",
    "\"email\":\"a@b.co\"",
    "\"job\":{",
    "\"establishment\":{",
    "\"wage\":{\"kind\":\"hourly\",\"min\":",
    "\"birth_date\":\"",
    "[office]",
    "[smtp]",
    "[mail]",
    "[review]",
    "code = ",
    "name = \"",
    "host = \"",
    "port = 99999",
    "=",
    "#",
    "permanent error (",
    "transient error (",
    "550",
    "452",
    "5.7.1",
    "(os error 11)",
    "spooled ",
    "publickey ",
    "ssh-ed25519 ",
    "AAAAC3NzaC1lZDI1NTE5AAAA",
    "ssh:",
    "192.0.2.1 5555 22",
    "--",
    "--as",
    "--json",
    "--db",
    "date,name",
];

/// A random text made of [`PIECES`], now and then very long.
pub(crate) fn input(rng: &mut StdRng) -> String {
    let n = match rng.random_range(0..10) {
        0 => rng.random_range(200..4000),
        _ => rng.random_range(0..40),
    };
    (0..n)
        .map(|_| PIECES[rng.random_range(0..PIECES.len())])
        .collect()
}

/// A value near one of `good`: as it is, with pieces put in or cut out, or any random text.
pub(crate) fn near(rng: &mut StdRng, good: &[&str]) -> String {
    if good.is_empty() || rng.random_range(0..4) == 0 {
        return input(rng);
    }
    let mut s: Vec<char> = good[rng.random_range(0..good.len())].chars().collect();
    for _ in 0..rng.random_range(0..4) {
        let at = rng.random_range(0..=s.len());
        match rng.random_range(0..3) {
            0 => {
                let p: Vec<char> = PIECES[rng.random_range(0..PIECES.len())].chars().collect();
                s.splice(at..at, p);
            }
            1 if at < s.len() => {
                let end = rng.random_range(at..=s.len());
                s.drain(at..end);
            }
            _ => {
                let c = s.get(at).copied().unwrap_or('x');
                s.splice(at..at, std::iter::repeat_n(c, rng.random_range(1..200)));
            }
        }
    }
    s.into_iter().collect()
}

/// Fields of one form input, joined by U+001E (no piece holds it).
const SEP: char = '\u{1e}';

pub(crate) fn fields(s: &str) -> Vec<&str> {
    s.split(SEP).collect()
}

pub(crate) fn join(v: &[String]) -> Vec<u8> {
    v.join(&SEP.to_string()).into_bytes()
}

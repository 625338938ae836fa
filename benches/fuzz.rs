//! Fuzzing every parser that takes outside input (issue 17, "go further"): interchange lines,
//! the configuration file, every form field's rule, typed dates, e-mail addresses, kana, auth
//! keys, and the SMTP replies the outbox stores. Each target gets random inputs built from
//! pieces that reach its edges (JSON fragments, full-width and half-width forms, era names,
//! control characters, bidi overrides, very long runs) for `FUZZ_SECONDS` seconds (600 in a
//! benchmark run, 1 as a smoke run under the test runner), and any panic is a failure.
//! Run: `FUZZ_SECONDS=600 cargo bench --bench fuzz` (each target in turn).
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Pieces that inputs are made of: the characters parsers treat specially.
const PIECES: &[&str] = &[
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
    "\u{1b}",
    "\u{0}",
    "\u{7f}",
    "\u{202e}",
    "\u{2066}",
    "\u{feff}",
    "\r",
    "\n",
    "\t",
    " ",
    "　",
    "-",
    "ー",
    "－",
    "‐",
    "・",
    "･",
    "ﾞ",
    "ﾟ",
    "ｶ",
    "ガ",
    "が",
    "ア",
    "漢",
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
    "code = ",
    "host = \"",
    "port = 99999",
    "=",
    "#",
    "permanent error (",
    "transient error (",
    "550",
    "452",
    "(os error 11)",
    "spooled ",
];

fn input(rng: &mut StdRng) -> String {
    let n = match rng.random_range(0..10) {
        0 => rng.random_range(200..4000),
        _ => rng.random_range(0..40),
    };
    (0..n)
        .map(|_| PIECES[rng.random_range(0..PIECES.len())])
        .collect()
}

type Target = (&'static str, fn(&str));

fn targets() -> Vec<Target> {
    use madoguchi::domain::{authkey, date, email, interchange, kana, numbers};
    vec![
        ("interchange line", |s| {
            let _ = interchange::parse_line(s.as_bytes());
        }),
        ("configuration", |s| {
            let _ = madoguchi::config::Config::parse(s, Path::new("fuzz.toml"));
        }),
        ("typed date", |s| {
            let _ = date::parse(s);
        }),
        ("e-mail", |s| {
            let _ = email::Email::parse(s);
            let _ = email::lookup_key(s);
        }),
        ("kana", |s| {
            let _ = kana::normalize_kana(s);
            let _ = kana::search_key(s);
        }),
        ("numbers", |s| {
            let _ = numbers::establishment_number(s);
            let _ = numbers::corporate_number(s);
            let _ = numbers::five_eight_number(s);
            let _ = numbers::postal_code(s);
            let _ = numbers::phone(s);
        }),
        ("auth key", |s| {
            let _ = authkey::normalize_input(s);
            let _ = authkey::mask_keys(s);
        }),
        ("SMTP reply", |s| {
            let _ = madoguchi::i18n::delivery::explain(madoguchi::i18n::Lang::Ja, s);
        }),
        ("terminal text", |s| {
            let out = madoguchi::domain::text::sanitize(s, true);
            assert!(
                !out.chars()
                    .any(|c| c == '\u{1b}' || c == '\u{0}' || c == '\u{202e}'),
                "a control or bidi character survived: {out:?}"
            );
        }),
    ]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let full = args.iter().any(|a| a == "--bench");
    let secs: u64 = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if full { 600 } else { 1 });
    // A panic is counted, not printed a million times.
    std::panic::set_hook(Box::new(|_| {}));
    let mut failed = 0;
    for (name, f) in targets() {
        let mut rng = StdRng::seed_from_u64(0x6d61_646f);
        let (start, mut runs, mut panics) = (Instant::now(), 0u64, Vec::new());
        while start.elapsed() < Duration::from_secs(secs) {
            let s = input(&mut rng);
            if std::panic::catch_unwind(|| f(&s)).is_err() && panics.len() < 3 {
                panics.push(s);
            }
            runs += 1;
        }
        println!(
            "fuzz {name}: {runs} inputs in {} s, {} panics",
            secs,
            panics.len()
        );
        for p in &panics {
            println!("  panicked on {p:?}");
        }
        failed += panics.len();
    }
    assert_eq!(failed, 0, "parsers panicked");
}

//! Fuzzing every parser that takes outside input (issue 17, "go further"): interchange lines and
//! the whole import line path (parse, field rules, payload; and the same lines imported into a
//! database), the configuration file, every form field's rule (counter registration, the
//! establishment and job-offer fields, the staff admin fields, closure reasons, the ID-change
//! and identity-check fields, review texts, lookup keys), typed dates, e-mail addresses, kana,
//! numbers, auth keys, the SMTP replies the outbox stores, the command line, the calendar and
//! minimum-wage tables an office updates, the SSH identity, mail templates filled with
//! outside text, and the terminal sanitiser.
//!
//! Inputs are built from pieces that reach the parsers' edges (JSON fragments, full-width and
//! half-width forms, era names, control characters, bidi overrides, very long runs); structured
//! targets mutate valid samples (the example interchange file and a `gen` stream) field by field
//! and byte by byte. Every target runs on its own thread for `FUZZ_SECONDS` of wall time (600 in
//! a benchmark run, so a full run takes about ten minutes; 1 as the smoke test the test runner
//! runs), and any panic is a failure.
//!
//! Run: `FUZZ_SECONDS=600 cargo bench --bench fuzz`.
#![allow(clippy::unwrap_used)]

#[path = "../common/mod.rs"]
mod common;

mod events;
mod forms;
mod outside;
mod pieces;

use std::path::Path;
use std::time::{Duration, Instant};

use rand::SeedableRng;
use rand::rngs::StdRng;

use events::{event_batch, event_line, import_into_db, import_line};
use forms::{
    admin_form, counter_form, establishment_form, gen_admin, gen_counter, gen_establishment,
    gen_job, gen_register, job_form, register_form,
};
use outside::{
    command_line, gen_args, gen_config, gen_ssh, gen_tables, mail_text, ssh_identity, tables, text,
};

struct Target {
    name: &'static str,
    make: fn(&mut StdRng) -> Vec<u8>,
    run: fn(&[u8]),
}

fn str_of(b: &[u8]) -> &str {
    std::str::from_utf8(b).unwrap()
}

fn targets() -> Vec<Target> {
    use madoguchi::domain::{authkey, date, email, interchange, kana, numbers};
    let t = |name, make, run| Target { name, make, run };
    vec![
        t("interchange line", event_line, |b| {
            let _ = interchange::parse_line(b);
        }),
        t("import line (no database)", event_line, import_line),
        t("import into a database", event_batch, import_into_db),
        t("configuration", gen_config, |b| {
            let _ = madoguchi::config::Config::parse(str_of(b), Path::new("fuzz.toml"));
        }),
        t("counter registration form", gen_register, register_form),
        t(
            "establishment fields",
            gen_establishment,
            establishment_form,
        ),
        t("job-offer fields", gen_job, job_form),
        t("staff and office admin fields", gen_admin, admin_form),
        t(
            "lookup, ID change and review texts",
            gen_counter,
            counter_form,
        ),
        t("command line", gen_args, command_line),
        t("typed date", text, |b| {
            let s = str_of(b);
            let _ = date::parse(s);
            let _ = date::parse_optional(s);
            let _ = madoguchi::cli::date_arg(s);
        }),
        t("e-mail", text, |b| {
            let s = str_of(b);
            let _ = email::Email::parse(s);
            let _ = email::Email::parse_converting(s);
            let _ = email::lookup_key(s);
            let _ = email::key_of_input(s);
            let _ = email::key_of_stored(s);
        }),
        t("kana", text, |b| {
            let s = str_of(b);
            let _ = kana::normalize_kana(s);
            let _ = kana::search_key(s);
            let _ = kana::kana_search_key(s);
        }),
        t("numbers", text, |b| {
            let s = str_of(b);
            let _ = numbers::establishment_number(s);
            let _ = numbers::corporate_number(s);
            let _ = numbers::five_eight_number(s);
            let _ = numbers::postal_code(s);
            let _ = numbers::phone(s);
        }),
        t("auth key", text, |b| {
            let s = str_of(b);
            let n = authkey::normalize_input(s);
            let _ = authkey::is_well_formed(&n);
            let _ = authkey::mask_keys(s);
        }),
        t("SMTP reply", text, |b| {
            let s = str_of(b);
            let _ = madoguchi::i18n::delivery::classify(s);
            for lang in [madoguchi::i18n::Lang::Ja, madoguchi::i18n::Lang::En] {
                let out = madoguchi::i18n::delivery::explain(lang, s);
                let _ = madoguchi::domain::text::sanitize(&out, false);
            }
        }),
        t("calendar and minimum-wage tables", gen_tables, tables),
        t("SSH identity", gen_ssh, ssh_identity),
        t("mail templates and masks", text, mail_text),
        t("terminal text", text, |b| {
            use madoguchi::domain::text::{
                display_width, pad_to_width, sanitize, truncate_to_width,
            };
            let s = str_of(b);
            for keep in [false, true] {
                let out = sanitize(s, keep);
                assert!(
                    !out.chars().any(|c| (c.is_control() && !(keep && c == '\n'))
                        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
                    "a control or bidi character survived: {out:?}"
                );
                let t = truncate_to_width(&out, 17);
                assert!(display_width(&t) <= 17);
                let _ = pad_to_width(&out, 9);
            }
        }),
    ]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    // nextest lists the binary's tests: one smoke test (none among the ignored ones).
    if args.iter().any(|a| a == "--list") {
        if !args.iter().any(|a| a == "--ignored") {
            println!("fuzz_smoke: test");
        }
        return;
    }
    let full = args.iter().any(|a| a == "--bench");
    let secs: u64 = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if full { 600 } else { 1 });
    let _template = events::prepare();
    // A panic is counted, not printed a million times.
    std::panic::set_hook(Box::new(|_| {}));
    let started = Instant::now();
    let threads: Vec<_> = targets()
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            std::thread::spawn(move || {
                let mut rng = StdRng::seed_from_u64(0x6d61_646f ^ (i as u64) << 32);
                let (start, mut runs, mut panics, mut first) =
                    (Instant::now(), 0u64, 0u64, Vec::new());
                while start.elapsed() < Duration::from_secs(secs) {
                    let b = (t.make)(&mut rng);
                    if std::panic::catch_unwind(|| (t.run)(&b)).is_err() {
                        panics += 1;
                        if first.len() < 3 {
                            first.push(String::from_utf8_lossy(&b).into_owned());
                        }
                    }
                    runs += 1;
                }
                (t.name, runs, start.elapsed(), panics, first)
            })
        })
        .collect();
    let mut failed = 0;
    for th in threads {
        let (name, runs, took, panics, first) = th.join().unwrap();
        println!(
            "fuzz {name}: {runs} inputs in {:.0} s, {panics} panics",
            took.as_secs_f64()
        );
        for p in &first {
            println!(
                "  panicked on {:?}",
                p.chars().take(600).collect::<String>()
            );
        }
        failed += panics;
    }
    println!(
        "fuzz: every target on its own thread for {secs} s; {:.0} s of wall time in all",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(failed, 0, "parsers panicked");
}

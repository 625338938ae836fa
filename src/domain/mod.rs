//! Pure business rules and the vocabulary every layer above speaks (states, kinds, codes,
//! refusals as data). Nothing here does I/O or reads the clock: callers pass `now`; nothing
//! here should know a word either: `i18n/` names these types; the job offer's coded choices,
//! the submissions' field values (`field_value`) and the checklist are codes and data, put into
//! words by `i18n::values` and `i18n::labels`. (Still here: the era names `date` reads and a few
//! purpose strings `lookup` stores, which the stored data uses as they are.)
//! Rule ids (R-…) refer to `../shared/SPEC.md`.

pub mod account;
pub mod authkey;
pub mod calendar;
pub mod coded;
pub mod date;
pub mod deadline;
pub mod email;
pub mod establishment;
pub mod field_value;
pub mod ids;
pub mod interchange;
pub mod issue;
pub mod job;
pub mod kana;
pub mod lookup;
pub mod mail;
pub mod mask;
pub mod minwage;
pub mod numbers;
pub mod password;
pub mod queue;
pub mod refusal;
pub mod review;
pub mod staff;
pub mod submission;
pub mod text;
pub mod validate;
pub mod visit;

#[cfg(test)]
mod layers {
    /// Every `.rs` file under `src/<dir>` with a line naming one of `above`, as
    /// `path:line: uses X` (lines holding a quoted `"crate::` are the tests' own lists).
    fn uses_of(dir: &str, above: &[&str]) -> (Vec<String>, usize) {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src")
            .join(dir);
        let mut files = vec![dir];
        let mut found = Vec::new();
        let mut checked = 0;
        while let Some(p) = files.pop() {
            if p.is_dir() {
                for e in std::fs::read_dir(&p).expect("read_dir") {
                    files.push(e.expect("entry").path());
                }
                continue;
            }
            // `tests.rs` files are `#[cfg(test)] mod tests;` of their folder.
            if p.extension().is_none_or(|x| x != "rs") || p.ends_with("tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&p).expect("read");
            for (n, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.contains("\"crate::"))
            {
                for a in above {
                    if line.contains(a) {
                        found.push(format!("{}:{}: uses {a}", p.display(), n + 1));
                    }
                }
            }
            checked += 1;
        }
        (found, checked)
    }

    /// The layers above `i18n/`: neither `domain/` nor `i18n/` may name them.
    const ABOVE_I18N: [&str; 8] = [
        "crate::storage",
        "crate::service",
        "crate::app",
        "crate::ui",
        "crate::tui",
        "crate::cli",
        "crate::mail",
        "crate::r#gen",
    ];

    /// The layers of README.md's "Architecture", checked on the source: domain/ holds the
    /// rules and the vocabulary, with no I/O, so it uses nothing of the layers above it, not
    /// even the words (`i18n/`) or the configuration.
    #[test]
    fn domain_imports_nothing_from_the_layers_above() {
        let mut above = ABOVE_I18N.to_vec();
        above.extend(["crate::config", "crate::i18n"]);
        let (found, checked) = uses_of("domain", &above);
        assert!(found.is_empty(), "{}", found.join("\n"));
        assert!(checked > 15, "{checked} files");
    }

    /// i18n/ puts domain/'s vocabulary into words and knows nothing above it: what a screen,
    /// a use case or a table calls a thing reaches it as a domain type or a code.
    #[test]
    fn i18n_imports_nothing_but_domain() {
        let (found, checked) = uses_of("i18n", &ABOVE_I18N);
        assert!(found.is_empty(), "{}", found.join("\n"));
        assert!(checked > 5, "{checked} files");
    }

    /// i18n/ names domain/'s types with functions of its own, never with methods on them: a
    /// method on a domain type defined in i18n/ (as `Document::parse` by name once was) lets
    /// domain/ call into the words without a `use` line showing it.
    #[test]
    fn i18n_adds_no_methods_to_other_types() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/i18n");
        let mut files = vec![dir];
        let mut texts = Vec::new();
        while let Some(p) = files.pop() {
            if p.is_dir() {
                for e in std::fs::read_dir(&p).expect("read_dir") {
                    files.push(e.expect("entry").path());
                }
                continue;
            }
            texts.push((p.clone(), std::fs::read_to_string(&p).expect("read")));
        }
        let all: String = texts.iter().map(|(_, t)| t.as_str()).collect();
        let own = |name: &str| {
            ["enum ", "struct "].iter().any(|k| {
                all.contains(&format!("{k}{name} ")) || all.contains(&format!("{k}{name}<"))
            })
        };
        let mut found = Vec::new();
        for (p, text) in &texts {
            for (n, line) in text.lines().enumerate() {
                let l = line.trim_start();
                // Trait impls (`impl From<Language> for Lang`) are fine, and so are methods of
                // i18n's own types.
                let Some(rest) = l.strip_prefix("impl ") else {
                    continue;
                };
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !l.contains(" for ") && !own(&name) {
                    found.push(format!("{}:{}: {l}", p.display(), n + 1));
                }
            }
        }
        assert!(found.is_empty(), "{}", found.join("\n"));
        assert!(texts.len() > 5, "{} files", texts.len());
    }

    /// storage/ keeps rows, not words: it names neither the words (`i18n/`) nor anything that
    /// uses it.
    #[test]
    fn storage_imports_neither_words_nor_the_layers_above() {
        let mut above: Vec<&str> = ABOVE_I18N
            .into_iter()
            .filter(|l| *l != "crate::storage")
            .collect();
        above.push("crate::i18n");
        let (found, checked) = uses_of("storage", &above);
        assert!(found.is_empty(), "{}", found.join("\n"));
        assert!(checked > 15, "{checked} files");
    }

    /// The lines of the `.rs` files under `roots` (files or directories) with Japanese text
    /// outside their tests and comments, as `path:line: text`, and how many files were read.
    fn japanese_lines(roots: &[&str]) -> (Vec<String>, usize) {
        // Kana, kanji, full-width forms, and the CJK marks and brackets (「、」「【】」「〜」).
        let japanese = |c: char| matches!(c, '\u{3001}'..='\u{30ff}' | '\u{3400}'..='\u{9fff}' | '\u{ff01}'..='\u{ff9f}');
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files: Vec<_> = roots.iter().map(|r| src.join(r)).collect();
        let (mut found, mut checked) = (Vec::new(), 0);
        while let Some(p) = files.pop() {
            if p.is_dir() {
                for e in std::fs::read_dir(&p).expect("read_dir") {
                    files.push(e.expect("entry").path());
                }
                continue;
            }
            // `tests.rs` files are `#[cfg(test)] mod tests;` of their folder.
            if p.extension().is_none_or(|x| x != "rs") || p.ends_with("tests.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&p).expect("read");
            for (n, line) in text.lines().enumerate() {
                if line.trim_start().starts_with("#[cfg(test)]") {
                    break;
                }
                let code = line.split("//").next().unwrap_or_default();
                if code.chars().any(japanese) {
                    found.push(format!("{}:{}: {}", p.display(), n + 1, line.trim()));
                }
            }
            checked += 1;
        }
        (found, checked)
    }

    /// Issue 19: nothing in storage/ knows a word either: outside its tests and comments, no
    /// Japanese text (notes it stores come from `i18n/` through its callers).
    #[test]
    fn storage_holds_no_japanese_text_outside_tests_and_comments() {
        let (found, checked) = japanese_lines(&["storage"]);
        assert!(found.is_empty(), "{}", found.join("\n"));
        assert!(checked > 15, "{checked} files");
    }

    /// Issue 19 item 2: the job offer's and the establishment's values, the review and its
    /// checklist are codes and data here; their words are `i18n/`'s (`values`, `labels`).
    #[test]
    fn i18n_submission_vocabulary_holds_no_japanese_words() {
        let (found, checked) = japanese_lines(&[
            "domain/job/mod.rs",
            "domain/establishment.rs",
            "domain/field_value.rs",
            "domain/review.rs",
            "domain/submission.rs",
        ]);
        assert!(found.is_empty(), "{}", found.join("\n"));
        assert_eq!(checked, 5);
    }

    /// Issue 19: the words staff read live in `i18n/`, so English mode shows none in Japanese
    /// and a newcomer finds every word in one place. What stays is data, each named here with
    /// why: demo people, stored purposes, company-name prefixes to match, line-break classes.
    #[test]
    fn words_shown_to_staff_live_in_i18n() {
        const DATA: &[(&str, &str)] = &[
            // The demo office's people and cases are data, like an import file.
            ("cli/demo.rs", ""),
            // Purposes recorded in the audit log as typed (R-AUD-1), default for the CLI.
            ("cli/", "default_value = "),
            ("app/review/queues.rs", "REVIEW_PURPOSE"),
            // Text to match in stored data: the mail subject's office prefix, company forms.
            ("ui/screens/mailq.rs", "【ハローワーク】"),
            ("service/lookup/search.rs", "\""),
            // The postal mark typed before a postcode, dropped from a search.
            ("service/lookup/search.rs", "'〒'"),
            // Where Japanese text may break a line (JIS X 4051 classes).
            ("ui/widgets/text.rs", ""),
            // The product's name and the warning mark, the same in both languages.
            ("ui/widgets/mod.rs", "窓口"),
            ("ui/widgets/mod.rs", "！"),
        ];
        let (found, checked) = japanese_lines(&["app", "ui", "cli", "service", "mail", "tui"]);
        let words: Vec<&String> = found
            .iter()
            .filter(|l| {
                !DATA.iter().any(|(file, needle)| {
                    let (path, text) = l.split_once(".rs:").unwrap_or((l, ""));
                    format!("{path}.rs").contains(file) && text.contains(needle)
                })
            })
            .collect();
        let words: Vec<&str> = words.iter().map(|s| s.as_str()).collect();
        assert!(
            words.is_empty(),
            "words outside i18n/:\n{}",
            words.join("\n")
        );
        assert!(checked > 80, "{checked} files");
    }
}

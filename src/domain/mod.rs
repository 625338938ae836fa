//! Pure business rules. Nothing here does I/O or reads the clock: callers pass `now`.
//! Rule ids (R-…) refer to `../shared/SPEC.md`.

pub mod account;
pub mod authkey;
pub mod calendar;
pub mod date;
pub mod deadline;
pub mod email;
pub mod establishment;
pub mod interchange;
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
    /// The layers of ARCHITECTURE.md, checked on the source: domain/ holds the rules and the
    /// vocabulary, with no I/O, so it uses nothing of the layers above it.
    #[test]
    fn domain_imports_nothing_from_the_layers_above() {
        const ABOVE: [&str; 8] = [
            "crate::storage",
            "crate::service",
            "crate::app",
            "crate::ui",
            "crate::tui",
            "crate::cli",
            "crate::mail",
            "crate::config",
        ];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/domain");
        let mut files = vec![dir.clone()];
        let mut checked = 0;
        while let Some(p) = files.pop() {
            if p.is_dir() {
                for e in std::fs::read_dir(&p).expect("read_dir") {
                    files.push(e.expect("entry").path());
                }
                continue;
            }
            if p.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&p).expect("read");
            // (The list above is the only place that names them in quotes.)
            for (n, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.contains("\"crate::"))
            {
                for a in ABOVE {
                    assert!(
                        !line.contains(a),
                        "{}:{}: domain/ uses {a}",
                        p.display(),
                        n + 1
                    );
                }
            }
            checked += 1;
        }
        assert!(checked > 15, "{checked} files");
    }
}

//! Other outside text: the configuration file, the command line, the calendar and
//! minimum-wage tables, the SSH identity, mail templates and masks, and plain text.

use std::collections::BTreeMap;

use madoguchi::domain::mask;
use rand::Rng;
use rand::rngs::StdRng;

use crate::pieces::{fields, input, join, near};

const CONFIG: &str = "[office]\ncode = \"13010\"\nname = \"飯田橋\"\nphone = \"03-1234-5678\"\nopen = \"08:30\"\n[mail]\nfrom = \"iidabashi@example.go.jp\"\nfooter = \"一行目\\n二行目\"\n[smtp]\nhost = \"mail.example.go.jp\"\nport = 587\nusername = \"u\"\npassword_env = \"P\"\n[review]\nreturn_reasons = [\"a\", \"b\"]\n[session]\nidle_lock_minutes = 15\n";

pub(crate) fn gen_config(rng: &mut StdRng) -> Vec<u8> {
    if rng.random() {
        near(rng, &[CONFIG]).into_bytes()
    } else {
        input(rng).into_bytes()
    }
}

/// The command line: clap's parse of typed arguments, its messages shown as `main` shows them.
pub(crate) fn gen_args(rng: &mut StdRng) -> Vec<u8> {
    let words = [
        "account",
        "show",
        "register",
        "mail",
        "list",
        "queue",
        "audit",
        "export",
        "--since",
        "--until",
        "calendar",
        "add",
        "lookup",
        "--phone",
        "review",
        "return",
        "--seen",
        "--json",
        "--lang",
        "ja",
        "en",
        "staff",
        "import",
        "-",
        "--as",
        "--db",
        "--help",
        "2026-04-01",
    ];
    let v: Vec<String> = (0..rng.random_range(0..8))
        .map(|_| {
            if rng.random() {
                words[rng.random_range(0..words.len())].to_string()
            } else {
                near(rng, &words)
            }
        })
        .collect();
    join(&v)
}

pub(crate) fn command_line(b: &[u8]) {
    use clap::Parser;
    let s = std::str::from_utf8(b).unwrap();
    let args = std::iter::once("madoguchi").chain(fields(s).into_iter().filter(|a| !a.is_empty()));
    if let Err(e) = madoguchi::cli::Cli::try_parse_from(args) {
        let shown = madoguchi::domain::text::sanitize(&e.render().to_string(), true);
        assert!(!shown.contains('\u{1b}'), "{shown:?}");
    }
}

const CAL: &str = "date,name\n2026-01-01,元日\n2026-01-12,成人の日\n";
const WAGE: &str = include_str!("../../assets/minimum-wage-jp.csv");

pub(crate) fn gen_tables(rng: &mut StdRng) -> Vec<u8> {
    let head: String = WAGE.lines().take(6).collect::<Vec<_>>().join("\n");
    join(&[
        near(rng, &[CAL]),
        near(rng, &[head.as_str()]),
        near(rng, &["東京都千代田区", "大阪府"]),
    ])
}

pub(crate) fn tables(b: &[u8]) {
    use madoguchi::domain::calendar::Calendar;
    use madoguchi::domain::minwage::MinimumWageTable;
    let s = std::str::from_utf8(b).unwrap();
    let f = fields(s);
    if let Ok(mut c) = Calendar::from_csv(f[0]) {
        let _ = c.extend_from_csv(f[1]);
        let d = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let _ = c.previous_open_day(d);
    }
    if let Ok(t) = MinimumWageTable::from_csv(f[1]) {
        let _ = t.prefecture_of_address(f[2]);
        let _ = t.in_force(13, chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap());
    }
    let mut bundled = MinimumWageTable::bundled().unwrap();
    let _ = bundled.extend_from_csv(f[1]);
    let _ = bundled.prefecture_of_address(f[2]);
}

pub(crate) fn gen_ssh(rng: &mut StdRng) -> Vec<u8> {
    join(&[
        near(rng, &["/dev/pts/3", "pts/0"]),
        near(rng, &["192.0.2.10 50022 22", "2001:db8::1 1 22"]),
        near(
            rng,
            &[
                "publickey ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n",
            ],
        ),
    ])
}

pub(crate) fn ssh_identity(b: &[u8]) {
    let s = std::str::from_utf8(b).unwrap();
    let f = fields(s);
    let id = madoguchi::terminal_id::compose(Some(f[0]), Some(f[1]));
    let _ = madoguchi::terminal_id::key_fingerprint(f[2]);
    let _ = id;
}

/// Every mail template filled with outside text (names, addresses, reasons), and the masks.
pub(crate) fn mail_text(b: &[u8]) {
    use madoguchi::mail::template::{Footer, Template, TemplateError, render};
    let s = std::str::from_utf8(b).unwrap();
    let footer = Footer {
        office_name: s.chars().take(40).collect(),
        sender_address: "iidabashi@example.go.jp".into(),
        phone: String::new(),
        hours: s.into(),
        extra: s.into(),
    };
    for t in Template::ALL {
        let mut vars: BTreeMap<&str, String> = BTreeMap::new();
        for _ in 0..40 {
            match render(t, &vars, &footer) {
                Err(TemplateError::Missing { name, .. }) => {
                    let name: &'static str = Box::leak(name.into_boxed_str());
                    vars.insert(name, s.to_string());
                }
                _ => break,
            }
        }
    }
    let _ = mask::mask_email(s);
    let _ = mask::mask_name(s);
    let _ = mask::mask_digits(s, 4);
    let _ = mask::mask_phone(s);
}

pub(crate) fn text(rng: &mut StdRng) -> Vec<u8> {
    input(rng).into_bytes()
}

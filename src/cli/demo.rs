//! `madoguchi demo`: a throw-away database with an office, staff of every role (known
//! passwords, no forced change) and sample accounts in several states, then the TUI.

use crate::cli::out::outln;
use crate::domain::ids::{StaffId, SubmissionId};
use std::path::PathBuf;

use chrono::{Duration, NaiveDate};

use super::{CliCtx, Exit, Settings, code};
use crate::config::Config;
use crate::domain::account::AccountKind;
use crate::domain::staff::{Role, Roles};
use crate::i18n::cli::{CliMsg, Label, label, msg};
use crate::service::accounts::{self, RegisterInput};
use crate::service::{Ctx, auth, setup, staff};
use crate::storage::{self, Store};

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Only create the database and print the sign-ins
    #[arg(long)]
    pub no_tui: bool,
}

/// Sign-in ID, display name, roles, password.
pub const DEMO_STAFF: [(&str, &str, &[Role], &str); 4] = [
    ("admin", "管理 太郎", &[Role::Admin], "demo-kanri-pass"),
    ("tanaka", "田中 花子", &[Role::Counter], "demo-hanako-pass"),
    (
        "suzuki",
        "鈴木 一郎",
        &[Role::Supervisor],
        "demo-ichiro-pass",
    ),
    ("sato", "佐藤 恵", &[Role::Auditor], "demo-megumi-pass"),
];

/// `--db`, else a fresh folder under the temp dir. `MADOGUCHI_DB` is deliberately ignored:
/// the demo must never write into the real database.
#[must_use]
pub fn db_path(flag: Option<PathBuf>) -> PathBuf {
    flag.unwrap_or_else(|| {
        let nanos = crate::clock::wall_clock().timestamp_subsec_nanos();
        std::env::temp_dir()
            .join(format!("madoguchi-demo-{}-{nanos:09}", std::process::id()))
            .join(crate::paths::DB_FILE)
    })
}

/// # Errors
/// The file already exists (exit 3), or building the database failed.
pub fn run(args: &DemoArgs, s: Settings) -> anyhow::Result<i32> {
    if s.db_path.exists() {
        return Err(Exit::new(code::REFUSED, label(s.lang, Label::DemoRefusesExisting)).into());
    }
    if let Some(dir) = s.db_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let ctx = CliCtx::open(s.clone(), true)?;
    build(&mut ctx.store(), &ctx.config, &ctx.terminal)?;
    let path = ctx.db_path.display().to_string();
    let banner = banner(ctx.lang);
    if ctx.json {
        let staff: Vec<serde_json::Value> = DEMO_STAFF
            .iter()
            .map(|(n, d, r, p)| {
                let roles: Vec<&str> = r.iter().map(|x| x.code()).collect();
                serde_json::json!({"name": n, "display_name": d, "roles": roles, "password": p})
            })
            .collect();
        ctx.print_json(&serde_json::json!({"ok": true, "db": path, "staff": staff}))?;
    } else {
        outln!("{}", msg(ctx.lang, &CliMsg::DemoCreated { path: &path }))?;
        outln!("{banner}")?;
    }
    drop(ctx);
    if args.no_tui {
        return Ok(code::OK);
    }
    super::tui(s, Some(banner))
}

fn banner(lang: crate::i18n::Lang) -> String {
    let mut out = vec![label(lang, Label::DemoStaffHeader).to_string()];
    for (name, display, roles, pw) in DEMO_STAFF {
        let r: Vec<&str> = roles
            .iter()
            .map(|x| crate::i18n::cli::role_label(lang, *x))
            .collect();
        let display = crate::i18n::labels::with_paren(
            lang,
            display,
            crate::i18n::labels::join_list(lang, &r),
        );
        out.push(format!("  {name:<8} {pw:<18} {display}"));
    }
    out.join("\n")
}

fn anyhow_service(e: crate::service::ServiceError) -> anyhow::Error {
    e.into()
}

fn sign_in(store: &mut Store, name: &str, pw: &str, terminal: &str) -> anyhow::Result<Ctx> {
    auth::sign_in(store, name, pw, terminal, crate::clock::now())
        .map(|s| s.ctx)
        .map_err(|e| anyhow::anyhow!("demo sign-in of {name}: {e}"))
}

/// Fills an empty database.
///
/// # Errors
/// Any use case refusing (which would be a bug in the demo data) or a storage failure.
pub fn build(store: &mut Store, cfg: &Config, terminal: &str) -> anyhow::Result<()> {
    let now = crate::clock::now();
    let (admin, admin_display, _, admin_pw) = DEMO_STAFF[0];
    setup::init(
        store,
        &setup::InitInput {
            office_code: "13010",
            office_name: "飯田橋",
            admin_name: admin,
            admin_display_name: admin_display,
            admin_password: admin_pw,
            terminal,
            now,
        },
    )
    .map_err(anyhow_service)?;
    // SPEC §6: a demo is a training database.
    setup::mark_training(store, terminal, now).map_err(anyhow_service)?;
    let admin_ctx = sign_in(store, admin, admin_pw, terminal)?;
    for (name, display, roles, pw) in &DEMO_STAFF[1..] {
        let temp = staff::add(
            store,
            &admin_ctx,
            name,
            display,
            &Roles::new(roles.to_vec()),
        )
        .map_err(anyhow_service)?;
        // The demo's staff sign in with known passwords, so the temporary one is changed
        // here: nobody is forced to change it on the first sign-in.
        let c = sign_in(store, name, &temp, terminal)?;
        auth::change_password(store, &c, &temp, pw, pw).map_err(anyhow_service)?;
    }
    let (clerk, _, _, clerk_pw) = DEMO_STAFF[1];
    let clerk = sign_in(store, clerk, clerk_pw, terminal)?;
    samples(store, cfg, &clerk)?;
    review_samples(store, cfg, terminal, admin_ctx.staff_id)
}

/// Provisional submissions through the real import path (a `gen` stream), then review work
/// across the states: checked, approved with numbers, returned, rejected, claimed, a visit.
fn review_samples(
    store: &mut Store,
    cfg: &Config,
    terminal: &str,
    admin_id: StaffId,
) -> anyhow::Result<()> {
    use crate::r#gen::{GenOptions, generate, prepare_accounts};
    use crate::service::{import, review};
    let now = crate::clock::now();
    let opts = GenOptions {
        establishments: 12,
        jobs: 36,
        accounts: 4,
        seed: 3,
        start: now - chrono::Duration::days(11),
    };
    let keys = prepare_accounts(store, admin_id, &opts)?;
    let mut buf = Vec::new();
    generate(&opts, &keys, &mut buf)?;
    let mut inputs = vec![import::Input {
        name: "demo-events.jsonl".into(),
        reader: Box::new(std::io::Cursor::new(buf)),
        size: None,
    }];
    import::import_events(store, cfg, None, now, &mut inputs, |_| {}).map_err(anyhow_service)?;
    let (clerk, _, _, clerk_pw) = DEMO_STAFF[1];
    let (boss, _, _, boss_pw) = DEMO_STAFF[2];
    let clerk = sign_in(store, clerk, clerk_pw, terminal)?;
    let boss = sign_in(store, boss, boss_pw, terminal)?;
    let ticks: Vec<String> = crate::domain::review::CHECKLIST
        .iter()
        .map(|c| c.code().to_string())
        .collect();
    let ids: Vec<SubmissionId> = (1..=40).map(SubmissionId).collect();
    // Refusals (a visit still required, …) are part of the picture: the step is left out
    // and the sample goes on; what was left out is logged.
    for id in ids.iter().take(12) {
        sample("check", review::check(store, &clerk, *id, &ticks, None));
    }
    for id in ids.iter().take(4) {
        sample(
            "record_visit",
            review::record_visit(store, &clerk, *id, crate::clock::jst_date(now), None),
        );
        sample("approve", review::approve(store, cfg, &boss, *id, None));
    }
    sample(
        "return_item",
        review::return_item(
            store,
            cfg,
            &clerk,
            SubmissionId(13),
            "1",
            "職種名を具体的にしてください",
            None,
        ),
    );
    sample(
        "reject",
        review::reject(store, cfg, &boss, SubmissionId(14), "2", "", None),
    );
    sample(
        "claim",
        review::claim(store, &clerk, SubmissionId(15), None),
    );
    sample(
        "claim",
        review::claim(store, &clerk, SubmissionId(16), None),
    );
    sample(
        "comment",
        review::comment(
            store,
            &clerk,
            SubmissionId(15),
            "事業所に電話で確認予定",
            None,
        ),
    );
    Ok(())
}

/// One step of the sample review work; a step refused (or failing) is logged and left out.
fn sample<T>(step: &str, r: Result<T, crate::service::ServiceError>) {
    if let Err(e) = r {
        tracing::info!(step, "demo sample step left out: {e}");
    }
}

fn employer(email: &str, establishment: &str) -> RegisterInput {
    RegisterInput {
        kind: Some(AccountKind::Employer),
        email: email.into(),
        email_confirm: email.into(),
        establishment_number: establishment.into(),
        // The sample establishments are not in the demo database (an unknown number warns).
        accept_warnings: true,
        ..RegisterInput::default()
    }
}

fn seeker(email: &str, name: &str, kana: &str, birth: &str, number: &str) -> RegisterInput {
    RegisterInput {
        kind: Some(AccountKind::Seeker),
        email: email.into(),
        email_confirm: email.into(),
        birth_date: birth.into(),
        name: name.into(),
        name_kana: kana.into(),
        seeker_number: number.into(),
        ..RegisterInput::default()
    }
}

/// The key as the customer reads it off the queued mail (the only place it exists).
fn key_from_mail(store: &Store, outbox_id: i64) -> Option<String> {
    let body = storage::outbox::body(store.conn(), outbox_id).ok()??;
    let line = body.lines().find(|l| l.contains("認証キー："))?;
    let key = line.split_once('：')?.1.trim();
    Some(key.split_whitespace().next()?.to_string())
}

/// What happened to a sample account after the counter registered it.
enum Then {
    /// The customer has not asked for a key yet.
    Nothing,
    /// The customer asked for a key online (R-KEY-0) five minutes later.
    Request,
    /// … and set a password with it: the My Page is open.
    Activate,
    /// The clerk re-issued a key (R-KEY-3).
    Reissue,
}

fn samples(store: &mut Store, cfg: &Config, clerk: &Ctx) -> anyhow::Result<()> {
    let now = clerk.now;
    let earlier = clerk.at(now - Duration::hours(3));
    let mut free_mail = employer("iidabashi.cafe@gmail.com", "");
    free_mail.accept_warnings = true;
    let list: Vec<(RegisterInput, &Ctx, Then)> = vec![
        (
            employer("info@iidabashi-shoji.co.jp", "1301-999999-9"),
            clerk,
            Then::Nothing,
        ),
        (
            employer("recruit@kagurazaka-kogyo.co.jp", "1301-123456-7"),
            &earlier,
            Then::Request,
        ),
        (
            employer("jinji@korakuen-foods.co.jp", "1301-999999-9"),
            &earlier,
            Then::Activate,
        ),
        (
            employer("sales@ichigaya-denki.co.jp", ""),
            &earlier,
            Then::Reissue,
        ),
        (free_mail, clerk, Then::Nothing),
        (
            seeker(
                "yamada.taro@example.ne.jp",
                "山田 太郎",
                "ヤマダ タロウ",
                "1990-04-01",
                "13010-12345678",
            ),
            clerk,
            Then::Request,
        ),
        (
            seeker(
                "takahashi.yui@example.com",
                "高橋 結衣",
                "タカハシ ユイ",
                "1998-11-23",
                "13010-87654321",
            ),
            &earlier,
            Then::Activate,
        ),
    ];
    for (input, ctx, then) in list {
        let r = match accounts::register(store, cfg, ctx, &input) {
            Ok(r) => r,
            Err(e) => {
                // Sample data only: a rule tightened later must not stop the demo.
                // Masked like every address in the log, sample or not.
                let email = crate::domain::mask::mask_email(&input.email);
                tracing::warn!(%email, "demo sample refused: {e}");
                continue;
            }
        };
        let request = |store: &mut Store| {
            let birth = NaiveDate::parse_from_str(&input.birth_date, "%Y-%m-%d").ok();
            accounts::request_key(store, cfg, ctx.now + Duration::minutes(5), &r.email, birth)
                .map_err(anyhow_service)
        };
        match then {
            Then::Nothing => {}
            Then::Request => {
                request(store)?;
            }
            Then::Activate => {
                let q = request(store)?;
                if let Some(key) = key_from_mail(store, q.mail.outbox_id) {
                    let later = ctx.at(ctx.now + Duration::minutes(20));
                    accounts::activate(store, &later, &r.email, &key).map_err(anyhow_service)?;
                }
            }
            Then::Reissue => {
                let later = clerk.at(now - Duration::minutes(10));
                accounts::reissue_key(store, cfg, &later, r.account_id).map_err(anyhow_service)?;
            }
        }
    }
    Ok(())
}

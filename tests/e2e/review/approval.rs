//! Approving (R-REV-1, R-REV-4) and the recorded visit it waits for (R-VISIT-1).

use madoguchi::config::Config;
use madoguchi::domain::ids::SubmissionId;
use madoguchi::domain::queue::Queue;
use madoguchi::domain::refusal::Refusal;
use madoguchi::domain::review::ReviewRefusal;
use madoguchi::domain::submission::SubmissionState;
use madoguchi::i18n::Lang;
use madoguchi::service::{ServiceError, queue, review};
use madoguchi::storage::{self, Store};

use super::{employer, t, ticks, world};

#[test]
fn r_rev_1_four_eyes_and_approval_of_establishment_with_jobs() {
    let now = t("2026-03-02T01:00:00Z");
    let mut store = Store::open_in_memory().unwrap();
    let w = world(&mut store, now);
    let cfg = Config::default();
    let (acc, es, js) = employer(&mut store, &w, 1, "2026-03-16", 2, now);
    // A supervisor who checks cannot approve what they checked (R-REV-1).
    review::check(&mut store, &w.boss, es, &ticks(), None).unwrap();
    let e = review::approve(&mut store, &cfg, &w.boss, es, None).unwrap_err();
    assert!(
        matches!(
            e,
            ServiceError::Refused(Refusal::Review(ReviewRefusal::ApproverChecked))
        ),
        "{e:?}"
    );
    // A counter clerk may not approve at all; an admin neither.
    assert!(matches!(
        review::approve(&mut store, &cfg, &w.clerk, es, None),
        Err(ServiceError::Denied)
    ));
    assert!(matches!(
        review::approve(&mut store, &cfg, &w.admin, es, None),
        Err(ServiceError::Denied)
    ));
    // R-REV-4: a job without its establishment registered (and that one not approvable here).
    review::check(&mut store, &w.clerk, js[0], &ticks(), None).unwrap();
    let e = review::approve(&mut store, &cfg, &w.boss, js[0], None).unwrap_err();
    assert!(
        matches!(
            e,
            ServiceError::Refused(Refusal::Review(ReviewRefusal::EstablishmentNotRegistered))
        ),
        "{e:?}"
    );
    // Incomplete checklist refused.
    assert!(matches!(
        review::check(&mut store, &w.clerk, js[1], &ticks()[..2], None),
        Err(ServiceError::Invalid(_))
    ));
    // Another supervisor approves the establishment with its checked job: one action.
    let o = review::approve(&mut store, &cfg, &w.boss2, es, None).unwrap();
    assert_eq!(o.registered.len(), 2);
    assert!(o.registered[0].number.starts_with("1301-000001-"));
    assert_eq!(o.registered[1].number, "13010-00000001");
    assert_eq!(
        o.mails,
        vec!["【ハローワーク】本登録完了のお知らせ".to_string()]
    );
    let a = storage::accounts::by_id(store.conn(), acc)
        .unwrap()
        .unwrap();
    assert_eq!(a.state.code(), "opened");
    assert!(a.opened_at.is_some());
    // The second attempt is told who acted first (R-REV-5).
    let e = review::approve(&mut store, &cfg, &w.boss, js[0], None).unwrap_err();
    let msg = madoguchi::i18n::cli::error_message(madoguchi::i18n::Lang::Ja, &e);
    assert_eq!(msg, "yamadaさんが先に処理しました（現在の状態: 本登録）");
    // The job left unchecked is approved later on its own.
    review::check(&mut store, &w.clerk, js[1], &ticks(), None).unwrap();
    let o = review::approve(&mut store, &cfg, &w.boss, js[1], None).unwrap();
    assert_eq!(o.registered[0].number, "13010-00000002");
    // History and detail.
    let d = review::detail(&mut store, &w.clerk, js[1], "本登録審査", Lang::Ja).unwrap();
    assert_eq!(d.state, SubmissionState::Registered);
    assert_eq!(
        d.history
            .iter()
            .map(|h| h.action.as_str())
            .collect::<Vec<_>>(),
        vec!["check", "approve"]
    );
}

/// R-REV-4: approving a job offer whose establishment is checked but not registered registers
/// both in the one action, the establishment first; four-eyes (R-REV-1) holds for both.
#[test]
fn r_rev_4_approving_a_job_registers_its_checked_establishment_in_the_same_action() {
    let now = t("2026-03-02T01:00:00Z");
    let mut store = Store::open_in_memory().unwrap();
    let w = world(&mut store, now);
    let cfg = Config::default();
    let (acc, es, js) = employer(&mut store, &w, 1, "2026-03-16", 1, now);
    review::check(&mut store, &w.clerk, es, &ticks(), None).unwrap();
    // The supervisor who checked the job may not approve it, nor, through it, its establishment.
    review::check(&mut store, &w.boss2, js[0], &ticks(), None).unwrap();
    let e = review::approve(&mut store, &cfg, &w.boss2, js[0], None).unwrap_err();
    assert!(
        matches!(
            e,
            ServiceError::Refused(Refusal::Review(ReviewRefusal::ApproverChecked))
        ),
        "{e:?}"
    );
    let state = |store: &Store, id: SubmissionId| {
        storage::submissions::by_id(store.conn(), id)
            .unwrap()
            .unwrap()
            .state
    };
    assert_eq!(
        state(&store, es),
        SubmissionState::Checked,
        "nothing half done"
    );
    // Another supervisor approves the job: its establishment is registered with it.
    let o = review::approve(&mut store, &cfg, &w.boss, js[0], None).unwrap();
    let numbers: Vec<&str> = o.registered.iter().map(|r| r.number.as_str()).collect();
    assert_eq!(numbers.len(), 2, "{numbers:?}");
    assert!(numbers[0].starts_with("1301-000001-"), "{numbers:?}");
    assert_eq!(numbers[1], "13010-00000001");
    assert_eq!(state(&store, es), SubmissionState::Registered);
    assert_eq!(state(&store, js[0]), SubmissionState::Registered);
    let a = storage::accounts::by_id(store.conn(), acc)
        .unwrap()
        .unwrap();
    assert_eq!(a.state.code(), "opened");
    let approvals = storage::audit::recent(store.conn(), 50)
        .unwrap()
        .iter()
        .filter(|a| a.entry.action == "review.approve")
        .count();
    assert_eq!(approvals, 2, "one audit row per registered item");
}

#[test]
fn r_visit_1_approval_waits_for_the_recorded_visit() {
    let now = t("2026-03-02T01:00:00Z");
    let mut store = Store::open_in_memory().unwrap();
    let w = world(&mut store, now);
    let cfg = Config::default();
    let (_, es, _) = employer(&mut store, &w, 1, "2026-03-16", 0, now);
    review::flag_visit(
        &mut store,
        &w.clerk,
        es,
        "代表者に確認したいことがある",
        None,
    )
    .unwrap();
    let counts = queue::counts(&store, &w.clerk.at(now)).unwrap();
    assert_eq!(counts.iter().find(|c| c.0 == Queue::Visit).unwrap().1, 1);
    review::check(&mut store, &w.clerk, es, &ticks(), None).unwrap();
    let e = review::approve(&mut store, &cfg, &w.boss, es, None).unwrap_err();
    assert!(matches!(
        e,
        ServiceError::Refused(Refusal::Review(ReviewRefusal::VisitRequired))
    ));
    review::record_visit(&mut store, &w.clerk, es, now.date_naive(), None).unwrap();
    review::approve(&mut store, &cfg, &w.boss, es, None).unwrap();
}

/// R-VISIT-1: the visit queue's flag follows the reasons a resubmission brings, and a staff
/// request for a visit outlives reasons that went away.
#[test]
fn r_visit_1_flag_follows_the_reasons_and_the_staff_request() {
    let now = t("2026-03-02T01:00:00Z");
    let mut store = Store::open_in_memory().unwrap();
    let w = world(&mut store, now);
    let (_, _, js) = employer(&mut store, &w, 1, "2026-03-16", 2, now);
    let needed = |store: &Store, id: SubmissionId| -> bool {
        store
            .conn()
            .query_row(
                "SELECT visit_needed FROM submissions WHERE id = ?1",
                [id],
                |r| r.get(0),
            )
            .unwrap()
    };
    let reason = [("first_mypage_offer", "初めて".to_string())];
    for &id in &js {
        assert!(!needed(&store, id));
        storage::submissions::set_visit_reasons(store.conn(), id, &reason).unwrap();
        assert!(needed(&store, id));
    }
    review::flag_visit(&mut store, &w.clerk, js[1], "代表者に確認", None).unwrap();
    for &id in &js {
        storage::submissions::set_visit_reasons(store.conn(), id, &[]).unwrap();
    }
    assert!(!needed(&store, js[0]), "no reason left");
    assert!(needed(&store, js[1]), "the staff request stays");
}

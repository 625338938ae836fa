//! Staff sign-in and roles: lockout (R-AUTH-2), disabled staff (R-AUTH-3), password reset
//! (R-AUTH-4), the auditor (SPEC §1).

use madoguchi::domain::staff::Role;
use madoguchi::service::accounts;
use madoguchi::service::auth::{self, SignInError, SignInFailure};
use madoguchi::service::{ServiceError, audit, staff};

use super::{CLERK_PW, add_staff, employer, env, t0};

#[test]
fn r_auth_2_five_failures_lock_and_an_admin_unlock_is_logged() {
    let mut e = env();
    for _ in 0..5 {
        let r = auth::sign_in(&mut e.store, "tanaka", "wrong-password-x", "t", t0());
        assert!(matches!(
            r,
            Err(SignInError::Refused(SignInFailure::WrongPassword))
        ));
    }
    let r = auth::sign_in(&mut e.store, "tanaka", CLERK_PW, "t", t0());
    assert!(
        matches!(r, Err(SignInError::Refused(SignInFailure::Locked))),
        "locked even with the right password"
    );
    staff::unlock(&mut e.store, &e.admin, "tanaka").expect("unlock");
    let rows = madoguchi::storage::audit::recent(e.store.conn(), 5).expect("audit");
    assert!(
        rows.iter().any(|r| r.entry.action == "staff.unlock"
            && r.entry.subject.as_deref() == Some("staff:tanaka")
            && r.entry.staff_name.as_deref() == Some("admin")),
        "{rows:?}"
    );
    auth::sign_in(&mut e.store, "tanaka", CLERK_PW, "t", t0()).expect("unlocked");
}

#[test]
fn r_auth_3_disabled_staff_cannot_act_in_an_already_open_session() {
    let mut e = env();
    let open = e.clerk.clone();
    staff::disable(&mut e.store, &e.admin, "tanaka").expect("disable");
    let r = accounts::register(&mut e.store, &e.cfg, &open, &employer("x@example.co.jp"));
    assert!(matches!(r, Err(ServiceError::Denied)), "{r:?}");
    let r = auth::sign_in(&mut e.store, "tanaka", CLERK_PW, "t", t0());
    assert!(matches!(
        r,
        Err(SignInError::Refused(SignInFailure::Disabled))
    ));
}

#[test]
fn spec_1_auditor_cannot_register() {
    let mut e = env();
    let auditor = add_staff(
        &mut e.store,
        &e.admin,
        "sato",
        Role::Auditor,
        "auditor-secret-pass",
    );
    let r = accounts::register(&mut e.store, &e.cfg, &auditor, &employer("y@example.co.jp"));
    assert!(matches!(r, Err(ServiceError::Denied)), "{r:?}");
    assert!(
        audit::recent(&e.store, &auditor, 5).is_ok(),
        "auditors read the log"
    );
}

#[test]
fn r_auth_4_after_an_admin_reset_the_password_must_be_changed() {
    let mut e = env();
    let temp = staff::reset_password(&mut e.store, &e.admin, "tanaka").expect("reset");
    assert!(auth::sign_in(&mut e.store, "tanaka", CLERK_PW, "t", t0()).is_err());
    let s = auth::sign_in(&mut e.store, "tanaka", &temp, "t", t0()).expect("temp works");
    assert!(s.must_change_password);
    auth::change_password(
        &mut e.store,
        &s.ctx,
        &temp,
        "brand-new-passphrase",
        "brand-new-passphrase",
    )
    .expect("change");
    let s = auth::sign_in(&mut e.store, "tanaka", "brand-new-passphrase", "t", t0()).expect("new");
    assert!(!s.must_change_password);
}

#[test]
fn r_auth_4_nothing_but_the_password_change_until_it_is_done() {
    let mut e = env();
    let temp = staff::reset_password(&mut e.store, &e.admin, "tanaka").expect("reset");
    let s = auth::sign_in(&mut e.store, "tanaka", &temp, "t", t0()).expect("temp works");
    let err = accounts::register(&mut e.store, &e.cfg, &s.ctx, &employer("a@example.co.jp"))
        .expect_err("refused");
    assert!(matches!(err, ServiceError::Denied), "{err:?}");
}

//! The story every implementation of [`Store`] must pass, told once and run against each store
//! (SQLite and PostgreSQL, each with its own `#[tokio::test]` calling [`story`]). It walks the
//! business transactions in the order the product uses them: seed, sign in (wrong passwords to
//! a lockout, a code, the code exchanged, a resend, a refresh, a stolen refresh token, sign-out), push
//! exactly once (a resend, a reused id, a foreign client, an employee's own later edit), an HR
//! officer's change and the conflict it makes, and the pull that brings it all.
#![allow(clippy::unwrap_used)]

mod common;

use masar_protocol::activity::{Activity, ChangedValue};
use masar_protocol::auth::Role;
use masar_protocol::sync::{
    Change, ContactUpdate, EmploymentUpdate, Mutation, MutationBody, MutationOutcome, MutationResult,
};
use masar_protocol::{EmployeeProfile, NationalAddress};
use masar_server::auth::password;
use masar_server::demo::{DemoData, demo_password, generate};
use masar_server::storage::oidc::{AuthorizationRequest, CodeEntered, Exchanged};
use masar_server::storage::{
    Caller, IssuedTokens, PasswordCheck, PushError, RefreshOutcome, Refusal, Resent, Store, Verified,
};
use masar_server::{Db, SqliteStore};

const SEED: u64 = 7;
const T0: i64 = 1_795_000_000_000;

fn at(now_ms: i64) -> Caller {
    Caller { address: "127.0.0.1".into(), now_ms }
}

fn contact(profile: &EmployeeProfile, mobile: &str) -> MutationBody {
    MutationBody::UpdateContact(ContactUpdate {
        mobile: mobile.into(),
        email: profile.email.clone(),
        address: NationalAddress { ..profile.address.clone() },
    })
}

fn mobile_edit(id: u64, base: u64, profile: &EmployeeProfile, mobile: &str) -> Mutation {
    Mutation { id, base_version: base, fields: vec!["mobile".into()], body: contact(profile, mobile) }
}

fn outcomes(results: &[MutationResult]) -> Vec<MutationOutcome> {
    results.iter().map(|r| r.outcome.clone()).collect()
}

pub async fn story(store: &dyn Store) {
    let data: DemoData = generate(SEED, chrono::Utc::now().date_naive());
    assert!(store.seed_if_empty(data.clone(), SEED).await.unwrap());
    assert!(!store.seed_if_empty(data.clone(), SEED).await.unwrap(), "seeded once, never over data");

    let accounts = store.demo_accounts().await.unwrap();
    assert_eq!(accounts.len(), data.employees.len() + 1);
    assert_eq!(accounts.last().map(|a| a.role), Some(Role::HrOfficer));
    let first = data.employees[0].profile.clone();
    let second = data.employees[1].profile.clone();
    let officer = data.hr_officer.profile.national_id.clone();

    sign_in_story(store, &first, &second).await;
    sync_story(store, &first, &second, &officer).await;

    assert!(!store.opportunities().await.unwrap().is_empty());
    assert!(
        store
            .record(&masar_protocol::NationalId::with_check_digit("111111111").unwrap())
            .await
            .unwrap()
            .is_none()
    );
}

async fn sign_in_story(store: &dyn Store, first: &EmployeeProfile, second: &EmployeeProfile) {
    let id = &first.national_id;
    // A check is reserved before the password is compared; the account's stored hash checks the
    // demo password, and the right password gives its reservation back.
    let PasswordCheck::Check { account: Some((hash, mobile)) } =
        store.reserve_password_check(id, &at(T0)).await.unwrap()
    else {
        panic!("an unlocked ID with an account is checked")
    };
    assert!(password::verify(&demo_password(id), Some(&hash)));
    assert_eq!(mobile, first.mobile);
    password_accepted(store, id, "246810", T0).await;

    // Five checks reserved at once (none settled yet): a sixth is refused before any is judged.
    for n in 1..=5 {
        let check = store.reserve_password_check(id, &at(T0 + n)).await.unwrap();
        assert!(matches!(check, PasswordCheck::Check { .. }), "check {n}: {check:?}");
    }
    let sixth = store.reserve_password_check(id, &at(T0 + 6)).await.unwrap();
    assert!(matches!(sixth, PasswordCheck::Refused { retry_after: 1 }), "{sixth:?}");
    // The five are wrong: the first settled locks the ID for fifteen minutes, the others find it
    // locked.
    for n in 1..=5 {
        let locked = store.password_wrong(id, &at(T0 + 10)).await.unwrap();
        assert_eq!(locked, Some(900), "wrong password {n} is answered with the lock");
    }
    let until = T0 + 10 + 900_000;
    let refused = store.reserve_password_check(id, &at(until - 1_000)).await.unwrap();
    assert!(
        matches!(refused, PasswordCheck::Refused { retry_after: 1 }),
        "one second before the end: {refused:?}"
    );
    let after = store.reserve_password_check(id, &at(until)).await.unwrap();
    assert!(matches!(after, PasswordCheck::Check { .. }), "at the lock's end: {after:?}");

    // Wrong passwords one after the other: the fifth locks, not the fourth.
    let later = until + 1;
    for n in 1..=3 {
        store.reserve_password_check(id, &at(later)).await.unwrap();
        assert_eq!(store.password_wrong(id, &at(later)).await.unwrap(), None, "failure {}", n + 1);
    }
    store.reserve_password_check(id, &at(later)).await.unwrap();
    assert_eq!(store.password_wrong(id, &at(later)).await.unwrap(), Some(900), "the fifth locks");

    // A code: a wrong one counts, the right one signs in once.
    let (request, _) = password_accepted(store, &second.national_id, "482913", T0).await;
    let wrong = entered(store, &request, "000000", T0 + 1).await;
    assert!(matches!(wrong, Verified::Wrong { remaining: 4 }), "{wrong:?}");
    let CodeEntered::Authorized { code, .. } =
        store.authorization_code_entered(&request, BROWSER, "482913", &at(T0 + 2)).await.unwrap()
    else {
        panic!("the right code signs in")
    };
    assert!(matches!(entered(store, &request, "482913", T0 + 3).await, Verified::Invalid));
    // The authorization code is exchanged once, for the employee's session.
    let Exchanged::Issued(session) =
        store.exchange_code(&code, CLIENT, REDIRECT, VERIFIER, &at(T0 + 4)).await.unwrap()
    else {
        panic!("the code is exchanged")
    };
    assert_eq!((&session.national_id, session.role), (&second.national_id, Role::Employee));
    let tokens = session.tokens;
    assert_eq!(tokens.refresh_expires_in, 12 * 60 * 60, "the session ends twelve hours after its sign-in");

    // A refresh rotates; the old refresh token coming back revokes the whole session.
    let RefreshOutcome::Rotated(_, rotated) =
        store.refresh(tokens.refresh.expose(), &at(T0 + 5)).await.unwrap()
    else {
        panic!("a fresh refresh token rotates")
    };
    let stolen = store.refresh(tokens.refresh.expose(), &at(T0 + 7)).await.unwrap();
    assert!(matches!(stolen, RefreshOutcome::Reused(ref id) if *id == second.national_id), "{stolen:?}");
    assert!(matches!(
        store.refresh(rotated.refresh.expose(), &at(T0 + 9)).await.unwrap(),
        RefreshOutcome::Invalid
    ));

    // A resend waits for the cooldown; an abandoned attempt cannot be used.
    let (request, challenge) = password_accepted(store, &second.national_id, "111111", T0 + 100).await;
    let soon = store.resend_code(&challenge, "222222", &at(T0 + 101)).await.unwrap();
    assert!(matches!(soon, Resent::TooSoon { retry_after: 60 }), "{soon:?}");
    let second_before = store.resend_code(&challenge, "222222", &at(T0 + 100 + 59_000)).await.unwrap();
    assert!(matches!(second_before, Resent::TooSoon { retry_after: 1 }), "{second_before:?}");
    let later = T0 + 100 + 60_000;
    let sent = store.resend_code(&challenge, "222222", &at(later)).await.unwrap();
    assert!(matches!(&sent, Resent::Sent { mobile, .. } if *mobile == second.mobile), "{sent:?}");
    assert!(matches!(entered(store, &request, "111111", later + 1).await, Verified::Wrong { .. }));
    store.abandon_challenge(&challenge, &second.national_id, &at(later + 2)).await.unwrap();
    assert!(matches!(entered(store, &request, "222222", later + 3).await, Verified::Invalid));

    // Sign-out ends the session of the refresh token.
    let tokens = signed_in(store, &second.national_id, "333333", later + 10).await;
    store.logout(tokens.refresh.expose(), &at(later + 12)).await.unwrap();
    assert!(matches!(
        store.refresh(tokens.refresh.expose(), &at(later + 13)).await.unwrap(),
        RefreshOutcome::Invalid
    ));

    // Wrong codes are counted across resends, a sign-in gets three new codes, and the fifth wrong
    // code locks the ID: three resends never give fifteen guesses.
    let mut now = later + 1_000_000;
    let (request, challenge) = password_accepted(store, &second.national_id, "400000", now).await;
    for n in 1..=3 {
        let wrong = entered(store, &request, "000000", now + 1).await;
        assert!(
            matches!(wrong, Verified::Wrong { remaining } if remaining == 5 - n),
            "wrong code {n}: {wrong:?}"
        );
        now += 60_000;
        let sent = store.resend_code(&challenge, &format!("40000{n}"), &at(now)).await.unwrap();
        assert!(matches!(sent, Resent::Sent { .. }), "resend {n}: {sent:?}");
    }
    let fourth = store.resend_code(&challenge, "400004", &at(now + 60_000)).await.unwrap();
    assert!(matches!(fourth, Resent::Limit), "{fourth:?}");
    let wrong = entered(store, &request, "000000", now + 60_001).await;
    assert!(matches!(wrong, Verified::Wrong { remaining: 1 }), "{wrong:?}");
    let locked = entered(store, &request, "000000", now + 60_002).await;
    assert!(matches!(locked, Verified::Locked { retry_after: 900 }), "{locked:?}");
    let right_too_late = entered(store, &request, "400003", now + 60_003).await;
    assert!(matches!(right_too_late, Verified::Invalid), "{right_too_late:?}");
    let refused = store.reserve_password_check(&second.national_id, &at(now + 60_004)).await.unwrap();
    assert!(matches!(refused, PasswordCheck::Refused { .. }), "{refused:?}");
}

const CLIENT: &str = "masar-desktop";
const REDIRECT: &str = "http://127.0.0.1:9/callback";
/// The browser's cookie secret: 64 hex characters.
const BROWSER: &str = "0f1e2d3c4b5a69780f1e2d3c4b5a69780f1e2d3c4b5a69780f1e2d3c4b5a6978";
const VERIFIER: &str = "a-pkce-verifier-of-the-story-0123456789-abcdefgh";

/// A sign-in request (PKCE S256 over `VERIFIER`) whose password was right, `code` sent: the
/// request's id and its attempt's.
async fn password_accepted(
    store: &dyn Store,
    id: &masar_protocol::NationalId,
    code: &str,
    now: i64,
) -> (String, String) {
    use base64::Engine;
    use sha2::{Digest, Sha256};
    let code_challenge =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(VERIFIER.as_bytes()));
    let request = AuthorizationRequest {
        client_id: CLIENT.into(),
        redirect_uri: REDIRECT.into(),
        scope: "openid".into(),
        state: None,
        nonce: None,
        code_challenge,
    };
    let request = store.begin_authorization(&request, "ar", BROWSER, &at(now)).await.unwrap();
    let challenge = store.authorization_password_accepted(&request, id, code, &at(now)).await.unwrap();
    (request, challenge)
}

/// Why `code` typed for `request` was refused (it must be).
async fn entered(store: &dyn Store, request: &str, code: &str, now: i64) -> Verified {
    match store.authorization_code_entered(request, BROWSER, code, &at(now)).await.unwrap() {
        CodeEntered::Refused(why) => why,
        CodeEntered::Authorized { .. } => panic!("{code} was expected to be refused"),
    }
}

/// A whole sign-in with `code`: the session's tokens.
async fn signed_in(store: &dyn Store, id: &masar_protocol::NationalId, code: &str, now: i64) -> IssuedTokens {
    let (request, _) = password_accepted(store, id, code, now).await;
    let CodeEntered::Authorized { code, .. } =
        store.authorization_code_entered(&request, BROWSER, code, &at(now + 1)).await.unwrap()
    else {
        panic!("signed in")
    };
    match store.exchange_code(&code, CLIENT, REDIRECT, VERIFIER, &at(now + 2)).await.unwrap() {
        Exchanged::Issued(session) => session.tokens,
        other => panic!("{other:?}"),
    }
}

async fn sync_story(
    store: &dyn Store,
    first: &EmployeeProfile,
    second: &EmployeeProfile,
    officer: &masar_protocol::NationalId,
) {
    let client = "0123456789abcdef0123456789abcdef";
    let me = &first.national_id;
    // Two offline edits of one field on one base: both applied, the last wins.
    let batch = vec![mobile_edit(1, 1, first, "0555000101"), mobile_edit(2, 1, first, "0555000102")];
    let results = store.push(me, client, batch.clone(), &at(T0)).await.unwrap();
    assert_eq!(
        outcomes(&results),
        [MutationOutcome::Applied { version: 2 }, MutationOutcome::Applied { version: 3 }]
    );
    // The same push again (the answer was lost): the stored results, no second effect.
    let again = store.push(me, client, batch, &at(T0 + 1)).await.unwrap();
    assert_eq!(outcomes(&again), outcomes(&results));
    assert!(again.iter().all(|result| result.replayed) && !results.iter().any(|result| result.replayed));
    // An id used before for something else is refused, not applied.
    let reused =
        store.push(me, client, vec![mobile_edit(2, 3, first, "0555000199")], &at(T0 + 2)).await.unwrap();
    assert_eq!(outcomes(&reused), [MutationOutcome::IdReused]);
    // Another employee cannot use this client id.
    let foreign = store
        .push(&second.national_id, client, vec![mobile_edit(1, 1, second, "0555000301")], &at(T0 + 3))
        .await;
    assert!(matches!(foreign, Err(PushError::ForeignClient)), "{foreign:?}");

    // HR changes the employment data, then the mobile: the employee's edit on the older base
    // is a conflict on the mobile only.
    let employment = MutationBody::UpdateEmployment(EmploymentUpdate {
        entity: first.entity.clone(),
        job_title: "مدير إدارة".into(),
    });
    let hr = store.hr_update(officer, me, 3, employment, "قرار ترقية", &at(T0 + 4)).await.unwrap();
    assert_eq!(hr, Ok(Some(MutationOutcome::Applied { version: 4 })));
    let hr = store
        .hr_update(officer, me, 4, contact(first, "0555000400"), "طلب الموظف", &at(T0 + 5))
        .await
        .unwrap();
    assert_eq!(hr, Ok(Some(MutationOutcome::Applied { version: 5 })));
    // The officer's own employment data is another officer's to change.
    let own = MutationBody::UpdateEmployment(EmploymentUpdate {
        entity: first.entity.clone(),
        job_title: "مدير".into(),
    });
    let refused = store.hr_update(officer, officer, 1, own, "ترقية", &at(T0 + 5)).await.unwrap();
    assert_eq!(refused, Err(Refusal::OwnRecord));
    // The employee's trail: HR's two changes, newest first, each value before and after, the
    // reason, and the officer masked; the refusal is in the officer's own trail, not here.
    let trail = store.activity(me, 50).await.unwrap();
    let changed: Vec<_> =
        trail.iter().filter(|e| e.activity == Activity::RecordChanged && !e.by_self).collect();
    assert_eq!(changed.len(), 2, "{trail:?}");
    assert_eq!(
        changed[1].changes,
        [ChangedValue {
            field: "jobTitle".into(),
            before: first.job_title.clone(),
            after: "مدير إدارة".into()
        }]
    );
    assert_eq!(
        (changed[1].reason.as_deref(), changed[0].reason.as_deref()),
        (Some("قرار ترقية"), Some("طلب الموظف"))
    );
    assert_eq!(changed[0].officer, Some(officer.masked()));
    assert!(store.activity(officer, 50).await.unwrap().iter().any(|e| e.activity == Activity::Refused));
    let late =
        store.push(me, client, vec![mobile_edit(3, 4, first, "0555000103")], &at(T0 + 6)).await.unwrap();
    let late = outcomes(&late);
    let [MutationOutcome::Conflict { fields, server, version }] = &late[..] else { panic!("{late:?}") };
    assert_eq!(
        (fields.clone(), server.mobile.as_str(), *version),
        (vec!["mobile".to_owned()], "+966555000400", 5)
    );
    // An employee may not change employment data, whatever the route.
    let mine = MutationBody::UpdateEmployment(EmploymentUpdate { entity: "x".into(), job_title: "y".into() });
    let refused = store
        .push(me, client, vec![Mutation { id: 4, base_version: 5, fields: vec![], body: mine }], &at(T0 + 7))
        .await
        .unwrap();
    assert!(matches!(&outcomes(&refused)[..], [MutationOutcome::Rejected { .. }]), "{refused:?}");
    assert_eq!(
        store
            .hr_update(
                officer,
                &masar_protocol::NationalId::with_check_digit("111111111").unwrap(),
                1,
                contact(first, "0555000401"),
                "تصحيح",
                &at(T0)
            )
            .await
            .unwrap(),
        Ok(None)
    );

    // The pull brings the record as it is now, once, in server order.
    let page = store.pull(me, 0, 100).await.unwrap();
    let [Change::Profile { version, profile, .. }] = &page.changes[..] else { panic!("{page:?}") };
    assert_eq!(
        (*version, profile.mobile.as_str(), profile.job_title.as_str()),
        (5, "+966555000400", "مدير إدارة")
    );
    assert!(!page.has_more && page.cursor > 0);
    assert!(store.pull(me, page.cursor, 100).await.unwrap().changes.is_empty());
    let theirs = store.pull(&second.national_id, 0, 100).await.unwrap();
    let [Change::Profile { version: 1, profile, .. }] = &theirs.changes[..] else { panic!("{theirs:?}") };
    assert_eq!(profile.national_id, second.national_id, "only their own record, untouched");
    assert_eq!(store.record(me).await.unwrap().unwrap().profile.mobile, "+966555000400");
}

#[tokio::test]
async fn the_sqlite_store_passes_the_story() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::new(Db::open(&dir.path().join("masar.db")).await.unwrap());
    story(&store).await;
}

#[tokio::test]
async fn the_postgres_store_passes_the_story() {
    let url = common::postgres_database().await;
    let store = masar_server::postgres::PgStore::new(
        masar_server::postgres::PgDb::connect(&url, common::postgres_ca().as_deref()).await.unwrap(),
    );
    story(&store).await;
}

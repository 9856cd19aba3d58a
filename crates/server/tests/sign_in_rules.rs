//! The sign-in rules on the built-in provider's pages (the only sign-in Masar has), against the
//! real server in-process on 127.0.0.1:0, with a clock the test moves: the lockout, the codes,
//! the rate limit, the sessions and what is stored of them.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

mod common;

use common::{
    ATTEMPT_OVER, Attempt, CODE_FIELD, LOCKED_15_MINUTES, PAUSED, TestServer, WRONG_CREDENTIALS,
    expect_error, refreshed, stranger_id,
};
use masar_protocol::ApiErrorCode;
use masar_protocol::EmployeeRecord;
use masar_server::rules::signin_rows::{self, SigninRows};
use masar_server::sqlite::{SqliteRows, finish};
use masar_server::storage::Caller;
use reqwest::StatusCode;

const UNPROCESSABLE: StatusCode = StatusCode::UNPROCESSABLE_ENTITY;

/// A six-digit code that is not `right`.
fn other_than(right: &str) -> &'static str {
    if right == "000000" { "111111" } else { "000000" }
}

#[tokio::test]
async fn password_then_sms_code_signs_in_and_opens_the_record() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let attempt = t.attempt().await;
    let code_page = attempt.password(account.national_id.as_str(), &account.password).await;
    code_page.says(StatusCode::OK, CODE_FIELD).says(StatusCode::OK, "It is valid for 5 minutes.");
    let back = attempt.code(&t.latest_code(&account).await).await;
    let tokens = attempt.exchange(&back).await;
    assert_ne!(tokens.access_token.expose(), tokens.refresh_token.expose());
    let record: EmployeeRecord = t.record(tokens.access_token.expose()).await.json().await.unwrap();
    assert_eq!(record.profile.national_id, account.national_id);
}

#[tokio::test]
async fn data_needs_a_valid_access_token() {
    let t = TestServer::start().await;
    let no_token = t.http.get(t.url("/v1/me/record")).send().await.unwrap();
    expect_error(no_token, StatusCode::UNAUTHORIZED, ApiErrorCode::Unauthenticated).await;
    let made_up = t.record("0123456789abcdef").await;
    expect_error(made_up, StatusCode::UNAUTHORIZED, ApiErrorCode::Unauthenticated).await;
    let old_header = t
        .http
        .get(t.url("/v1/me/record"))
        .header("x-masar-demo-national-id", t.first_account().await.national_id.as_str())
        .send()
        .await
        .unwrap();
    expect_error(old_header, StatusCode::UNAUTHORIZED, ApiErrorCode::Unauthenticated).await;
    let opportunities = t.http.get(t.url("/v1/opportunities")).send().await.unwrap();
    expect_error(opportunities, StatusCode::UNAUTHORIZED, ApiErrorCode::Unauthenticated).await;
}

#[tokio::test]
async fn masar_has_no_sign_in_of_its_own() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    for path in
        ["/v1/auth/login", "/v1/auth/verify", "/v1/auth/resend", "/v1/auth/refresh", "/v1/auth/logout"]
    {
        let body = serde_json::json!({ "nationalId": account.national_id, "password": account.password });
        assert_eq!(t.post(path, body).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test]
async fn an_unknown_id_is_answered_exactly_like_a_wrong_password() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let attempt = t.attempt().await;
    let wrong_password = attempt.password(account.national_id.as_str(), "not-the-password").await;
    let unknown_id = attempt.password(&stranger_id(), "not-the-password").await;
    let malformed = attempt.password("12345", "not-the-password").await;
    wrong_password.says(UNPROCESSABLE, WRONG_CREDENTIALS);
    for other in [&unknown_id, &malformed] {
        assert_eq!(other.status, wrong_password.status);
        assert_eq!(other.problem(), wrong_password.problem());
    }
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_id_for_fifteen_minutes_known_or_not() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let attempt = t.attempt().await;
    // The README's numbers: five wrong passwords, then 15 minutes.
    for id in [account.national_id.to_string(), stranger_id()] {
        for _ in 1..=4 {
            attempt.password(&id, "wrong").await.says(UNPROCESSABLE, WRONG_CREDENTIALS);
        }
        attempt.password(&id, "wrong").await.says(UNPROCESSABLE, LOCKED_15_MINUTES);
    }
    // Even the right password is refused while locked.
    let id = account.national_id.as_str();
    attempt.password(id, &account.password).await.says(UNPROCESSABLE, LOCKED_15_MINUTES);
    // (A sign-in page lives 15 minutes too: each try after the wait opens a new one.)
    t.advance(900 - 1);
    t.attempt().await.password(id, &account.password).await.says(UNPROCESSABLE, "Try again in 1 minutes.");
    t.advance(1);
    t.attempt().await.password(id, &account.password).await.says(StatusCode::OK, CODE_FIELD);
}

#[tokio::test]
async fn a_wrong_code_says_how_many_tries_are_left_and_the_fifth_locks_the_id() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let attempt = t.attempt().await;
    attempt.password(account.national_id.as_str(), &account.password).await.says(StatusCode::OK, CODE_FIELD);
    let code = t.latest_code(&account).await;
    for remaining in [4, 3, 2, 1] {
        let page = attempt.code(other_than(&code)).await;
        page.says(UNPROCESSABLE, &format!("The verification code is not correct. Tries left: {remaining}."));
    }
    // The fifth wrong code also makes five failures for the ID: the ID locks, the attempt ends.
    attempt.code(other_than(&code)).await.says(UNPROCESSABLE, LOCKED_15_MINUTES);
    // The right code no longer helps: start again.
    attempt.code(&code).await.says(UNPROCESSABLE, ATTEMPT_OVER);
}

#[tokio::test]
async fn a_code_expires_after_five_minutes_and_is_used_only_once() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let id = account.national_id.as_str();

    let attempt = t.attempt().await;
    attempt.password(id, &account.password).await.says(StatusCode::OK, CODE_FIELD);
    let code = t.latest_code(&account).await;
    t.advance(300);
    attempt.code(&code).await.says(UNPROCESSABLE, "The verification code expired. Ask for a new one.");

    let attempt = t.attempt().await;
    attempt.password(id, &account.password).await.says(StatusCode::OK, CODE_FIELD);
    let code = t.latest_code(&account).await;
    assert!(attempt.code(&code).await.signed_in());
    // The request is spent: the same form again finds nothing to sign in to.
    attempt.code(&code).await.says(StatusCode::BAD_REQUEST, "This sign-in request expired");
}

#[tokio::test]
async fn a_new_code_only_after_the_cooldown_and_it_replaces_the_old_one() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let attempt = t.attempt().await;
    attempt.password(account.national_id.as_str(), &account.password).await.says(StatusCode::OK, CODE_FIELD);
    let first_code = t.latest_code(&account).await;

    t.advance(60 - 10);
    attempt.resend().await.says(UNPROCESSABLE, "You can ask for a new code in 10 seconds.");
    t.advance(10);
    attempt.resend().await.says(StatusCode::OK, "A new code was sent to your mobile.");
    let second_code = t.latest_code(&account).await;
    if second_code != first_code {
        attempt.code(&first_code).await.says(UNPROCESSABLE, "The verification code is not correct.");
    }
    assert!(attempt.code(&second_code).await.signed_in());
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_refresh_token_revokes_the_whole_session() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let first = t.sign_in(&account).await;

    let rotated = refreshed(&t, first.refresh_token.expose()).await;
    assert_ne!(rotated.refresh_token.expose(), first.refresh_token.expose());
    assert_eq!(t.record(rotated.access_token.expose()).await.status(), StatusCode::OK);

    // The old refresh token comes back (stolen copy, or a replayed request): revoke everything.
    let reused = t.refresh(first.refresh_token.expose()).await;
    assert_eq!(reused.status(), StatusCode::BAD_REQUEST);
    assert!(reused.text().await.unwrap().contains("invalid_grant"));
    let newest = t.refresh(rotated.refresh_token.expose()).await;
    assert_eq!(newest.status(), StatusCode::BAD_REQUEST, "the newest token of the session is refused too");

    // Another session of the same employee is not touched.
    let other = t.sign_in(&account).await;
    assert_eq!(t.refresh(other.refresh_token.expose()).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_access_token_expires_and_refresh_gives_a_new_one() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let tokens = t.sign_in(&account).await;
    // Fifteen minutes, and the minute of leeway the API gives a clock that runs behind.
    t.advance(15 * 60 + 60 + 1);
    let expired = t.record(tokens.access_token.expose()).await;
    expect_error(expired, StatusCode::UNAUTHORIZED, ApiErrorCode::SessionExpired).await;
    let fresh = refreshed(&t, tokens.refresh_token.expose()).await;
    assert_eq!(t.record(fresh.access_token.expose()).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_revoked_refresh_token_ends_the_session() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let tokens = t.sign_in(&account).await;
    assert_eq!(t.revoke(tokens.refresh_token.expose()).await.status(), StatusCode::OK);
    assert_eq!(t.refresh(tokens.refresh_token.expose()).await.status(), StatusCode::BAD_REQUEST);
    // Revoking twice is harmless (RFC 7009 §2.2).
    assert_eq!(t.revoke(tokens.refresh_token.expose()).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn too_many_sign_in_requests_from_one_address_are_slowed_down() {
    let t = TestServer::start_with(|config| config.auth_requests_per_minute = 3).await;
    let attempt = t.attempt().await;
    for _ in 0..3 {
        attempt.password(&stranger_id(), "x").await.says(UNPROCESSABLE, WRONG_CREDENTIALS);
    }
    let limited = attempt.password(&stranger_id(), "x").await;
    limited.says(StatusCode::TOO_MANY_REQUESTS, "Too many requests from this device. Wait");
    assert!(limited.retry_after.is_some_and(|seconds| (1..=60).contains(&seconds)), "{limited:?}");
    t.advance(60);
    attempt.password(&stranger_id(), "x").await.says(UNPROCESSABLE, WRONG_CREDENTIALS);
}

/// A wrong password sent as from `client` through the proxy (the test's loopback peer).
async fn password_through_proxy(attempt: &Attempt, client: &str) -> StatusCode {
    let forwarded = format!("192.0.2.66, {client}");
    attempt.password_from(&stranger_id(), "x", &[("x-forwarded-for", &forwarded)]).await.status
}

/// Behind a trusted proxy each client has its own limit (not the whole organisation one), the
/// address a client writes itself to the left of the proxy's entry counts for nothing, and an
/// IPv6 client is limited by its /64 network.
#[tokio::test]
async fn behind_a_trusted_proxy_the_client_it_names_is_the_one_limited() {
    let t = TestServer::start_on_sqlite_with(|config| {
        config.auth_requests_per_minute = 2;
        config.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
    })
    .await;
    let attempt = t.attempt().await;
    for client in ["203.0.113.7", "2001:db8:1:2::1"] {
        for _ in 0..2 {
            assert_ne!(
                password_through_proxy(&attempt, client).await,
                StatusCode::TOO_MANY_REQUESTS,
                "{client}"
            );
        }
    }
    assert_eq!(password_through_proxy(&attempt, "203.0.113.7").await, StatusCode::TOO_MANY_REQUESTS);
    // Another address of the same IPv6 /64 shares its limit; the next /64 does not.
    assert_eq!(password_through_proxy(&attempt, "2001:db8:1:2:ffff::9").await, StatusCode::TOO_MANY_REQUESTS);
    // (The stranger's ID itself locks at its fifth wrong password: any answer but 429 shows the
    // request passed the rate limit.)
    assert_ne!(password_through_proxy(&attempt, "2001:db8:1:3::1").await, StatusCode::TOO_MANY_REQUESTS);
    assert_ne!(password_through_proxy(&attempt, "203.0.113.8").await, StatusCode::TOO_MANY_REQUESTS);
    t.server.shutdown().await.unwrap();
    // The audit log names the clients, never the proxy or the made-up address.
    let db = rusqlite::Connection::open(t.dir.path().join("masar.db")).unwrap();
    let clients: Vec<String> = db
        .prepare("SELECT DISTINCT client FROM audit_log WHERE event = 'login' ORDER BY client")
        .unwrap()
        .query_map([], |row| row.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(clients, ["2001:db8:1:2::1", "2001:db8:1:3::1", "203.0.113.7", "203.0.113.8"]);
}

/// Without a trusted proxy the header is ignored: a client cannot escape its limit by naming
/// another address.
#[tokio::test]
async fn a_forwarded_address_from_an_untrusted_peer_changes_nothing() {
    let t = TestServer::start_with(|config| config.auth_requests_per_minute = 2).await;
    let attempt = t.attempt().await;
    for client in ["203.0.113.7", "203.0.113.8"] {
        assert_eq!(password_through_proxy(&attempt, client).await, UNPROCESSABLE);
    }
    assert_eq!(password_through_proxy(&attempt, "203.0.113.9").await, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn every_outcome_is_audited_and_nothing_secret_is_stored() {
    let t = TestServer::start_on_sqlite_with(|_| {}).await;
    let account = t.first_account().await;
    t.attempt().await.password(account.national_id.as_str(), "wrong-password-1").await;
    let tokens = t.sign_in(&account).await;
    let code = t.latest_code(&account).await;
    let rotated = refreshed(&t, tokens.refresh_token.expose()).await;
    assert_eq!(t.revoke(rotated.refresh_token.expose()).await.status(), StatusCode::OK);
    t.server.shutdown().await.unwrap();

    let db = rusqlite::Connection::open(t.dir.path().join("masar.db")).unwrap();
    let events: Vec<(String, String)> = db
        .prepare("SELECT event, outcome FROM audit_log ORDER BY id")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let pairs: Vec<(&str, &str)> = events.iter().map(|(e, o)| (e.as_str(), o.as_str())).collect();
    assert_eq!(
        pairs,
        [
            ("login", "wrong_password"),
            ("login", "code_sent"),
            ("verify", "signed_in"),
            ("oidc_authorize", "code_issued"),
            ("oidc_token", "issued"),
            ("refresh", "rotated"),
            ("logout", "ok")
        ]
    );
    // The dev outbox (demo servers only) is the demo phone: it shows the code, so it holds the
    // text, in its own table shared by every node. Nothing else does: with that table emptied and
    // the file rebuilt, no code is left.
    let kept: String =
        db.query_row("SELECT text FROM dev_sms ORDER BY id DESC LIMIT 1", [], |row| row.get(0)).unwrap();
    assert!(kept.contains(&code));
    db.execute_batch("DELETE FROM dev_sms; VACUUM; PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    drop(db);
    // The database file (and its WAL) never holds a password, a code or a token in clear.
    let mut bytes = std::fs::read(t.dir.path().join("masar.db")).unwrap();
    if let Ok(wal) = std::fs::read(t.dir.path().join("masar.db-wal")) {
        bytes.extend(wal);
    }
    let haystack = String::from_utf8_lossy(&bytes);
    for secret in [
        account.password.as_str(),
        "wrong-password-1",
        tokens.access_token.expose(),
        tokens.refresh_token.expose(),
        rotated.access_token.expose(),
        rotated.refresh_token.expose(),
    ] {
        assert!(!haystack.contains(secret), "a secret is stored in clear");
    }
    // Codes are stored as hashes.
    assert!(!haystack.contains(&format!("مسار: {code}")));
}

/// A code is stored only as a hash bound to its attempt: the same six digits sent in two
/// attempts leave two different hashes, so a leaked table cannot be matched against one
/// precomputed list of the million possible codes.
#[tokio::test]
async fn the_same_code_in_two_attempts_is_stored_as_two_different_hashes() {
    let t = TestServer::start_on_sqlite_with(|_| {}).await;
    let account = t.first_account().await;
    let db = rusqlite::Connection::open(t.dir.path().join("masar.db")).unwrap();
    let rows = SqliteRows(&db);
    let caller = Caller { address: "127.0.0.1".to_owned(), now_ms: 0 };
    let id = &account.national_id;
    let first = finish(signin_rows::begin_challenge(&rows, id, "123456", &caller)).unwrap();
    let second = finish(signin_rows::begin_challenge(&rows, id, "123456", &caller)).unwrap();
    let hash = |id: &str| -> String {
        db.query_row("SELECT code_hash FROM challenges WHERE id = ?1", [id], |row| row.get(0)).unwrap()
    };
    assert_ne!(first, second);
    assert_ne!(hash(&first), hash(&second));
    assert!(!hash(&first).contains("123456"));
    let checked = finish(signin_rows::judge_code(&rows, &second, "123456", &caller)).unwrap();
    assert_eq!(checked.as_ref().ok(), Some(id), "the code matches its own attempt: {checked:?}");
}

/// Four wrong passwords, each answered as wrong (the fifth would lock).
async fn four_wrong_passwords(attempt: &Attempt, id: &str) {
    for _ in 0..4 {
        attempt.password(id, "wrong").await.says(UNPROCESSABLE, WRONG_CREDENTIALS);
    }
}

/// A complete sign-in clears the count of wrong passwords: four wrong, a sign-in with the right
/// password and code, four wrong again, and the ID is still open (only five in a row lock it).
#[tokio::test]
async fn a_complete_sign_in_starts_the_count_of_wrong_passwords_again() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let id = account.national_id.as_str();
    let attempt = t.attempt().await;
    four_wrong_passwords(&attempt, id).await;
    t.sign_in(&account).await;
    four_wrong_passwords(&attempt, id).await;
    attempt.password(id, &account.password).await.says(StatusCode::OK, CODE_FIELD);
}

/// The right password alone is not a sign-in: the wrong ones before it stay counted, so an
/// attacker who knows the password but not the phone cannot reset the count with it.
#[tokio::test]
async fn the_right_password_without_its_code_keeps_the_wrong_ones_counted() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let id = account.national_id.as_str();
    let attempt = t.attempt().await;
    four_wrong_passwords(&attempt, id).await;
    attempt.password(id, &account.password).await.says(StatusCode::OK, CODE_FIELD);
    t.attempt().await.password(id, "wrong").await.says(UNPROCESSABLE, LOCKED_15_MINUTES);
}

/// Twenty-five wrong passwords for one ID sent at the same moment: each check is reserved before
/// the slow hash is compared, so at most five are judged (the audit log holds one row for each
/// judged password) and the rest are refused as locked.
#[tokio::test]
async fn twenty_five_wrong_passwords_at_once_are_judged_at_most_five_times() {
    let t = TestServer::start_on_sqlite_with(|_| {}).await;
    let account = t.first_account().await;
    let id = account.national_id.to_string();
    let attempt = t.attempt().await;
    let answers =
        futures_util::future::join_all((0..25).map(|_| attempt.password(&id, "wrong-at-once"))).await;
    let wrong = answers.iter().filter(|page| page.text.contains(WRONG_CREDENTIALS)).count();
    // Refused while locked, or while five checks are still being judged (then for a second).
    let locked = answers.iter().filter(|page| page.text.contains(PAUSED)).count();
    t.server.shutdown().await.unwrap();
    let db = rusqlite::Connection::open(t.dir.path().join("masar.db")).unwrap();
    let judged: i64 = db
        .query_row(
            "SELECT count(*) FROM audit_log WHERE event = 'login' AND outcome LIKE 'wrong_password%'",
            [],
            |row| row.get(0),
        )
        .unwrap();
    let refused: i64 = db
        .query_row("SELECT count(*) FROM audit_log WHERE event = 'login' AND outcome = 'locked'", [], |row| {
            row.get(0)
        })
        .unwrap();
    assert_eq!(judged, 5, "judged; {wrong} answered wrong, {locked} locked");
    assert_eq!(judged + refused, 25, "every request judged or refused");
    assert_eq!(wrong + locked, 25, "every answer says one of the two");
    assert!(wrong <= 4, "at most four answered as a wrong password: {wrong}");
}

/// Three resends do not give fifteen guesses: wrong codes are counted over the whole sign-in,
/// a fourth new code is refused, and the fifth wrong code locks the ID.
#[tokio::test]
async fn three_resends_do_not_give_fifteen_guesses() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let attempt = t.attempt().await;
    attempt.password(account.national_id.as_str(), &account.password).await.says(StatusCode::OK, CODE_FIELD);
    let mut last = t.latest_code(&account).await;
    for remaining in [4, 3, 2] {
        let page = attempt.code(other_than(&last)).await;
        page.says(UNPROCESSABLE, &format!("Tries left: {remaining}."));
        t.advance(60);
        attempt.resend().await.says(StatusCode::OK, "A new code was sent to your mobile.");
        last = t.latest_code(&account).await;
    }
    t.advance(60);
    attempt.resend().await.says(UNPROCESSABLE, "Enter the last code you received");
    attempt.code(other_than(&last)).await.says(UNPROCESSABLE, "Tries left: 1.");
    attempt.code(other_than(&last)).await.says(UNPROCESSABLE, LOCKED_15_MINUTES);
    attempt.code(&last).await.says(UNPROCESSABLE, ATTEMPT_OVER);
}

/// What the server keeps of a password and a code never shows in `Debug` (so never in a log).
#[tokio::test]
async fn stored_hashes_do_not_show_in_debug_output() {
    let t = TestServer::start_on_sqlite_with(|_| {}).await;
    let account = t.first_account().await;
    let db = rusqlite::Connection::open(t.dir.path().join("masar.db")).unwrap();
    let stored = masar_server::sqlite::auth::account(&db, &account.national_id).unwrap().unwrap();
    let shown = format!("{stored:?}");
    assert!(shown.starts_with("Account"), "{shown}");
    assert!(!shown.contains(&stored.password_hash) && !shown.contains("argon2"), "{shown}");
    let rows = SqliteRows(&db);
    let caller = Caller { address: "127.0.0.1".to_owned(), now_ms: 0 };
    let challenge =
        finish(signin_rows::begin_challenge(&rows, &account.national_id, "654321", &caller)).unwrap();
    let open = finish(rows.challenge(&challenge)).unwrap().unwrap();
    let hash: String = db
        .query_row("SELECT code_hash FROM challenges WHERE id = ?1", [&challenge], |row| row.get(0))
        .unwrap();
    let shown = format!("{open:?}");
    assert!(shown.starts_with("Challenge") && shown.contains("attempts"), "{shown}");
    assert!(!shown.contains(&hash), "{shown}");
}

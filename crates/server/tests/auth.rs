//! Sign-in against the real server in-process on 127.0.0.1:0, with a clock the test moves.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

mod common;

use common::{TestServer, expect_error, stranger_id};
use masar_protocol::ApiErrorCode;
use masar_protocol::EmployeeRecord;
use masar_server::rules::signin_rows::{self, SigninRows};
use masar_server::sqlite::{SqliteRows, finish};
use masar_server::storage::{Caller, Verified};
use reqwest::StatusCode;

#[tokio::test]
async fn password_then_sms_code_signs_in_and_opens_the_record() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let challenge = t.challenge(&account).await;
    assert_eq!(challenge.expires_in_seconds, 300, "5 minutes");
    assert_eq!(challenge.resend_after_seconds, 60);
    assert!(challenge.masked_mobile.starts_with("05") && challenge.masked_mobile.contains("******"));

    let code = t.latest_code(&account).await;
    let tokens: masar_protocol::auth::Tokens =
        t.verify(&challenge.challenge_id, &code).await.json().await.unwrap();
    assert_eq!(tokens.national_id, account.national_id);
    assert_eq!(tokens.access_expires_in_seconds, 900, "15 minutes");
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
async fn an_unknown_id_is_answered_exactly_like_a_wrong_password() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let wrong_password = t.login(account.national_id.as_str(), "not-the-password").await;
    let unknown_id = t.login(&stranger_id(), "not-the-password").await;
    let malformed = t.login("12345", "not-the-password").await;
    let (a_status, b_status, c_status) = (wrong_password.status(), unknown_id.status(), malformed.status());
    let (a, b, c) = (
        wrong_password.text().await.unwrap(),
        unknown_id.text().await.unwrap(),
        malformed.text().await.unwrap(),
    );
    assert_eq!(a_status, StatusCode::UNAUTHORIZED);
    assert_eq!((a_status, &a), (b_status, &b));
    assert_eq!((a_status, &a), (c_status, &c));
    assert!(a.contains("invalid_credentials"), "{a}");
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_id_for_fifteen_minutes_known_or_not() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    // The README's numbers: five wrong passwords, then 15 minutes (900 s).
    for id in [account.national_id.to_string(), stranger_id()] {
        let mut refused = 0;
        for _ in 1..=4 {
            let response = t.login(&id, "wrong").await;
            expect_error(response, StatusCode::UNAUTHORIZED, ApiErrorCode::InvalidCredentials).await;
            refused += 1;
        }
        assert_eq!(refused, 4, "four wrong passwords are answered as wrong");
        let fifth = t.login(&id, "wrong").await;
        let body = expect_error(fifth, StatusCode::FORBIDDEN, ApiErrorCode::Locked).await;
        assert_eq!(body.retry_after_seconds, Some(900));
    }
    // Even the right password is refused while locked.
    let during = t.login(account.national_id.as_str(), &account.password).await;
    let body = expect_error(during, StatusCode::FORBIDDEN, ApiErrorCode::Locked).await;
    assert!(body.message.contains("15 دقيقة"), "{}", body.message);

    t.advance(900 - 1);
    let almost = t.login(account.national_id.as_str(), &account.password).await;
    expect_error(almost, StatusCode::FORBIDDEN, ApiErrorCode::Locked).await;
    t.advance(1);
    let after = t.login(account.national_id.as_str(), &account.password).await;
    assert_eq!(after.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_wrong_code_says_how_many_tries_are_left_and_the_fifth_locks_the_id() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let challenge = t.challenge(&account).await;
    let code = t.latest_code(&account).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for remaining in [4, 3, 2, 1] {
        let body = expect_error(
            t.verify(&challenge.challenge_id, wrong).await,
            StatusCode::UNAUTHORIZED,
            ApiErrorCode::CodeIncorrect,
        )
        .await;
        assert_eq!(body.remaining_attempts, Some(remaining));
    }
    // The fifth wrong code also makes five failures for the ID: the ID locks, the attempt ends.
    let fifth = t.verify(&challenge.challenge_id, wrong).await;
    let body = expect_error(fifth, StatusCode::FORBIDDEN, ApiErrorCode::Locked).await;
    assert_eq!(body.retry_after_seconds, Some(900));
    // The right code no longer helps: start again.
    let late = t.verify(&challenge.challenge_id, &code).await;
    expect_error(late, StatusCode::UNAUTHORIZED, ApiErrorCode::ChallengeInvalid).await;
}

#[tokio::test]
async fn a_code_expires_after_five_minutes_and_is_used_only_once() {
    let t = TestServer::start().await;
    let account = t.first_account().await;

    let challenge = t.challenge(&account).await;
    let code = t.latest_code(&account).await;
    t.advance(300);
    let expired = t.verify(&challenge.challenge_id, &code).await;
    expect_error(expired, StatusCode::UNAUTHORIZED, ApiErrorCode::CodeExpired).await;

    let challenge = t.challenge(&account).await;
    let code = t.latest_code(&account).await;
    assert_eq!(t.verify(&challenge.challenge_id, &code).await.status(), StatusCode::OK);
    let reused = t.verify(&challenge.challenge_id, &code).await;
    expect_error(reused, StatusCode::UNAUTHORIZED, ApiErrorCode::ChallengeInvalid).await;
}

#[tokio::test]
async fn a_new_code_only_after_the_cooldown_and_it_replaces_the_old_one() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let challenge = t.challenge(&account).await;
    let first_code = t.latest_code(&account).await;
    let resend = serde_json::json!({ "challengeId": challenge.challenge_id });

    t.advance(60 - 10);
    let early = t.post("/v1/auth/resend", resend.clone()).await;
    assert_eq!(early.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("10"));
    let body = expect_error(early, StatusCode::TOO_MANY_REQUESTS, ApiErrorCode::ResendTooSoon).await;
    assert_eq!(body.retry_after_seconds, Some(10));

    t.advance(10);
    let again = t.post("/v1/auth/resend", resend).await;
    assert_eq!(again.status(), StatusCode::OK);
    let second_code = t.latest_code(&account).await;
    if second_code != first_code {
        let old = t.verify(&challenge.challenge_id, &first_code).await;
        expect_error(old, StatusCode::UNAUTHORIZED, ApiErrorCode::CodeIncorrect).await;
    }
    assert_eq!(t.verify(&challenge.challenge_id, &second_code).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_refresh_token_revokes_the_whole_session() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let first = t.sign_in(&account).await;

    let rotated: masar_protocol::auth::Tokens =
        t.refresh(first.refresh_token.expose()).await.json().await.unwrap();
    assert_ne!(rotated.refresh_token.expose(), first.refresh_token.expose());
    assert_eq!(t.record(rotated.access_token.expose()).await.status(), StatusCode::OK);

    // The old refresh token comes back (stolen copy, or a replayed request): revoke everything.
    let reused = t.refresh(first.refresh_token.expose()).await;
    expect_error(reused, StatusCode::UNAUTHORIZED, ApiErrorCode::SessionRevoked).await;
    let newest = t.refresh(rotated.refresh_token.expose()).await;
    expect_error(newest, StatusCode::UNAUTHORIZED, ApiErrorCode::Unauthenticated).await;
    let access = t.record(rotated.access_token.expose()).await;
    expect_error(access, StatusCode::UNAUTHORIZED, ApiErrorCode::Unauthenticated).await;

    // Another session of the same employee is not touched.
    let other = t.sign_in(&account).await;
    assert_eq!(t.record(other.access_token.expose()).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_access_token_expires_and_refresh_gives_a_new_one() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let tokens = t.sign_in(&account).await;
    t.advance(900);
    let expired = t.record(tokens.access_token.expose()).await;
    expect_error(expired, StatusCode::UNAUTHORIZED, ApiErrorCode::SessionExpired).await;
    let fresh: masar_protocol::auth::Tokens =
        t.refresh(tokens.refresh_token.expose()).await.json().await.unwrap();
    assert_eq!(t.record(fresh.access_token.expose()).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn logout_ends_the_session() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let tokens = t.sign_in(&account).await;
    let out =
        t.post("/v1/auth/logout", serde_json::json!({ "refreshToken": tokens.refresh_token.expose() })).await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    expect_error(
        t.record(tokens.access_token.expose()).await,
        StatusCode::UNAUTHORIZED,
        ApiErrorCode::Unauthenticated,
    )
    .await;
    expect_error(
        t.refresh(tokens.refresh_token.expose()).await,
        StatusCode::UNAUTHORIZED,
        ApiErrorCode::Unauthenticated,
    )
    .await;
    // Logging out twice is harmless.
    let again =
        t.post("/v1/auth/logout", serde_json::json!({ "refreshToken": tokens.refresh_token.expose() })).await;
    assert_eq!(again.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn too_many_sign_in_requests_from_one_address_are_slowed_down() {
    let t = TestServer::start_with(|config| config.auth_requests_per_minute = 3).await;
    for _ in 0..3 {
        let response = t.login(&stranger_id(), "x").await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let limited = t.login(&stranger_id(), "x").await;
    assert!(limited.headers().contains_key("retry-after"));
    expect_error(limited, StatusCode::TOO_MANY_REQUESTS, ApiErrorCode::RateLimited).await;
    t.advance(60);
    assert_eq!(t.login(&stranger_id(), "x").await.status(), StatusCode::UNAUTHORIZED);
}

/// A wrong password sent as from `client` through the proxy (the test's loopback peer).
async fn login_through_proxy(t: &TestServer, client: &str) -> reqwest::Response {
    t.http
        .post(t.url("/v1/auth/login"))
        .header("x-forwarded-for", format!("192.0.2.66, {client}"))
        .json(&serde_json::json!({ "nationalId": stranger_id(), "password": "x" }))
        .send()
        .await
        .unwrap()
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
    for client in ["203.0.113.7", "2001:db8:1:2::1"] {
        for _ in 0..2 {
            assert_ne!(
                login_through_proxy(&t, client).await.status(),
                StatusCode::TOO_MANY_REQUESTS,
                "{client}"
            );
        }
    }
    let limited = login_through_proxy(&t, "203.0.113.7").await;
    expect_error(limited, StatusCode::TOO_MANY_REQUESTS, ApiErrorCode::RateLimited).await;
    // Another address of the same IPv6 /64 shares its limit; the next /64 does not.
    let same_network = login_through_proxy(&t, "2001:db8:1:2:ffff::9").await;
    expect_error(same_network, StatusCode::TOO_MANY_REQUESTS, ApiErrorCode::RateLimited).await;
    // (The stranger's ID itself locks at its fifth wrong password: any answer but 429 shows the
    // request passed the rate limit.)
    assert_ne!(login_through_proxy(&t, "2001:db8:1:3::1").await.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_ne!(login_through_proxy(&t, "203.0.113.8").await.status(), StatusCode::TOO_MANY_REQUESTS);
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
    for client in ["203.0.113.7", "203.0.113.8"] {
        assert_eq!(login_through_proxy(&t, client).await.status(), StatusCode::UNAUTHORIZED);
    }
    let limited = login_through_proxy(&t, "203.0.113.9").await;
    expect_error(limited, StatusCode::TOO_MANY_REQUESTS, ApiErrorCode::RateLimited).await;
}

#[tokio::test]
async fn every_outcome_is_audited_and_nothing_secret_is_stored() {
    let t = TestServer::start_on_sqlite_with(|_| {}).await;
    let account = t.first_account().await;
    let _ = t.login(account.national_id.as_str(), "wrong-password-1").await;
    let tokens = t.sign_in(&account).await;
    let code = t.latest_code(&account).await;
    let rotated: masar_protocol::auth::Tokens =
        t.refresh(tokens.refresh_token.expose()).await.json().await.unwrap();
    let _ = t
        .post("/v1/auth/logout", serde_json::json!({ "refreshToken": rotated.refresh_token.expose() }))
        .await;
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
            ("refresh", "rotated"),
            ("logout", "ok")
        ]
    );
    // The dev outbox (demo and --dev-sms servers only) is the demo phone: it shows the code, so it
    // holds the text, in its own table shared by every node. Nothing else does: with that table
    // emptied and the file rebuilt, no code is left.
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
    let checked = finish(signin_rows::verify(&rows, &second, "123456", &caller)).unwrap();
    assert!(matches!(checked, Verified::Signed(..)), "the code matches its own attempt: {checked:?}");
}

/// Four wrong passwords, each answered as wrong (the fifth would lock).
async fn four_wrong_passwords(t: &TestServer, id: &str) {
    for _ in 0..4 {
        expect_error(t.login(id, "wrong").await, StatusCode::UNAUTHORIZED, ApiErrorCode::InvalidCredentials)
            .await;
    }
}

/// A complete sign-in clears the count of wrong passwords: four wrong, a sign-in with the right
/// password and code, four wrong again, and the ID is still open (only five in a row lock it).
#[tokio::test]
async fn a_complete_sign_in_starts_the_count_of_wrong_passwords_again() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let id = account.national_id.as_str();
    four_wrong_passwords(&t, id).await;
    t.sign_in(&account).await;
    four_wrong_passwords(&t, id).await;
    assert_eq!(t.login(id, &account.password).await.status(), StatusCode::OK, "still open");
}

/// The right password alone is not a sign-in: the wrong ones before it stay counted, so an
/// attacker who knows the password but not the phone cannot reset the count with it.
#[tokio::test]
async fn the_right_password_without_its_code_keeps_the_wrong_ones_counted() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let id = account.national_id.as_str();
    four_wrong_passwords(&t, id).await;
    assert_eq!(t.login(id, &account.password).await.status(), StatusCode::OK, "the code is sent");
    let fifth = t.login(id, "wrong").await;
    let body = expect_error(fifth, StatusCode::FORBIDDEN, ApiErrorCode::Locked).await;
    assert_eq!(body.retry_after_seconds, Some(900));
}

/// Twenty-five wrong passwords for one ID sent at the same moment: each check is reserved before
/// the slow hash is compared, so at most five are judged (the audit log holds one row for each
/// judged password) and the rest are refused as locked.
#[tokio::test]
async fn twenty_five_wrong_passwords_at_once_are_judged_at_most_five_times() {
    let t = TestServer::start_on_sqlite_with(|_| {}).await;
    let account = t.first_account().await;
    let id = account.national_id.to_string();
    let answers = futures_util::future::join_all((0..25).map(|_| t.login(&id, "wrong-at-once"))).await;
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for answer in answers {
        *statuses.entry(answer.status().as_u16()).or_default() += 1;
    }
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
    assert_eq!(judged, 5, "judged; answers {statuses:?}");
    assert_eq!(judged + refused, 25, "every request judged or refused: {statuses:?}");
    assert_eq!(statuses.values().sum::<usize>(), 25);
    assert_eq!(statuses.get(&401).copied().unwrap_or(0) + statuses.get(&403).copied().unwrap_or(0), 25);
    assert!(statuses.get(&401).copied().unwrap_or(0) <= 4, "at most four answered as a wrong password");
}

/// Three resends do not give fifteen guesses: wrong codes are counted over the whole sign-in,
/// a fourth new code is refused, and the fifth wrong code locks the ID.
#[tokio::test]
async fn three_resends_do_not_give_fifteen_guesses() {
    let t = TestServer::start().await;
    let account = t.first_account().await;
    let challenge = t.challenge(&account).await;
    let resend = serde_json::json!({ "challengeId": challenge.challenge_id });
    let mut last = t.latest_code(&account).await;
    for remaining in [4, 3, 2] {
        let wrong = if last == "000000" { "111111" } else { "000000" };
        let body = expect_error(
            t.verify(&challenge.challenge_id, wrong).await,
            StatusCode::UNAUTHORIZED,
            ApiErrorCode::CodeIncorrect,
        )
        .await;
        assert_eq!(body.remaining_attempts, Some(remaining), "the count goes on across resends");
        t.advance(60);
        assert_eq!(t.post("/v1/auth/resend", resend.clone()).await.status(), StatusCode::OK);
        last = t.latest_code(&account).await;
    }
    t.advance(60);
    let fourth = t.post("/v1/auth/resend", resend.clone()).await;
    let body = expect_error(fourth, StatusCode::FORBIDDEN, ApiErrorCode::ResendLimit).await;
    assert!(body.message.contains("آخر رمز"), "{}", body.message);
    let wrong = if last == "000000" { "111111" } else { "000000" };
    let fourth_wrong = t.verify(&challenge.challenge_id, wrong).await;
    let body = expect_error(fourth_wrong, StatusCode::UNAUTHORIZED, ApiErrorCode::CodeIncorrect).await;
    assert_eq!(body.remaining_attempts, Some(1));
    let fifth = t.verify(&challenge.challenge_id, wrong).await;
    expect_error(fifth, StatusCode::FORBIDDEN, ApiErrorCode::Locked).await;
    let late = t.verify(&challenge.challenge_id, &last).await;
    expect_error(late, StatusCode::UNAUTHORIZED, ApiErrorCode::ChallengeInvalid).await;
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

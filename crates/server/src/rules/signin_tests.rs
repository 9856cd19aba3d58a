//! The sign-in rules as tables. Every expected number is written out by hand (5 tries, 300 s,
//! 60 s, 15 min, 12 h), never computed from the constants under test, with the boundary one
//! millisecond or one second on each side.

use super::*;

const NOW: i64 = 1_800_000_000_000;

#[test]
fn the_numbers_are_the_published_ones() {
    assert_eq!(CODE_TTL_SECONDS, 300);
    assert_eq!(RESEND_COOLDOWN_SECONDS, 60);
    assert_eq!(MAX_CODE_ATTEMPTS, 5);
    assert_eq!(MAX_PASSWORD_FAILURES, 5);
    assert_eq!(MAX_RESENDS, 3);
    assert_eq!(LOCKOUT_SECONDS, 900);
    assert_eq!(ACCESS_TOKEN_SECONDS, 900);
    assert_eq!(SESSION_MAX_SECONDS, 43_200);
}

#[test]
fn the_fifth_wrong_password_locks_the_id_for_fifteen_minutes() {
    let table = [(1, None), (3, None), (4, None), (5, Some(NOW + 900_000)), (6, Some(NOW + 900_000))];
    for (failures, expected) in table {
        assert_eq!(lock_after(failures, NOW), expected, "{failures} failures");
    }
}

#[test]
fn a_lock_holds_until_its_last_millisecond() {
    let until = NOW + 900_000;
    let table = [
        (None, NOW, None),
        (Some(until), NOW, Some(until)),
        (Some(until), until - 1_000, Some(until)),
        (Some(until), until - 1, Some(until)),
        (Some(until), until, None),
        (Some(until), until + 1, None),
    ];
    for (stored, now, expected) in table {
        assert_eq!(locked(stored, now), expected, "now {now}");
    }
}

#[test]
fn seconds_to_wait_round_up_and_are_never_zero() {
    let table = [(0, 1), (1, 1), (999, 1), (1_000, 1), (1_001, 2), (59_000, 59), (900_000, 900), (-5_000, 1)];
    for (millis, expected) in table {
        assert_eq!(seconds_until(NOW, NOW + millis), expected, "{millis} ms");
    }
}

fn attempt(attempts: u32) -> Option<Attempt> {
    Some(Attempt { expires_at: NOW + 300_000, last_sent_at: NOW, attempts, resends: 0 })
}

fn counted(count: u32) -> Failures {
    Failures { count, locked_until: None }
}

#[test]
fn a_password_check_is_counted_before_it_is_made_and_refused_when_five_are() {
    let lock = Some(NOW + 900_000);
    let table = [
        (counted(0), Reservation::Check(counted(1))),
        (counted(3), Reservation::Check(counted(4))),
        (counted(4), Reservation::Check(counted(5))),
        // Five checks counted and not yet settled: a sixth waits for them.
        (counted(5), Reservation::Refused { retry_after: 1 }),
        (Failures { count: 0, locked_until: lock }, Reservation::Refused { retry_after: 900 }),
        // A lock ending at this millisecond is over: the count starts again.
        (Failures { count: 0, locked_until: Some(NOW) }, Reservation::Check(counted(1))),
        (Failures { count: 4, locked_until: Some(NOW - 1) }, Reservation::Check(counted(1))),
        (Failures { count: 0, locked_until: Some(NOW + 1_000) }, Reservation::Refused { retry_after: 1 }),
    ];
    for (current, expected) in table {
        assert_eq!(reserve(current, NOW), expected, "{current:?}");
    }
}

#[test]
fn the_fifth_counted_failure_locks_the_id_once() {
    let lock = Failures { count: 0, locked_until: Some(NOW + 900_000) };
    let table = [
        (counted(1), counted(1)),
        (counted(4), counted(4)),
        (counted(5), lock),
        (counted(7), lock),
        // Locked already by another check settled first (which set the count back to 0): the lock stays.
        (
            Failures { count: 0, locked_until: Some(NOW + 5_000) },
            Failures { count: 0, locked_until: Some(NOW + 5_000) },
        ),
    ];
    for (failures, expected) in table {
        assert_eq!(settle(failures, NOW), expected, "{failures:?}");
    }
}

#[test]
fn a_right_password_gives_its_reservation_back_and_keeps_the_rest() {
    assert_eq!(release(counted(3)), counted(2));
    assert_eq!(release(counted(1)), counted(0));
    assert_eq!(release(counted(0)), counted(0));
}

#[test]
fn wrong_codes_count_toward_the_lockout() {
    let table = [
        (counted(0), counted(1)),
        (counted(3), counted(4)),
        (counted(4), Failures { count: 0, locked_until: Some(NOW + 900_000) }),
    ];
    for (failures, expected) in table {
        assert_eq!(wrong_code(failures, NOW), expected, "{failures:?}");
    }
}

#[test]
fn the_tries_left_are_the_fewer_of_the_codes_and_the_lockout() {
    let table =
        [(4, counted(1), 4), (4, counted(2), 3), (1, counted(0), 1), (3, counted(4), 1), (2, counted(5), 0)];
    for (code_remaining, failures, expected) in table {
        assert_eq!(tries_left(code_remaining, failures), expected, "{code_remaining} {failures:?}");
    }
}

#[test]
fn a_code_is_checked_against_its_attempt() {
    let table = [
        (None, true, NOW, CodeVerdict::Unknown),
        (None, false, NOW, CodeVerdict::Unknown),
        (attempt(0), true, NOW + 299_999, CodeVerdict::Correct),
        (attempt(0), true, NOW + 300_000, CodeVerdict::Expired),
        (attempt(0), false, NOW + 300_000, CodeVerdict::Expired),
        (attempt(0), false, NOW, CodeVerdict::Wrong { attempts: 1, remaining: 4 }),
        (attempt(3), false, NOW, CodeVerdict::Wrong { attempts: 4, remaining: 1 }),
        (attempt(4), false, NOW, CodeVerdict::Exhausted { attempts: 5 }),
        (attempt(4), true, NOW, CodeVerdict::Correct),
    ];
    for (attempt, matches, now, expected) in table {
        assert_eq!(check_code(attempt, matches, now), expected, "{attempt:?} {matches} {now}");
    }
}

#[test]
fn each_code_outcome_has_its_audit_label() {
    let table = [
        (CodeVerdict::Unknown, "unknown_challenge"),
        (CodeVerdict::Expired, "expired"),
        (CodeVerdict::Correct, "signed_in"),
        (CodeVerdict::Wrong { attempts: 1, remaining: 4 }, "wrong_code"),
        (CodeVerdict::Exhausted { attempts: 5 }, "too_many_attempts"),
    ];
    for (verdict, label) in table {
        assert_eq!(verdict.label(), label);
    }
}

#[test]
fn a_new_code_waits_a_minute_after_the_last_and_lives_five_minutes() {
    let sent = Attempt { expires_at: NOW + 300_000, last_sent_at: NOW, attempts: 2, resends: 2 };
    let table = [
        (NOW, ResendVerdict::TooSoon { retry_after: 60 }),
        (NOW + 1, ResendVerdict::TooSoon { retry_after: 60 }),
        (NOW + 59_000, ResendVerdict::TooSoon { retry_after: 1 }),
        (NOW + 59_999, ResendVerdict::TooSoon { retry_after: 1 }),
        (NOW + 60_000, ResendVerdict::Send { expires_at: NOW + 360_000 }),
        (NOW + 600_000, ResendVerdict::Send { expires_at: NOW + 900_000 }),
    ];
    for (now, expected) in table {
        assert_eq!(resend(sent, now), expected, "now {now}");
    }
}

#[test]
fn a_sign_in_gets_three_new_codes_and_no_fourth() {
    let table = [(0, false), (2, false), (3, true), (4, true)];
    for (resends, limit) in table {
        let sent = Attempt { expires_at: NOW + 300_000, last_sent_at: NOW, attempts: 0, resends };
        let verdict = resend(sent, NOW + 60_000);
        assert_eq!(verdict == ResendVerdict::Limit, limit, "{resends} resends: {verdict:?}");
    }
}

#[test]
fn tokens_live_fifteen_minutes_and_the_session_twelve_hours_from_its_sign_in() {
    // However often it is refreshed, the session (its refresh tokens) ends twelve hours after its sign-in.
    assert_eq!(session_end(NOW), NOW + 43_200_000);
    assert_eq!(access_lifetime(seconds_until(NOW, session_end(NOW))), 900);
    // Ten minutes before the session's end, the access token ends with it too.
    assert_eq!(access_lifetime(seconds_until(NOW + 42_600_000, session_end(NOW))), 600);
    assert_eq!(access_lifetime(0), 0);
    assert_eq!(code_expiry(NOW), NOW + 300_000);
}

fn token(expires_at: i64, revoked: bool, used: bool) -> Option<TokenState> {
    Some(TokenState { expires_at, revoked, used })
}

#[test]
fn a_refresh_token_rotates_once_and_its_second_use_ends_the_session() {
    let table = [
        (None, RefreshVerdict::Invalid),
        (token(NOW + 1, false, false), RefreshVerdict::Rotate),
        (token(NOW, false, false), RefreshVerdict::Invalid),
        (token(NOW - 1, false, true), RefreshVerdict::Invalid),
        (token(NOW + 1, true, false), RefreshVerdict::Invalid),
        (token(NOW + 1, true, true), RefreshVerdict::Invalid),
        (token(NOW + 1, false, true), RefreshVerdict::Reused),
    ];
    for (token, expected) in table {
        assert_eq!(refresh(token, NOW), expected, "{token:?}");
    }
}

#[test]
fn an_access_token_is_good_until_it_expires_or_its_session_ends() {
    let table = [
        (None, AccessVerdict::Invalid),
        (token(NOW + 1, false, false), AccessVerdict::Valid),
        (token(NOW, false, false), AccessVerdict::Expired),
        (token(NOW - 1, false, false), AccessVerdict::Expired),
        (token(NOW + 1, true, false), AccessVerdict::Invalid),
        (token(NOW - 1, true, false), AccessVerdict::Invalid),
    ];
    for (token, expected) in table {
        assert_eq!(access(token, NOW), expected, "{token:?}");
    }
}

#[test]
fn ipv4_is_limited_per_address_and_ipv6_per_64_network() {
    let table = [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("::1", "::/64"),
    ];
    for (address, key) in table {
        let ip: std::net::IpAddr = address.parse().unwrap_or_else(|_| panic!("{address}"));
        assert_eq!(rate_key(ip), key, "{address}");
    }
}

#[test]
fn a_wrong_code_ends_the_attempt_when_its_codes_run_out_or_the_id_locks() {
    let lock = Failures { count: 0, locked_until: Some(NOW + 900_000) };
    let table = [
        (Some(4), counted(1), WrongCode::Retry { remaining: 4 }),
        (Some(4), counted(3), WrongCode::Retry { remaining: 2 }),
        (None, counted(4), WrongCode::Exhausted),
        (None, lock, WrongCode::Locked { retry_after: 900 }),
        (Some(2), lock, WrongCode::Locked { retry_after: 900 }),
    ];
    for (code_remaining, failures, expected) in table {
        assert_eq!(
            after_wrong_code(code_remaining, failures, NOW),
            expected,
            "{code_remaining:?} {failures:?}"
        );
    }
    assert!(!WrongCode::Retry { remaining: 1 }.ends_attempt());
    assert!(WrongCode::Exhausted.ends_attempt());
    assert!(WrongCode::Locked { retry_after: 1 }.ends_attempt());
}

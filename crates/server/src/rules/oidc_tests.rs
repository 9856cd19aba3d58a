//! The provider's rules as tables, with expected values written out by hand (RFC 7636's own
//! example for PKCE).

use super::*;

const NOW: i64 = 1_800_000_000_000;
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

#[test]
fn the_numbers_are_the_published_ones() {
    assert_eq!(REQUEST_TTL_SECONDS, 900);
    assert_eq!(CODE_TTL_SECONDS, 60);
    assert_eq!(KEY_SIGNS_FOR_SECONDS, 2_592_000);
}

#[test]
fn pkce_follows_rfc_7636_appendix_b() {
    assert!(pkce_matches(CHALLENGE, VERIFIER));
    let table = [
        ("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl", false),
        ("", false),
        // Too short, then characters outside the unreserved set.
        ("dBjftJeZ4CVP", false),
        ("dBjftJeZ4CVP+mB92K27uhbUJU1p1r/wW1gFWFOEjXk", false),
    ];
    for (verifier, expected) in table {
        assert_eq!(pkce_matches(CHALLENGE, verifier), expected, "{verifier}");
    }
    // A malformed verifier is refused even with the challenge made from it.
    for malformed in ["dBjftJeZ4CVP", "dBjftJeZ4CVP+mB92K27uhbUJU1p1r/wW1gFWFOEjXk", &"a".repeat(129)] {
        let its_own =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(malformed.as_bytes()));
        assert!(!pkce_matches(&its_own, malformed), "{malformed}");
    }
    let longest = "a".repeat(128);
    let its_own = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(longest.as_bytes()));
    assert!(pkce_matches(&its_own, &longest), "128 characters are allowed");
}

fn registered() -> Vec<String> {
    Client::masar_desktop().redirect_uris
}

#[test]
fn loopback_redirects_may_use_any_port_and_nothing_else_varies() {
    let table = [
        ("http://127.0.0.1:49152/callback", true),
        ("http://127.0.0.1:8080/callback", true),
        ("http://[::1]:49152/callback", true),
        ("http://127.0.0.1/callback", true),
        ("http://127.0.0.1:49152/callback/", false),
        ("http://127.0.0.1:49152/other", false),
        ("http://localhost:49152/callback", false),
        ("https://127.0.0.1:49152/callback", false),
        ("http://127.0.0.2:49152/callback", false),
        ("http://127.0.0.1:49152/callback#x", false),
        ("http://attacker.example/callback", false),
        ("not a url", false),
    ];
    for (uri, expected) in table {
        assert_eq!(redirect_allowed(&registered(), uri), expected, "{uri}");
    }
    // A registered URI that is not a loopback literal is compared exactly.
    let web = vec!["https://masar.example/callback".to_owned()];
    assert!(redirect_allowed(&web, "https://masar.example/callback"));
    assert!(!redirect_allowed(&web, "https://masar.example:8443/callback"));
    // Only http on a loopback literal takes any port: not plain http elsewhere, nor https there.
    let intranet = vec!["http://intranet.example/callback".to_owned()];
    assert!(!redirect_allowed(&intranet, "http://intranet.example:8080/callback"));
    let secure_loopback = vec!["https://127.0.0.1/callback".to_owned()];
    assert!(!redirect_allowed(&secure_loopback, "https://127.0.0.1:8443/callback"));
}

fn params() -> AuthorizationParams {
    AuthorizationParams {
        response_type: Some("code".into()),
        client_id: Some("masar-desktop".into()),
        redirect_uri: Some("http://127.0.0.1:49152/callback".into()),
        scope: Some("openid profile".into()),
        state: Some("s-1".into()),
        nonce: Some("n-1".into()),
        code_challenge: Some(CHALLENGE.into()),
        code_challenge_method: Some("S256".into()),
        ui_locales: None,
    }
}

#[test]
fn a_well_formed_request_is_taken_as_sent() {
    let taken = check_authorization(&params(), &[Client::masar_desktop()]);
    assert_eq!(
        taken,
        Ok(AuthorizationRequest {
            client_id: "masar-desktop".into(),
            redirect_uri: "http://127.0.0.1:49152/callback".into(),
            scope: "openid profile".into(),
            state: Some("s-1".into()),
            nonce: Some("n-1".into()),
            code_challenge: CHALLENGE.into(),
        })
    );
}

#[test]
fn requests_are_refused_with_the_standard_errors() {
    let clients = [Client::masar_desktop()];
    let with = |change: fn(&mut AuthorizationParams)| {
        let mut p = params();
        change(&mut p);
        check_authorization(&p, &clients)
    };
    let untrusted = Err(AuthorizationRefusal::Untrusted);
    assert_eq!(with(|p| p.client_id = Some("someone-else".into())), untrusted);
    assert_eq!(with(|p| p.client_id = None), untrusted);
    assert_eq!(with(|p| p.redirect_uri = Some("http://attacker.example/cb".into())), untrusted);
    assert_eq!(with(|p| p.redirect_uri = None), untrusted);
    let error_of = |result: Result<AuthorizationRequest, AuthorizationRefusal>| match result {
        Err(AuthorizationRefusal::Refused { error, .. }) => error,
        other => panic!("{other:?}"),
    };
    assert_eq!(error_of(with(|p| p.response_type = Some("token".into()))), "unsupported_response_type");
    assert_eq!(error_of(with(|p| p.scope = Some("profile".into()))), "invalid_scope");
    assert_eq!(error_of(with(|p| p.scope = Some("openidx".into()))), "invalid_scope");
    assert_eq!(error_of(with(|p| p.code_challenge_method = Some("plain".into()))), "invalid_request");
    assert_eq!(error_of(with(|p| p.code_challenge_method = None)), "invalid_request");
    assert_eq!(error_of(with(|p| p.code_challenge = Some("short".into()))), "invalid_request");
    // The right length, not base64url (a standard base64 `+`).
    let plus = |p: &mut AuthorizationParams| {
        p.code_challenge = Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM".into())
    };
    assert_eq!(error_of(with(plus)), "invalid_request");
    assert_eq!(error_of(with(|p| p.code_challenge = None)), "invalid_request");
    assert_eq!(error_of(with(|p| p.state = Some("s".repeat(513)))), "invalid_request");
    assert!(with(|p| p.state = None).is_ok(), "state is the client's choice");
}

fn code(used: bool) -> StoredCode {
    StoredCode {
        client_id: "masar-desktop".into(),
        redirect_uri: "http://127.0.0.1:49152/callback".into(),
        code_challenge: CHALLENGE.into(),
        expires_at: NOW + 60_000,
        used,
    }
}

#[test]
fn a_code_is_exchanged_once_by_its_client_with_its_verifier() {
    let redirect = "http://127.0.0.1:49152/callback";
    let table = [
        (Some(code(false)), "masar-desktop", redirect, VERIFIER, NOW, CodeExchange::Issue),
        (Some(code(false)), "masar-desktop", redirect, VERIFIER, NOW + 59_999, CodeExchange::Issue),
        (Some(code(false)), "masar-desktop", redirect, VERIFIER, NOW + 60_000, CodeExchange::Invalid),
        (Some(code(true)), "masar-desktop", redirect, VERIFIER, NOW, CodeExchange::Replayed),
        (Some(code(false)), "other", redirect, VERIFIER, NOW, CodeExchange::Invalid),
        (
            Some(code(false)),
            "masar-desktop",
            "http://127.0.0.1:1/callback",
            VERIFIER,
            NOW,
            CodeExchange::Invalid,
        ),
        (
            Some(code(false)),
            "masar-desktop",
            redirect,
            "wrong-verifier-wrong-verifier-wrong-verifier-x",
            NOW,
            CodeExchange::Invalid,
        ),
        (None, "masar-desktop", redirect, VERIFIER, NOW, CodeExchange::Invalid),
    ];
    for (stored, client, uri, verifier, now, expected) in table {
        assert_eq!(exchange(stored.as_ref(), client, uri, verifier, now), expected, "{client} {uri} {now}");
    }
}

fn key(kid: &str, created_at: i64) -> KeyAge {
    KeyAge { kid: kid.into(), created_at }
}

const DAY: i64 = 86_400_000;

#[test]
fn a_key_signs_for_thirty_days_then_a_new_one_takes_over() {
    assert!(needs_new_key(&[], NOW));
    assert!(!needs_new_key(&[key("a", NOW - 30 * DAY + 1)], NOW));
    assert!(needs_new_key(&[key("a", NOW - 30 * DAY)], NOW));
    assert!(!needs_new_key(&[key("a", NOW - 40 * DAY), key("b", NOW - DAY)], NOW));
    let keys = [key("a", NOW - 40 * DAY), key("b", NOW - DAY)];
    assert_eq!(signing_key(&keys).map(|k| k.kid.as_str()), Some("b"));
    assert_eq!(signing_key(&[]), None);
}

#[test]
fn a_replaced_key_stays_published_while_its_tokens_may_be_valid() {
    // b replaced a one hour ago; a 15-minute token signed by a just before is over by now, a
    // day-long one is not.
    let keys = [key("a", NOW - 31 * DAY), key("b", NOW - 3_600_000), key("c", NOW - 60 * DAY)];
    let kids =
        |longest: u32| published(&keys, NOW, longest).iter().map(|k| k.kid.clone()).collect::<Vec<_>>();
    assert_eq!(kids(900), ["b"]);
    assert_eq!(kids(86_400), ["b", "a"]);
    assert_eq!(kids(3_600), ["b"], "replaced exactly one token lifetime ago: gone");
    assert_eq!(kids(3_601), ["b", "a"]);
    assert_eq!(kids(40 * 86_400), ["b", "a", "c"]);
}

#[test]
fn signing_out_returns_only_to_a_registered_uri_of_the_client_that_asks() {
    let clients = [Client::masar_desktop()];
    let back = Some("http://127.0.0.1:49152/signed-out");
    let hinted = LogoutAsker { hinted_client: Some("masar-desktop"), client_id: None };
    let named = LogoutAsker { hinted_client: None, client_id: Some("masar-desktop") };
    let both = LogoutAsker { hinted_client: Some("masar-desktop"), client_id: Some("masar-desktop") };
    let table = [
        (hinted, back, back),
        (named, back, back),
        (both, back, back),
        (hinted, Some("http://[::1]:8080/signed-out"), Some("http://[::1]:8080/signed-out")),
        // The sign-in's redirect URI is not a sign-out one.
        (hinted, Some("http://127.0.0.1:49152/callback"), None),
        (hinted, Some("https://attacker.example/signed-out"), None),
        (hinted, None, None),
        // Nobody vouches for the URI.
        (LogoutAsker { hinted_client: None, client_id: None }, back, None),
        // The hint and the parameter disagree.
        (LogoutAsker { hinted_client: Some("masar-desktop"), client_id: Some("other") }, back, None),
        (LogoutAsker { hinted_client: None, client_id: Some("stranger") }, back, None),
    ];
    for (asker, requested, expected) in table {
        assert_eq!(post_logout_redirect(asker, requested, &clients), expected, "{asker:?} {requested:?}");
    }
}

//! The published API description: OpenAPI 3.1 at `GET /v1/openapi.json`, generated from the
//! handlers and types the server runs. It must match the committed `crates/server/openapi.json`
//! (`cargo xtask openapi` rewrites that file after a deliberate change) and describe every route.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::PathBuf;

use serde_json::Value;

fn committed() -> PathBuf {
    manifest_dir().join("openapi.json")
}

#[tokio::test]
async fn the_served_description_is_openapi_3_1_and_matches_the_committed_file() {
    let t = common::TestServer::start().await;
    let response = t.http.get(t.url("/v1/openapi.json")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let served: Value = response.json().await.unwrap();
    let generated = masar_server::routes::openapi::document_json();
    assert_eq!(served, serde_json::from_str::<Value>(&generated).unwrap(), "served = generated");
    if std::env::var_os("MASAR_UPDATE_OPENAPI").is_some() {
        std::fs::write(committed(), format!("{generated}\n")).unwrap();
    }
    let on_disk: Value = serde_json::from_str(&std::fs::read_to_string(committed()).unwrap()).unwrap();
    assert!(
        on_disk == served,
        "crates/server/openapi.json is out of date: run `cargo xtask openapi` and commit it"
    );

    assert!(served["openapi"].as_str().unwrap().starts_with("3.1"), "{}", served["openapi"]);
    let paths: Vec<&str> = served["paths"].as_object().unwrap().keys().map(String::as_str).collect();
    for route in [
        "/v1/health",
        "/v1/openapi.json",
        "/v1/me/record",
        "/v1/opportunities",
        "/v1/me",
        "/v1/me/vault-keys/{id}",
        "/v1/sync/push",
        "/v1/sync/pull",
        "/v1/hr/employees/{national_id}/record",
        "/v1/hr/employees/{national_id}/employment",
        "/v1/dev/accounts",
        "/v1/dev/sms",
    ] {
        assert!(paths.contains(&route), "{route} is not described; described: {paths:?}");
    }
    assert!(!paths.iter().any(|p| p.starts_with("/v1/auth")), "no sign-in of Masar's own: {paths:?}");
    // Every schema a path refers to is defined.
    let text = served.to_string();
    let schemas = served["components"]["schemas"].as_object().unwrap();
    for reference in text.split("\"#/components/schemas/").skip(1) {
        let name = reference.split('"').next().unwrap();
        assert!(schemas.contains_key(name), "{name} is referred to but not defined");
    }
    assert!(schemas.contains_key("MutationOutcome") && schemas.contains_key("FieldProblem"));
    assert_eq!(served["components"]["securitySchemes"]["access_token"]["scheme"], "bearer");
}

/// This package's directory, read when the test runs (cargo sets it): a build reused from a
/// checkout elsewhere (a shared target directory) must not look into that other checkout.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), Into::into)
}

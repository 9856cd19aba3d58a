//! masar-server's connections to PostgreSQL over TLS, against the run's throw-away cluster
//! (`cargo xtask test` starts it with a certificate authority of its own): encrypted and checked
//! as `sslmode=verify-full` checks, so a certificate from another authority, or one that does not
//! name the host the URL names, is refused.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use masar_server::postgres::PgDb;

fn cluster_ca() -> std::path::PathBuf {
    common::postgres_ca().expect(
        "MASAR_TEST_POSTGRES_CA is not set: tests on PostgreSQL run through `cargo xtask test`, \
         which starts a throw-away cluster with its own certificate authority",
    )
}

#[tokio::test]
async fn with_its_authority_and_host_name_the_connection_is_encrypted() {
    let url = common::postgres_database().await;
    let db = PgDb::connect(&url, Some(&cluster_ca())).await.unwrap();
    let client = db.client().await.unwrap();
    let row = client
        .query_one("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[])
        .await
        .unwrap();
    let (ssl, version): (bool, Option<String>) = (row.get(0), row.get(1));
    assert!(ssl, "the session is not encrypted");
    assert!(version.as_deref().is_some_and(|v| v.starts_with("TLSv1.")), "{version:?}");
}

#[tokio::test]
async fn a_certificate_from_another_authority_is_refused() {
    let url = common::postgres_database().await;
    // The system's public authorities: none of them signed the cluster's certificate.
    let public = Path::new("/etc/ssl/certs/ca-certificates.crt");
    assert!(public.exists(), "Debian's ca-certificates bundle");
    let refused = PgDb::connect(&url, Some(public)).await.unwrap_err();
    let said = format!("{refused:#}");
    assert!(said.contains("UnknownIssuer"), "{said}");
}

#[tokio::test]
async fn a_certificate_that_does_not_name_the_host_is_refused() {
    let url = common::postgres_database().await;
    // The certificate names 127.0.0.1 only; `localhost` reaches the same server.
    let by_name = url.replacen("127.0.0.1", "localhost", 1);
    let refused = PgDb::connect(&by_name, Some(&cluster_ca())).await.unwrap_err();
    let said = format!("{refused:#}");
    assert!(said.contains("certificate not valid for name \"localhost\""), "{said}");
}

#[tokio::test]
async fn tls_asked_for_without_authorities_to_check_it_is_a_configuration_error() {
    let url = common::postgres_database().await;
    let refused = PgDb::connect(&format!("{url}?sslmode=require"), None).await.unwrap_err();
    assert!(refused.to_string().contains("--database-ca"), "{refused}");
}

//! masar-server's own TLS (`--tls-cert`, `--tls-key`) for a deployment without a TLS proxy:
//! HTTPS on 127.0.0.1:0 with a certificate from a test authority (made with openssl), what
//! clients that trust it see, and what those that do not, or that speak plain HTTP, get.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

use masar_server::ServerConfig;
use masar_server::tls::TlsFiles;

/// A certificate authority (`ca.crt`) and a certificate for 127.0.0.1 it signs, made with
/// openssl by the script the test PostgreSQL cluster's certificates come from too.
fn certificates(dir: &Path) -> TlsFiles {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), std::path::PathBuf::from);
    let script = manifest.join("../../xtask/scripts/test_certificates.sh");
    let out = Command::new("sh").arg(script).arg(dir).output().unwrap();
    assert!(out.status.success(), "test_certificates.sh: {}", String::from_utf8_lossy(&out.stderr));
    TlsFiles { cert: dir.join("server.crt"), key: dir.join("server.key") }
}

#[tokio::test]
async fn the_server_speaks_https_with_its_certificate_and_nothing_in_clear() {
    let certs = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let config =
        ServerConfig { tls: Some(certificates(certs.path())), ..ServerConfig::demo_on_loopback(data.path()) };
    let server = masar_server::start(&config, std::future::pending()).await.unwrap();
    let base = server.base_url();
    assert!(base.starts_with("https://127.0.0.1:"), "{base}");

    let ca = reqwest::Certificate::from_pem(&std::fs::read(certs.path().join("ca.crt")).unwrap()).unwrap();
    let trusting = reqwest::Client::builder().add_root_certificate(ca).build().unwrap();
    let health = trusting.get(format!("{base}/v1/health")).send().await.unwrap();
    assert_eq!(health.status(), reqwest::StatusCode::OK);
    // The built-in provider names itself by the HTTPS address.
    let discovery: serde_json::Value = trusting
        .get(format!("{base}/.well-known/openid-configuration"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(discovery["issuer"], base.as_str());

    // A client that does not trust the authority refuses the certificate.
    let untrusting = reqwest::Client::new();
    assert!(untrusting.get(format!("{base}/v1/health")).send().await.is_err());
    // Plain HTTP on the same port gets no answer.
    let clear = base.replacen("https://", "http://", 1);
    assert!(reqwest::get(format!("{clear}/v1/health")).await.is_err(), "answered in clear");
    // The server still answers after both.
    assert_eq!(
        trusting.get(format!("{base}/v1/health")).send().await.unwrap().status(),
        reqwest::StatusCode::OK
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_key_that_is_not_the_certificate_s_stops_the_start_with_a_reason() {
    let certs = tempfile::tempdir().unwrap();
    let other = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let mine = certificates(certs.path());
    let theirs = certificates(other.path());
    let config = ServerConfig {
        tls: Some(TlsFiles { cert: mine.cert, key: theirs.key }),
        ..ServerConfig::demo_on_loopback(data.path())
    };
    let refused = masar_server::start(&config, std::future::pending()).await.unwrap_err();
    assert!(format!("{refused:#}").contains("do not go together"), "{refused:#}");
    let missing = ServerConfig {
        tls: Some(TlsFiles { cert: certs.path().join("none.crt"), key: certs.path().join("server.key") }),
        ..ServerConfig::demo_on_loopback(data.path())
    };
    let refused = masar_server::start(&missing, std::future::pending()).await.unwrap_err();
    assert!(format!("{refused:#}").contains("none.crt"), "{refused:#}");
}

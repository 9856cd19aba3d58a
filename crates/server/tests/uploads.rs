//! Resumable uploads (tus 1.0.0) against the real server on 127.0.0.1:0: creation, chunks with
//! checksums, HEAD to resume, the whole file verified, hostile files refused, expiry, a restart,
//! a lost last answer, a client that dies mid-chunk.
// The helpers below are part of the tests: they fail the test the way its assertions do.
#![allow(clippy::unwrap_used)]

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::{TestServer, expect_error, pdf, sha256_hex, tus_metadata as metadata};
use masar_protocol::ApiErrorCode;
use masar_protocol::attachments::FileProblem;
use reqwest::{Response, StatusCode};
use sha2::{Digest, Sha256};

fn chunk_checksum(bytes: &[u8]) -> String {
    format!("sha256 {}", STANDARD.encode(Sha256::digest(bytes)))
}

/// A signed-in employee speaking tus.
struct Tus<'a> {
    server: &'a TestServer,
    token: String,
}

impl<'a> Tus<'a> {
    async fn new(server: &'a TestServer, account_index: usize) -> Self {
        let account = server.accounts().await.remove(account_index);
        let tokens = server.sign_in(&account).await;
        Self { server, token: tokens.access_token.expose().to_owned() }
    }

    async fn create_with(&self, length: u64, metadata: &str) -> Response {
        self.server
            .http
            .post(self.server.url("/v1/uploads"))
            .bearer_auth(&self.token)
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Length", length.to_string())
            .header("Upload-Metadata", metadata)
            .send()
            .await
            .unwrap()
    }

    /// Creates an upload of `bytes`; returns its URL.
    async fn create(&self, bytes: &[u8], name: &str) -> String {
        let response = self.create_with(bytes.len() as u64, &metadata(name, &sha256_hex(bytes))).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(response.headers()["tus-resumable"], "1.0.0");
        assert!(response.headers().contains_key("upload-expires"));
        let location = response.headers()["location"].to_str().unwrap();
        self.server.url(location)
    }

    async fn patch(&self, url: &str, offset: u64, chunk: &[u8], checksum: Option<String>) -> Response {
        let mut request = self
            .server
            .http
            .patch(url)
            .bearer_auth(&self.token)
            .header("Tus-Resumable", "1.0.0")
            .header("Content-Type", "application/offset+octet-stream")
            .header("Upload-Offset", offset.to_string())
            .body(chunk.to_vec());
        if let Some(checksum) = checksum {
            request = request.header("Upload-Checksum", checksum);
        }
        request.send().await.unwrap()
    }

    async fn head(&self, url: &str) -> Response {
        self.server
            .http
            .head(url)
            .bearer_auth(&self.token)
            .header("Tus-Resumable", "1.0.0")
            .send()
            .await
            .unwrap()
    }

    async fn offset(&self, url: &str) -> u64 {
        let response = self.head(url).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.headers()["upload-offset"].to_str().unwrap().parse().unwrap()
    }

    /// Uploads `bytes` whole in one PATCH; returns the PATCH's answer.
    async fn upload(&self, bytes: &[u8], name: &str) -> Response {
        let url = self.create(bytes, name).await;
        self.patch(&url, 0, bytes, None).await
    }
}

fn blob_files(server: &TestServer) -> Vec<std::path::PathBuf> {
    let root = server.dir.path().join("blobs").join("sha256");
    let mut found = Vec::new();
    for shard in std::fs::read_dir(root).into_iter().flatten().flatten() {
        for file in std::fs::read_dir(shard.path()).into_iter().flatten().flatten() {
            found.push(file.path());
        }
    }
    found
}

#[tokio::test]
async fn the_server_says_what_it_speaks() {
    let server = TestServer::start().await;
    let response =
        server.http.request(reqwest::Method::OPTIONS, server.url("/v1/uploads")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
    assert_eq!(header("tus-version"), "1.0.0");
    for extension in ["creation", "checksum", "termination", "expiration"] {
        assert!(header("tus-extension").split(',').any(|e| e == extension), "{extension}");
    }
    assert!(header("tus-checksum-algorithm").split(',').any(|a| a == "sha256"));
    assert_eq!(header("tus-max-size"), (20 * 1024 * 1024).to_string());
    let limits: serde_json::Value =
        server.http.get(server.url("/v1/attachments/limits")).send().await.unwrap().json().await.unwrap();
    assert_eq!(limits["maxFileBytes"], 20 * 1024 * 1024);
    assert_eq!(limits["kinds"], serde_json::json!(["pdf", "jpeg", "png"]));
}

#[tokio::test]
async fn creation_also_answers_at_the_collection_with_a_trailing_slash() {
    let server = TestServer::start().await;
    let tus = Tus::new(&server, 0).await;
    let file = pdf(40_000, "slash");
    let response = server
        .http
        .post(server.url("/v1/uploads/"))
        .bearer_auth(&tus.token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", file.len().to_string())
        .header("Upload-Metadata", metadata("scan.pdf", &sha256_hex(&file)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["tus-resumable"], "1.0.0");
    // The same absolute path as without the slash: a client resolving it against either lands there.
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/v1/uploads/") && location.len() > "/v1/uploads/".len(), "{location}");
    let answer = tus.patch(&server.url(&location), 0, &file, None).await;
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);
    assert_eq!(blob_files(&server).len(), 1);
    let options =
        server.http.request(reqwest::Method::OPTIONS, server.url("/v1/uploads/")).send().await.unwrap();
    assert_eq!(options.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_file_in_checked_chunks_resumes_from_head_and_becomes_one_blob() {
    let server = TestServer::start().await;
    let tus = Tus::new(&server, 0).await;
    let file = pdf(300_000, "MASAR-TEST-DOCUMENT");
    let url = tus.create(&file, "شهادة البكالوريوس.pdf").await;
    assert_eq!(tus.offset(&url).await, 0);

    let (first, rest) = file.split_at(120_000);
    let answer = tus.patch(&url, 0, first, Some(chunk_checksum(first))).await;
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);
    assert_eq!(answer.headers()["upload-offset"], "120000");
    // A client that lost track asks where to go on.
    assert_eq!(tus.offset(&url).await, 120_000);
    // A chunk that arrives damaged is refused and nothing of it counts.
    let mut damaged = rest.to_vec();
    damaged[10] ^= 0xFF;
    let answer = tus.patch(&url, 120_000, &damaged, Some(chunk_checksum(rest))).await;
    expect_error(answer, StatusCode::from_u16(460).unwrap(), ApiErrorCode::ChecksumMismatch).await;
    assert_eq!(tus.offset(&url).await, 120_000);
    // Bytes at the wrong place: 409 and where the upload stands.
    let answer = tus.patch(&url, 100, rest, None).await;
    assert_eq!(answer.headers()["upload-offset"], "120000");
    expect_error(answer, StatusCode::CONFLICT, ApiErrorCode::UploadOffsetMismatch).await;

    let answer = tus.patch(&url, 120_000, rest, Some(chunk_checksum(rest))).await;
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);
    assert_eq!(answer.headers()["upload-offset"], file.len().to_string().as_str());
    // The answer to the last chunk was lost: the same PATCH again changes nothing.
    let again = tus.patch(&url, file.len() as u64, &[], None).await;
    assert_eq!(again.status(), StatusCode::NO_CONTENT);

    let blobs = blob_files(&server);
    assert_eq!(blobs.len(), 1);
    assert_eq!(std::fs::read(&blobs[0]).unwrap(), file);
    assert!(blobs[0].ends_with(sha256_hex(&file)));
    // The same file again (by another employee too) is stored once.
    assert_eq!(tus.upload(&file, "copy.pdf").await.status(), StatusCode::NO_CONTENT);
    let other = Tus::new(&server, 1).await;
    assert_eq!(other.upload(&file, "mine.pdf").await.status(), StatusCode::NO_CONTENT);
    assert_eq!(blob_files(&server).len(), 1);
}

#[tokio::test]
async fn a_file_that_is_not_the_declared_one_is_refused_and_its_upload_ends() {
    let server = TestServer::start().await;
    let tus = Tus::new(&server, 0).await;
    let file = pdf(5_000, "declared");
    let url = tus.create(&file, "a.pdf").await;
    let other = pdf(5_000, "swapped!");
    let answer = tus.patch(&url, 0, &other, None).await;
    expect_error(answer, StatusCode::from_u16(460).unwrap(), ApiErrorCode::ChecksumMismatch).await;
    assert_eq!(tus.head(&url).await.status(), StatusCode::NOT_FOUND);
    assert!(blob_files(&server).is_empty());
}

#[tokio::test]
async fn hostile_files_and_names_are_refused_with_a_reason() {
    let server = TestServer::start().await;
    let tus = Tus::new(&server, 0).await;

    // A program renamed .pdf: refused at its first bytes.
    let mut program = b"\x7fELF\x02\x01\x01\0".to_vec();
    program.resize(4096, 0);
    let body = expect_error(
        tus.upload(&program, "cv.pdf").await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ApiErrorCode::FileNotAccepted,
    )
    .await;
    assert_eq!(body.file_problem, Some(FileProblem::NotADocument));

    // A PDF cut short: refused when it is whole.
    let whole = pdf(10_000, "cut");
    let cut = &whole[..whole.len() - 200];
    let body = expect_error(
        tus.upload(cut, "cut.pdf").await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ApiErrorCode::FileNotAccepted,
    )
    .await;
    assert_eq!(body.file_problem, Some(FileProblem::Truncated));

    // A tiny PNG that claims 50,000 × 50,000 pixels.
    let mut bomb = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
    bomb.extend_from_slice(b"IHDR");
    bomb.extend_from_slice(&50_000_u32.to_be_bytes());
    bomb.extend_from_slice(&50_000_u32.to_be_bytes());
    bomb.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
    bomb.extend_from_slice(&[0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82]);
    let body = expect_error(
        tus.upload(&bomb, "photo.png").await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ApiErrorCode::FileNotAccepted,
    )
    .await;
    assert!(matches!(body.file_problem, Some(FileProblem::TooManyPixels { .. })), "{:?}", body.file_problem);

    // Empty, too large, a path in the name, a direction override in the name.
    let empty = tus.create_with(0, &metadata("empty.pdf", &sha256_hex(b""))).await;
    expect_error(empty, StatusCode::UNSUPPORTED_MEDIA_TYPE, ApiErrorCode::FileNotAccepted).await;
    let huge = tus.create_with(21 * 1024 * 1024, &metadata("big.pdf", &sha256_hex(b"x"))).await;
    expect_error(huge, StatusCode::PAYLOAD_TOO_LARGE, ApiErrorCode::UploadTooLarge).await;
    let sneaky = tus.create_with(100, &metadata("../../etc/cron.d/x.pdf", &sha256_hex(b"x"))).await;
    expect_error(sneaky, StatusCode::BAD_REQUEST, ApiErrorCode::FileNameNotAccepted).await;
    let reversed = tus.create_with(100, &metadata("invoice\u{202E}fdp.exe", &sha256_hex(b"x"))).await;
    expect_error(reversed, StatusCode::BAD_REQUEST, ApiErrorCode::FileNameNotAccepted).await;

    // More bytes than declared.
    let url = tus.create(&whole, "w.pdf").await;
    let mut longer = whole.clone();
    longer.extend_from_slice(b"more");
    expect_error(
        tus.patch(&url, 0, &longer, None).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        ApiErrorCode::UploadTooLarge,
    )
    .await;
    assert_eq!(tus.offset(&url).await, 0);
    assert!(blob_files(&server).is_empty(), "nothing hostile became a blob");
}

#[tokio::test]
async fn only_tus_requests_of_the_uploads_owner_reach_an_upload() {
    let server = TestServer::start().await;
    let owner = Tus::new(&server, 0).await;
    let stranger = Tus::new(&server, 1).await;
    let file = pdf(2_000, "mine");
    let url = owner.create(&file, "mine.pdf").await;
    assert_eq!(stranger.head(&url).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(stranger.patch(&url, 0, &file, None).await.status(), StatusCode::NOT_FOUND);
    let anonymous = server.http.head(&url).header("Tus-Resumable", "1.0.0").send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let old_client = server.http.head(&url).bearer_auth(&owner.token).send().await.unwrap();
    assert_eq!(old_client.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(old_client.headers()["tus-version"], "1.0.0");
    let plain = server
        .http
        .patch(&url)
        .bearer_auth(&owner.token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Offset", "0")
        .body(file.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // Termination.
    let ended = server
        .http
        .delete(&url)
        .bearer_auth(&owner.token)
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);
    assert_eq!(owner.head(&url).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_abandoned_upload_expires_and_its_bytes_go() {
    // Uploads expire after 5 minutes here (24 hours by default), within one access token's life.
    let server =
        TestServer::start_with(|config| config.upload_expiry = std::time::Duration::from_secs(300)).await;
    let tus = Tus::new(&server, 0).await;
    let file = pdf(50_000, "abandoned");
    let url = tus.create(&file, "a.pdf").await;
    assert_eq!(tus.patch(&url, 0, &file[..10_000], None).await.status(), StatusCode::NO_CONTENT);
    let partial_dir = server.dir.path().join("blobs").join("partial");
    assert_eq!(std::fs::read_dir(&partial_dir).unwrap().count(), 1);

    server.advance(301);
    expect_error(
        tus.patch(&url, 10_000, &file[10_000..], None).await,
        StatusCode::GONE,
        ApiErrorCode::UploadGone,
    )
    .await;
    assert_eq!(tus.head(&url).await.status(), StatusCode::NOT_FOUND);
    // Another upload's creation sweeps every expired one.
    let second = tus.create(&file, "b.pdf").await;
    assert_eq!(std::fs::read_dir(&partial_dir).unwrap().count(), 1, "only the new upload's file is left");
    // A new upload of the same file goes through cleanly.
    assert_eq!(tus.patch(&second, 0, &file, None).await.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn a_client_that_dies_mid_chunk_resumes_from_what_the_server_kept() {
    let server = TestServer::start().await;
    let tus = Tus::new(&server, 0).await;
    let file = pdf(6_000_000, "killed");
    let url = tus.create(&file, "big.pdf").await;

    // The body stops with an error after 2.5 MB, as when the client's process is killed; what
    // was in flight (in socket buffers) is lost, the rest is kept.
    let sent_before_death = 2_500_000;
    let pieces: Vec<Result<Vec<u8>, std::io::Error>> = file[..sent_before_death]
        .chunks(64 * 1024)
        .map(|piece| Ok(piece.to_vec()))
        .chain(std::iter::once(Err(std::io::Error::other("killed"))))
        .collect();
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(pieces));
    let dying = server
        .http
        .patch(&url)
        .bearer_auth(&tus.token)
        .header("Tus-Resumable", "1.0.0")
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", "0")
        .body(body)
        .send()
        .await;
    assert!(dying.is_err(), "the request died");

    // The server kept what arrived (tus core); the client resumes there.
    let mut kept = tus.offset(&url).await;
    for _ in 0..50 {
        if kept > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        kept = tus.offset(&url).await;
    }
    assert!(kept > 0 && kept <= sent_before_death as u64, "kept {kept}");
    let rest = &file[usize::try_from(kept).unwrap()..];
    assert_eq!(tus.patch(&url, kept, rest, None).await.status(), StatusCode::NO_CONTENT);
    let total_sent = sent_before_death + rest.len();
    println!(
        "died after {sent_before_death} bytes, the server kept {kept}; {total_sent} sent for {}",
        file.len()
    );
    assert!(total_sent as f64 <= 1.1 * file.len() as f64, "sent {total_sent} for {}", file.len());
    assert_eq!(std::fs::read(&blob_files(&server)[0]).unwrap(), file);
}

#[tokio::test]
async fn an_upload_goes_on_after_the_server_restarts() {
    let server = TestServer::start_on_sqlite_with(|config| config.public_url = Some(common::one_url())).await;
    let tus = Tus::new(&server, 0).await;
    let file = pdf(40_000, "restart");
    let url = tus.create(&file, "r.pdf").await;
    assert_eq!(tus.patch(&url, 0, &file[..15_000], None).await.status(), StatusCode::NO_CONTENT);
    let path = url.trim_start_matches(&server.server.base_url()).to_owned();
    let token = tus.token.clone();
    drop(tus);
    let TestServer { server: running, dir: kept_dir, clock, http, .. } = server;
    running.shutdown().await.unwrap();

    let mut config = masar_server::ServerConfig::demo_on_loopback(kept_dir.path());
    config.clock = clock;
    config.public_url = Some(common::one_url());
    let again = masar_server::start(&config, std::future::pending()).await.unwrap();
    let url = format!("{}{path}", again.base_url());
    let offset =
        http.head(&url).bearer_auth(&token).header("Tus-Resumable", "1.0.0").send().await.unwrap().headers()
            ["upload-offset"]
            .to_str()
            .unwrap()
            .to_owned();
    assert_eq!(offset, "15000");
    let answer = http
        .patch(&url)
        .bearer_auth(&token)
        .header("Tus-Resumable", "1.0.0")
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", "15000")
        .body(file[15_000..].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);
    again.shutdown().await.unwrap();
    drop(kept_dir);
}

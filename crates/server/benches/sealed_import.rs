//! A sealed export of a few gigabytes, end to end on loopback: written (age-encrypted, signed,
//! the files streamed through), then sent to the employee's door and imported by the server
//! (decrypted, checked and stored as it streams); and another employee's, sent as the desktop
//! sends it (a resumable tus upload in 8 MiB chunks) and imported from the upload. Prints MB/s for each half and the process's
//! peak memory growth over each (client and server are both in this process). Asserts nothing:
//! the goal (peak growth ≤ 64 MB for a 2 GB file) is read from the figures.
//! `cargo bench -p masar-server --bench sealed_import`; `MASAR_BENCH_MB` sets the size (2048 by
//! default), in files of at most 256 MB.

#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::cast_precision_loss)]

mod support;

use std::io::{Read, Write};
use std::time::Instant;

use ed25519_dalek::SigningKey;
use masar_protocol::DemoAccount;
use masar_protocol::imports::{ExportRecipient, ImportReport};
use masar_protocol::sealed::{Manifest, SealedAttachment, device_key_hex, seal};
use masar_protocol::sync::{ContactUpdate, Mutation, MutationBody};
use masar_server::ServerConfig;
use serde_json::json;
use sha2::{Digest, Sha256};
use support::{my_record, sign_in};

const FILE_MB: u64 = 256;

/// Pseudo-random bytes without end (xorshift).
struct Noise(u64);

impl Read for Noise {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        for byte in buffer.iter_mut() {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            *byte = (self.0 >> 24) as u8;
        }
        Ok(buffer.len())
    }
}

/// A PDF scan of `megabytes` that is never held whole: its header, noise, its end marker.
fn scan(megabytes: u64, seed: u64) -> impl Read {
    (&b"%PDF-1.7\n"[..])
        .chain(Noise(0x2545_f491_4f6c_dd1d ^ (seed + 1)).take(megabytes * 1024 * 1024))
        .chain(&b"\n%%EOF\n"[..])
}

fn attachment(megabytes: u64, seed: u64, index: usize) -> SealedAttachment {
    let mut hasher = Sha256::new();
    let mut scan = scan(megabytes, seed);
    let mut buffer = vec![0_u8; 1024 * 1024];
    let mut size = 0;
    loop {
        let n = scan.read(&mut buffer).unwrap();
        if n == 0 {
            break;
        }
        hasher.update(&buffer[..n]);
        size += n as u64;
    }
    SealedAttachment { sha256: hex::encode(hasher.finalize()), size, name: format!("scan-{index}.pdf") }
}

fn rate(bytes: u64, seconds: f64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0) / seconds
}

/// One employee signed in, their workstation's key registered: what a sealed file needs.
struct Sender {
    account: DemoAccount,
    token: String,
    key: SigningKey,
    record: masar_protocol::EmployeeRecord,
}

async fn sender(http: &reqwest::Client, url: &str, account: &DemoAccount, seed: u8) -> Sender {
    let token = sign_in(url, account).await;
    let record = my_record(http, url, &token).await;
    let key = SigningKey::from_bytes(&[seed; 32]);
    let registered = http
        .put(format!("{url}/v1/me/devices"))
        .bearer_auth(&token)
        .json(&json!({ "publicKey": device_key_hex(&key.verifying_key()) }))
        .send()
        .await
        .unwrap();
    assert!(registered.status().is_success());
    Sender { account: account.clone(), token, key, record }
}

/// Writes `who`'s sealed export of `sizes` MB of scans to `path`: seconds, bytes, scans' bytes.
fn write(
    who: &Sender,
    recipient: &age::x25519::Recipient,
    sizes: &[u64],
    path: &std::path::Path,
) -> (f64, u64, u64) {
    let attachments: Vec<_> = sizes.iter().enumerate().map(|(i, mb)| attachment(*mb, i as u64, i)).collect();
    let manifest = Manifest {
        national_id: who.account.national_id.as_str().to_owned(),
        client_id: format!("5ea1ed5ea1ed5ea1ed5ea1ed5ea1ed{:02x}", who.key.to_bytes()[0]),
        device_key: device_key_hex(&who.key.verifying_key()),
        created_at: chrono::Utc::now(),
        mutations: vec![Mutation {
            id: 1,
            base_version: 0,
            fields: vec!["mobile".into()],
            body: MutationBody::UpdateContact(ContactUpdate {
                mobile: "0555000777".into(),
                email: who.record.profile.email.clone(),
                address: who.record.profile.address.clone(),
            }),
        }],
        attachments,
    };
    let carried: u64 = manifest.attachments.iter().map(|a| a.size).sum();
    let started = Instant::now();
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut file =
        seal(file, recipient, &who.key, &manifest, |index, _| Ok(scan(sizes[index], index as u64))).unwrap();
    file.flush().unwrap();
    drop(file);
    (started.elapsed().as_secs_f64(), std::fs::metadata(path).unwrap().len(), carried)
}

/// Sends the file as the desktop does over a link that may drop: a tus upload of 8 MiB chunks,
/// then the import naming it. Seconds for each half.
async fn upload_then_import(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    path: &std::path::Path,
) -> (f64, f64, ImportReport) {
    use tokio::io::AsyncReadExt;
    const CHUNK: usize = 8 * 1024 * 1024;
    let started = Instant::now();
    let length = std::fs::metadata(path).unwrap().len();
    let created = http
        .post(format!("{url}/v1/imports/uploads"))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .header("Upload-Length", length)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), reqwest::StatusCode::CREATED);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let mut file = tokio::fs::File::open(path).await.unwrap();
    let mut offset = 0_u64;
    while offset < length {
        let mut chunk = vec![0_u8; CHUNK.min(usize::try_from(length - offset).unwrap())];
        file.read_exact(&mut chunk).await.unwrap();
        let sent = http
            .patch(format!("{url}{location}"))
            .bearer_auth(token)
            .header("Tus-Resumable", "1.0.0")
            .header("Content-Type", "application/offset+octet-stream")
            .header("Upload-Offset", offset)
            .body(chunk)
            .send()
            .await
            .unwrap();
        assert_eq!(sent.status(), reqwest::StatusCode::NO_CONTENT);
        offset = sent.headers()["upload-offset"].to_str().unwrap().parse().unwrap();
    }
    let uploaded = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let id = location.rsplit('/').next().unwrap();
    let response =
        http.post(format!("{url}/v1/imports?upload={id}")).bearer_auth(token).send().await.unwrap();
    assert!(response.status().is_success(), "{}", response.text().await.unwrap_or_default());
    let report: ImportReport = response.json().await.unwrap();
    (uploaded, started.elapsed().as_secs_f64(), report)
}

#[tokio::main]
async fn main() {
    let megabytes: u64 = std::env::var("MASAR_BENCH_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(2048);
    let dir = tempfile::tempdir().unwrap();
    let mut config = ServerConfig::demo_on_loopback(dir.path());
    config.attachment_limits.max_file_bytes = (FILE_MB + 1) * 1024 * 1024;
    let server = masar_server::start(&config, std::future::pending()).await.unwrap();
    let url = server.base_url();
    let http = reqwest::Client::new();
    let accounts: Vec<DemoAccount> =
        http.get(format!("{url}/v1/dev/accounts")).send().await.unwrap().json().await.unwrap();
    let first = sender(&http, &url, &accounts[0], 7).await;
    let second = sender(&http, &url, &accounts[1], 8).await;
    let recipient: ExportRecipient =
        http.get(format!("{url}/v1/exports/recipient")).send().await.unwrap().json().await.unwrap();
    let recipient: age::x25519::Recipient = recipient.recipient.parse().unwrap();
    let sizes: Vec<u64> =
        (0..megabytes.div_ceil(FILE_MB)).map(|i| FILE_MB.min(megabytes - i * FILE_MB)).collect();

    // Written: the files stream through the seal into the file.
    let path = dir.path().join("unsent.masar");
    let (rss_before, _) = masar_test_utils::memory_kib();
    let (written, bytes, carried) = write(&first, &recipient, &sizes, &path);
    let (_, peak_written) = masar_test_utils::memory_kib();

    // Imported in one request: the file streams to the server, which decrypts, checks and stores
    // as it goes.
    let started = Instant::now();
    let body = reqwest::Body::from(tokio::fs::File::open(&path).await.unwrap());
    let response = http
        .post(format!("{url}/v1/imports"))
        .bearer_auth(&first.token)
        .header("Content-Type", "application/octet-stream")
        .header("Content-Length", bytes)
        .body(body)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.text().await.unwrap_or_default());
    let report: ImportReport = response.json().await.unwrap();
    let imported = started.elapsed().as_secs_f64();
    let (_, peak_imported) = masar_test_utils::memory_kib();
    assert_eq!(report.files as usize, sizes.len());
    std::fs::remove_file(&path).unwrap();

    // The desktop's way: the second employee's file as a resumable upload, then imported by name.
    let (_, _, _) = write(&second, &recipient, &sizes, &path);
    let (uploaded, imported_upload, report) = upload_then_import(&http, &url, &second.token, &path).await;
    let (_, peak_resumable) = masar_test_utils::memory_kib();
    assert_eq!(report.files as usize, sizes.len());

    let growth = |peak: u64| peak.saturating_sub(rss_before) / 1024;
    eprintln!(
        "sealed export of {} files, {} MB of scans ({bytes} bytes sealed):",
        sizes.len(),
        carried / (1024 * 1024)
    );
    eprintln!(
        "  written:  {written:.1} s, {:.0} MB/s, peak memory growth {} MB",
        rate(bytes, written),
        growth(peak_written)
    );
    eprintln!(
        "  imported in one request: {imported:.1} s, {:.0} MB/s (decrypted, checked, stored, each file verified), peak memory growth {} MB",
        rate(bytes, imported),
        growth(peak_imported)
    );
    eprintln!(
        "  as a resumable upload: sent in {uploaded:.1} s ({:.0} MB/s, 8 MiB chunks), imported from it in {imported_upload:.1} s ({:.0} MB/s); end to end {:.0} MB/s, peak memory growth {} MB",
        rate(bytes, uploaded),
        rate(bytes, imported_upload),
        rate(bytes, uploaded + imported_upload),
        growth(peak_resumable)
    );
}

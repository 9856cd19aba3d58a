//! A sealed export of a few gigabytes, end to end on loopback: written (age-encrypted, signed,
//! the files streamed through), then sent to the employee's door and imported by the server
//! (decrypted, checked and stored as it streams). Prints MB/s for each half and the process's
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
    let account = &accounts[0];
    let token = sign_in(&url, account).await;
    let record = my_record(&http, &url, &token).await;
    let key = SigningKey::from_bytes(&[7; 32]);
    let registered = http
        .put(format!("{url}/v1/me/devices"))
        .bearer_auth(&token)
        .json(&json!({ "publicKey": device_key_hex(&key.verifying_key()) }))
        .send()
        .await
        .unwrap();
    assert!(registered.status().is_success());
    let recipient: ExportRecipient =
        http.get(format!("{url}/v1/exports/recipient")).send().await.unwrap().json().await.unwrap();
    let recipient: age::x25519::Recipient = recipient.recipient.parse().unwrap();

    let sizes: Vec<u64> =
        (0..megabytes.div_ceil(FILE_MB)).map(|i| FILE_MB.min(megabytes - i * FILE_MB)).collect();
    let attachments: Vec<_> = sizes.iter().enumerate().map(|(i, mb)| attachment(*mb, i as u64, i)).collect();
    let manifest = Manifest {
        national_id: account.national_id.as_str().to_owned(),
        client_id: "5ea1ed5ea1ed5ea1ed5ea1ed5ea1ed00".into(),
        device_key: device_key_hex(&key.verifying_key()),
        created_at: chrono::Utc::now(),
        mutations: vec![Mutation {
            id: 1,
            base_version: 0,
            fields: vec!["mobile".into()],
            body: MutationBody::UpdateContact(ContactUpdate {
                mobile: "0555000777".into(),
                email: record.profile.email.clone(),
                address: record.profile.address.clone(),
            }),
        }],
        attachments,
    };
    let carried: u64 = manifest.attachments.iter().map(|a| a.size).sum();

    // Written: the files stream through the seal into the file.
    let path = dir.path().join("unsent.masar");
    let (rss_before, _) = masar_test_utils::memory_kib();
    let started = Instant::now();
    let file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let mut file =
        seal(file, &recipient, &key, &manifest, |index, _| Ok(scan(sizes[index], index as u64))).unwrap();
    file.flush().unwrap();
    drop(file);
    let written = started.elapsed().as_secs_f64();
    let (_, peak_written) = masar_test_utils::memory_kib();
    let bytes = std::fs::metadata(&path).unwrap().len();

    // Imported: the file streams to the server, which decrypts, checks and stores as it goes.
    let started = Instant::now();
    let body = reqwest::Body::from(tokio::fs::File::open(&path).await.unwrap());
    let response = http
        .post(format!("{url}/v1/imports"))
        .bearer_auth(&token)
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

    eprintln!(
        "sealed export of {} files, {} MB of scans ({} bytes sealed):",
        sizes.len(),
        carried / (1024 * 1024),
        bytes
    );
    eprintln!(
        "  written:  {:.1} s, {:.0} MB/s, peak memory growth {} MB",
        written,
        rate(bytes, written),
        peak_written.saturating_sub(rss_before) / 1024
    );
    eprintln!(
        "  imported: {:.1} s, {:.0} MB/s (decrypted, checked, stored, each file verified), peak memory growth {} MB",
        imported,
        rate(bytes, imported),
        peak_imported.saturating_sub(rss_before) / 1024
    );
}

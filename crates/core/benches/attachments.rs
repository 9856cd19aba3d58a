//! A large scan, end to end on loopback: hashed and encrypted into the attachment store, uploaded
//! with tus in 1 MiB chunks, verified by the server's own hash. Prints MB/s next to `sha256sum`
//! on the same file in the same run, and the process's peak memory growth (client and server are
//! both in this process). Asserts nothing: the goals (≥ 0.5 × sha256sum, ≤ 32 MB growth) are read
//! from the figures. `cargo bench -p masar-core --bench attachments` (or `cargo xtask bench`);
//! `MASAR_BENCH_MB` sets the size (1024 by default).

#![allow(clippy::unwrap_used, clippy::print_stderr, clippy::cast_precision_loss)]

use std::io::Write;
use std::time::Instant;

use masar_core::qualifications::{ItemState, QualificationForm};
use masar_core::{AuthState, Keychain};
use masar_protocol::DemoAccount;
use masar_protocol::attachments::AttachmentLimits;
use masar_protocol::qualification::{AttachmentRole, GpaScale, Grade, Level, StudyMode};
use masar_server::ServerConfig;
use masar_test_support::{open_app, sign_in};

fn write_scan(path: &std::path::Path, megabytes: u64) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    file.write_all(b"%PDF-1.7\n").unwrap();
    let mut block = vec![0_u8; 1024 * 1024];
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    for _ in 0..megabytes {
        for byte in &mut block {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *byte = (state >> 24) as u8;
        }
        file.write_all(&block).unwrap();
    }
    file.write_all(b"\n%%EOF\n").unwrap();
    file.flush().unwrap();
}

fn rate(bytes: u64, seconds: f64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0) / seconds
}

#[tokio::main]
async fn main() {
    let megabytes: u64 = std::env::var("MASAR_BENCH_MB").ok().and_then(|v| v.parse().ok()).unwrap_or(1024);
    let dir = tempfile::tempdir().unwrap();
    let scan = dir.path().join("scan.pdf");
    write_scan(&scan, megabytes);
    let size = std::fs::metadata(&scan).unwrap().len();

    let started = Instant::now();
    let sum = std::process::Command::new("sha256sum").arg(&scan).output().unwrap();
    let sha256sum = started.elapsed().as_secs_f64();
    assert!(sum.status.success());

    let server_dir = tempfile::tempdir().unwrap();
    let mut config = ServerConfig::demo_on_loopback(server_dir.path());
    config.attachment_limits = AttachmentLimits {
        max_file_bytes: 4 << 30,
        max_submission_bytes: 4 << 30,
        // The per-employee quotas (100 MB in flight, 500 MB a day) would refuse the large scan.
        max_in_flight_bytes: 4 << 30,
        max_daily_bytes: 4 << 30,
        ..AttachmentLimits::default()
    };
    config.auth_requests_per_minute = 1000;
    let server = masar_server::start(&config, std::future::pending()).await.unwrap();
    let accounts: Vec<DemoAccount> =
        reqwest::get(format!("{}/v1/dev/accounts", server.base_url())).await.unwrap().json().await.unwrap();
    let account = accounts.into_iter().next().unwrap();
    let app_dir = tempfile::tempdir().unwrap();
    let app = open_app(&server.base_url(), app_dir.path(), &Keychain::in_memory().unwrap());
    app.check_connection().await;
    let step = sign_in(&app, account.national_id.as_str(), &account.password).await.unwrap();
    assert!(matches!(step, AuthState::SignedIn { .. }));
    // The peak so far (the server's seeding, the sign-in) is not the attachment path's.
    let _ = std::fs::write("/proc/self/clear_refs", "5");
    let (baseline, _) = masar_test_utils::memory_kib();

    let started = Instant::now();
    let attached = app.qualifications().attach(scan, AttachmentRole::Certificate).await.unwrap();
    let stored = started.elapsed().as_secs_f64();

    let id = app.qualifications().new_draft().unwrap();
    let form = QualificationForm {
        level: Some(Level::Master),
        major: "علوم البيانات".into(),
        institution: "جامعة الملك عبدالعزيز".into(),
        country: "SA".into(),
        study_mode: Some(StudyMode::Regular),
        start_date: "2019-09-01".into(),
        graduation_date: "2021-06-30".into(),
        gpa: "4.8".into(),
        gpa_scale: Some(GpaScale::Five),
        grade: Some(Grade::Excellent),
        attachments: vec![attached],
        terms_accepted: true,
        ..QualificationForm::default()
    };
    app.qualifications().send(id.clone(), form).await.unwrap();
    let started = Instant::now();
    app.sync().round().await;
    let uploaded = started.elapsed().as_secs_f64();
    let item = app.qualifications().list().await.unwrap().into_iter().find(|i| i.id == id).unwrap();
    assert_eq!(item.state, ItemState::UnderReview, "uploaded, verified and submitted");
    let (_, peak) = masar_test_utils::memory_kib();

    let mb = size as f64 / (1024.0 * 1024.0);
    eprintln!("file: {mb:.0} MB");
    eprintln!("sha256sum:                        {sha256sum:6.2} s  {:7.1} MB/s", rate(size, sha256sum));
    eprintln!(
        "hash + encrypt + store (attach):   {stored:6.2} s  {:7.1} MB/s  ({:.2} × sha256sum)",
        rate(size, stored),
        sha256sum / stored
    );
    eprintln!(
        "upload + server verify + submit:   {uploaded:6.2} s  {:7.1} MB/s  ({:.2} × sha256sum)",
        rate(size, uploaded),
        sha256sum / uploaded
    );
    let whole = stored + uploaded;
    eprintln!("whole path:                        {whole:6.2} s  {:7.1} MB/s", rate(size, whole));
    eprintln!(
        "peak memory growth: {:.1} MB (resident {:.1} MB before attaching, peak {:.1} MB)",
        (peak.saturating_sub(baseline)) as f64 / 1024.0,
        baseline as f64 / 1024.0,
        peak as f64 / 1024.0
    );
    server.shutdown().await.unwrap();
}

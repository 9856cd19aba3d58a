//! Helpers the tests of every crate share, written once: documents with a marker to look for,
//! a log sink, the code in an SMS, a throw-away PostgreSQL database. A leaf crate (no product
//! crate below it), so the server's tests, core's tests and the end-to-end harness all use it.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used, clippy::missing_panics_doc)]

pub mod provider;

use std::io::Write;
use std::sync::{Arc, Mutex};

/// The process's resident memory and its peak so far, in KiB (`/proc/self/status`): what the
/// benchmarks report memory growth from. Zeros where that file is not there.
pub fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|line| line.starts_with(name))
            .and_then(|line| line.split_whitespace().nth(1))
            .and_then(|kib| kib.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// A PDF by its header and trailer with `marker` on its first line and on each of `lines` more
/// (about 30 bytes each): a test looks for the marker where the document must not be readable.
pub fn marked_pdf(marker: &str, lines: usize) -> Vec<u8> {
    let mut bytes = format!("%PDF-1.7\n% {marker}\n").into_bytes();
    for i in 0..lines {
        bytes.extend_from_slice(format!("% {marker} line {i}\n").as_bytes());
    }
    bytes.extend_from_slice(b"%%EOF\n");
    bytes
}

/// Like [`marked_pdf`], `marker` once, filled to about `size` bytes.
pub fn sized_pdf(size: usize, marker: &str) -> Vec<u8> {
    let mut bytes = format!("%PDF-1.7\n% {marker}\n").into_bytes();
    while bytes.len() + 16 < size {
        bytes.extend_from_slice(b"% filler line\n");
    }
    bytes.extend_from_slice(b"%%EOF\n");
    bytes
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// The first run of six ASCII digits in a text (the code in an SMS).
pub fn six_digits(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(6).find(|w| w.iter().all(char::is_ascii_digit)).map(|w| w.iter().collect())
}

/// A log sink: what a `tracing` subscriber writes (`.with_writer(move || sink.clone())`), kept
/// to be searched afterwards.
#[derive(Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

/// Says how much it holds, never what (it may hold what a test looks for).
impl std::fmt::Debug for Captured {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let held = self.0.lock().map_or(0, |bytes| bytes.len());
        f.debug_struct("Captured").field("bytes", &held).finish()
    }
}

impl Captured {
    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `N` random bytes.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0_u8; N];
    getrandom::fill(&mut bytes).unwrap();
    bytes
}

/// A new, empty database on the run's throw-away PostgreSQL cluster: `cargo xtask test` starts
/// the cluster and names it in `MASAR_TEST_POSTGRES_URL`.
pub async fn postgres_database() -> String {
    let base = std::env::var("MASAR_TEST_POSTGRES_URL").expect(
        "MASAR_TEST_POSTGRES_URL is not set: tests on PostgreSQL run through `cargo xtask test`, \
         which starts a throw-away cluster",
    );
    let (client, connection) = tokio_postgres::connect(&base, tokio_postgres::NoTls).await.unwrap();
    tokio::spawn(connection);
    let name = format!("masar_test_{}", hex::encode(random_bytes::<8>()));
    client.batch_execute(&format!("CREATE DATABASE {name}")).await.unwrap();
    let (server, _) = base.rsplit_once('/').unwrap();
    format!("{server}/{name}")
}

/// The certificate authority of the run's throw-away cluster (`MASAR_TEST_POSTGRES_CA`, set by
/// `cargo xtask test`): with it the server reaches PostgreSQL over TLS, checked.
pub fn postgres_ca() -> Option<std::path::PathBuf> {
    std::env::var_os("MASAR_TEST_POSTGRES_CA").map(Into::into)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_is_the_first_six_digits_together() {
        assert_eq!(six_digits("رمز التحقق: 482913 صالح 5 دقائق").as_deref(), Some("482913"));
        assert_eq!(six_digits("12345 and 1234567").as_deref(), Some("123456"));
        assert_eq!(six_digits("١٢٣٤٥٦ 12345"), None, "Eastern digits and five are not a code");
    }

    #[test]
    fn test_documents_are_pdfs_with_their_marker() {
        let marked = marked_pdf("MARK", 3);
        let text = String::from_utf8(marked).unwrap();
        assert_eq!(text.matches("MARK").count(), 4);
        assert!(text.starts_with("%PDF-1.7\n") && text.ends_with("%%EOF\n"));
        let sized = sized_pdf(1_000, "MARK");
        assert!((990..=1_003).contains(&sized.len()), "{}", sized.len());
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn the_log_sink_keeps_what_was_written() {
        let sink = Captured::default();
        let mut writer = sink.clone();
        writer.write_all("سطر ".as_bytes()).unwrap();
        writer.write_all(b"two").unwrap();
        assert_eq!(sink.text(), "سطر two");
    }
}

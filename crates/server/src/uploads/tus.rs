//! The tus 1.0.0 wire details (<https://tus.io/protocols/resumable-upload>): header names, the
//! `Upload-Metadata` and `Upload-Checksum` formats, and the dates of `Upload-Expires`.

use axum::http::HeaderMap;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use sha1::Sha1;
use sha2::{Digest, Sha256};

pub const VERSION: &str = "1.0.0";
pub const RESUMABLE: &str = "tus-resumable";
pub const EXTENSIONS: &str = "creation,checksum,termination,expiration";
pub const CHECKSUM_ALGORITHMS: &str = "sha1,sha256";
pub const OFFSET_CONTENT_TYPE: &str = "application/offset+octet-stream";

/// The request speaks tus 1.0.0.
pub fn speaks_tus(headers: &HeaderMap) -> bool {
    headers.get(RESUMABLE).and_then(|v| v.to_str().ok()) == Some(VERSION)
}

/// A non-negative integer header (`Upload-Length`, `Upload-Offset`).
pub fn number(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// `Upload-Metadata`: comma-separated `key base64value` pairs (a key alone has an empty value).
/// `None` when a pair is malformed or a value is not base64 of UTF-8.
pub fn metadata(header: &str) -> Option<Vec<(String, String)>> {
    let mut pairs = Vec::new();
    for pair in header.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let mut parts = pair.split(' ');
        let key = parts.next()?.to_owned();
        let value = match parts.next() {
            Some(encoded) => String::from_utf8(STANDARD.decode(encoded).ok()?).ok()?,
            None => String::new(),
        };
        if parts.next().is_some() || key.is_empty() {
            return None;
        }
        pairs.push((key, value));
    }
    Some(pairs)
}

/// The checksum a chunk declares (`Upload-Checksum: sha256 <base64>`), with a hasher to check it.
#[derive(Debug)]
pub struct Checksum {
    expected: Vec<u8>,
    hasher: ChunkHasher,
}

#[derive(Debug)]
enum ChunkHasher {
    Sha1(Sha1),
    Sha256(Sha256),
}

/// What is wrong with an `Upload-Checksum` header.
#[derive(Debug, PartialEq, Eq)]
pub enum ChecksumHeader {
    /// An algorithm we do not support (tus: 400).
    UnknownAlgorithm,
    Malformed,
}

impl Checksum {
    pub fn parse(header: &str) -> Result<Self, ChecksumHeader> {
        let (algorithm, encoded) = header.trim().split_once(' ').ok_or(ChecksumHeader::Malformed)?;
        let expected = STANDARD.decode(encoded.trim()).map_err(|_| ChecksumHeader::Malformed)?;
        let hasher = match algorithm {
            "sha1" => ChunkHasher::Sha1(Sha1::new()),
            "sha256" => ChunkHasher::Sha256(Sha256::new()),
            _ => return Err(ChecksumHeader::UnknownAlgorithm),
        };
        Ok(Self { expected, hasher })
    }

    pub fn update(&mut self, bytes: &[u8]) {
        match &mut self.hasher {
            ChunkHasher::Sha1(hasher) => hasher.update(bytes),
            ChunkHasher::Sha256(hasher) => hasher.update(bytes),
        }
    }

    pub fn matches(self) -> bool {
        let actual = match self.hasher {
            ChunkHasher::Sha1(hasher) => hasher.finalize().to_vec(),
            ChunkHasher::Sha256(hasher) => hasher.finalize().to_vec(),
        };
        actual == self.expected
    }
}

/// `Upload-Expires` is an RFC 9110 HTTP date: `Sun, 29 Nov 2026 08:00:00 GMT`.
pub fn http_date(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_pairs_are_base64_values() {
        // As tus-js-client sends them.
        let header = "filename 2LTZh9in2K/YqS5wZGY=,filetype YXBwbGljYXRpb24vcGRm,sha256 YWJj,empty";
        let pairs = metadata(header).unwrap();
        assert_eq!(pairs[0], ("filename".into(), "شهادة.pdf".into()));
        assert_eq!(pairs[1], ("filetype".into(), "application/pdf".into()));
        assert_eq!(pairs[2], ("sha256".into(), "abc".into()));
        assert_eq!(pairs[3], ("empty".into(), String::new()));
        assert!(metadata("filename not-base64!").is_none());
        assert!(metadata("filename YQ== extra").is_none());
    }

    #[test]
    fn a_chunk_checksum_is_checked_with_its_algorithm() {
        // sha256("hello") and sha1("hello"), base64.
        let mut sha256 = Checksum::parse("sha256 LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=").unwrap();
        sha256.update(b"hel");
        sha256.update(b"lo");
        assert!(sha256.matches());
        let mut sha1 = Checksum::parse("sha1 qvTGHdzF6KLavt4PO0gs2a6pQ00=").unwrap();
        sha1.update(b"hellO");
        assert!(!sha1.matches());
        assert_eq!(
            Checksum::parse("md5 XUFAKrxLKna5cZ2REBfFkg==").unwrap_err(),
            ChecksumHeader::UnknownAlgorithm
        );
        assert_eq!(Checksum::parse("sha256").unwrap_err(), ChecksumHeader::Malformed);
    }

    #[test]
    fn expiry_is_an_http_date() {
        assert_eq!(http_date(1_795_939_200_000), "Sun, 29 Nov 2026 08:00:00 GMT");
    }
}

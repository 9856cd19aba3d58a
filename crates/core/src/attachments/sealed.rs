//! The at-rest format of an attached file: encrypted in segments as it streams through (never
//! the whole file in memory), each segment sealed with XChaCha20-Poly1305 under the vault's
//! attachment key. The STREAM construction: the nonce is a random per-file prefix, the segment's
//! number and a last-segment flag, so segments cannot be reordered, dropped or cut off unseen.
//!
//! Layout: `MSRA` · version 1 · 19-byte nonce prefix · segments of at most [`SEGMENT`] plaintext
//! bytes, each followed by its 16-byte tag. An empty file is one empty last segment.

use std::io::{self, Read, Seek, SeekFrom, Write};

use chacha20poly1305::aead::{AeadInOut, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

type Tag = chacha20poly1305::aead::Tag<XChaCha20Poly1305>;

use crate::secret::{ExposeSecret, Key};

const MAGIC: &[u8; 4] = b"MSRA";
const VERSION: u8 = 1;
const PREFIX: usize = 19;
const TAG: usize = 16;
/// Plaintext bytes per segment.
pub const SEGMENT: usize = 64 * 1024;

fn nonce(prefix: &[u8; PREFIX], counter: u32, last: bool) -> XNonce {
    let mut bytes = [0_u8; 24];
    bytes[..PREFIX].copy_from_slice(prefix);
    bytes[PREFIX..PREFIX + 4].copy_from_slice(&counter.to_be_bytes());
    bytes[23] = u8::from(last);
    XNonce::from(bytes)
}

fn cipher(key: &Key) -> io::Result<XChaCha20Poly1305> {
    XChaCha20Poly1305::new_from_slice(key.expose_secret()).map_err(|_| broken("bad key"))
}

fn broken(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("attachment store: {what}"))
}

/// Seals what is written into `out`; call [`SealWriter::finish`] at the end.
pub struct SealWriter<W: Write> {
    out: W,
    cipher: XChaCha20Poly1305,
    prefix: [u8; PREFIX],
    counter: u32,
    buffer: Vec<u8>,
}

impl<W: Write> std::fmt::Debug for SealWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SealWriter").field("segments", &self.counter).finish_non_exhaustive()
    }
}

impl<W: Write> SealWriter<W> {
    pub fn new(mut out: W, key: &Key, prefix: [u8; PREFIX]) -> io::Result<Self> {
        out.write_all(MAGIC)?;
        out.write_all(&[VERSION])?;
        out.write_all(&prefix)?;
        Ok(Self { out, cipher: cipher(key)?, prefix, counter: 0, buffer: Vec::with_capacity(SEGMENT) })
    }

    fn seal(&mut self, last: bool) -> io::Result<()> {
        let nonce = nonce(&self.prefix, self.counter, last);
        let tag: Tag = self
            .cipher
            .encrypt_inout_detached(&nonce, b"", self.buffer.as_mut_slice().into())
            .map_err(|_| broken("cannot encrypt"))?;
        self.out.write_all(&self.buffer)?;
        self.out.write_all(&tag)?;
        self.buffer.clear();
        self.counter = self.counter.checked_add(1).ok_or_else(|| broken("file too large"))?;
        Ok(())
    }

    /// Seals the last segment and returns the output.
    pub fn finish(mut self) -> io::Result<W> {
        self.seal(true)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

impl<W: Write> Write for SealWriter<W> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if bytes.is_empty() {
            return Ok(0);
        }
        // A full segment is sealed only once more follows, so the last one is always marked last.
        if self.buffer.len() == SEGMENT {
            self.seal(false)?;
        }
        let taken = (SEGMENT - self.buffer.len()).min(bytes.len());
        self.buffer.extend_from_slice(&bytes[..taken]);
        Ok(taken)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Opens what [`SealWriter`] wrote; reading fails (InvalidData) on any change, reordering or cut.
pub struct OpenReader<R: Read> {
    input: R,
    cipher: XChaCha20Poly1305,
    prefix: [u8; PREFIX],
    counter: u32,
    plain: Vec<u8>,
    at: usize,
    done: bool,
    /// One segment read ahead, to know whether the current one is the last.
    ahead: Vec<u8>,
}

impl<R: Read> std::fmt::Debug for OpenReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenReader").field("segment", &self.counter).finish_non_exhaustive()
    }
}

fn read_full<R: Read>(input: &mut R, buffer: &mut Vec<u8>, want: usize) -> io::Result<()> {
    buffer.clear();
    let mut chunk = input.take(want as u64);
    chunk.read_to_end(buffer)?;
    Ok(())
}

const HEADER: usize = 4 + 1 + PREFIX;

fn read_header<R: Read>(input: &mut R) -> io::Result<[u8; PREFIX]> {
    let mut header = [0_u8; HEADER];
    input.read_exact(&mut header).map_err(|_| broken("no header"))?;
    if &header[..4] != MAGIC || header[4] != VERSION {
        return Err(broken("not an attachment of this app"));
    }
    let mut prefix = [0_u8; PREFIX];
    prefix.copy_from_slice(&header[5..]);
    Ok(prefix)
}

impl<R: Read + Seek> OpenReader<R> {
    /// Reading from plaintext `offset` on: a jump to its segment, then the rest of that segment
    /// skipped (a resumed upload costs one segment, not the file up to there).
    pub fn at(mut input: R, key: &Key, offset: u64) -> io::Result<Self> {
        let prefix = read_header(&mut input)?;
        let segment = offset / SEGMENT as u64;
        let counter = u32::try_from(segment).map_err(|_| broken("offset beyond the file"))?;
        input.seek(SeekFrom::Start(HEADER as u64 + segment * (SEGMENT + TAG) as u64))?;
        let mut reader = Self::from_segment(input, key, prefix, counter)?;
        io::copy(&mut (&mut reader).take(offset % SEGMENT as u64), &mut io::sink())?;
        Ok(reader)
    }
}

impl<R: Read> OpenReader<R> {
    pub fn new(mut input: R, key: &Key) -> io::Result<Self> {
        let prefix = read_header(&mut input)?;
        Self::from_segment(input, key, prefix, 0)
    }

    fn from_segment(mut input: R, key: &Key, prefix: [u8; PREFIX], counter: u32) -> io::Result<Self> {
        let mut ahead = Vec::with_capacity(SEGMENT + TAG);
        read_full(&mut input, &mut ahead, SEGMENT + TAG)?;
        Ok(Self {
            input,
            cipher: cipher(key)?,
            prefix,
            counter,
            plain: Vec::new(),
            at: 0,
            done: false,
            ahead,
        })
    }

    fn next_segment(&mut self) -> io::Result<()> {
        let mut segment = std::mem::take(&mut self.ahead);
        read_full(&mut self.input, &mut self.ahead, SEGMENT + TAG)?;
        let last = self.ahead.is_empty();
        if segment.len() < TAG {
            return Err(broken("cut short"));
        }
        let tag = Tag::try_from(&segment[segment.len() - TAG..]).map_err(|_| broken("cut short"))?;
        segment.truncate(segment.len() - TAG);
        let nonce = nonce(&self.prefix, self.counter, last);
        self.cipher
            .decrypt_inout_detached(&nonce, b"", segment.as_mut_slice().into(), &tag)
            .map_err(|_| broken("damaged, reordered or cut short"))?;
        self.counter = self.counter.checked_add(1).ok_or_else(|| broken("file too large"))?;
        self.plain = segment;
        self.at = 0;
        self.done = last;
        Ok(())
    }
}

impl<R: Read> Read for OpenReader<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.at == self.plain.len() {
            if self.done {
                return Ok(0);
            }
            self.next_segment()?;
        }
        let n = out.len().min(self.plain.len() - self.at);
        out[..n].copy_from_slice(&self.plain[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Key {
        crate::secret::key([9; 32])
    }

    fn seal(bytes: &[u8]) -> Vec<u8> {
        let mut writer = SealWriter::new(Vec::new(), &key(), [4; PREFIX]).unwrap();
        // In odd pieces, as a file is read.
        for piece in bytes.chunks(7_777) {
            writer.write_all(piece).unwrap();
        }
        writer.finish().unwrap()
    }

    fn open(sealed: &[u8]) -> io::Result<Vec<u8>> {
        let mut plain = Vec::new();
        OpenReader::new(sealed, &key())?.read_to_end(&mut plain)?;
        Ok(plain)
    }

    #[test]
    fn what_is_sealed_opens_the_same_at_every_size() {
        for size in [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT, 200_001] {
            let bytes: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            let sealed = seal(&bytes);
            assert_eq!(open(&sealed).unwrap(), bytes, "size {size}");
            let segments = size.div_ceil(SEGMENT).max(1);
            assert_eq!(sealed.len(), 24 + size + segments * TAG, "size {size}");
        }
    }

    #[test]
    fn reading_from_an_offset_jumps_to_its_segment() {
        let bytes: Vec<u8> = (0..3 * SEGMENT + 500).map(|i| (i % 253) as u8).collect();
        let sealed = seal(&bytes);
        for offset in [0, 1, SEGMENT - 1, SEGMENT, 2 * SEGMENT + 7, bytes.len()] {
            let mut rest = Vec::new();
            OpenReader::at(io::Cursor::new(&sealed), &key(), offset as u64)
                .unwrap()
                .read_to_end(&mut rest)
                .unwrap();
            assert_eq!(rest, &bytes[offset..], "offset {offset}");
        }
    }

    #[test]
    fn nothing_of_the_plaintext_is_in_the_sealed_bytes() {
        let bytes = b"%PDF-1.7 MASAR-SECRET-MARKER ".repeat(5_000);
        let sealed = seal(&bytes);
        let marker = b"MASAR-SECRET-MARKER";
        assert!(!sealed.windows(marker.len()).any(|w| w == marker));
    }

    #[test]
    fn a_flipped_bit_a_cut_or_a_dropped_segment_is_refused() {
        let bytes = vec![7_u8; 3 * SEGMENT + 10];
        let sealed = seal(&bytes);
        let mut flipped = sealed.clone();
        flipped[100] ^= 1;
        assert!(open(&flipped).is_err());
        // Cut at a segment boundary: the last remaining segment was not sealed as the last.
        let cut = &sealed[..24 + 2 * (SEGMENT + TAG)];
        assert!(open(cut).is_err());
        let mut dropped = sealed[..24].to_vec();
        dropped.extend_from_slice(&sealed[24 + SEGMENT + TAG..]);
        assert!(open(&dropped).is_err());
        let other_key = crate::secret::key([8; 32]);
        let mut plain = Vec::new();
        assert!(OpenReader::new(sealed.as_slice(), &other_key).unwrap().read_to_end(&mut plain).is_err());
    }
}

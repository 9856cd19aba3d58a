//! Attached documents (the scans of a certificate): which files are accepted — decided by their
//! content, never by their name or by what a client says — the names they may carry, and the
//! limits the server announces. The desktop checks a file with these rules before it stores it;
//! the server checks every upload again with the same rules before the blob counts.

use std::io::{Read, Seek, SeekFrom};

use serde::{Deserialize, Serialize};

/// A kind of document the service accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum AttachmentKind {
    Pdf,
    Jpeg,
    Png,
}

crate::wire_names!(AttachmentKind { Pdf => "pdf", Jpeg => "jpeg", Png => "png" });

impl AttachmentKind {
    pub fn mime(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
        }
    }
}

/// What the server accepts, announced at `GET /v1/attachments/limits` (and the per-file size as
/// tus's `Tus-Max-Size`), so the desktop can say so before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AttachmentLimits {
    /// Bytes of one file.
    #[specta(type = f64)]
    pub max_file_bytes: u64,
    /// Bytes of all files of one submission together.
    #[specta(type = f64)]
    pub max_submission_bytes: u64,
    /// Files in one submission.
    pub max_files: u32,
    /// Pixels of one image (width × height), against decompression bombs.
    #[specta(type = f64)]
    pub max_image_pixels: u64,
    pub kinds: Vec<AttachmentKind>,
    /// Bytes of one employee's unfinished uploads together.
    #[specta(type = f64)]
    #[serde(default = "default_in_flight_bytes")]
    pub max_in_flight_bytes: u64,
    /// Bytes one employee may start uploading in 24 hours.
    #[specta(type = f64)]
    #[serde(default = "default_daily_bytes")]
    pub max_daily_bytes: u64,
}

/// Five files of the largest size at once.
pub const DEFAULT_IN_FLIGHT_BYTES: u64 = 100 * 1024 * 1024;
/// Ten full submissions a day.
pub const DEFAULT_DAILY_BYTES: u64 = 500 * 1024 * 1024;

fn default_in_flight_bytes() -> u64 {
    DEFAULT_IN_FLIGHT_BYTES
}

fn default_daily_bytes() -> u64 {
    DEFAULT_DAILY_BYTES
}

impl Default for AttachmentLimits {
    fn default() -> Self {
        Self {
            max_file_bytes: 20 * 1024 * 1024,
            max_submission_bytes: 50 * 1024 * 1024,
            max_files: 10,
            max_image_pixels: DEFAULT_MAX_IMAGE_PIXELS,
            kinds: AttachmentKind::ALL.to_vec(),
            max_in_flight_bytes: DEFAULT_IN_FLIGHT_BYTES,
            max_daily_bytes: DEFAULT_DAILY_BYTES,
        }
    }
}

/// 80 megapixels: a page scanned at 600 dpi is about 35, a phone photo 12 to 50.
pub const DEFAULT_MAX_IMAGE_PIXELS: u64 = 80_000_000;

/// Why a file is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "problem")]
pub enum FileProblem {
    #[error("the file is empty")]
    Empty,
    #[error("not a PDF, JPEG or PNG (by its content)")]
    NotADocument,
    #[error("the file ends before its end (truncated or damaged)")]
    Truncated,
    #[error("the image is {pixels} pixels, over the {limit} allowed")]
    TooManyPixels {
        #[specta(type = f64)]
        pixels: u64,
        #[specta(type = f64)]
        limit: u64,
    },
    #[error("the file is {size} bytes, over the {limit} allowed")]
    TooLarge {
        #[specta(type = f64)]
        size: u64,
        #[specta(type = f64)]
        limit: u64,
    },
}

/// Why a file's name is not accepted (it is shown to HR and in lists, never used as a path).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NameProblem {
    #[error("the name is empty")]
    Empty,
    #[error("the name is longer than {MAX_NAME_CHARS} characters")]
    TooLong,
    #[error("the name contains a path (/, \\ or ..)")]
    Path,
    #[error("the name contains control or direction-override characters")]
    Hidden,
}

pub const MAX_NAME_CHARS: usize = 200;

/// A file's display name: a plain name, no path, nothing hidden. Direction marks and overrides
/// (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C) are refused: with U+202E before «fdp.exe»,
/// a program's name reads as a PDF's.
pub fn check_name(name: &str) -> Result<(), NameProblem> {
    if name.trim().is_empty() {
        return Err(NameProblem::Empty);
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(NameProblem::TooLong);
    }
    if name.contains('/') || name.contains('\\') || name == "." || name.contains("..") {
        return Err(NameProblem::Path);
    }
    let hidden = |c: char| {
        c.is_control()
            || matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if name.chars().any(hidden) {
        return Err(NameProblem::Hidden);
    }
    Ok(())
}

/// How many leading bytes [`sniff`] needs.
pub const SNIFF_BYTES: usize = 8;

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
const PNG_END: [u8; 12] = [0, 0, 0, 0, b'I', b'E', b'N', b'D', 0xAE, 0x42, 0x60, 0x82];

/// The kind a file's first bytes announce (at least [`SNIFF_BYTES`] of them), if any.
pub fn sniff(head: &[u8]) -> Option<AttachmentKind> {
    if head.starts_with(b"%PDF-") {
        Some(AttachmentKind::Pdf)
    } else if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(AttachmentKind::Jpeg)
    } else if head.starts_with(&PNG_SIGNATURE) {
        Some(AttachmentKind::Png)
    } else {
        None
    }
}

/// How far from the end a format's end marker may sit (PDF writers and cameras add a little).
const TAIL_WINDOW: u64 = 1024;
/// How far into a JPEG its frame header (with the size) is looked for (after EXIF and thumbnails).
const JPEG_HEADER_WINDOW: u64 = 1024 * 1024;

/// Checks a whole file of `size` bytes: its kind by content, that it is complete (a PDF's
/// `%%EOF`, a PNG's IEND, a JPEG's end marker), within the size limit, and for images that the
/// pixel count is within `limits` (a small file can claim a huge image: a decompression bomb).
/// Reads only the head, the tail and an image's header, so a large file costs little.
pub fn inspect<R: Read + Seek>(
    file: &mut R,
    size: u64,
    limits: &AttachmentLimits,
) -> std::io::Result<Result<AttachmentKind, FileProblem>> {
    if size == 0 {
        return Ok(Err(FileProblem::Empty));
    }
    if size > limits.max_file_bytes {
        return Ok(Err(FileProblem::TooLarge { size, limit: limits.max_file_bytes }));
    }
    let mut head = [0_u8; 32];
    let head_read = read_at(file, 0, &mut head)?;
    let head = &head[..head_read];
    let Some(kind) = sniff(head).filter(|kind| limits.kinds.contains(kind)) else {
        return Ok(Err(FileProblem::NotADocument));
    };
    let tail_len = size.min(TAIL_WINDOW);
    let mut tail = vec![0_u8; usize::try_from(tail_len).unwrap_or(1024)];
    let read = read_at(file, size - tail_len, &mut tail)?;
    let tail = &tail[..read];
    let complete = match kind {
        AttachmentKind::Pdf => contains(tail, b"%%EOF"),
        AttachmentKind::Png => tail.ends_with(&PNG_END),
        AttachmentKind::Jpeg => contains(tail, &[0xFF, 0xD9]),
    };
    if !complete {
        return Ok(Err(FileProblem::Truncated));
    }
    let pixels = match kind {
        AttachmentKind::Pdf => None,
        AttachmentKind::Png => png_pixels(head),
        AttachmentKind::Jpeg => jpeg_pixels(file, size)?,
    };
    match (kind, pixels) {
        (AttachmentKind::Pdf, _) => Ok(Ok(kind)),
        (_, None) => Ok(Err(FileProblem::Truncated)),
        (_, Some(pixels)) if pixels > limits.max_image_pixels => {
            Ok(Err(FileProblem::TooManyPixels { pixels, limit: limits.max_image_pixels }))
        }
        (_, Some(_)) => Ok(Ok(kind)),
    }
}

fn read_at<R: Read + Seek>(file: &mut R, at: u64, buffer: &mut [u8]) -> std::io::Result<usize> {
    file.seek(SeekFrom::Start(at))?;
    let mut filled = 0;
    while filled < buffer.len() {
        match file.read(&mut buffer[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// Width × height from a PNG's IHDR, which must come first.
fn png_pixels(head: &[u8]) -> Option<u64> {
    if head.len() < 24 || &head[12..16] != b"IHDR" {
        return None;
    }
    let width = u32::from_be_bytes(head[16..20].try_into().ok()?);
    let height = u32::from_be_bytes(head[20..24].try_into().ok()?);
    Some(u64::from(width) * u64::from(height))
}

/// Width × height from a JPEG's frame header (SOFn), walking the segments from the start.
fn jpeg_pixels<R: Read + Seek>(file: &mut R, size: u64) -> std::io::Result<Option<u64>> {
    let mut at = 2_u64;
    let end = size.min(JPEG_HEADER_WINDOW);
    while at + 4 <= end {
        let mut marker = [0_u8; 4];
        if read_at(file, at, &mut marker)? < 4 || marker[0] != 0xFF {
            return Ok(None);
        }
        let code = marker[1];
        // Fill bytes before a marker.
        if code == 0xFF {
            at += 1;
            continue;
        }
        let length = u64::from(u16::from_be_bytes([marker[2], marker[3]]));
        let is_frame = matches!(code, 0xC0..=0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF);
        if is_frame {
            let mut frame = [0_u8; 5];
            if read_at(file, at + 4, &mut frame)? < 5 {
                return Ok(None);
            }
            let height = u16::from_be_bytes([frame[1], frame[2]]);
            let width = u16::from_be_bytes([frame[3], frame[4]]);
            return Ok(Some(u64::from(width) * u64::from(height)));
        }
        // Start of scan before any frame header, or a segment that cannot be: not a JPEG we read.
        if code == 0xDA || length < 2 {
            return Ok(None);
        }
        at += 2 + length;
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use super::*;

    fn check(bytes: &[u8]) -> Result<AttachmentKind, FileProblem> {
        inspect(&mut Cursor::new(bytes), bytes.len() as u64, &AttachmentLimits::default()).unwrap()
    }

    fn pdf() -> Vec<u8> {
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = PNG_SIGNATURE.to_vec();
        bytes.extend_from_slice(&13_u32.to_be_bytes());
        bytes.extend_from_slice(b"IHDR");
        bytes.extend_from_slice(&width.to_be_bytes());
        bytes.extend_from_slice(&height.to_be_bytes());
        bytes.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]);
        bytes.extend_from_slice(&PNG_END);
        bytes
    }

    fn jpeg(width: u16, height: u16) -> Vec<u8> {
        let mut bytes = vec![0xFF, 0xD8];
        // An APP0 segment first, as cameras write, then the frame header.
        bytes.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x10]);
        bytes.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        bytes.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08]);
        bytes.extend_from_slice(&height.to_be_bytes());
        bytes.extend_from_slice(&width.to_be_bytes());
        bytes.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        bytes.extend_from_slice(&[0xFF, 0xD9]);
        bytes
    }

    #[test]
    fn documents_are_known_by_their_content() {
        assert_eq!(check(&pdf()), Ok(AttachmentKind::Pdf));
        assert_eq!(check(&png(2480, 3508)), Ok(AttachmentKind::Png));
        assert_eq!(check(&jpeg(4000, 3000)), Ok(AttachmentKind::Jpeg));
    }

    #[test]
    fn an_executable_named_pdf_empty_and_truncated_files_are_refused() {
        let mut elf = b"\x7fELF\x02\x01\x01\0".to_vec();
        elf.extend_from_slice(&[0; 64]);
        assert_eq!(check(&elf), Err(FileProblem::NotADocument));
        assert_eq!(check(b"MZ\x90\0 this program cannot be run in DOS mode"), Err(FileProblem::NotADocument));
        assert_eq!(check(b""), Err(FileProblem::Empty));
        let whole = pdf();
        assert_eq!(check(&whole[..whole.len() - 8]), Err(FileProblem::Truncated));
        let image = png(100, 100);
        assert_eq!(check(&image[..image.len() - 4]), Err(FileProblem::Truncated));
        let photo = jpeg(100, 100);
        assert_eq!(check(&photo[..photo.len() - 2]), Err(FileProblem::Truncated));
    }

    #[test]
    fn a_small_file_that_claims_a_huge_image_is_refused() {
        let limit = DEFAULT_MAX_IMAGE_PIXELS;
        assert_eq!(
            check(&png(50_000, 50_000)),
            Err(FileProblem::TooManyPixels { pixels: 2_500_000_000, limit })
        );
        assert_eq!(
            check(&jpeg(65_000, 65_000)),
            Err(FileProblem::TooManyPixels { pixels: 4_225_000_000, limit })
        );
        // Exactly at the limit is allowed.
        assert_eq!(check(&png(10_000, 8_000)), Ok(AttachmentKind::Png));
    }

    #[test]
    fn a_file_over_the_limit_is_refused_before_it_is_read() {
        let limits = AttachmentLimits { max_file_bytes: 10, ..AttachmentLimits::default() };
        let bytes = pdf();
        let result = inspect(&mut Cursor::new(&bytes), bytes.len() as u64, &limits).unwrap();
        assert_eq!(result, Err(FileProblem::TooLarge { size: bytes.len() as u64, limit: 10 }));
    }

    #[test]
    fn names_with_a_path_or_hidden_direction_marks_are_refused() {
        assert_eq!(check_name("شهادة البكالوريوس.pdf"), Ok(()));
        assert_eq!(check_name("scan 2024-03-01 (1).jpg"), Ok(()));
        assert_eq!(check_name("../../etc/passwd"), Err(NameProblem::Path));
        assert_eq!(check_name("..\\boot.ini"), Err(NameProblem::Path));
        assert_eq!(check_name("certificate\u{202E}fdp.exe"), Err(NameProblem::Hidden));
        assert_eq!(check_name("a\u{2067}b.pdf"), Err(NameProblem::Hidden));
        assert_eq!(check_name("line\nbreak.pdf"), Err(NameProblem::Hidden));
        assert_eq!(check_name("  "), Err(NameProblem::Empty));
        assert_eq!(check_name(&"م".repeat(201)), Err(NameProblem::TooLong));
    }
}

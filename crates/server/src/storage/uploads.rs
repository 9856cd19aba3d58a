//! Resumable uploads as the stores keep them, and what one person's uploads take.

use masar_protocol::NationalId;

/// A resumable upload as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    pub id: String,
    pub owner: NationalId,
    pub length: u64,
    pub offset: u64,
    /// The whole file's SHA-256 as declared at creation (hex).
    pub sha256: String,
    pub filename: String,
    pub filetype: Option<String>,
    pub expires_ms: i64,
    /// The bytes are whole, verified and a blob.
    pub done: bool,
    pub purpose: UploadPurpose,
}

/// What an upload's bytes are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadPurpose {
    /// An attached document: inspected, then a blob.
    Attachment,
    /// A sealed export brought to be imported: read once by the import, then removed.
    Import,
}

impl UploadPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Attachment => "attachment",
            Self::Import => "import",
        }
    }

    pub fn parse(text: &str) -> anyhow::Result<Self> {
        match text {
            "attachment" => Ok(Self::Attachment),
            "import" => Ok(Self::Import),
            other => anyhow::bail!("an upload's purpose is {other:?}"),
        }
    }
}

/// What one employee's uploads take (see [`crate::rules::uploads`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct UploadUsage {
    /// Bytes of unfinished, unexpired uploads.
    pub in_flight: u64,
    /// Bytes of the uploads started in the window.
    pub last_day: u64,
    /// When the window's oldest upload started.
    pub oldest_ms: Option<i64>,
    /// Bytes of unexpired sealed exports brought to be imported (outside the other two).
    pub importing: u64,
}

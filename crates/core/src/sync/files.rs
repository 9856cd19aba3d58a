//! The files queued mutations need, for any record kind: before each push, every file of a held
//! mutation (see the outbox) is uploaded with tus from where the server has it (HEAD after a
//! crash or restart, a new upload if the server let it expire), in checked chunks read from the
//! encrypted store; once all of a mutation's files are verified, it takes its mutation id and
//! goes out with the push. A refused file holds back only its own mutation; a network failure
//! stops the uploads of this round (they resume next round) but never the pulls.

use masar_protocol::ApiErrorCode;
use std::io::Read;
use std::time::{Duration, Instant};

use tokio::sync::watch;

use crate::active::{ActiveSession, SessionError, TokenLease};
use crate::attachments::store_of;
use crate::client::{ClientError, NewUpload};
use crate::progress::{Speed, UploadProgress};
use crate::vault::db::{HeldRow, UploadState};

/// Bytes per PATCH: small enough to show progress and lose little to a cut (at most this much is
/// sent again), large enough that the server's fsync per chunk does not dominate. Measured on a
/// 1 GB file (`cargo bench -p masar-core --bench attachments`): 1 MiB gave 0.35 × sha256sum,
/// 4 MiB 0.56 × with 24 MB peak memory growth, 8 MiB 0.57 × with 39 MB.
pub const CHUNK: usize = 4 * 1024 * 1024;

/// Uploads what the held mutations need; releases each one whose files are all verified (it
/// takes the next mutation id).
pub async fn run(
    active: &ActiveSession,
    lease: &mut TokenLease<'_>,
    uploads: &watch::Sender<UploadProgress>,
) -> Result<(), SessionError> {
    let held = active.vault(|vault| Ok(vault.db.held()?)).await?;
    if held.is_empty() {
        return Ok(());
    }
    let mut meter = Meter::new(uploads, remaining(active, &held).await?);
    let result = upload_all(active, lease, &mut meter, held).await;
    meter.stop();
    result
}

async fn upload_all(
    active: &ActiveSession,
    lease: &mut TokenLease<'_>,
    meter: &mut Meter<'_>,
    held: Vec<HeldRow>,
) -> Result<(), SessionError> {
    for row in held {
        let mut all_verified = true;
        for sha256 in &row.blobs {
            match upload_file(active, lease, meter, sha256).await? {
                UploadState::Verified => {}
                UploadState::Pending | UploadState::Refused => all_verified = false,
            }
        }
        if all_verified {
            let seq = row.seq;
            active
                .vault(move |vault| {
                    vault.db.release(seq)?;
                    Ok(())
                })
                .await?;
        }
    }
    Ok(())
}

/// Bytes the server does not have yet, over the files of these mutations (each file once).
async fn remaining(active: &ActiveSession, held: &[HeldRow]) -> Result<u64, SessionError> {
    let mut hashes: Vec<String> = held.iter().flat_map(|row| row.blobs.iter().cloned()).collect();
    hashes.sort();
    hashes.dedup();
    active
        .vault(move |vault| {
            let mut left = 0;
            for hash in &hashes {
                if let Some(row) = vault.db.upload(hash)?
                    && row.state == UploadState::Pending
                {
                    left += row.size.saturating_sub(row.sent);
                }
            }
            Ok(left)
        })
        .await
}

/// Publishes the progress of this round's uploads as chunks go.
struct Meter<'a> {
    uploads: &'a watch::Sender<UploadProgress>,
    speed: Speed,
    remaining: u64,
}

impl<'a> Meter<'a> {
    fn new(uploads: &'a watch::Sender<UploadProgress>, remaining: u64) -> Self {
        Self { uploads, speed: Speed::default(), remaining }
    }

    /// A chunk of `bytes` went in `took`; the file `sha256` has reached `sent`.
    fn chunk(&mut self, sha256: &str, bytes: u64, took: Duration, sent: u64) {
        let bytes_per_second = self.speed.add(bytes, took);
        self.remaining = self.remaining.saturating_sub(bytes);
        #[allow(clippy::cast_precision_loss, reason = "byte counts shown rounded")]
        self.uploads.send_replace(UploadProgress {
            active: true,
            sha256: Some(sha256.to_owned()),
            sent_bytes: sent as f64,
            remaining_bytes: self.remaining as f64,
            bytes_per_second,
        });
    }

    fn stop(&self) {
        self.uploads.send_modify(|progress| {
            progress.active = false;
            progress.sha256 = None;
        });
    }
}

/// One file, as far as it goes this round.
async fn upload_file(
    active: &ActiveSession,
    lease: &mut TokenLease<'_>,
    meter: &mut Meter<'_>,
    sha256: &str,
) -> Result<UploadState, SessionError> {
    let key = sha256.to_owned();
    let Some(row) = active.vault(move |vault| Ok(vault.db.upload(&key)?)).await? else {
        return Ok(UploadState::Refused);
    };
    if row.state != UploadState::Pending {
        return Ok(row.state);
    }
    let file = File { sha256: &row.sha256, size: row.size, name: &row.name, kind: &row.kind };
    let result = send(active, lease, meter, &file, row.url.clone()).await;
    match result {
        Ok(()) => {
            set_state(active, &row.sha256, UploadState::Verified, None).await?;
            Ok(UploadState::Verified)
        }
        Err(SessionError::Client(ClientError::Api { code, file_problem, .. }))
            if matches!(
                code,
                ApiErrorCode::FileNotAccepted
                    | ApiErrorCode::UploadTooLarge
                    | ApiErrorCode::FileNameNotAccepted
            ) =>
        {
            let problem = file_problem.map_or_else(|| format!("{code:?}"), |p| format!("{p:?}"));
            tracing::info!(%problem, "the server refused an attached file");
            set_state(active, &row.sha256, UploadState::Refused, Some(&problem)).await?;
            Ok(UploadState::Refused)
        }
        // The server no longer has the upload (it expired), or chunks kept arriving damaged:
        // start anew next round.
        Err(SessionError::Client(ClientError::Api {
            code: ApiErrorCode::ChecksumMismatch | ApiErrorCode::UploadGone,
            ..
        })) => {
            let key = row.sha256.clone();
            active.vault(move |vault| Ok(vault.db.set_upload_url(&key, None)?)).await?;
            Ok(UploadState::Pending)
        }
        Err(error) => Err(error),
    }
}

async fn set_state(
    active: &ActiveSession,
    sha256: &str,
    state: UploadState,
    problem: Option<&str>,
) -> Result<(), SessionError> {
    let (key, problem) = (sha256.to_owned(), problem.map(str::to_owned));
    active.vault(move |vault| Ok(vault.db.set_upload_state(&key, state, problem.as_deref())?)).await
}

/// The file an upload is of.
struct File<'a> {
    sha256: &'a str,
    size: u64,
    name: &'a str,
    kind: &'a str,
}

/// Creates (or finds) the upload and sends the rest in chunks; refreshes the token once if the
/// server says it ended.
async fn send(
    active: &ActiveSession,
    lease: &mut TokenLease<'_>,
    meter: &mut Meter<'_>,
    file: &File<'_>,
    url: Option<String>,
) -> Result<(), SessionError> {
    let File { sha256, size, name, kind } = *file;
    let client = lease.client();
    let filetype = masar_protocol::attachments::AttachmentKind::parse(kind)
        .map_or("application/octet-stream", |k| k.mime());
    let known = match &url {
        Some(url) => lease.call(|token| async move { client.upload_offset(&token, url).await }).await?,
        None => None,
    };
    let (url, mut offset) = match (url, known) {
        (Some(url), Some(offset)) => (url, offset),
        _ => {
            let upload = NewUpload { length: size, sha256, filename: name, filetype };
            let upload = &upload;
            let url = lease.call(|token| async move { client.upload_create(&token, upload).await }).await?;
            let (key, stored) = (sha256.to_owned(), url.clone());
            active.vault(move |vault| Ok(vault.db.set_upload_url(&key, Some(&stored))?)).await?;
            (url, 0)
        }
    };
    let mut damaged = 0;
    while offset < size {
        let chunk = bytes::Bytes::from(read_chunk(active, sha256, offset).await?);
        if chunk.is_empty() {
            // The stored file ends before the size recorded for it: never send empty chunks forever.
            return Err(SessionError::Task(format!("the stored file ends at {offset} of {size} bytes")));
        }
        let (started, from) = (Instant::now(), offset);
        let (at, chunk) = (url.as_str(), &chunk);
        let sent =
            lease.call(|token| async move { client.upload_chunk(&token, at, offset, chunk.clone()).await });
        offset = match sent.await {
            // The chunk arrived damaged: the server dropped it (or the whole file, when it did not
            // check out at the end). Ask where the upload stands and go on from there.
            Err(SessionError::Client(ClientError::Api { code: ApiErrorCode::ChecksumMismatch, .. }))
                if damaged < MAX_DAMAGED_CHUNKS =>
            {
                damaged += 1;
                tracing::info!(damaged, "a chunk arrived damaged; sending it again");
                match lease.call(|token| async move { client.upload_offset(&token, at).await }).await? {
                    Some(at) => at,
                    None => return Err(gone()),
                }
            }
            other => other?,
        };
        meter.chunk(sha256, offset.saturating_sub(from), started.elapsed(), offset);
        let key = sha256.to_owned();
        active.vault(move |vault| Ok(vault.db.set_upload_sent(&key, offset)?)).await?;
    }
    Ok(())
}

/// Damaged chunks sent again within one round before the round gives up on the file.
const MAX_DAMAGED_CHUNKS: u32 = 3;

fn gone() -> SessionError {
    SessionError::Client(ClientError::Api {
        status: 404,
        code: ApiErrorCode::UploadGone,
        retry_after: None,
        remaining: None,
        file_problem: None,
        import_problem: None,
    })
}

/// Up to [`CHUNK`] plaintext bytes from `offset`, decrypted from the store.
async fn read_chunk(active: &ActiveSession, sha256: &str, offset: u64) -> Result<Vec<u8>, SessionError> {
    let key = sha256.to_owned();
    active
        .vault(move |vault| {
            let store = store_of(vault)?;
            let mut reader = store.open_at(&key, offset).map_err(crate::vault::VaultError::from)?;
            let mut chunk = Vec::with_capacity(CHUNK);
            (&mut reader)
                .take(CHUNK as u64)
                .read_to_end(&mut chunk)
                .map_err(crate::vault::VaultError::from)?;
            Ok(chunk)
        })
        .await
}

//! The async half of an import: the door's rules on the signed manifest, the attachments into
//! the blob store as they stream by, and, once the whole file proved genuine, the mutations
//! applied under their original client id and ids (what was applied before is answered from its
//! stored result). A file refused at any point leaves nothing behind.

use std::io;

use axum::body::{Body, Bytes};
use http_body_util::BodyExt;
use masar_protocol::NationalId;
use masar_protocol::imports::{ImportOutcome, ImportProblem, ImportReport, ImportedItem};
use masar_protocol::sealed::{Manifest, SealedAttachment};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::sync::mpsc;

use super::decode::{ChannelReader, Event, decode};
use crate::AppState;
use crate::error::ApiError;
use crate::storage::{Blob, Caller, HrRead, PushError, Upload, UploadPurpose};
use crate::uploads::PartWriter;
use crate::uploads::handlers::{drop_upload, expiry_ms};

/// How long the rest of a refused file is read (and dropped) before the answer goes anyway.
const DRAIN_LIMIT: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// A file written this far in the future is refused too (workstation clocks drift a little).
const CLOCK_SKEW_MS: i64 = 10 * 60 * 1000;

/// Who brings the file.
#[derive(Debug, Clone)]
pub enum Door {
    /// The employee, signed in at another workstation: only their own file.
    Employee(NationalId),
    /// An HR officer: a file of an employee of their entity (audited).
    Hr(NationalId),
}

/// An attachment written into the blob store, waiting for the whole file to prove genuine.
#[derive(Debug)]
struct Staged {
    upload: String,
    sealed: SealedAttachment,
}

/// Where the sealed file's bytes come from.
pub enum Source {
    /// The request's body.
    Body(Body),
    /// A whole upload sent before (resumable), read once and removed after.
    Upload { id: String, bytes: Box<dyn AsyncRead + Send + Unpin> },
}

/// Imports the sealed export `source` holds.
pub async fn import(
    state: &AppState,
    door: Door,
    caller: &Caller,
    source: Source,
) -> Result<ImportReport, ApiError> {
    let (feeder, uploaded) = {
        let (pieces, pieces_in) = mpsc::channel(8);
        let (feeder, uploaded) = match source {
            Source::Body(body) => (tokio::spawn(feed(body, pieces)), None),
            Source::Upload { id, bytes } => (tokio::spawn(feed_upload(bytes, pieces)), Some(id)),
        };
        (Feeder { task: feeder, pieces_in }, uploaded)
    };
    let result = decode_and_apply(state, &door, caller, feeder).await;
    if let Some(id) = uploaded {
        // Read once, whatever became of it: applied, or refused for a reason a second import
        // would meet again.
        if let Err(error) = drop_upload(state, &id).await {
            tracing::warn!(%error, "cannot remove an imported upload");
        }
    }
    result
}

/// The task filling the decoder's channel, and that channel's receiving end.
struct Feeder {
    task: tokio::task::JoinHandle<()>,
    pieces_in: mpsc::Receiver<io::Result<Bytes>>,
}

async fn decode_and_apply(
    state: &AppState,
    door: &Door,
    caller: &Caller,
    Feeder { task: feeder, pieces_in }: Feeder,
) -> Result<ImportReport, ApiError> {
    let identity = super::identity(state).await?;
    let (events_out, mut events) = mpsc::channel(8);
    let decoder =
        tokio::task::spawn_blocking(move || decode(ChannelReader::new(pieces_in), &identity, &events_out));
    let mut staged = Vec::new();
    let result = receive(state, door, caller, &mut events, &mut staged).await;
    // Whatever happened, the decoder stops once its receiver is gone. The rest of a refused
    // file is read and dropped before the answer: a client still sending would otherwise see
    // its connection reset instead of the reason (bounded, for a client that stops sending).
    drop(events);
    let _ = decoder.await;
    if tokio::time::timeout(DRAIN_LIMIT, feeder).await.is_err() {
        tracing::info!("an import's client stopped sending; answered without the rest");
    }
    if result.is_err() {
        for file in &staged {
            let _ = drop_upload(state, &file.upload).await;
        }
    }
    result
}

/// The request's bytes into the decoder's channel, as they arrive; once the decoder stopped
/// (a refused file), the rest is read and dropped.
async fn feed(mut body: Body, to: mpsc::Sender<io::Result<Bytes>>) {
    let mut draining = false;
    while let Some(frame) = body.frame().await {
        if draining {
            if frame.is_err() {
                return;
            }
            continue;
        }
        let piece = match frame {
            Ok(frame) => match frame.into_data() {
                Ok(data) => Ok(data),
                // Trailers: not part of the file.
                Err(_) => continue,
            },
            Err(error) => Err(io::Error::new(io::ErrorKind::ConnectionAborted, error)),
        };
        if piece.is_err() {
            let _ = to.send(piece).await;
            return;
        }
        draining = to.send(piece).await.is_err();
    }
}

/// An upload's bytes into the decoder's channel; stops when the decoder stopped.
async fn feed_upload(mut bytes: Box<dyn AsyncRead + Send + Unpin>, to: mpsc::Sender<io::Result<Bytes>>) {
    loop {
        let mut buffer = vec![0_u8; 256 * 1024];
        match bytes.read(&mut buffer).await {
            Ok(0) => return,
            Ok(read) => {
                buffer.truncate(read);
                if to.send(Ok(Bytes::from(buffer))).await.is_err() {
                    return;
                }
            }
            Err(error) => {
                let _ = to.send(Err(error)).await;
                return;
            }
        }
    }
}

fn refused(problem: ImportProblem) -> ApiError {
    ApiError::ImportRefused(problem)
}

fn stopped(error: io::Error) -> ApiError {
    ApiError::Internal(anyhow::Error::new(error).context("the sealed file could not be read to its end"))
}

async fn receive(
    state: &AppState,
    door: &Door,
    caller: &Caller,
    events: &mut mpsc::Receiver<Event>,
    staged: &mut Vec<Staged>,
) -> Result<ImportReport, ApiError> {
    let manifest = match events.recv().await {
        Some(Event::Opened(manifest)) => *manifest,
        Some(Event::Refused(problem)) => return Err(refused(problem)),
        Some(Event::Failed(error)) => return Err(stopped(error)),
        _ => return Err(anyhow::anyhow!("the decoder ended without a word").into()),
    };
    let owner = admit(state, door, &manifest, caller).await?;
    receive_files(state, &owner, &manifest, caller, events, staged).await?;
    let files = keep_files(state, staged, caller).await?;
    let results =
        match state.store.push(&owner, &manifest.client_id, manifest.mutations.clone(), caller).await {
            Ok(results) => results,
            Err(PushError::ForeignClient) => return Err(refused(ImportProblem::OtherEmployee)),
            Err(PushError::Storage(error)) => return Err(error.into()),
        };
    let items = manifest
        .mutations
        .iter()
        .zip(results)
        .map(|(mutation, result)| ImportedItem {
            id: result.id,
            action: mutation.body.action(),
            outcome: ImportOutcome::from(&result.outcome),
            already_applied: result.replayed,
        })
        .collect::<Vec<_>>();
    let applied = items.iter().filter(|item| !item.already_applied).count();
    tracing::info!(employee = %owner.masked(), items = items.len(), applied, files, "a sealed export was imported");
    Ok(ImportReport { employee: owner.masked(), created_at: manifest.created_at, files, items })
}

/// The door's rules on the signed manifest: whose it is, who brings it, the key that signed it,
/// its age and sizes. The employee whose work it is.
async fn admit(
    state: &AppState,
    door: &Door,
    manifest: &Manifest,
    caller: &Caller,
) -> Result<NationalId, ApiError> {
    let owner = NationalId::parse(&manifest.national_id).map_err(|_| refused(ImportProblem::Damaged))?;
    match door {
        Door::Employee(me) if *me != owner => {
            tracing::warn!(employee = %me.masked(), owner = %owner.masked(), "an employee imported another employee's file");
            return Err(refused(ImportProblem::OtherEmployee));
        }
        Door::Employee(_) => {}
        Door::Hr(officer) => {
            state.store.record(&owner).await?.ok_or(ApiError::NotFound)?;
            state.store.hr_open_record(officer, &owner, HrRead::Import, caller).await??;
        }
    }
    let written = manifest.created_at.timestamp_millis();
    let oldest = caller.now_ms - i64::from(state.export_max_age_days) * 24 * 60 * 60 * 1000;
    if written < oldest || written > caller.now_ms + CLOCK_SKEW_MS {
        return Err(refused(ImportProblem::TooOld));
    }
    if !state.store.device_registered(&owner, &manifest.device_key).await? {
        tracing::warn!(employee = %owner.masked(), "a sealed export signed by a key not registered for its employee");
        return Err(refused(ImportProblem::UnregisteredDevice));
    }
    if manifest.attachments.iter().any(|file| file.size > state.limits.max_file_bytes) {
        return Err(refused(ImportProblem::TooLarge));
    }
    if !crate::sync::handlers::valid_client_id(&manifest.client_id)
        || manifest.mutations.len() > crate::sync::MAX_PUSH
    {
        return Err(refused(ImportProblem::Damaged));
    }
    Ok(owner)
}

/// Each attachment's bytes into an upload of the owner's as they stream by; one the owner sent
/// before is not stored again (its pieces pass by).
async fn receive_files(
    state: &AppState,
    owner: &NationalId,
    manifest: &Manifest,
    caller: &Caller,
    events: &mut mpsc::Receiver<Event>,
    staged: &mut Vec<Staged>,
) -> Result<(), ApiError> {
    let mut next = manifest.attachments.iter();
    // The file being read: its writer, or `None` when it is known already; `Err` before it starts.
    let mut current: Option<Option<Box<dyn PartWriter>>> = None;
    loop {
        let event = events.recv().await;
        if matches!(event, Some(Event::Piece(_) | Event::FileEnd)) && current.is_none() {
            let sealed = next.next().ok_or_else(|| refused(ImportProblem::Damaged))?;
            current = Some(start_file(state, owner, sealed, caller, staged).await?);
        }
        match event {
            Some(Event::Piece(bytes)) => {
                if let Some(Some(writer)) = current.as_mut() {
                    writer.write(&bytes).await.map_err(anyhow::Error::from)?;
                }
            }
            Some(Event::FileEnd) => {
                if let Some(Some(writer)) = current.take() {
                    writer.finish().await.map_err(anyhow::Error::from)?;
                }
                current = None;
            }
            Some(Event::Whole) => return Ok(()),
            Some(Event::Refused(problem)) => return Err(refused(problem)),
            Some(Event::Failed(error)) => return Err(stopped(error)),
            Some(Event::Opened(_)) | None => {
                return Err(anyhow::anyhow!("the decoder stopped mid-file").into());
            }
        }
    }
}

/// A new upload of the owner's for the attachment, or `None` when they sent it before.
async fn start_file(
    state: &AppState,
    owner: &NationalId,
    sealed: &SealedAttachment,
    caller: &Caller,
    staged: &mut Vec<Staged>,
) -> Result<Option<Box<dyn PartWriter>>, ApiError> {
    if state.store.owned_blob(&sealed.sha256, owner).await?.is_some() {
        return Ok(None);
    }
    let upload = Upload {
        id: crate::secrets::new_id()?,
        owner: owner.clone(),
        length: sealed.size,
        offset: 0,
        sha256: sealed.sha256.clone(),
        filename: sealed.name.clone(),
        filetype: None,
        expires_ms: caller.now_ms + expiry_ms(state),
        done: false,
        purpose: UploadPurpose::Attachment,
    };
    state.blobs.create(&upload.id).await.map_err(anyhow::Error::from)?;
    state.store.create_upload(&upload, caller).await?;
    staged.push(Staged { upload: upload.id.clone(), sealed: sealed.clone() });
    Ok(Some(state.blobs.open_at(&upload.id, 0).await.map_err(anyhow::Error::from)?))
}

/// The file proved whole and genuine: each staged attachment is checked as an upload is (a
/// PDF, JPEG or PNG within the limits) and becomes the owner's blob. One that is not a document
/// is dropped; the request that attaches it is then refused with the reason when applied.
async fn keep_files(state: &AppState, staged: &[Staged], caller: &Caller) -> Result<u32, ApiError> {
    let mut kept = 0;
    for file in staged {
        let (hash, kind) = state
            .blobs
            // Every byte was checked against the signed manifest's SHA-256 as it was written.
            .verify(&file.upload, file.sealed.size, state.limits.clone(), Some(file.sealed.sha256.clone()))
            .await
            .map_err(anyhow::Error::from)?;
        match kind {
            Ok(kind) if hash == file.sealed.sha256 => {
                state.blobs.promote(&file.upload, &hash).await.map_err(anyhow::Error::from)?;
                let blob = Blob { sha256: hash, size: file.sealed.size, kind };
                state.store.complete_upload(&file.upload, &blob, caller).await?;
                kept += 1;
            }
            _ => drop_upload(state, &file.upload).await?,
        }
    }
    Ok(kept)
}

//! The blocking half of an import: the request's bytes arrive through a channel, age decrypts
//! them, and what the file holds goes back to the async half as events: the signed manifest
//! first (so a file at the wrong door is refused before its files are read), then each
//! attachment's bytes, then whether the file was whole. Both channels are bounded: however large
//! the file, a few pieces of it are in memory at once.

use std::io::{self, Read};

use axum::body::Bytes;
use masar_protocol::imports::ImportProblem;
use masar_protocol::sealed::{Manifest, OpenError, open};
use tokio::sync::mpsc;

/// What the decoder found, in the file's order.
#[derive(Debug)]
pub enum Event {
    /// Decrypted, and signed by the key it names.
    Opened(Box<Manifest>),
    /// The next piece of the current attachment.
    Piece(Bytes),
    /// The current attachment ended and matched its SHA-256.
    FileEnd,
    /// Every byte was read and checked: the file is whole and genuine.
    Whole,
    /// The file is refused whole.
    Refused(ImportProblem),
    /// The bytes stopped coming (the client went away) or could not be read.
    Failed(io::Error),
}

/// Reads the request's bytes from the channel the async half fills.
#[derive(Debug)]
pub struct ChannelReader {
    pieces: mpsc::Receiver<io::Result<Bytes>>,
    current: Bytes,
}

impl ChannelReader {
    pub fn new(pieces: mpsc::Receiver<io::Result<Bytes>>) -> Self {
        Self { pieces, current: Bytes::new() }
    }
}

impl Read for ChannelReader {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        while self.current.is_empty() {
            match self.pieces.blocking_recv() {
                Some(Ok(piece)) => self.current = piece,
                Some(Err(error)) => return Err(error),
                None => return Ok(0),
            }
        }
        let n = buffer.len().min(self.current.len());
        buffer[..n].copy_from_slice(&self.current.split_to(n));
        Ok(n)
    }
}

/// What a refusal of [`open`] means for the person importing.
pub fn problem_of(error: OpenError) -> Result<ImportProblem, io::Error> {
    Ok(match error {
        OpenError::NotSealed => ImportProblem::NotSealed,
        OpenError::NotForThisServer => ImportProblem::OtherServer,
        OpenError::Damaged | OpenError::BadFormat | OpenError::AttachmentAltered { .. } => {
            ImportProblem::Damaged
        }
        OpenError::BadSignature => ImportProblem::BadSignature,
        OpenError::Io(error) => return Err(error),
    })
}

/// Decrypts `input` and sends what it holds; stops as soon as the receiver is gone (the async
/// half refused the file after its manifest).
pub fn decode(input: impl Read, identity: &age::x25519::Identity, events: &mpsc::Sender<Event>) {
    let refused = |error: OpenError| match problem_of(error) {
        Ok(problem) => Event::Refused(problem),
        Err(error) => Event::Failed(error),
    };
    let mut opened = match open(input, identity) {
        Ok(opened) => opened,
        Err(error) => {
            let _ = events.blocking_send(refused(error));
            return;
        }
    };
    if events.blocking_send(Event::Opened(Box::new(opened.manifest.clone()))).is_err() {
        return;
    }
    while let Some(mut attachment) = opened.next_attachment() {
        loop {
            let mut buffer = vec![0_u8; 64 * 1024];
            match attachment.read_checked(&mut buffer) {
                Ok(0) => break,
                Ok(read) => {
                    buffer.truncate(read);
                    if events.blocking_send(Event::Piece(Bytes::from(buffer))).is_err() {
                        return;
                    }
                }
                Err(error) => {
                    let _ = events.blocking_send(refused(error));
                    return;
                }
            }
        }
        if events.blocking_send(Event::FileEnd).is_err() {
            return;
        }
    }
    let _ = events.blocking_send(match opened.finish() {
        Ok(_) => Event::Whole,
        Err(error) => refused(error),
    });
}

//! The whole file's SHA-256, computed on this node as its chunks arrive, so the last chunk needs
//! no second read of the file. A chunk that reached another node (several nodes behind one
//! balancer) or a node that restarted leaves no running state here: the file is then hashed from
//! disk at the end, as before. Either way the hash is of the bytes on disk, in order.

use std::collections::HashMap;
use std::sync::Mutex;

use sha2::{Digest, Sha256};

/// Running states kept at most (an abandoned upload's goes when it expires, or when this many
/// are kept: a later chunk then finds none, and its file is hashed from disk).
const MAX_RUNNING: usize = 4096;

#[derive(Debug, Default)]
pub struct Hashing {
    running: Mutex<HashMap<String, (u64, Sha256)>>,
}

impl Hashing {
    /// The running hash of upload `id` if it has taken exactly its first `offset` bytes (taken
    /// out while a chunk is written); a new one at offset 0; `None` otherwise.
    pub fn take(&self, id: &str, offset: u64) -> Option<Sha256> {
        let found = self.running.lock().ok()?.remove(id);
        match found {
            Some((at, hasher)) if at == offset => Some(hasher),
            _ if offset == 0 => Some(Sha256::new()),
            _ => None,
        }
    }

    /// Keeps the running hash of upload `id` after its first `offset` bytes.
    pub fn keep(&self, id: &str, offset: u64, hasher: Sha256) {
        if let Ok(mut running) = self.running.lock() {
            if running.len() >= MAX_RUNNING {
                running.clear();
            }
            running.insert(id.to_owned(), (offset, hasher));
        }
    }

    /// Forgets upload `id` (ended, refused, expired).
    pub fn forget(&self, id: &str) {
        if let Ok(mut running) = self.running.lock() {
            running.remove(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_goes_on_only_from_where_it_stopped() {
        let hashing = Hashing::default();
        let mut first = hashing.take("a", 0).unwrap();
        first.update(b"hello ");
        hashing.keep("a", 6, first);
        assert!(hashing.take("a", 4).is_none(), "another offset: hashed from disk at the end");
        assert!(hashing.take("a", 6).is_none(), "taken out by the failed take above");
        let mut again = hashing.take("b", 0).unwrap();
        again.update(b"hello ");
        hashing.keep("b", 6, again);
        let mut going_on = hashing.take("b", 6).unwrap();
        going_on.update(b"world");
        assert_eq!(going_on.finalize().as_slice(), Sha256::digest(b"hello world").as_slice());
        hashing.keep("c", 3, Sha256::new());
        hashing.forget("c");
        assert!(hashing.take("c", 3).is_none());
    }
}

//! What a sealed export reads from the outbox (see `crate::exports`): every mutation not yet
//! answered, after the requests still waiting for their files took their ids.

use rusqlite::params;

use super::outbox::OutboxRow;
use super::{VaultDb, VaultDbError};

impl VaultDb {
    /// Every mutation not yet answered, with its id, oldest first: what a sealed export carries.
    pub fn unanswered(&self) -> Result<Vec<OutboxRow>, VaultDbError> {
        self.rows(
            "SELECT * FROM outbox WHERE state = 'pending' AND id IS NOT NULL ORDER BY id LIMIT ?1",
            u32::MAX,
        )
    }

    /// Before a sealed export: each request still waiting for its files takes its mutation id
    /// now, in the order they were queued (the file carries the id); it keeps waiting for its
    /// files here (see [`VaultDb::pending`]). One transaction.
    pub fn number_held_for_export(&mut self) -> Result<(), VaultDbError> {
        let tx = self.conn.transaction()?;
        let held: Vec<u64> = {
            let mut statement = tx.prepare("SELECT seq FROM outbox WHERE id IS NULL ORDER BY seq")?;
            statement.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?
        };
        for seq in held {
            let id = Self::next_id(&tx)?;
            tx.execute("UPDATE outbox SET id = ?2, awaiting_files = 1 WHERE seq = ?1", params![seq, id])?;
            Self::set_setting(&tx, "last_mutation_id", &id.to_string())?;
        }
        tx.commit()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::Utc;

    use super::super::tests::{edit, open_temp};

    /// An export numbers the request still waiting for its files (the file carries the id); here
    /// it keeps waiting: nothing from its id on is pushed until its files are verified, then it
    /// goes with the id it took, and the ids the server sees still only grow.
    #[test]
    fn an_exported_request_keeps_its_id_and_still_waits_for_its_files() {
        let (_dir, mut db) = open_temp();
        let files = ["c".repeat(64)];
        let first = db.queue(&edit("0555000001"), &[], 1, "contact", Utc::now()).unwrap();
        db.save_qualification("q1", "{}", &[], Utc::now()).unwrap();
        let seq = db
            .send_qualification("q1", "20261207-0001", "{}", &edit("0555000009"), &files, Utc::now())
            .unwrap();

        db.number_held_for_export().unwrap();
        let carried: Vec<u64> = db.unanswered().unwrap().iter().map(|row| row.id).collect();
        assert_eq!(carried, [first, first + 1], "the file carries both, the request with its new id");
        assert!(db.is_held("q1").unwrap(), "its files are still to go up from here");
        assert_eq!(db.held().unwrap().len(), 1);
        // An edit made after the export waits behind it.
        let later = db.queue(&edit("0555000002"), &[], 1, "contact", Utc::now()).unwrap();
        assert_eq!(later, first + 2);
        assert_eq!(db.pending(10).unwrap().iter().map(|row| row.id).collect::<Vec<_>>(), [first]);

        // Its files verified: it goes with the id it took, the later edit after it.
        assert_eq!(db.release(seq).unwrap(), Some(first + 1));
        assert!(!db.is_held("q1").unwrap());
        let pending: Vec<u64> = db.pending(10).unwrap().iter().map(|row| row.id).collect();
        assert_eq!(pending, [first, first + 1, first + 2]);
        // A second export numbers nothing again.
        db.number_held_for_export().unwrap();
        assert_eq!(db.last_mutation_id().unwrap(), first + 2);
    }
}

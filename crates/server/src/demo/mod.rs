//! `--demo`: realistic, deterministic Arabic demo data.

pub mod generate;
pub mod rng;
pub mod vocabulary;

use masar_protocol::NationalId;

use crate::{Db, auth, store};

/// The password of a demo employee: printed at start, so anyone trying the app can sign in.
pub fn demo_password(id: &NationalId) -> String {
    format!("Masar@{}", &id.as_str()[6..])
}

pub use generate::{DEMO_EMPLOYEES, DemoData, generate};

/// Seeds the database if it has no employees yet. Returns whether it seeded.
/// A database that already has data is left as it is, so demo edits survive a restart.
pub async fn seed_if_empty(db: &Db, seed: u64) -> anyhow::Result<bool> {
    db.call_tx(move |tx| {
        if store::count_employees(tx)? > 0 {
            return Ok(false);
        }
        let data = generate(seed);
        for record in &data.employees {
            store::insert_record(tx, record)?;
            let id = &record.profile.national_id;
            let hash = auth::password::hash(&demo_password(id))?;
            auth::store::insert_account(tx, id, &hash, &record.profile.mobile)?;
        }
        for opportunity in &data.opportunities {
            store::insert_opportunity(tx, opportunity)?;
        }
        tx.execute("INSERT INTO server_meta (key, value) VALUES ('demo_seed', ?1)", [seed.to_string()])?;
        Ok(true)
    })
    .await
}

//! A headless Masar client for crash tests: signs on (the provider's pages filled in, the code
//! read from a demo server's dev outbox; the password is also its passphrase), then queues contact edits and syncs after each. Tests kill it with SIGKILL at random
//! moments and start it again.
//!
//! What it prints, one line each, flushed at once, so a test knows where a kill landed:
//! `unsent BOUND EXACT` first when this workstation already has the employee's vault (the
//! count of unsent work profile.json keeps, and what the vault really holds, each as
//! `edits,drafts`: the first must never be below the second, whatever moment a kill hit);
//! `signed-in`; `queue` before an edit is committed to the vault and `queued N` after (N: the
//! edit's id); `push …` and `pull …` as a sync round starts each request (the core's
//! `masar_sync` trace events); `settled MOBILE LAST_ID` when nothing waits. Each edit's values
//! come from its own id, so no two edits are ever the same, across kills too.
//!
//! `masar-sync-probe --server URL --dir DIR --national-id ID --password PW --edits N`

use std::io::Write;
use std::path::PathBuf;

use masar_core::sync::SyncStatus;
use masar_core::{CoreOptions, Keychain, MasarCore, ServerUrl};
use masar_protocol::NationalAddress;
use masar_protocol::sync::{ContactUpdate, MutationBody};

struct Args {
    server: String,
    dir: PathBuf,
    national_id: String,
    password: String,
    edits: u64,
}

fn args() -> Result<Args, String> {
    let mut values = std::collections::HashMap::new();
    let mut all = std::env::args().skip(1);
    while let Some(flag) = all.next() {
        let value = all.next().ok_or_else(|| format!("{flag} needs a value"))?;
        values.insert(flag, value);
    }
    let get = |name: &str| values.get(name).cloned().ok_or_else(|| format!("missing {name}"));
    Ok(Args {
        server: get("--server")?,
        dir: PathBuf::from(get("--dir")?),
        national_id: get("--national-id")?,
        password: get("--password")?,
        edits: get("--edits")?.parse().map_err(|_| "--edits is a number")?,
    })
}

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// What profile.json says is unsent, and what the vault holds, before anything else runs.
fn unsent_check(args: &Args, keychain: &Keychain) -> Result<Option<String>, Box<dyn std::error::Error>> {
    use masar_core::vault::Vaults;
    let vaults = Vaults::new(&args.dir.join("data/profiles"), keychain.clone(), masar_test_support::FAST_KDF);
    // This workstation folder has one employee's vault (whose, only the server can say).
    let Some(meta) = vaults.profiles().list().into_iter().next() else { return Ok(None) };
    let profile = meta.profile_id.clone();
    let bound = meta.unsent.ok_or("profile.json keeps no count")?;
    let password = masar_core::secret::SecretString::from(args.password.clone());
    let exact = vaults.unlock(&profile, &password, chrono::Utc::now())?.db.unsent_work()?;
    Ok(Some(format!("unsent {},{} {},{}", bound.edits, bound.drafts, exact.edits, exact.drafts)))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = args()?;
    // The core's sync phases, as plain lines on stdout (stdout is line-flushed per event).
    tracing_subscriber::fmt()
        .with_writer(std::io::stdout)
        .with_env_filter("masar_sync=debug")
        .with_target(false)
        .with_level(false)
        .without_time()
        .with_ansi(false)
        .init();
    let keychain = Keychain::file(&args.dir.join("keychain.json"));
    if let Some(line) = unsent_check(&args, &keychain)? {
        say(&line);
    }
    let core = MasarCore::open(CoreOptions {
        config_dir: Some(args.dir.join("config")),
        data_dir: Some(args.dir.join("data")),
        server_url: Some(ServerUrl::parse(&args.server)?),
        keychain: Some(keychain),
        kdf: Some(masar_test_support::FAST_KDF),
        ..CoreOptions::default()
    })?;
    core.check_connection().await;
    masar_test_support::sign_in(&core, &args.national_id, &args.password).await?;
    say("signed-in");
    for _ in 0..args.edits {
        let n = core.outbox().last_mutation_id().await? + 1;
        let view = core.records().local_view().await?;
        let p = &view.profile;
        let edit = MutationBody::UpdateContact(ContactUpdate {
            mobile: format!("05{:08}", 50_000_000 + n),
            email: p.email.clone(),
            address: NationalAddress {
                postal_code: format!("{:05}", 10_000 + n % 90_000),
                ..p.address.clone()
            },
        });
        say("queue");
        core.outbox().queue_edit(edit, vec!["mobile".into(), "address.postalCode".into()]).await?;
        say(&format!("queued {}", core.outbox().last_mutation_id().await?));
        core.sync().round().await;
    }
    for _ in 0..50 {
        if let SyncStatus::Synced { pending: 0, .. } = core.sync().round().await {
            let mobile = core.records().local_view().await?.profile.mobile;
            say(&format!("settled {mobile} {}", core.outbox().last_mutation_id().await?));
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Err("could not settle".into())
}

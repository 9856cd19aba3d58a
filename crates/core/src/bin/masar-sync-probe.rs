//! A headless Masar client for crash tests: signs in (reading the code from a demo server's dev
//! outbox), queues contact edits numbered from `--start`, and syncs after each. It prints
//! `queued N` after an edit is committed to the vault and `settled` when nothing waits. Tests
//! kill it with SIGKILL at random moments and start it again.
//!
//! `masar-sync-probe --server URL --dir DIR --national-id ID --password PW --start K --edits N`

use std::io::Write;
use std::path::PathBuf;

use masar_core::sync::SyncStatus;
use masar_core::vault::crypto::KdfParams;
use masar_core::{AuthState, CoreOptions, Keychain, MasarCore, ServerUrl};
use masar_protocol::NationalAddress;
use masar_protocol::sync::{ContactUpdate, MutationBody};

struct Args {
    server: String,
    dir: PathBuf,
    national_id: String,
    password: String,
    start: u64,
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
        start: get("--start")?.parse().map_err(|_| "--start is a number")?,
        edits: get("--edits")?.parse().map_err(|_| "--edits is a number")?,
    })
}

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = args()?;
    let core = MasarCore::open(CoreOptions {
        config_dir: Some(args.dir.join("config")),
        data_dir: Some(args.dir.join("data")),
        server_url: Some(ServerUrl::parse(&args.server)?),
        keychain: Some(Keychain::file(&args.dir.join("keychain.json"))),
        kdf: Some(KdfParams { memory_kib: 1024, iterations: 1, parallelism: 1 }),
        idle_lock_seconds: None,
    })?;
    core.check_connection().await;
    let step = core.start_sign_in(&args.national_id, args.password.clone()).await?;
    if matches!(step, AuthState::CodeSent { .. }) {
        let text = core.demo_sms().await?.pop().ok_or("no SMS")?.text;
        let chars: Vec<char> = text.chars().collect();
        let code: String =
            chars.windows(6).find(|w| w.iter().all(char::is_ascii_digit)).ok_or("no code")?.iter().collect();
        core.verify_code(&code).await?;
    }
    for n in args.start..args.start + args.edits {
        let view = core.local_view().await?;
        let p = &view.profile;
        let edit = MutationBody::UpdateContact(ContactUpdate {
            mobile: format!("05{:08}", 50_000_000 + n),
            email: p.email.clone(),
            address: NationalAddress { postal_code: format!("{:05}", 10_000 + n), ..p.address.clone() },
        });
        core.queue_edit(edit, vec!["mobile".into(), "address.postalCode".into()]).await?;
        say(&format!("queued {n}"));
        core.sync_round().await;
    }
    for _ in 0..20 {
        if let SyncStatus::Synced { pending: 0, .. } = core.sync_round().await {
            say(&format!("settled {}", core.local_view().await?.profile.mobile));
            return Ok(());
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Err("could not settle".into())
}

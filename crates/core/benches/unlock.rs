//! Unlocking a vault with the passphrase: Argon2id key derivation + unwrapping the data key + opening SQLCipher.
//! `cargo bench -p masar-core --bench unlock` (or `cargo xtask bench`). Prints figures; asserts
//! nothing. The goal is ≤ 0.5 s per unlock on a 2-core office machine with the default cost.

#![allow(clippy::unwrap_used, clippy::print_stderr)]

use std::time::{Duration, Instant};

use chrono::Utc;
use masar_core::Keychain;
use masar_core::secret::SecretString;
use masar_core::vault::crypto::{DEFAULT_KDF, KdfParams};
use masar_core::vault::{NewVault, Vaults, new_vault_id};

fn time_unlocks(kdf: KdfParams, runs: usize) -> Vec<Duration> {
    let dir = tempfile::tempdir().unwrap();
    let vaults = Vaults::new(dir.path(), Keychain::in_memory().unwrap(), kdf);
    let new = NewVault {
        vault_id: new_vault_id().unwrap(),
        masked_id: "1********8".into(),
        display_name: "منيرة".into(),
    };
    let password = SecretString::from(String::from("palm tree oasis"));
    let escrow = masar_core::secret::key([7; 32]);
    let profile = vaults.create(&new, &password, &escrow, Utc::now()).unwrap().profile_id;
    let mut samples: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            let vault = vaults.unlock(&profile, &password, Utc::now()).unwrap();
            let elapsed = started.elapsed();
            drop(vault);
            elapsed
        })
        .collect();
    samples.sort();
    samples
}

fn report(label: &str, kdf: KdfParams, runs: usize) {
    let samples = time_unlocks(kdf, runs);
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{label}: m={} MiB t={} p={}: min {:.0} ms, median {:.0} ms, max {:.0} ms over {runs} unlocks",
        kdf.memory_kib / 1024,
        kdf.iterations,
        kdf.parallelism,
        ms(samples[0]),
        ms(samples[samples.len() / 2]),
        ms(samples[samples.len() - 1]),
    );
}

fn main() {
    report("default", DEFAULT_KDF, 15);
    for (memory_mib, iterations) in [(19, 2), (46, 1), (64, 2), (64, 3), (256, 2)] {
        let kdf = KdfParams { memory_kib: memory_mib * 1024, iterations, parallelism: 1 };
        report("candidate", kdf, 5);
    }
}

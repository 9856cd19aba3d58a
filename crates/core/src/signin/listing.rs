//! The profiles of this workstation, as the start screen and the signed-in app list them.

use crate::active::PreviousCopy;
use crate::vault::{UnsentWork, Vaults};

use super::types::ProfileSummary;

pub fn profiles(vaults: &Vaults) -> Vec<ProfileSummary> {
    vaults
        .profiles()
        .list()
        .into_iter()
        .map(|meta| ProfileSummary {
            previous: previous_copies(vaults, &meta.profile_id),
            profile_id: meta.profile_id,
            masked_id: meta.masked_id,
            needs_sign_on: meta.needs_sign_on,
            display_name: meta.display_name,
            last_sign_in: meta.last_sign_in,
            unsent: meta.unsent,
        })
        .collect()
}

/// The set-aside copies of `profile` that may still hold work.
pub fn previous_copies(vaults: &Vaults, profile: &str) -> Vec<PreviousCopy> {
    vaults
        .profiles()
        .set_aside()
        .into_iter()
        .filter(|(_, meta)| meta.profile_id == profile)
        .filter(|(_, meta)| !meta.unsent.is_some_and(UnsentWork::is_empty))
        .map(|(id, meta)| PreviousCopy { id, last_sign_in: meta.last_sign_in, unsent: meta.unsent })
        .collect()
}

/// Whether only a single sign-on opens `profile` now (too many wrong passphrases).
pub fn needs_sign_on(vaults: &Vaults, profile: &str) -> bool {
    vaults.profiles().load(profile).ok().flatten().is_some_and(|meta| meta.needs_sign_on)
}

//! After the server confirmed the employee (password + code): which vault to open, and entering
//! the session. A vault that may hold work is never deleted: after a password change the
//! previous password carries it across, or it is set aside whole and listed.

use std::sync::Arc;

use chrono::Utc;
use masar_protocol::NationalId;
use masar_protocol::auth::Role;

use super::types::{AuthState, SignInError};
use super::{Confirmed, State, listing};
use crate::active::{ActiveSession, SessionError, SessionInfo};
use crate::keychain::KeychainError;
use crate::secret::SecretString;
use crate::tokens::{Access, RefreshHome, TokenSource, access_with_expiry, off_thread};
use crate::vault::handle::VaultHandle;
use crate::vault::{KeyProtection, OpenVault, UnsentWork, VaultError, Vaults, profile_id};

/// Opens (or makes) the confirmed employee's vault and enters the session, or stops at the
/// previous-password step.
pub(super) async fn open_confirmed(vaults: &Vaults, confirmed: Arc<Confirmed>) -> Result<State, SignInError> {
    let profile = profile_id(&confirmed.national_id);
    let (shared, password) = (vaults.clone(), confirmed.password.clone());
    let opened = off_thread(move || Ok(shared.unlock_confirmed(&profile, &password, Utc::now())?)).await;
    let vault = match opened {
        Ok(vault) => vault,
        Err(SessionError::Vault(VaultError::NoProfile)) => replace_vault(vaults, &confirmed).await?,
        Err(SessionError::Vault(VaultError::PasswordChanged)) => {
            if known_empty(vaults, &confirmed.national_id) {
                replace_vault(vaults, &confirmed).await?
            } else {
                return Ok(State::CarryAcross(confirmed));
            }
        }
        // Without its keychain secret the vault cannot open with any password: a new one takes
        // its place, and the old one (if it holds work) is set aside, listed, in case the secret
        // comes back.
        Err(SessionError::Vault(VaultError::SecretMissing)) => replace_vault(vaults, &confirmed).await?,
        // Its secret is in a keychain this session cannot reach (started outside the desktop
        // session that runs it). A copy known to hold nothing unsent gives way to a new one,
        // protected by the password alone; one that may hold work waits for the keychain.
        Err(SessionError::Vault(VaultError::Keychain(KeychainError::Unavailable(reason))))
            if known_empty(vaults, &confirmed.national_id) =>
        {
            tracing::warn!(%reason, "the keychain holding the local copy's key is not reachable; the copy holds nothing unsent and is made anew");
            replace_vault(vaults, &confirmed).await?
        }
        // Anything else (a busy or failing disk, the keychain not answering) is an error to
        // report and retry, never a reason to replace the vault.
        Err(other) => return Err(other.into()),
    };
    Ok(State::Active(enter(vaults, &confirmed, vault).await?))
}

pub(super) fn carry_step(vaults: &Vaults, confirmed: &Confirmed) -> AuthState {
    let meta = vaults.profiles().load(&profile_id(&confirmed.national_id)).ok().flatten();
    AuthState::PreviousPasswordNeeded {
        display_name: confirmed.record.profile.name_ar.first.clone(),
        unsent: meta.and_then(|meta| meta.unsent),
    }
}

pub(super) async fn carry_across(
    vaults: &Vaults,
    confirmed: &Confirmed,
    previous: SecretString,
) -> Result<Arc<ActiveSession>, SignInError> {
    let profile = profile_id(&confirmed.national_id);
    let (shared, current) = (vaults.clone(), confirmed.password.clone());
    let vault = off_thread(move || Ok(shared.rewrap(&profile, &previous, &current, Utc::now())?)).await?;
    enter(vaults, confirmed, vault).await
}

pub(super) async fn skip_carry_across(
    vaults: &Vaults,
    confirmed: &Confirmed,
) -> Result<Arc<ActiveSession>, SignInError> {
    let vault = replace_vault(vaults, confirmed).await?;
    enter(vaults, confirmed, vault).await
}

/// True when the profile's vault is known to hold nothing the server lacks.
fn known_empty(vaults: &Vaults, national_id: &NationalId) -> bool {
    let meta = vaults.profiles().load(&profile_id(national_id)).ok().flatten();
    meta.and_then(|meta| meta.unsent).is_some_and(UnsentWork::is_empty)
}

/// A new vault for a confirmed employee. An old one known to hold nothing unsent is removed;
/// any other is set aside whole (never deleted).
async fn replace_vault(vaults: &Vaults, confirmed: &Confirmed) -> Result<OpenVault, SignInError> {
    let empty = known_empty(vaults, &confirmed.national_id);
    let (vaults, id) = (vaults.clone(), confirmed.national_id.clone());
    let password = confirmed.password.clone();
    let name = confirmed.record.profile.name_ar.first.clone();
    Ok(off_thread(move || {
        let profile = profile_id(&id);
        if empty && vaults.profiles().dir(&profile).exists() {
            vaults.remove(&profile)?;
        }
        Ok(vaults.create(&id, &name, &password, Utc::now())?)
    })
    .await?)
}

/// Caches the record, keeps the refresh token and makes the session.
async fn enter(
    vaults: &Vaults,
    confirmed: &Confirmed,
    vault: OpenVault,
) -> Result<Arc<ActiveSession>, SignInError> {
    let access = access_with_expiry(&confirmed.tokens);
    let role = Some(confirmed.tokens.role);
    let active = activate(vaults, confirmed.national_id.clone(), vault, Some(access), role).await?;
    active.keep_refresh_token(&confirmed.tokens).await?;
    let record = confirmed.record.clone();
    active
        .vault(move |vault| {
            vault.db.save_record(&record, Utc::now()).map_err(VaultError::from)?;
            Ok(vault.note_unsent()?)
        })
        .await?;
    Ok(active)
}

/// The session of an open vault. `fresh_role` is the server's word at an online sign-in (kept in
/// the vault); without it (offline) the role kept last time is used.
pub(super) async fn activate(
    vaults: &Vaults,
    national_id: NationalId,
    vault: OpenVault,
    access: Option<Access>,
    fresh_role: Option<Role>,
) -> Result<Arc<ActiveSession>, SessionError> {
    let shared = vaults.clone();
    let profile = vault.profile_id.clone();
    let online = fresh_role.is_some();
    let (meta, previous, vault, role) = off_thread(move || {
        let meta =
            shared.profiles().load(&profile).map_err(VaultError::from)?.ok_or(VaultError::NoProfile)?;
        // Also after a crash between the move and this step: the file is looked for each time.
        if vault.protection == KeyProtection::Keychain {
            move_sealed_token(&shared, &vault)?;
        }
        let role = match fresh_role {
            Some(role) => {
                vault.db.set_kept("role", role.as_str()).map_err(VaultError::from)?;
                role
            }
            None => vault
                .db
                .kept("role")
                .map_err(VaultError::from)?
                .and_then(|r| Role::parse(&r))
                .unwrap_or_default(),
        };
        Ok((meta, listing::previous_copies(&shared, &profile), vault, role))
    })
    .await?;
    let info = SessionInfo {
        profile_id: vault.profile_id.clone(),
        national_id: national_id.to_string(),
        masked_id: meta.masked_id,
        display_name: meta.display_name,
        online,
        previous,
        role,
        key_protection: vault.protection,
        key_notice: vault.notice,
    };
    let home = RefreshHome::of(vaults, &vault.profile_id, vault.protection, Some(vault.refresh_key.clone()));
    let tokens = TokenSource::new(vault.profile_id.clone(), home, access);
    Ok(Arc::new(ActiveSession::new(national_id, info, VaultHandle::new(vault, vaults.clone()), tokens)))
}

/// A profile that just moved to the keychain takes its sealed refresh token along (a session
/// kept from a sign-in made without the keychain goes on without a new sign-in).
fn move_sealed_token(vaults: &Vaults, vault: &OpenVault) -> Result<(), SessionError> {
    let path = crate::tokens::sealed_path(vaults, &vault.profile_id);
    if !path.exists() {
        return Ok(());
    }
    let account = crate::tokens::refresh_account(&vault.profile_id);
    if let Some(token) = crate::tokens::open_sealed(&path, &vault.refresh_key, &account) {
        use crate::secret::ExposeSecret;
        vaults.keychain().set(&account, token.expose_secret().as_bytes()).map_err(VaultError::from)?;
    }
    match std::fs::remove_file(&path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(VaultError::from(error).into()),
        _ => Ok(()),
    }
}

//! After a sign-on: which vault on this workstation is the employee's, opening it, or making
//! the first one; and entering the session. Nothing on the workstation says whose a vault is:
//! the server answers for each vault id whether it keeps an escrow key for this employee.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use masar_protocol::auth::{Me, Role};
use masar_protocol::vault_key::VaultKey;
use masar_protocol::{EmployeeRecord, NationalId};

use super::listing;
use super::types::{PassphraseReason, SignInError, SignOnPurpose};
use crate::active::{ActiveSession, SessionError, SessionInfo};
use crate::client::{ClientError, MasarClient};
use crate::secret::{Key, SecretString};
use crate::sso::SsoTokens;
use crate::tokens::{Access, RefreshHome, TokenSource, access_with_expiry, off_thread};
use crate::vault::handle::VaultHandle;
use crate::vault::{NewVault, OpenVault, VaultError, Vaults, new_vault_id};

/// The vault kept value that names the employee (inside the vault only).
const NATIONAL_ID_KEPT: &str = "national_id";

/// Signed on, waiting for the employee to choose a passphrase.
#[derive(Debug)]
pub struct SignedOn {
    pub tokens: SsoTokens,
    pub me: Me,
    pub record: EmployeeRecord,
    pub reason: PassphraseReason,
    /// The employee's vault here and its escrow key, when there is one (a new passphrase for it).
    pub existing: Option<(String, Arc<Key>)>,
}

/// Where a sign-on leads.
#[derive(Debug)]
pub enum Next {
    Active(Arc<ActiveSession>),
    Passphrase(Arc<SignedOn>),
}

/// The employee's vault on this workstation and its escrow key, if there is one.
async fn find_vault(
    vaults: &Vaults,
    client: &MasarClient,
    token: &SecretString,
) -> Result<Option<(String, Arc<Key>)>, SignInError> {
    for meta in vaults.profiles().list() {
        if meta.escrow_key.is_none() {
            continue;
        }
        if let Some(key) = client.vault_key(token, &meta.profile_id).await? {
            return Ok(Some((meta.profile_id, Arc::new(decode_key(&key)?))));
        }
    }
    Ok(None)
}

fn decode_key(key: &VaultKey) -> Result<Key, ClientError> {
    let bytes = URL_SAFE_NO_PAD
        .decode(key.key.expose())
        .map_err(|_| ClientError::BadResponse("a vault key that is not base64url".into()))?;
    let bytes: [u8; 32] =
        bytes.try_into().map_err(|_| ClientError::BadResponse("a vault key that is not 32 bytes".into()))?;
    Ok(crate::secret::key(bytes))
}

/// After the sign-on: the employee's vault opened with its escrow key (or a passphrase asked
/// first: a new employee here, a forgotten passphrase, a lost keychain secret).
pub async fn after_sign_on(
    vaults: &Vaults,
    client: &MasarClient,
    tokens: SsoTokens,
    me: Me,
    purpose: SignOnPurpose,
) -> Result<Next, SignInError> {
    let record = client.my_record(&tokens.access_token).await?;
    let existing = find_vault(vaults, client, &tokens.access_token).await?;
    let reason = match (existing.clone(), purpose) {
        (None, _) => PassphraseReason::FirstSignOn,
        (Some(_), SignOnPurpose::NewPassphrase) => PassphraseReason::Forgotten,
        (Some((profile, escrow)), _) => {
            let shared = vaults.clone();
            let opened =
                off_thread(move || Ok(shared.unlock_with_escrow(&profile, &escrow, Utc::now())?)).await?;
            if !opened.passphrase_lost {
                let active = enter(vaults, client, &tokens, &me, &record, opened.vault).await?;
                return Ok(Next::Active(active));
            }
            PassphraseReason::KeyLost
        }
    };
    Ok(Next::Passphrase(Arc::new(SignedOn { tokens, me, record, reason, existing })))
}

/// With the chosen passphrase: the vault made (its escrow key first, on the server) or its key
/// wrapped under the new passphrase; then the session.
pub async fn with_passphrase(
    vaults: &Vaults,
    client: &MasarClient,
    signed_on: &SignedOn,
    passphrase: SecretString,
) -> Result<Arc<ActiveSession>, SignInError> {
    let shared = vaults.clone();
    let vault = match &signed_on.existing {
        Some((profile, escrow)) => {
            let (profile, escrow) = (profile.clone(), Arc::clone(escrow));
            off_thread(move || Ok(shared.set_passphrase(&profile, &escrow, &passphrase, Utc::now())?)).await?
        }
        None => {
            let vault_id = new_vault_id()?;
            let escrow =
                decode_key(&client.make_vault_key(&signed_on.tokens.access_token, &vault_id).await?)?;
            let new = NewVault {
                vault_id,
                masked_id: signed_on.me.national_id.masked(),
                display_name: signed_on.record.profile.name_ar.first.clone(),
            };
            off_thread(move || Ok(shared.create(&new, &passphrase, &escrow, Utc::now())?)).await?
        }
    };
    enter(vaults, client, &signed_on.tokens, &signed_on.me, &signed_on.record, vault).await
}

/// Caches the record, keeps the refresh token (sealed by the vault) and makes the session.
async fn enter(
    vaults: &Vaults,
    client: &MasarClient,
    tokens: &SsoTokens,
    me: &Me,
    record: &EmployeeRecord,
    vault: OpenVault,
) -> Result<Arc<ActiveSession>, SignInError> {
    let id = me.national_id.to_string();
    vault.db.set_kept(NATIONAL_ID_KEPT, &id).map_err(VaultError::from)?;
    let access = access_with_expiry(tokens);
    let active = activate(vaults, client, vault, Some(access), Some(me.role)).await?;
    active.renewed(tokens).await?;
    // Sealed exports: this workstation's key registered, the server's key kept for offline use.
    // Best effort: sign-in does not fail for it, the next online sign-in tries again.
    if let Err(error) = super::device::register(&active, client).await {
        tracing::warn!(%error, "the workstation's export key could not be registered");
    }
    let record = record.clone();
    active
        .vault(move |vault| {
            vault.db.save_record(&record, Utc::now()).map_err(VaultError::from)?;
            Ok(vault.note_unsent()?)
        })
        .await?;
    Ok(active)
}

/// The session of an open vault. `fresh_role` is the server's word at a sign-on (kept in the
/// vault); without it (offline) the role kept last time is used.
pub async fn activate(
    vaults: &Vaults,
    client: &MasarClient,
    vault: OpenVault,
    access: Option<Access>,
    fresh_role: Option<Role>,
) -> Result<Arc<ActiveSession>, SessionError> {
    let shared = vaults.clone();
    let profile = vault.profile_id.clone();
    let online = fresh_role.is_some();
    let (meta, previous, vault, role, national_id) = off_thread(move || {
        let meta =
            shared.profiles().load(&profile).map_err(VaultError::from)?.ok_or(VaultError::NoProfile)?;
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
        let national_id = vault
            .db
            .kept(NATIONAL_ID_KEPT)
            .map_err(VaultError::from)?
            .and_then(|id| NationalId::parse(&id).ok())
            .ok_or(VaultError::NoProfile)?;
        Ok((meta, listing::previous_copies(&shared, &profile), vault, role, national_id))
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
    let home = RefreshHome::of(vaults, &vault.profile_id, client, Some(vault.refresh_key.clone()));
    let tokens = TokenSource::new(vault.profile_id.clone(), home, access);
    Ok(Arc::new(ActiveSession::new(national_id, info, VaultHandle::new(vault, vaults.clone()), tokens)))
}

/// The refresh token of a sign-on not taken further (the passphrase step left): revoked.
pub async fn abandon(client: &MasarClient, tokens: &SsoTokens) {
    if let Some(refresh) = &tokens.refresh_token
        && let Err(error) = client.logout(refresh).await
    {
        tracing::info!(%error, "the provider was not told about the abandoned sign-on");
    }
}

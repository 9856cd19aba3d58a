//! Sealed exports need two keys on the workstation (see `crate::exports`): this workstation's
//! device key, registered for the employee at each online sign-in, and the server's recipient
//! key, kept in the vault then so an export is written offline.

use masar_protocol::imports::DeviceKey;

use crate::active::{ActiveSession, SessionError};
use crate::client::MasarClient;
use crate::vault::VaultError;

/// Where the server's recipient key is kept in the vault.
pub const RECIPIENT_KEPT: &str = "export_recipient";

/// After an online sign-in: this workstation's device key registered for the employee, and the
/// server's recipient key kept for offline exports.
pub async fn register(active: &ActiveSession, client: &MasarClient) -> Result<(), SessionError> {
    let key = active.vault(|vault| Ok(vault.db.device_key().map_err(VaultError::from)?)).await?;
    let key = DeviceKey { public_key: masar_protocol::sealed::device_key_hex(&key.verifying_key()) };
    active
        .with_token(client, |token| {
            let key = key.clone();
            async move { client.register_device(&token, &key).await }
        })
        .await?;
    let recipient = client.export_recipient().await.map_err(SessionError::Client)?;
    active
        .vault(move |vault| {
            vault.db.set_kept(RECIPIENT_KEPT, &recipient.recipient).map_err(VaultError::from)?;
            Ok(())
        })
        .await
}

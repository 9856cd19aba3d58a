//! The escrow keys of the signed-in employee's vaults (see `masar_protocol::vault_key`).

use axum::Json;
use axum::extract::{Path, State};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use masar_protocol::WireSecret;
use masar_protocol::vault_key::{VaultKey, is_vault_id};

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::ApiError;
use crate::secrets::random_bytes;

/// The escrow key of one of the signed-in employee's vaults, if it has one: how the app tells,
/// after a sign-on, which vault on the workstation is this employee's (nothing on the
/// workstation says whose a vault is).
#[utoipa::path(get, path = "/v1/me/vault-keys/{id}", tag = "records", security(("access_token" = [])),
    params(("id" = String, Path, description = "The vault's id: 32 lowercase hex digits the app chose")),
    responses(
        (status = 200, description = "The vault's escrow key", body = VaultKey),
        (status = 400, description = "Not a vault id", body = masar_protocol::ApiErrorBody),
        (status = 401, description = "No valid access token", body = masar_protocol::ApiErrorBody),
        (status = 404, description = "No vault of this employee has this id", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn existing_vault_key(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<VaultKey>, ApiError> {
    check_id(&id)?;
    let key = state.store.existing_vault_key(&signed_in.national_id, &id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(encoded(&key)))
}

fn check_id(id: &str) -> Result<(), ApiError> {
    if is_vault_id(id) {
        Ok(())
    } else {
        Err(ApiError::BadRequest("معرّف النسخة المحلية غير صالح: ٣٢ خانة ست عشرية."))
    }
}

fn encoded(key: &[u8]) -> VaultKey {
    VaultKey { key: WireSecret::new(URL_SAFE_NO_PAD.encode(key)) }
}

/// The escrow key of one of the signed-in employee's vaults, made at the first call.
#[utoipa::path(put, path = "/v1/me/vault-keys/{id}", tag = "records", security(("access_token" = [])),
    params(("id" = String, Path, description = "The vault's id: 32 lowercase hex digits the app chose")),
    responses(
        (status = 200, description = "The vault's escrow key (the same at every call)", body = VaultKey),
        (status = 400, description = "Not a vault id", body = masar_protocol::ApiErrorBody),
        (status = 401, description = "No valid access token", body = masar_protocol::ApiErrorBody),
    ))]
pub async fn vault_key(
    State(state): State<AppState>,
    signed_in: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<VaultKey>, ApiError> {
    check_id(&id)?;
    let fresh = random_bytes::<32>()?;
    let key = state.store.vault_key(&signed_in.national_id, &id, &fresh, state.clock.now_ms()).await?;
    Ok(Json(encoded(&key)))
}

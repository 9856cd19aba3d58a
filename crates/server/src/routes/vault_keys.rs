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
    if !is_vault_id(&id) {
        return Err(ApiError::BadRequest("معرّف النسخة المحلية غير صالح: ٣٢ خانة ست عشرية."));
    }
    let fresh = random_bytes::<32>()?;
    let key = state.store.vault_key(&signed_in.national_id, &id, &fresh, state.clock.now_ms()).await?;
    Ok(Json(VaultKey { key: WireSecret::new(URL_SAFE_NO_PAD.encode(key)) }))
}

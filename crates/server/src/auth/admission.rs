//! What every step of the provider's sign-in pages does besides its own rule: the request let in
//! under the per-address rate limit, and the SMS code sent (or the attempt closed when it cannot be).

use masar_protocol::NationalId;

use super::sms::SmsMessage;
use crate::AppState;
use crate::error::ApiError;
use crate::rules::signin as policy;
use crate::storage::Caller;

/// Lets a sign-in request in (per-address rate limit, shared by every node).
pub(crate) async fn admit(state: &AppState, caller: &Caller) -> Result<(), ApiError> {
    let key = policy::rate_key_of(&caller.address);
    let admitted = state.store.admit_request(&key, state.sign_in_rate, caller.now_ms).await?;
    admitted.map_err(|retry_after| {
        tracing::warn!(client = %caller.address, "sign-in rate limit reached");
        ApiError::RateLimited { retry_after }
    })
}

/// Sends `code` to `mobile`; on failure the attempt is closed so it cannot be used blind.
pub(crate) async fn send_code(
    state: &AppState,
    caller: &Caller,
    id: &NationalId,
    mobile: &str,
    challenge_id: &str,
    code: &str,
) -> Result<(), ApiError> {
    let message = SmsMessage {
        national_id: id.clone(),
        mobile: mobile.to_owned(),
        text: super::sms::render(&state.sms_template, code, policy::CODE_TTL_SECONDS / 60),
        sent_at: state.clock.now(),
    };
    if let Err(error) = state.sms.send(message).await {
        tracing::error!(%error, "cannot send the verification code");
        state.store.abandon_challenge(challenge_id, id, caller).await?;
        return Err(ApiError::SmsUnavailable);
    }
    Ok(())
}

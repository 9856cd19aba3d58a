//! The HTTP client of the Masar API. Every failure is classified so the user can be told what
//! happened: no route to the server, no answer in time, a server error, or an answer that is not
//! from a Masar server at all.

mod activity;
mod exports;
mod hr;
mod issuer;
mod tus;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

pub use exports::ImportDoor;
pub use hr::Document;
pub use issuer::SignOnConfig;
pub use tus::NewUpload;

use masar_protocol::api::SERVICE_NAME;
use masar_protocol::auth::{DevSms, Me};
use masar_protocol::sync::{PullRequest, PullResponse, PushRequest, PushResponse};
use masar_protocol::vault_key::VaultKey;
use masar_protocol::{ApiErrorBody, ApiErrorCode, DemoAccount, EmployeeRecord, Health, NationalId};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::codes::{ErrorCode, ErrorParams, UiError};
use crate::secret::{ExposeSecret, SecretString};
use crate::settings::ServerUrl;
use crate::sso::{Issuer, SsoError};

/// Time allowed to open a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Time allowed for a whole request: a server that accepts but never answers is "not answering".
const REQUEST_TIMEOUT: Duration = Duration::from_secs(8);
/// The health check must be quick for the status bar to be truthful.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(3);
/// Larger answers are not ours: refuse them instead of filling memory.
const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("the server did not answer in time")]
    Timeout,
    #[error("cannot reach the server: {0}")]
    Unreachable(String),
    #[error("the server answered {status}")]
    Server { status: u16 },
    #[error("the server refused: {code:?} ({status})")]
    Api {
        status: u16,
        code: ApiErrorCode,
        retry_after: Option<u32>,
        remaining: Option<u32>,
        /// With `file_not_accepted`: what is wrong with the file.
        file_problem: Option<masar_protocol::attachments::FileProblem>,
        /// With `import_refused`: why the sealed file was refused.
        import_problem: Option<masar_protocol::imports::ImportProblem>,
    },
    /// A file on this workstation cannot be read (moved, no permission).
    #[error("a local file cannot be read: {0}")]
    LocalFile(String),
    #[error("the answer is not from a Masar server: {0}")]
    BadResponse(String),
    /// The identity provider: discovery, the sign-on, a refresh or a revocation.
    #[error(transparent)]
    SignOn(#[from] SsoError),
}

impl ClientError {
    fn from_reqwest(error: &reqwest::Error) -> Self {
        if error.is_timeout() {
            Self::Timeout
        } else if error.is_decode() || error.is_body() {
            Self::BadResponse(error.to_string())
        } else {
            // Connection refused, reset, DNS failure, TLS failure: all "cannot reach".
            Self::Unreachable(error.to_string())
        }
    }
}

impl ClientError {
    pub fn code(&self) -> ErrorCode {
        self.to_ui().code
    }

    pub fn to_ui(&self) -> UiError {
        let code = match self {
            Self::Timeout => ErrorCode::ServerTimeout,
            Self::Unreachable(_) => ErrorCode::ServerUnreachable,
            Self::Server { status } => {
                return UiError::with(
                    ErrorCode::ServerError,
                    ErrorParams { status: Some(*status), ..ErrorParams::default() },
                );
            }
            Self::BadResponse(_) => ErrorCode::BadServerResponse,
            Self::LocalFile(_) => ErrorCode::FileUnreadable,
            Self::SignOn(error) => sign_on_code(error),
            Self::Api { code, retry_after, remaining, import_problem, .. } => {
                let code = api_code(*code);
                let params = match code {
                    ErrorCode::AccountLocked => ErrorParams {
                        minutes: Some(retry_after.unwrap_or(60).div_ceil(60)),
                        ..ErrorParams::default()
                    },
                    ErrorCode::ResendTooSoon | ErrorCode::RateLimited => {
                        ErrorParams { seconds: Some(retry_after.unwrap_or(60)), ..ErrorParams::default() }
                    }
                    ErrorCode::CodeIncorrect => {
                        ErrorParams { remaining: Some(remaining.unwrap_or(0)), ..ErrorParams::default() }
                    }
                    ErrorCode::ImportRefused => ErrorParams {
                        detail: import_problem.map(exports::import_detail),
                        ..ErrorParams::default()
                    },
                    _ => ErrorParams::default(),
                };
                return UiError::with(code, params);
            }
        };
        UiError::new(code)
    }
}

fn sign_on_code(error: &SsoError) -> ErrorCode {
    match error {
        SsoError::Unreachable(_) => ErrorCode::SignOnUnreachable,
        SsoError::TimedOut => ErrorCode::SignOnTimedOut,
        SsoError::Refused(_) => ErrorCode::SignOnCancelled,
        SsoError::SessionEnded => ErrorCode::SessionExpired,
        SsoError::Discovery(_)
        | SsoError::Loopback(_)
        | SsoError::WrongIssuer
        | SsoError::Exchange(_)
        | SsoError::IdToken(_) => ErrorCode::SignOnFailed,
    }
}

fn api_code(code: ApiErrorCode) -> ErrorCode {
    match code {
        ApiErrorCode::Unauthenticated => ErrorCode::NotSignedIn,
        ApiErrorCode::SessionExpired => ErrorCode::SessionExpired,
        ApiErrorCode::NotFound => ErrorCode::NotFound,
        ApiErrorCode::BadRequest => ErrorCode::BadServerResponse,
        ApiErrorCode::Internal => ErrorCode::ServerError,
        ApiErrorCode::InvalidCredentials => ErrorCode::InvalidCredentials,
        ApiErrorCode::Locked => ErrorCode::AccountLocked,
        ApiErrorCode::ChallengeInvalid => ErrorCode::ChallengeInvalid,
        ApiErrorCode::CodeExpired => ErrorCode::CodeExpired,
        ApiErrorCode::CodeIncorrect => ErrorCode::CodeIncorrect,
        ApiErrorCode::TooManyAttempts => ErrorCode::TooManyAttempts,
        ApiErrorCode::ResendTooSoon => ErrorCode::ResendTooSoon,
        ApiErrorCode::ResendLimit => ErrorCode::ResendLimit,
        ApiErrorCode::RateLimited => ErrorCode::RateLimited,
        ApiErrorCode::SessionRevoked => ErrorCode::SessionRevoked,
        ApiErrorCode::SmsUnavailable => ErrorCode::SmsUnavailable,
        ApiErrorCode::Forbidden => ErrorCode::Forbidden,
        ApiErrorCode::UploadTooLarge | ApiErrorCode::FileNotAccepted | ApiErrorCode::FileNameNotAccepted => {
            ErrorCode::FileNotAccepted
        }
        ApiErrorCode::ChecksumMismatch
        | ApiErrorCode::UploadOffsetMismatch
        | ApiErrorCode::UploadBusy
        | ApiErrorCode::UploadGone
        | ApiErrorCode::TusVersionUnsupported => ErrorCode::UploadInterrupted,
        ApiErrorCode::AlreadyDecided => ErrorCode::AlreadyDecided,
        ApiErrorCode::ReasonRequired => ErrorCode::ReasonRequired,
        ApiErrorCode::NoSeats => ErrorCode::NoSeats,
        ApiErrorCode::OtherEntity => ErrorCode::OtherEntity,
        ApiErrorCode::OwnRecord => ErrorCode::OwnRecord,
        ApiErrorCode::ChangedSinceRead => ErrorCode::ChangedSinceRead,
        ApiErrorCode::UploadQuota => ErrorCode::UploadQuota,
        ApiErrorCode::ImportRefused => ErrorCode::ImportRefused,
    }
}

/// A client bound to one server.
#[derive(Debug, Clone)]
pub struct MasarClient {
    /// Made at the first request: building it reads and parses the system's trusted
    /// certificates (OpenSSL), which should not delay the window at start-up.
    http: Arc<OnceLock<reqwest::Client>>,
    base: ServerUrl,
    sign_on: SignOnConfig,
    /// The issuer, discovered at the first need and kept (not when discovery failed).
    issuer: Arc<tokio::sync::Mutex<Option<Issuer>>>,
}

impl MasarClient {
    pub fn new(base: ServerUrl) -> Result<Self, ClientError> {
        Self::with_sign_on(base, SignOnConfig::default())
    }

    pub fn with_sign_on(base: ServerUrl, sign_on: SignOnConfig) -> Result<Self, ClientError> {
        Ok(Self { http: Arc::new(OnceLock::new()), base, sign_on, issuer: Arc::default() })
    }

    fn http(&self) -> Result<&reqwest::Client, ClientError> {
        if let Some(http) = self.http.get() {
            return Ok(http);
        }
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("masar-desktop/", env!("CARGO_PKG_VERSION")))
            .redirect(same_origin_redirects())
            .build()
            .map_err(|e| ClientError::Unreachable(e.to_string()))?;
        // Two first requests at once may both build one; either serves.
        Ok(self.http.get_or_init(|| http))
    }

    pub fn base(&self) -> &ServerUrl {
        &self.base
    }

    fn url(&self, path: &str) -> Result<url::Url, ClientError> {
        self.base.join(path).map_err(|e| ClientError::BadResponse(e.to_string()))
    }

    /// `GET /v1/health`; an answer from anything but a Masar server is a [`ClientError::BadResponse`].
    pub async fn health(&self) -> Result<Health, ClientError> {
        let request = self.http()?.get(self.url("v1/health")?).timeout(HEALTH_TIMEOUT);
        let health: Health = send_json(request).await?;
        if health.service != SERVICE_NAME {
            return Err(ClientError::BadResponse(format!("service is {:?}", health.service)));
        }
        Ok(health)
    }

    /// The signed-in employee's whole record.
    pub async fn my_record(&self, access_token: &SecretString) -> Result<EmployeeRecord, ClientError> {
        send_json(self.http()?.get(self.url("v1/me/record")?).bearer_auth(access_token.expose_secret())).await
    }

    /// Who the token is to Masar: the employee and their role.
    pub async fn me(&self, access_token: &SecretString) -> Result<Me, ClientError> {
        send_json(self.http()?.get(self.url("v1/me")?).bearer_auth(access_token.expose_secret())).await
    }

    /// The escrow key of one of the employee's vaults, made at the first call.
    pub async fn make_vault_key(
        &self,
        token: &SecretString,
        vault_id: &str,
    ) -> Result<VaultKey, ClientError> {
        let url = self.url(&format!("v1/me/vault-keys/{vault_id}"))?;
        send_json(self.http()?.put(url).bearer_auth(token.expose_secret())).await
    }

    /// The escrow key of a vault, if it is one of this employee's (`None`: someone else's, or
    /// one the server does not know).
    pub async fn vault_key(
        &self,
        token: &SecretString,
        vault_id: &str,
    ) -> Result<Option<VaultKey>, ClientError> {
        let url = self.url(&format!("v1/me/vault-keys/{vault_id}"))?;
        match send_json(self.http()?.get(url).bearer_auth(token.expose_secret())).await {
            Ok(key) => Ok(Some(key)),
            Err(ClientError::Api { code: ApiErrorCode::NotFound, .. }) => Ok(None),
            Err(other) => Err(other),
        }
    }

    pub async fn push(
        &self,
        token: &SecretString,
        request: &PushRequest,
    ) -> Result<PushResponse, ClientError> {
        send_json(
            self.http()?.post(self.url("v1/sync/push")?).bearer_auth(token.expose_secret()).json(request),
        )
        .await
    }

    pub async fn pull(&self, token: &SecretString, cursor: u64) -> Result<PullResponse, ClientError> {
        let body = PullRequest { cursor, limit: None };
        send_json(self.http()?.post(self.url("v1/sync/pull")?).bearer_auth(token.expose_secret()).json(&body))
            .await
    }

    /// Training and scholarship opportunities.
    pub async fn opportunities(
        &self,
        token: &SecretString,
    ) -> Result<Vec<masar_protocol::record::Opportunity>, ClientError> {
        send_json(self.http()?.get(self.url("v1/opportunities")?).bearer_auth(token.expose_secret())).await
    }

    /// A verification code for a service statement of the record as the server holds it now.
    pub async fn statement_code(
        &self,
        token: &SecretString,
    ) -> Result<masar_protocol::statement::StatementCode, ClientError> {
        send_json(self.http()?.post(self.url("v1/me/statement-code")?).bearer_auth(token.expose_secret()))
            .await
    }

    /// The demo phone: the SMS the dev outbox holds for this employee.
    pub async fn dev_sms(&self, national_id: &NationalId) -> Result<Vec<DevSms>, ClientError> {
        let mut url = self.url("v1/dev/sms")?;
        url.query_pairs_mut().append_pair("national_id", national_id.as_str());
        send_json(self.http()?.get(url)).await
    }

    /// The employees of a `--demo` server.
    pub async fn demo_accounts(&self) -> Result<Vec<DemoAccount>, ClientError> {
        send_json(self.http()?.get(self.url("v1/dev/accounts")?)).await
    }
}

/// Redirects are followed within the server's own origin only (a few at most): a request, and
/// the token on it, never goes to another address than the one set.
fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let first = attempt.previous().first().map(url::Url::origin);
        if attempt.previous().len() > 5 || first.as_ref() != Some(&attempt.url().origin()) {
            attempt.stop()
        } else {
            attempt.follow()
        }
    })
}

async fn read_body(response: &mut reqwest::Response) -> Result<Vec<u8>, ClientError> {
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| ClientError::from_reqwest(&e))? {
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(ClientError::BadResponse("answer too large".into()));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The error an unsuccessful answer carries.
async fn error_from(mut response: reqwest::Response) -> ClientError {
    let status = response.status();
    match read_body(&mut response).await {
        Ok(body) => error_of(status, &body),
        Err(error) => error,
    }
}

async fn send_json<T: DeserializeOwned>(request: reqwest::RequestBuilder) -> Result<T, ClientError> {
    Ok(send_json_tagged(request).await?.0)
}

/// [`send_json`], and the answer's `ETag` (unquoted) if it has one.
async fn send_json_tagged<T: DeserializeOwned>(
    request: reqwest::RequestBuilder,
) -> Result<(T, Option<String>), ClientError> {
    let mut response = request.send().await.map_err(|e| ClientError::from_reqwest(&e))?;
    let status = response.status();
    let tag = response
        .headers()
        .get(reqwest::header::ETAG)
        .and_then(|value| value.to_str().ok())
        .map(|tag| tag.trim_start_matches("W/").trim_matches('"').to_owned());
    let body = read_body(&mut response).await?;
    if !status.is_success() {
        return Err(error_of(status, &body));
    }
    let value = serde_json::from_slice(&body).map_err(|e| ClientError::BadResponse(e.to_string()))?;
    Ok((value, tag))
}

fn error_of(status: StatusCode, body: &[u8]) -> ClientError {
    match serde_json::from_slice::<ApiErrorBody>(body) {
        Ok(api) => ClientError::Api {
            status: status.as_u16(),
            code: api.code,
            retry_after: api.retry_after_seconds,
            remaining: api.remaining_attempts,
            file_problem: api.file_problem,
            import_problem: api.import_problem,
        },
        Err(_) if status == StatusCode::REQUEST_TIMEOUT || status == StatusCode::GATEWAY_TIMEOUT => {
            ClientError::Timeout
        }
        Err(_) if status.is_server_error() => ClientError::Server { status: status.as_u16() },
        Err(_) => ClientError::BadResponse(format!("status {status} without an error body")),
    }
}

//! Errors of the HTTP layer: each maps to a status, a stable code and an Arabic message.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use masar_protocol::{ApiErrorBody, ApiErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error("not signed in")]
    Unauthenticated,
    #[error("access token expired")]
    SessionExpired,
    #[error("not found")]
    NotFound,
    #[error("wrong national ID or password")]
    InvalidCredentials,
    #[error("locked for {retry_after} s")]
    Locked { retry_after: u32 },
    #[error("unknown or finished sign-in attempt")]
    ChallengeInvalid,
    #[error("code expired")]
    CodeExpired,
    #[error("wrong code, {remaining} tries left")]
    CodeIncorrect { remaining: u32 },
    #[error("too many wrong codes")]
    TooManyAttempts,
    #[error("resend in {retry_after} s")]
    ResendTooSoon { retry_after: u32 },
    #[error("rate limited for {retry_after} s")]
    RateLimited { retry_after: u32 },
    #[error("refresh token reused: session revoked")]
    SessionRevoked,
    #[error("SMS unavailable")]
    SmsUnavailable,
    #[error("forbidden for this role")]
    Forbidden,
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

/// Minutes, rounded up, for messages about waits.
fn minutes(seconds: u32) -> u32 {
    seconds.div_ceil(60)
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, ApiErrorCode) {
        match self {
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, ApiErrorCode::BadRequest),
            Self::Unauthenticated => (StatusCode::UNAUTHORIZED, ApiErrorCode::Unauthenticated),
            Self::SessionExpired => (StatusCode::UNAUTHORIZED, ApiErrorCode::SessionExpired),
            Self::NotFound => (StatusCode::NOT_FOUND, ApiErrorCode::NotFound),
            Self::InvalidCredentials => (StatusCode::UNAUTHORIZED, ApiErrorCode::InvalidCredentials),
            Self::Locked { .. } => (StatusCode::FORBIDDEN, ApiErrorCode::Locked),
            Self::ChallengeInvalid => (StatusCode::UNAUTHORIZED, ApiErrorCode::ChallengeInvalid),
            Self::CodeExpired => (StatusCode::UNAUTHORIZED, ApiErrorCode::CodeExpired),
            Self::CodeIncorrect { .. } => (StatusCode::UNAUTHORIZED, ApiErrorCode::CodeIncorrect),
            Self::TooManyAttempts => (StatusCode::FORBIDDEN, ApiErrorCode::TooManyAttempts),
            Self::ResendTooSoon { .. } => (StatusCode::TOO_MANY_REQUESTS, ApiErrorCode::ResendTooSoon),
            Self::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, ApiErrorCode::RateLimited),
            Self::SessionRevoked => (StatusCode::UNAUTHORIZED, ApiErrorCode::SessionRevoked),
            Self::SmsUnavailable => (StatusCode::SERVICE_UNAVAILABLE, ApiErrorCode::SmsUnavailable),
            Self::Forbidden => (StatusCode::FORBIDDEN, ApiErrorCode::Forbidden),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, ApiErrorCode::Internal),
        }
    }

    fn message(&self) -> String {
        match self {
            Self::BadRequest(message) => (*message).to_owned(),
            Self::Unauthenticated => "يلزم تسجيل الدخول للوصول إلى هذه البيانات.".into(),
            Self::SessionExpired => "انتهت الجلسة. يلزم تجديدها أو تسجيل الدخول من جديد.".into(),
            Self::NotFound => "لم يتم العثور على البيانات المطلوبة.".into(),
            Self::InvalidCredentials => "رقم الهوية أو كلمة المرور غير صحيحة.".into(),
            Self::Locked { retry_after } => format!(
                "تم إيقاف الدخول مؤقتًا بعد محاولات خاطئة متكررة. حاول مرة أخرى بعد {} دقيقة.",
                minutes(*retry_after)
            ),
            Self::ChallengeInvalid => "انتهت محاولة الدخول هذه. ابدأ تسجيل الدخول من جديد.".into(),
            Self::CodeExpired => "انتهت صلاحية رمز التحقق. اطلب رمزًا جديدًا.".into(),
            Self::CodeIncorrect { remaining } => {
                format!("رمز التحقق غير صحيح. المحاولات المتبقية: {remaining}.")
            }
            Self::TooManyAttempts => {
                "تجاوزت عدد المحاولات المسموح بها لرمز التحقق. ابدأ تسجيل الدخول من جديد.".into()
            }
            Self::ResendTooSoon { retry_after } => format!("يمكنك طلب رمز جديد بعد {retry_after} ثانية."),
            Self::RateLimited { retry_after } => {
                format!("طلبات كثيرة من هذا الجهاز. انتظر {retry_after} ثانية ثم حاول مرة أخرى.")
            }
            Self::SessionRevoked => "أُنهيت الجلسة لأسباب أمنية. سجّل الدخول من جديد.".into(),
            Self::SmsUnavailable => "تعذّر إرسال رمز التحقق الآن. حاول مرة أخرى لاحقًا.".into(),
            Self::Forbidden => "هذا الإجراء لموظفي الموارد البشرية فقط.".into(),
            Self::Internal(_) => "حدث خطأ في الخادم. حاول مرة أخرى لاحقًا.".into(),
        }
    }

    fn retry_after(&self) -> Option<u32> {
        match self {
            Self::Locked { retry_after }
            | Self::ResendTooSoon { retry_after }
            | Self::RateLimited { retry_after } => Some(*retry_after),
            _ => None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let Self::Internal(error) = &self {
            tracing::error!(error = %format!("{error:#}"), "request failed");
        }
        let body = ApiErrorBody {
            code,
            message: self.message(),
            retry_after_seconds: self.retry_after(),
            remaining_attempts: match self {
                Self::CodeIncorrect { remaining } => Some(remaining),
                _ => None,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after() {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

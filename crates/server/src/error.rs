//! Errors of the HTTP layer: each maps to a status, a stable code and an Arabic message.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use masar_protocol::attachments::{FileProblem, NameProblem};
use masar_protocol::{ApiErrorBody, ApiErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    #[error("unsupported content type: {0}")]
    WrongContentType(&'static str),
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
    #[error("no more new codes for this sign-in")]
    ResendLimit,
    #[error("rate limited for {retry_after} s")]
    RateLimited { retry_after: u32 },
    #[error("refresh token reused: session revoked")]
    SessionRevoked,
    #[error("SMS unavailable")]
    SmsUnavailable,
    #[error("forbidden for this role")]
    Forbidden,
    #[error("upload of {size} bytes over the {limit} allowed")]
    UploadTooLarge { size: u64, limit: u64 },
    #[error("file not accepted: {0}")]
    FileNotAccepted(FileProblem),
    #[error("file name not accepted: {0}")]
    FileNameNotAccepted(NameProblem),
    #[error("checksum mismatch")]
    ChecksumMismatch,
    #[error("the whole file does not have the declared SHA-256")]
    FileHashMismatch,
    #[error("upload offset mismatch: the upload stands at {0}")]
    UploadOffsetMismatch(u64),
    #[error("another request is writing this upload")]
    UploadBusy,
    #[error("upload expired or ended")]
    UploadGone,
    #[error("decided already")]
    AlreadyDecided,
    #[error("a rejection needs its reason")]
    ReasonRequired,
    #[error("every seat is taken")]
    NoSeats,
    #[error("an employee of another entity")]
    OtherEntity,
    #[error("the officer's own record or request")]
    OwnRecord,
    #[error("changed since read: version {current} stands")]
    ChangedSinceRead { current: u64 },
    #[error("upload quota used: {0:?}")]
    UploadQuota(crate::rules::uploads::QuotaUsed),
    #[error("import refused: {0:?}")]
    ImportRefused(masar_protocol::imports::ImportProblem),
    #[error("tus version not supported")]
    TusVersionUnsupported,
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

/// tus's status for a checksum that does not match (not in `http`'s list).
const CHECKSUM_MISMATCH: StatusCode = match StatusCode::from_u16(460) {
    Ok(status) => status,
    Err(_) => StatusCode::BAD_REQUEST,
};

fn file_problem_message(problem: FileProblem) -> String {
    match problem {
        FileProblem::Empty => "الملف فارغ. أرفق الملف الصحيح.".into(),
        FileProblem::NotADocument => {
            "الملف ليس PDF ولا صورة JPEG أو PNG بحسب محتواه. أرفق المستند بإحدى هذه الصيغ.".into()
        }
        FileProblem::Truncated => "الملف ناقص أو تالف. أرفق نسخة كاملة منه.".into(),
        FileProblem::TooManyPixels { .. } => {
            "أبعاد الصورة أكبر من المسموح به. صوّر المستند بدقة أقل أو احفظه PDF.".into()
        }
        FileProblem::TooLarge { limit, .. } => {
            format!("حجم الملف أكبر من المسموح به ({} ميغابايت).", limit.div_ceil(1024 * 1024))
        }
    }
}

/// The HTTP status of a refused file: 403 when it is a matter of who (another employee's, a
/// key not theirs), 422 when the file itself is not one this server applies.
fn import_status(problem: masar_protocol::imports::ImportProblem) -> StatusCode {
    match problem {
        masar_protocol::imports::ImportProblem::OtherEmployee
        | masar_protocol::imports::ImportProblem::UnregisteredDevice => StatusCode::FORBIDDEN,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    }
}

/// What the person importing reads (in Arabic; the app words it in the user's language by the
/// problem's code).
fn import_message(problem: masar_protocol::imports::ImportProblem) -> String {
    match problem {
        masar_protocol::imports::ImportProblem::NotSealed => {
            "هذا الملف ليس ملف تصدير من بياناتي الوظيفية. اختر الملف الذي صدّرته (.masar)."
        }
        masar_protocol::imports::ImportProblem::OtherServer => {
            "صُدّر هذا الملف لخادم مسار آخر، فلا يمكن فتحه هنا."
        }
        masar_protocol::imports::ImportProblem::Damaged => {
            "الملف تالف أو عُدّل بعد تصديره، فلم يُطبَّق منه شيء. صدّره من جديد من الجهاز الذي حُفظ عليه."
        }
        masar_protocol::imports::ImportProblem::BadSignature => {
            "توقيع الملف لا يطابق الجهاز الذي يذكره، فلم يُطبَّق منه شيء."
        }
        masar_protocol::imports::ImportProblem::UnregisteredDevice => {
            "وُقّع الملف بجهاز غير مسجل لصاحب البيانات، فلم يُطبَّق منه شيء."
        }
        masar_protocol::imports::ImportProblem::OtherEmployee => {
            "هذا الملف لموظف آخر: يستورده صاحبه بعد تسجيل دخوله، أو موظف الموارد البشرية في جهته."
        }
        masar_protocol::imports::ImportProblem::TooOld => {
            "مضى على تصدير الملف أكثر من المدة المسموح بها، فلم يُطبَّق منه شيء. صدّره من جديد."
        }
        masar_protocol::imports::ImportProblem::TooLarge => "في الملف مرفق أكبر من الحجم المسموح به.",
    }
    .to_owned()
}

/// Minutes, rounded up, for messages about waits.
fn minutes(seconds: u32) -> u32 {
    seconds.div_ceil(60)
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, ApiErrorCode) {
        match self {
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, ApiErrorCode::BadRequest),
            Self::WrongContentType(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, ApiErrorCode::BadRequest),
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
            Self::ResendLimit => (StatusCode::FORBIDDEN, ApiErrorCode::ResendLimit),
            Self::RateLimited { .. } => (StatusCode::TOO_MANY_REQUESTS, ApiErrorCode::RateLimited),
            Self::SessionRevoked => (StatusCode::UNAUTHORIZED, ApiErrorCode::SessionRevoked),
            Self::SmsUnavailable => (StatusCode::SERVICE_UNAVAILABLE, ApiErrorCode::SmsUnavailable),
            Self::Forbidden => (StatusCode::FORBIDDEN, ApiErrorCode::Forbidden),
            Self::UploadTooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, ApiErrorCode::UploadTooLarge),
            Self::FileNotAccepted(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, ApiErrorCode::FileNotAccepted),
            Self::FileNameNotAccepted(_) => (StatusCode::BAD_REQUEST, ApiErrorCode::FileNameNotAccepted),
            Self::ChecksumMismatch | Self::FileHashMismatch => {
                (CHECKSUM_MISMATCH, ApiErrorCode::ChecksumMismatch)
            }
            Self::UploadOffsetMismatch(_) => (StatusCode::CONFLICT, ApiErrorCode::UploadOffsetMismatch),
            Self::UploadBusy => (StatusCode::LOCKED, ApiErrorCode::UploadBusy),
            Self::UploadGone => (StatusCode::GONE, ApiErrorCode::UploadGone),
            Self::TusVersionUnsupported => {
                (StatusCode::PRECONDITION_FAILED, ApiErrorCode::TusVersionUnsupported)
            }
            Self::AlreadyDecided => (StatusCode::CONFLICT, ApiErrorCode::AlreadyDecided),
            Self::ReasonRequired => (StatusCode::BAD_REQUEST, ApiErrorCode::ReasonRequired),
            Self::NoSeats => (StatusCode::CONFLICT, ApiErrorCode::NoSeats),
            Self::OtherEntity => (StatusCode::FORBIDDEN, ApiErrorCode::OtherEntity),
            Self::OwnRecord => (StatusCode::FORBIDDEN, ApiErrorCode::OwnRecord),
            Self::ChangedSinceRead { .. } => (StatusCode::CONFLICT, ApiErrorCode::ChangedSinceRead),
            Self::UploadQuota(_) => (StatusCode::TOO_MANY_REQUESTS, ApiErrorCode::UploadQuota),
            Self::ImportRefused(problem) => (import_status(*problem), ApiErrorCode::ImportRefused),
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, ApiErrorCode::Internal),
        }
    }

    fn message(&self) -> String {
        match self {
            Self::BadRequest(message) | Self::WrongContentType(message) => (*message).to_owned(),
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
            Self::ResendLimit => {
                "أُرسلت كل الرموز المسموح بها لهذه المحاولة. أدخل آخر رمز وصلك، أو ابدأ تسجيل الدخول من جديد."
                    .into()
            }
            Self::RateLimited { retry_after } => {
                format!("طلبات كثيرة من هذا الجهاز. انتظر {retry_after} ثانية ثم حاول مرة أخرى.")
            }
            Self::SessionRevoked => "أُنهيت الجلسة لأسباب أمنية. سجّل الدخول من جديد.".into(),
            Self::SmsUnavailable => "تعذّر إرسال رمز التحقق الآن. حاول مرة أخرى لاحقًا.".into(),
            Self::Forbidden => "هذا الإجراء لموظفي الموارد البشرية فقط.".into(),
            Self::UploadTooLarge { limit, .. } => {
                format!("حجم الملف أكبر من المسموح به ({} ميغابايت).", limit.div_ceil(1024 * 1024))
            }
            Self::FileNotAccepted(problem) => file_problem_message(*problem),
            Self::FileNameNotAccepted(_) => {
                "اسم الملف غير مقبول: يجب ألا يحتوي على مسار أو رموز مخفية. غيّر اسمه ثم أرفقه من جديد.".into()
            }
            Self::ChecksumMismatch => "وصل جزء من الملف تالفًا. يُعاد إرساله.".into(),
            Self::FileHashMismatch => "الملف الذي وصل لا يطابق الملف المرفق. يُعاد رفعه من البداية.".into(),
            Self::UploadOffsetMismatch(_) => "موضع الاستئناف غير صحيح. يُستأنف الرفع من حيث توقف.".into(),
            Self::UploadBusy => "يجري رفع هذا الملف في طلب آخر. حاول بعد قليل.".into(),
            Self::UploadGone => "انتهت صلاحية هذا الرفع. يبدأ رفع الملف من جديد.".into(),
            Self::TusVersionUnsupported => "يتبع الرفع بروتوكول tus بإصداره 1.0.0.".into(),
            Self::AlreadyDecided => "صدر قرار في هذا الطلب من قبل. حدّث القائمة.".into(),
            Self::ReasonRequired => "اكتب سبب الرفض (حتى 500 حرف) ليعرفه الموظف.".into(),
            Self::NoSeats => "اكتملت المقاعد المتاحة لهذه الفرصة.".into(),
            Self::OtherEntity => "هذا الموظف من جهة أخرى: يتولى طلباته موظفو الموارد البشرية في جهته.".into(),
            Self::OwnRecord => {
                "لا تبت في طلباتك ولا تعدّل بياناتك الوظيفية بنفسك: يتولاها موظف موارد بشرية آخر.".into()
            }
            Self::UploadQuota(used) => crate::rules::uploads::quota_message(used),
            Self::ImportRefused(problem) => import_message(*problem),
            Self::ChangedSinceRead { .. } => {
                "عدّل الموظف الطلب بعد أن فتحته، فلم يصدر القرار. راجع النسخة الحالية ثم قرّر.".into()
            }
            Self::Internal(_) => "حدث خطأ في الخادم. حاول مرة أخرى لاحقًا.".into(),
        }
    }

    fn retry_after(&self) -> Option<u32> {
        match self {
            Self::Locked { retry_after }
            | Self::ResendTooSoon { retry_after }
            | Self::RateLimited { retry_after } => Some(*retry_after),
            Self::UploadQuota(used) => used.retry_after(),
            _ => None,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if let Self::Internal(error) = &self {
            tracing::error!(error = %format!("{error:#}"), "request failed");
            crate::ops::metrics::server_failure(error);
        }
        let body = ApiErrorBody {
            code,
            message: self.message(),
            retry_after_seconds: self.retry_after(),
            remaining_attempts: match self {
                Self::CodeIncorrect { remaining } => Some(remaining),
                _ => None,
            },
            file_problem: match self {
                Self::FileNotAccepted(problem) => Some(problem),
                _ => None,
            },
            current_version: match self {
                Self::ChangedSinceRead { current } => Some(current),
                _ => None,
            },
            import_problem: match self {
                Self::ImportRefused(problem) => Some(problem),
                _ => None,
            },
        };
        let mut response = (status, Json(body)).into_response();
        if let Self::UploadOffsetMismatch(offset) = self {
            response.headers_mut().insert("upload-offset", HeaderValue::from(offset));
        }
        if matches!(self, Self::TusVersionUnsupported) {
            response.headers_mut().insert("tus-version", HeaderValue::from_static("1.0.0"));
        }
        if let Some(seconds) = self.retry_after() {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl From<crate::storage::Refusal> for ApiError {
    fn from(refusal: crate::storage::Refusal) -> Self {
        match refusal {
            crate::storage::Refusal::OtherEntity => Self::OtherEntity,
            crate::storage::Refusal::OwnRecord => Self::OwnRecord,
        }
    }
}

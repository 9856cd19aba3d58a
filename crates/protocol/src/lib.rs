//! Wire and domain types shared by the desktop app (`masar-core`) and `masar-server`.
//!
//! Everything here is plain data plus the validators both sides must agree on (national ID,
//! digit normalisation). No I/O.

pub mod activity;
pub mod api;
pub mod attachments;
pub mod auth;
pub mod dates;
pub mod digits;
pub mod fields;
#[cfg(any(test, feature = "test-fixtures"))]
pub mod fixtures;
pub mod hijri;
pub mod hr;
pub mod imports;
pub mod national_id;
pub mod qualification;
pub mod qualification_fields;
mod qualification_on_record;
pub mod record;
pub mod record_id;
#[cfg(feature = "sealed")]
pub mod sealed;
pub mod secret;
pub mod service;
pub mod statement;
pub mod sync;
pub mod training;
pub mod validate;
pub mod vault_key;
pub mod wire;

pub use api::{ApiErrorBody, ApiErrorCode, DemoAccount, Health};
pub use national_id::{NationalId, NationalIdError};
pub use record::*;
pub use record_id::RecordId;
pub use secret::WireSecret;

/// The first path segment of every endpoint of this protocol version.
pub const API_PREFIX: &str = "/v1";

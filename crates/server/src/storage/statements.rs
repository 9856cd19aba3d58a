//! A printed statement's code as the store keeps it.

use chrono::{DateTime, Utc};
use masar_protocol::NationalId;

/// A statement code as kept: what it certified, for whom, and until when it verifies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedStatement {
    pub holder: NationalId,
    pub code: String,
    pub facts: masar_protocol::statement::StatementFacts,
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

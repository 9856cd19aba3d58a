//! Whether the Masar server can be reached right now, as the status bar shows it.

use chrono::{DateTime, Utc};
use masar_protocol::Health;
use serde::Serialize;

use crate::client::ClientError;
use crate::codes::UiError;

/// The connection as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(tag = "state", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum ConnectionStatus {
    /// No check has finished yet.
    Checking,
    Online {
        server_version: String,
        demo: bool,
        checked_at: DateTime<Utc>,
    },
    Offline {
        /// Why, as the UI says it (the code, and the status of a server error).
        reason: UiError,
        checked_at: DateTime<Utc>,
    },
}

impl ConnectionStatus {
    /// Turns the outcome of a health check into a status.
    pub fn from_check(result: &Result<Health, ClientError>) -> Self {
        let checked_at = Utc::now();
        match result {
            Ok(health) => {
                Self::Online { server_version: health.version.clone(), demo: health.demo, checked_at }
            }
            Err(error) => Self::Offline { reason: error.to_ui(), checked_at },
        }
    }

    pub fn is_online(&self) -> bool {
        matches!(self, Self::Online { .. })
    }

    /// Same state and same reason: the status bar need not be told again.
    pub fn same_as(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Checking, Self::Checking) => true,
            (
                Self::Online { server_version: a, demo: x, .. },
                Self::Online { server_version: b, demo: y, .. },
            ) => a == b && x == y,
            (Self::Offline { reason: a, .. }, Self::Offline { reason: b, .. }) => a == b,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    fn health() -> Health {
        Health {
            service: "masar-server".into(),
            version: "1.2.3".into(),
            time: Utc::now(),
            demo: true,
            issuer: None,
        }
    }

    #[test]
    fn a_healthy_answer_is_online() {
        let status = ConnectionStatus::from_check(&Ok(health()));
        assert!(status.is_online());
        let json = serde_json::to_value(&status).unwrap();
        assert_eq!(json["state"], "online");
        assert_eq!(json["serverVersion"], "1.2.3");
    }

    #[test]
    fn each_failure_is_offline_with_its_own_code() {
        let cases = [
            (ClientError::Timeout, ErrorCode::ServerTimeout),
            (ClientError::Unreachable("refused".into()), ErrorCode::ServerUnreachable),
            (ClientError::Server { status: 500 }, ErrorCode::ServerError),
            (ClientError::BadResponse("garbage".into()), ErrorCode::BadServerResponse),
        ];
        for (error, code) in cases {
            let status = ConnectionStatus::from_check(&Err(error));
            let ConnectionStatus::Offline { reason, .. } = &status else {
                panic!("expected offline, got {status:?}");
            };
            assert_eq!(reason.code, code);
            let json = serde_json::to_value(&status).unwrap();
            assert_eq!(json["state"], "offline");
            assert!(json["checkedAt"].is_string());
        }
    }

    #[test]
    fn same_as_ignores_the_time_but_not_the_reason() {
        let a = ConnectionStatus::from_check(&Err(ClientError::Timeout));
        let b = ConnectionStatus::from_check(&Err(ClientError::Timeout));
        let c = ConnectionStatus::from_check(&Err(ClientError::Server { status: 502 }));
        assert!(a.same_as(&b));
        assert!(!a.same_as(&c));
        assert!(!a.same_as(&ConnectionStatus::Checking));
    }
}

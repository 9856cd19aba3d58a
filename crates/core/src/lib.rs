//! Everything Masar Desktop does, without a window: settings, the Masar server client, the
//! connection monitor, and the error type that reaches the UI. `src-tauri` only wires these to
//! commands and events, so every rule here is tested with plain `cargo test`.

pub mod client;
pub mod connection;
pub mod core;
pub mod edits;
pub mod error;
pub mod i18n;
pub mod keychain;
pub mod secret;
pub mod session;
pub mod settings;
pub mod sync;
pub mod vault;

pub use crate::core::{CoreOptions, MasarCore};
pub use client::{ClientError, MasarClient};
pub use connection::ConnectionStatus;
pub use error::{CoreError, ErrorCode, UiError};
pub use i18n::Language;
pub use keychain::Keychain;
pub use session::{AuthState, EmployeeView, ProfileSummary, SessionInfo};
pub use settings::{ServerUrl, Settings, SettingsInput};

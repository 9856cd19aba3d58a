//! Everything Masar Desktop does, without a window. Sign-in (`signin`) hands out an active
//! session (`active`: the open vault and a token source); each service is a capability working
//! through it (`records`, `outbox`, `drafts`, `sync`, `recovery`); `core` wires them together.
//! `src-tauri` only maps these to commands and events, so every rule here is tested with plain
//! `cargo test`.

pub mod active;
pub mod applications;
pub mod attachments;
pub mod auth;
pub mod career;
pub mod client;
pub mod codes;
pub mod connection;
pub mod context;
pub mod core;
pub mod drafts;
pub mod edits;
pub mod error;
pub mod exports;
pub mod failure;
pub mod files;
pub mod i18n;
pub mod idle;
pub mod ids;
pub mod inquiries;
pub mod keychain;
pub mod kinds;
pub mod notices;
pub mod opportunities;
pub mod outbox;
pub mod outgoing;
pub mod progress;
pub mod qualifications;
pub mod records;
pub mod recovery;
pub mod review;
pub mod secret;
pub mod settings;
pub mod signin;
pub mod sso;
pub mod stage;
pub mod sync;
pub mod tokens;
pub mod vault;

pub use crate::core::{CoreOptions, MasarCore};
pub use active::{PreviousCopy, SessionInfo};
pub use client::{ClientError, MasarClient};
pub use connection::ConnectionStatus;
pub use edits::EmployeeView;
pub use error::{CoreError, ErrorCode, UiError};
pub use i18n::Language;
pub use keychain::Keychain;
pub use settings::{ServerUrl, Settings, SettingsInput};
pub use signin::{AuthState, ProfileSummary};

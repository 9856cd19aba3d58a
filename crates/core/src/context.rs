//! What every capability shares: the settings, the server client, sign-in (for the active
//! session), and the signals between them (wake the sync loop, recheck the connection).

use std::sync::{Arc, PoisonError, RwLock};

use tokio::sync::{Notify, broadcast, watch};

use crate::active::{ActiveSession, SessionError};
use crate::client::MasarClient;
use crate::connection::ConnectionStatus;
use crate::i18n::Language;
use crate::kinds::Kinds;
use crate::notices::DecisionNotice;
use crate::progress::UploadProgress;
use crate::settings::Settings;
use crate::signin::SignIn;

#[derive(Debug)]
pub struct Context {
    settings: RwLock<Settings>,
    client: RwLock<Arc<MasarClient>>,
    pub signin: SignIn,
    /// Wakes the sync loop (a local edit, a sign-in, the network back).
    pub wake_sync: Notify,
    /// Asks the connection monitor to check now.
    pub recheck: Notify,
    pub connection: watch::Sender<ConnectionStatus>,
    /// How the uploads of sent qualifications go (the sync loop sends them).
    pub uploads: watch::Sender<UploadProgress>,
    /// HR decided on a qualification the employee sent (found by a pull).
    pub decisions: broadcast::Sender<DecisionNotice>,
    /// The record kinds whose hooks sync runs.
    pub kinds: Kinds,
}

impl Context {
    pub fn new(settings: Settings, client: MasarClient, signin: SignIn, kinds: Kinds) -> Self {
        Self {
            settings: RwLock::new(settings),
            client: RwLock::new(Arc::new(client)),
            signin,
            wake_sync: Notify::new(),
            recheck: Notify::new(),
            connection: watch::channel(ConnectionStatus::Checking).0,
            uploads: watch::channel(UploadProgress::default()).0,
            decisions: broadcast::channel(16).0,
            kinds,
        }
    }

    pub fn client(&self) -> Arc<MasarClient> {
        Arc::clone(&self.client.read().unwrap_or_else(PoisonError::into_inner))
    }

    pub fn set_client(&self, client: MasarClient) {
        *self.client.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(client);
    }

    pub fn settings(&self) -> Settings {
        self.settings.read().unwrap_or_else(PoisonError::into_inner).clone()
    }

    pub fn set_settings(&self, settings: Settings) {
        // Settings are replaced whole, so a poisoned lock still holds good data.
        *self.settings.write().unwrap_or_else(PoisonError::into_inner) = settings;
    }

    pub fn language(&self) -> Language {
        self.settings.read().unwrap_or_else(PoisonError::into_inner).language
    }

    /// The signed-in employee's session, for a capability to work through.
    pub fn active(&self) -> Result<Arc<ActiveSession>, SessionError> {
        self.signin.active()
    }

    pub fn server_is_demo(&self) -> bool {
        matches!(*self.connection.borrow(), ConnectionStatus::Online { demo: true, .. })
    }
}

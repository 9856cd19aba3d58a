//! [`MasarCore`]: the app's state and operations, shared by every command of the shell.

use std::path::PathBuf;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use masar_protocol::auth::DevSms;
use serde::Serialize;
use tokio::sync::{Notify, watch};

use crate::client::MasarClient;
use crate::connection::ConnectionStatus;
use crate::error::{CoreError, UiError};
use crate::i18n::Language;
use crate::keychain::Keychain;
use masar_protocol::sync::MutationBody;

use crate::session::{AuthState, EmployeeView, SessionError, Sessions};
use crate::settings::{ServerUrl, Settings, SettingsInput, SettingsStore};
use crate::sync::{Backoff, SyncStatus, SyncTimer, TokioTimer, next_wait};
use crate::vault::Vaults;
use crate::vault::crypto::{DEFAULT_KDF, KdfParams};

/// How often the connection is checked when nothing else asks for it.
pub const CONNECTION_CHECK_INTERVAL: Duration = Duration::from_secs(4);

/// How the app was started.
#[derive(Debug, Clone, Default)]
pub struct CoreOptions {
    /// Where settings live; the OS config directory when `None`.
    pub config_dir: Option<PathBuf>,
    /// Where the profiles (vaults) live; the OS data directory when `None`.
    pub data_dir: Option<PathBuf>,
    /// A server URL for this run only (`--server-url`), over the saved one.
    pub server_url: Option<ServerUrl>,
    /// The OS keychain when `None`.
    pub keychain: Option<Keychain>,
    /// The vault's Argon2 cost; [`DEFAULT_KDF`] when `None` (tests use a cheap one).
    pub kdf: Option<KdfParams>,
    /// Lock after this many seconds without use, over the setting (end-to-end tests).
    pub idle_lock_seconds: Option<u32>,
    /// How the sync loop waits between rounds; the runtime's timer when `None`.
    pub sync_timer: Option<Arc<dyn SyncTimer>>,
}

/// Facts the UI needs once at start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub idle_lock_seconds: u32,
    pub version: String,
}

#[derive(Debug)]
pub struct MasarCore {
    store: SettingsStore,
    settings: RwLock<Settings>,
    client: RwLock<Arc<MasarClient>>,
    status: watch::Sender<ConnectionStatus>,
    recheck: Notify,
    sessions: Sessions,
    idle_lock_seconds: Option<u32>,
    sync_status: watch::Sender<SyncStatus>,
    sync_now: Notify,
    sync_timer: Arc<dyn SyncTimer>,
}

fn data_dir() -> PathBuf {
    directories::ProjectDirs::from("sa", "Masar", "masar-desktop")
        .map(|dirs| dirs.data_local_dir().to_owned())
        .unwrap_or_else(|| PathBuf::from(".masar-desktop-data"))
}

impl MasarCore {
    pub fn open(options: CoreOptions) -> Result<Arc<Self>, CoreError> {
        let dir = options
            .config_dir
            .or_else(SettingsStore::default_dir)
            .unwrap_or_else(|| PathBuf::from(".masar-desktop"));
        let store = SettingsStore::new(&dir);
        let mut settings = store.load();
        if let Some(url) = options.server_url {
            settings.server_url = url;
        }
        let client = MasarClient::new(settings.server_url.clone())?;
        let (status, _) = watch::channel(ConnectionStatus::Checking);
        let profiles = options.data_dir.unwrap_or_else(data_dir).join("profiles");
        let keychain = options.keychain.unwrap_or_else(Keychain::os);
        let vaults = Vaults::new(&profiles, keychain, options.kdf.unwrap_or(DEFAULT_KDF));
        Ok(Arc::new(Self {
            store,
            settings: RwLock::new(settings),
            client: RwLock::new(Arc::new(client)),
            status,
            recheck: Notify::new(),
            sessions: Sessions::new(vaults),
            idle_lock_seconds: options.idle_lock_seconds,
            sync_status: watch::channel(SyncStatus::Idle).0,
            sync_now: Notify::new(),
            sync_timer: options.sync_timer.unwrap_or_else(|| Arc::new(TokioTimer)),
        }))
    }

    fn read_settings(&self) -> RwLockReadGuard<'_, Settings> {
        // Settings are replaced whole, so a poisoned lock still holds good data.
        self.settings.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write_settings(&self) -> RwLockWriteGuard<'_, Settings> {
        self.settings.write().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn client(&self) -> Arc<MasarClient> {
        Arc::clone(&self.client.read().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    pub fn settings(&self) -> Settings {
        self.read_settings().clone()
    }

    pub fn language(&self) -> Language {
        self.read_settings().language
    }

    pub fn app_info(&self) -> AppInfo {
        AppInfo {
            idle_lock_seconds: self.idle_lock_seconds.unwrap_or(self.read_settings().idle_lock_minutes * 60),
            version: env!("CARGO_PKG_VERSION").into(),
        }
    }

    /// Validates and saves the settings form. Nothing changes unless all of it is valid and saved.
    pub fn save_settings(&self, input: &SettingsInput) -> Result<Settings, CoreError> {
        let settings = input.validate()?;
        self.store.save(&settings)?;
        let server_changed = self.read_settings().server_url != settings.server_url;
        if server_changed {
            let client = MasarClient::new(settings.server_url.clone())?;
            *self.client.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Arc::new(client);
        }
        *self.write_settings() = settings.clone();
        // A new server or a new language: the status bar should say so now.
        self.recheck.notify_one();
        Ok(settings)
    }

    /// Checks the server now, publishes and returns the result.
    pub async fn check_connection(&self) -> ConnectionStatus {
        let client = self.client();
        let result = client.health().await;
        if let Err(error) = &result {
            tracing::debug!(server = %client.base(), %error, "health check failed");
        }
        let status = ConnectionStatus::from_check(&result, self.language());
        let previous = self.status.send_replace(status.clone());
        if status.is_online() && !previous.is_online() {
            // Back online: send what waits without waiting for the timer.
            self.sync_now.notify_one();
        }
        status
    }

    /// The last published status.
    pub fn connection_status(&self) -> ConnectionStatus {
        self.status.borrow().clone()
    }

    fn server_is_demo(&self) -> bool {
        matches!(*self.status.borrow(), ConnectionStatus::Online { demo: true, .. })
    }

    /// Every published status, for the shell to forward to the window.
    pub fn subscribe_connection(&self) -> watch::Receiver<ConnectionStatus> {
        self.status.subscribe()
    }

    /// Checks the connection every `interval`, and at once after settings change, until the
    /// returned task is aborted. Needs a Tokio runtime.
    pub fn spawn_connection_monitor(self: &Arc<Self>, interval: Duration) -> tokio::task::JoinHandle<()> {
        let core = Arc::clone(self);
        tokio::spawn(async move {
            loop {
                core.check_connection().await;
                tokio::select! {
                    () = tokio::time::sleep(interval) => {},
                    () = core.recheck.notified() => {},
                }
            }
        })
    }

    pub async fn auth_state(&self) -> AuthState {
        self.sessions.state(self.server_is_demo()).await
    }

    pub async fn start_sign_in(&self, national_id: &str, password: String) -> Result<AuthState, CoreError> {
        let demo = self.server_is_demo();
        let state = self.sessions.start(&self.client(), national_id, password, demo).await?;
        // An offline sign-in is signed in at once: its queued edits may go when the network returns.
        self.sync_now.notify_one();
        Ok(state)
    }

    pub async fn verify_code(&self, code: &str) -> Result<AuthState, CoreError> {
        let state = self.sessions.verify(&self.client(), code).await?;
        self.recheck.notify_one();
        self.sync_now.notify_one();
        Ok(state)
    }

    pub async fn resend_code(&self) -> Result<AuthState, CoreError> {
        Ok(self.sessions.resend(&self.client(), self.server_is_demo()).await?)
    }

    pub async fn cancel_sign_in(&self) -> AuthState {
        self.sessions.cancel().await;
        self.auth_state().await
    }

    pub async fn lock(&self) -> AuthState {
        self.sessions.lock().await;
        self.auth_state().await
    }

    pub async fn unlock(&self, password: String) -> Result<AuthState, CoreError> {
        let state = self.sessions.unlock(password).await?;
        self.sync_now.notify_one();
        Ok(state)
    }

    /// After a password change: the previous password carries the vault (and its unsent work)
    /// across to the current one.
    pub async fn carry_across(&self, previous: String) -> Result<AuthState, CoreError> {
        let state = self.sessions.carry_across(previous).await?;
        self.sync_now.notify_one();
        Ok(state)
    }

    /// After a password change, without the previous password: the old vault is set aside
    /// whole and stays listed with its unsent work.
    pub async fn skip_carry_across(&self) -> Result<AuthState, CoreError> {
        let state = self.sessions.skip_carry_across().await?;
        self.sync_now.notify_one();
        Ok(state)
    }

    /// Sends a set-aside copy's waiting edits and takes over its drafts (see
    /// [`Sessions::recover_previous`](crate::session::Sessions::recover_previous)).
    pub async fn recover_previous(
        &self,
        copy: &str,
        previous: String,
    ) -> Result<crate::session::Recovery, CoreError> {
        let recovery = self.sessions.recover_previous(&self.client(), copy, previous).await?;
        self.sync_now.notify_one();
        Ok(recovery)
    }

    /// What signing out would leave unsent (the UI warns with it first).
    pub async fn unsent_work(&self) -> Result<Option<crate::vault::UnsentWork>, CoreError> {
        Ok(self.sessions.unsent_work().await?)
    }

    /// The last edit id the signed-in vault handed out.
    pub async fn last_mutation_id(&self) -> Result<u64, CoreError> {
        Ok(self.sessions.last_mutation_id().await?)
    }

    pub async fn sign_out(&self) -> AuthState {
        self.sessions.sign_out(&self.client()).await;
        self.auth_state().await
    }

    /// The signed-in employee's data: from the server, or the local copy when it cannot answer.
    pub async fn employee(&self) -> Result<EmployeeView, CoreError> {
        Ok(self.sessions.employee(&self.client()).await?)
    }

    /// The demo phone: SMS the dev outbox holds for the employee signing in.
    pub async fn demo_sms(&self) -> Result<Vec<DevSms>, CoreError> {
        let id = self.sessions.current_national_id().await.ok_or(SessionError::NotSignedIn)?;
        Ok(self.client().dev_sms(&id).await?)
    }

    /// Queues an edit (checked first as the server will) and starts a sync round.
    pub async fn queue_edit(
        &self,
        body: MutationBody,
        fields: Vec<String>,
    ) -> Result<EmployeeView, CoreError> {
        self.sessions.queue_edit(body, fields).await?;
        self.sync_now.notify_one();
        self.local_view().await
    }

    /// The employee as the vault has it (no network): after a local change.
    pub async fn local_view(&self) -> Result<EmployeeView, CoreError> {
        Ok(self.sessions.local_view().await?)
    }

    pub async fn resolve_conflict(&self, id: u64, keep_mine: bool) -> Result<EmployeeView, CoreError> {
        self.sessions.resolve_conflict(id, keep_mine).await?;
        if keep_mine {
            self.sync_now.notify_one();
        }
        self.local_view().await
    }

    pub async fn dismiss_edit(&self, id: u64) -> Result<EmployeeView, CoreError> {
        self.sessions.dismiss_edit(id).await?;
        self.local_view().await
    }

    pub async fn save_draft(
        &self,
        form: crate::edits::Form,
        values: std::collections::BTreeMap<String, String>,
    ) -> Result<(), CoreError> {
        Ok(self.sessions.save_draft(form, values).await?)
    }

    pub async fn draft(&self, form: crate::edits::Form) -> Result<Option<crate::edits::Draft>, CoreError> {
        Ok(self.sessions.draft(form).await?)
    }

    pub async fn discard_draft(&self, form: crate::edits::Form) -> Result<(), CoreError> {
        Ok(self.sessions.discard_draft(form).await?)
    }

    pub fn sync_status(&self) -> SyncStatus {
        self.sync_status.borrow().clone()
    }

    pub fn subscribe_sync(&self) -> watch::Receiver<SyncStatus> {
        self.sync_status.subscribe()
    }

    /// Asks for a sync round now.
    pub fn sync_now(&self) {
        self.sync_now.notify_one();
    }

    /// One sync round now, publishing its outcome; returns what the status bar shows.
    pub async fn sync_round(&self) -> SyncStatus {
        let count = |n: u64| u32::try_from(n).unwrap_or(u32::MAX);
        let Some(pending) = self.sessions.pending_count().await.map(count) else {
            self.sync_status.send_replace(SyncStatus::Idle);
            return SyncStatus::Idle;
        };
        self.sync_status.send_replace(SyncStatus::Syncing { pending });
        let status = match self.sessions.sync_once(&self.client()).await {
            Ok(report) => {
                // The server answered: let the status bar know now, not at the next check.
                if !self.connection_status().is_online() {
                    self.recheck.notify_one();
                }
                SyncStatus::Synced { at: chrono::Utc::now(), pending: count(report.pending) }
            }
            Err(SessionError::Client(error))
                if matches!(
                    error.code(),
                    crate::ErrorCode::ServerUnreachable | crate::ErrorCode::ServerTimeout
                ) =>
            {
                self.sessions.mark_offline().await;
                SyncStatus::Offline { pending: self.sessions.pending_count().await.map_or(pending, count) }
            }
            Err(SessionError::NotSignedIn) => SyncStatus::Idle,
            Err(error) => {
                let reason = CoreError::from(error).to_ui(self.language()).message;
                SyncStatus::Failed {
                    pending: self.sessions.pending_count().await.map_or(pending, count),
                    reason,
                }
            }
        };
        self.sync_status.send_replace(status.clone());
        status
    }

    /// Runs sync rounds until aborted: every [`SYNC_INTERVAL`](crate::sync::SYNC_INTERVAL), at
    /// once on a local edit, a sign-in or a reconnect, and after a failure with capped
    /// exponential backoff and jitter (see [`next_wait`]).
    pub fn spawn_sync_loop(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let core = Arc::clone(self);
        tokio::spawn(async move {
            let mut backoff = Backoff::default();
            let mut wait = Duration::ZERO;
            loop {
                tokio::select! {
                    () = core.sync_timer.wait(wait) => {},
                    () = core.sync_now.notified() => {},
                }
                wait = next_wait(&core.sync_round().await, &mut backoff);
            }
        })
    }

    /// Maps an error to what the UI shows, in the current language.
    pub fn ui_error(&self, error: &CoreError) -> UiError {
        error.to_ui(self.language())
    }
}

//! [`MasarCore`]: the wiring. It opens the settings, the server client and the vaults, and hands
//! out one capability per service (sign-in, records, outbox, drafts, sync, previous copies); the
//! shell registers each as its own state. It also runs the connection monitor.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::watch;

use crate::applications::Applications;
use crate::auth::Auth;
use crate::career::Careers;
use crate::client::MasarClient;
use crate::client::SignOnConfig;
use crate::connection::ConnectionStatus;
use crate::context::Context;
use crate::drafts::Drafts;
use crate::error::{CoreError, UiError};
use crate::exports::Exports;
use crate::i18n::Language;
use crate::inquiries::Inquiries;
use crate::keychain::Keychain;
use crate::kinds::Kinds;
use crate::opportunities::Opportunities;
use crate::outbox::Outbox;
use crate::qualifications::Qualifications;
use crate::records::Records;
use crate::recovery::PreviousCopies;
use crate::review::Review;
use crate::settings::policy::Policy;
use crate::settings::{ServerUrl, Settings, SettingsInput, SettingsStore};
use crate::signin::{Browser, NoBrowser, SignIn};
use crate::sync::{SyncEngine, SyncTimer, TokioTimer};
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
    /// Opens the identity provider's page; none (the address shown to copy) when `None`.
    pub browser: Option<Arc<dyn Browser>>,
    /// The workstation administrator's policy, read by the shell.
    pub policy: Option<Policy>,
}

/// Where sign-ons go: the policy's issuer and client id, if it names them.
fn sign_on_config(policy: Option<&Policy>) -> SignOnConfig {
    SignOnConfig {
        issuer: policy
            .and_then(|p| p.issuer.as_ref())
            .map(|url| url.as_str().trim_end_matches('/').to_owned()),
        client_id: policy.and_then(|p| p.client_id.clone()),
        scopes: policy.map(|p| p.scopes.clone()).unwrap_or_default(),
        resource: policy.and_then(|p| p.resource.clone()),
    }
}

/// Facts the UI needs once at start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub idle_lock_seconds: u32,
    pub version: String,
    /// The server address is the administrator's (the policy file): Settings shows it read-only.
    pub server_set_by_administrator: bool,
}

#[derive(Debug)]
pub struct MasarCore {
    store: SettingsStore,
    policy: Option<Policy>,
    cx: Arc<Context>,
    idle_lock_seconds: Option<u32>,
    idle: crate::idle::IdleWatch,
    auth: Auth,
    records: Records,
    outbox: Outbox,
    drafts: Drafts,
    sync: SyncEngine,
    previous: PreviousCopies,
    qualifications: Qualifications,
    review: Review,
    careers: Careers,
    inquiries: Inquiries,
    opportunities: Opportunities,
    applications: Applications,
    exports: Exports,
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
        let policy = options.policy;
        // A policy the employee may change is the default: the saved setting or the run's
        // address goes over it. One that locks the address goes over both.
        if let Some(url) = policy.as_ref().and_then(|p| p.server_url.clone())
            && (policy.as_ref().is_some_and(Policy::locks_server) || !store.exists())
        {
            settings.server_url = url;
        }
        if let Some(url) = options.server_url
            && !policy.as_ref().is_some_and(Policy::locks_server)
        {
            settings.server_url = url;
        }
        let client = MasarClient::with_sign_on(settings.server_url.clone(), sign_on_config(policy.as_ref()))?;
        let profiles = options.data_dir.unwrap_or_else(data_dir).join("profiles");
        let keychain = options.keychain.unwrap_or_else(Keychain::os);
        let vaults = Vaults::new(&profiles, keychain, options.kdf.unwrap_or(DEFAULT_KDF));
        let kinds: Kinds = Arc::new([
            Arc::new(crate::qualifications::kind::QualificationKind) as Arc<dyn crate::kinds::RecordKind>,
            Arc::new(crate::applications::ApplicationKind),
        ]);
        let browser = options.browser.unwrap_or_else(|| Arc::new(NoBrowser));
        let cx = Arc::new(Context::new(settings, client, SignIn::new(vaults, browser), kinds));
        let timer = options.sync_timer.unwrap_or_else(|| Arc::new(TokioTimer));
        Ok(Arc::new(Self {
            store,
            policy,
            idle_lock_seconds: options.idle_lock_seconds,
            idle: crate::idle::IdleWatch::default(),
            auth: Auth::new(Arc::clone(&cx)),
            records: Records::new(Arc::clone(&cx)),
            outbox: Outbox::new(Arc::clone(&cx)),
            drafts: Drafts::new(Arc::clone(&cx)),
            sync: SyncEngine::new(Arc::clone(&cx), timer),
            previous: PreviousCopies::new(Arc::clone(&cx)),
            qualifications: Qualifications::new(Arc::clone(&cx)),
            review: Review::new(Arc::clone(&cx)),
            careers: Careers::new(Arc::clone(&cx)),
            inquiries: Inquiries::new(Arc::clone(&cx)),
            opportunities: Opportunities::new(Arc::clone(&cx)),
            exports: Exports::new(Arc::clone(&cx)),
            applications: Applications::new(Arc::clone(&cx)),
            cx,
        }))
    }

    /// Sign-in, lock, unlock, sign-out.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    /// The employee's record (from the server or the vault).
    pub fn records(&self) -> &Records {
        &self.records
    }

    /// Queued edits.
    pub fn outbox(&self) -> &Outbox {
        &self.outbox
    }

    /// What is typed in forms.
    pub fn drafts(&self) -> &Drafts {
        &self.drafts
    }

    /// The sync engine and its loop.
    pub fn sync(&self) -> &SyncEngine {
        &self.sync
    }

    /// Documenting qualifications: drafts, attached files, sending.
    pub fn qualifications(&self) -> &Qualifications {
        &self.qualifications
    }

    /// The employment record and the length of service.
    pub fn careers(&self) -> &Careers {
        &self.careers
    }

    /// Sick-leave reports and administrative transactions.
    pub fn inquiries(&self) -> &Inquiries {
        &self.inquiries
    }

    /// Training and scholarship opportunities.
    pub fn opportunities(&self) -> &Opportunities {
        &self.opportunities
    }

    /// Applying for them (queued through sync).
    pub fn applications(&self) -> &Applications {
        &self.applications
    }

    /// Sealed exports of unsent work, and importing them.
    pub fn exports(&self) -> &Exports {
        &self.exports
    }

    /// HR's review of qualifications (the HR officer's screen).
    pub fn review(&self) -> &Review {
        &self.review
    }

    /// Copies of the vault set aside by a sign-in.
    pub fn previous_copies(&self) -> &PreviousCopies {
        &self.previous
    }

    pub fn settings(&self) -> Settings {
        self.cx.settings()
    }

    pub fn language(&self) -> Language {
        self.cx.language()
    }

    pub fn app_info(&self) -> AppInfo {
        AppInfo {
            idle_lock_seconds: self.idle_lock_seconds.unwrap_or(self.cx.settings().idle_lock_minutes * 60),
            version: env!("CARGO_PKG_VERSION").into(),
            server_set_by_administrator: self.policy.as_ref().is_some_and(Policy::locks_server),
        }
    }

    /// Validates and saves the settings form. Nothing changes unless all of it is valid and saved. A new server address signs everyone out of this workstation first
    /// (their sessions belong to the old server), unless the administrator's policy sets it.
    pub async fn save_settings(&self, input: &SettingsInput) -> Result<Settings, CoreError> {
        let settings = input.validate()?;
        let moving = self.cx.settings().server_url != settings.server_url;
        if moving && self.policy.as_ref().is_some_and(Policy::locks_server) {
            return Err(crate::settings::SettingsError::SetByAdministrator.into());
        }
        self.store.save(&settings)?;
        if moving {
            self.cx.signin.sign_out(&self.cx.client()).await;
            self.cx.signin.vaults().forget_sessions();
            let sign_on = sign_on_config(self.policy.as_ref());
            self.cx.set_client(MasarClient::with_sign_on(settings.server_url.clone(), sign_on)?);
        }
        self.cx.set_settings(settings.clone());
        // A new server or a new language: the status bar should say so now.
        self.cx.recheck.notify_one();
        Ok(settings)
    }

    /// Checks the server now, publishes and returns the result.
    pub async fn check_connection(&self) -> ConnectionStatus {
        let client = self.cx.client();
        let result = client.health().await;
        if let Err(error) = &result {
            tracing::debug!(server = %client.base(), %error, "health check failed");
        }
        let status = ConnectionStatus::from_check(&result);
        let previous = self.cx.connection.send_replace(status.clone());
        if status.is_online() && !previous.is_online() {
            // Back online: send what waits without waiting for the timer.
            self.cx.wake_sync.notify_one();
        }
        status
    }

    /// The last published status.
    pub fn connection_status(&self) -> ConnectionStatus {
        self.cx.connection.borrow().clone()
    }

    /// Every published status, for the shell to forward to the window.
    /// Decisions on what the employee sent (qualifications, applications), as pulls bring them.
    pub fn subscribe_decisions(&self) -> tokio::sync::broadcast::Receiver<crate::notices::DecisionNotice> {
        self.cx.decisions.subscribe()
    }

    /// The uploads' speed and time left, as they change.
    pub fn subscribe_uploads(&self) -> watch::Receiver<crate::progress::UploadProgress> {
        self.cx.uploads.subscribe()
    }

    pub fn subscribe_connection(&self) -> watch::Receiver<ConnectionStatus> {
        self.cx.connection.subscribe()
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
                    () = core.cx.recheck.notified() => {},
                }
            }
        })
    }

    /// The employee gave input in the window (the idle lock starts counting again).
    pub fn touch(&self) {
        self.idle.touch();
    }

    /// Counts the idle locks; the shell tells the window at each.
    pub fn subscribe_idle_locks(&self) -> tokio::sync::watch::Receiver<u64> {
        self.idle.subscribe()
    }

    /// The idle lock (see [`crate::idle`]): runs until the handle is aborted.
    pub fn spawn_idle_lock(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let core = Arc::clone(self);
        tokio::spawn(async move {
            let limit = || Duration::from_secs(u64::from(core.app_info().idle_lock_seconds));
            let open = || core.cx.signin.is_open();
            let lock = || async {
                core.auth.lock().await;
            };
            core.idle.run(limit, open, lock).await;
        })
    }

    /// Maps an error to what the UI shows, in the current language.
    pub fn ui_error(&self, error: impl Into<CoreError>) -> UiError {
        error.into().to_ui()
    }
}

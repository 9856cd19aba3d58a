//! [`MasarCore`]: the app's state and operations, shared by every command of the shell.

use std::path::PathBuf;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Duration;

use masar_protocol::{DemoAccount, EmployeeProfile};
use tokio::sync::{Notify, watch};

use crate::client::MasarClient;
use crate::connection::ConnectionStatus;
use crate::error::CoreError;
use crate::i18n::Language;
use crate::settings::{ServerUrl, Settings, SettingsInput, SettingsStore};

/// How often the connection is checked when nothing else asks for it.
pub const CONNECTION_CHECK_INTERVAL: Duration = Duration::from_secs(4);

/// How the app was started.
#[derive(Debug, Clone, Default)]
pub struct CoreOptions {
    /// Where settings live; the OS config directory when `None`.
    pub config_dir: Option<PathBuf>,
    /// A server URL for this run only (`--server-url`), over the saved one.
    pub server_url: Option<ServerUrl>,
}

#[derive(Debug)]
pub struct MasarCore {
    store: SettingsStore,
    settings: RwLock<Settings>,
    client: RwLock<Arc<MasarClient>>,
    status: watch::Sender<ConnectionStatus>,
    recheck: Notify,
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
        Ok(Arc::new(Self {
            store,
            settings: RwLock::new(settings),
            client: RwLock::new(Arc::new(client)),
            status,
            recheck: Notify::new(),
        }))
    }

    fn read_settings(&self) -> RwLockReadGuard<'_, Settings> {
        // A panic while holding the lock cannot leave Settings half-written (it is replaced
        // whole), so a poisoned lock still holds good data.
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
        self.status.send_replace(status.clone());
        status
    }

    /// The last published status.
    pub fn connection_status(&self) -> ConnectionStatus {
        self.status.borrow().clone()
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

    /// The employees a `--demo` server offers.
    pub async fn demo_accounts(&self) -> Result<Vec<DemoAccount>, CoreError> {
        Ok(self.client().demo_accounts().await?)
    }

    /// The profile of the chosen demo employee (the first one when none is chosen).
    pub async fn employee_profile(&self) -> Result<EmployeeProfile, CoreError> {
        let client = self.client();
        let chosen = self.read_settings().demo_employee.clone();
        let employee = match chosen {
            Some(id) => id,
            None => {
                client
                    .demo_accounts()
                    .await?
                    .into_iter()
                    .next()
                    .ok_or(CoreError::NoDemoEmployees)?
                    .national_id
            }
        };
        Ok(client.demo_record(&employee).await?.profile)
    }

    /// Maps an error to what the UI shows, in the current language.
    pub fn ui_error(&self, error: &CoreError) -> crate::error::UiError {
        error.to_ui(self.language())
    }
}

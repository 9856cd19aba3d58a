//! The command line: `masar-desktop [--server-url URL] [--config-dir DIR]`.

use std::path::PathBuf;

use clap::Parser;
use masar_core::CoreOptions;
use masar_core::settings::policy::{POLICY_PATH, Policy, PolicyError};
use masar_core::settings::{ServerUrl, UrlProblem};

#[derive(Debug, Parser)]
#[command(name = "masar-desktop", version, about = "Masar Desktop — بياناتي الوظيفية")]
pub struct Args {
    /// Use this server for this run, over the one saved in Settings.
    #[arg(long, env = "MASAR_SERVER_URL")]
    pub server_url: Option<String>,
    /// Keep settings in this directory instead of the OS config directory.
    #[arg(long, env = "MASAR_CONFIG_DIR")]
    pub config_dir: Option<PathBuf>,
    /// Keep the employees' encrypted local copies in this directory instead of the OS data
    /// directory.
    #[arg(long, env = "MASAR_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Lock after this many idle seconds, over the setting (for tests and demonstrations).
    #[arg(long, env = "MASAR_IDLE_LOCK_SECONDS")]
    pub idle_lock_seconds: Option<u32>,
    /// Open the identity provider's sign-in page with this program (given the address) instead
    /// of the system's default browser.
    #[arg(long, env = "MASAR_BROWSER")]
    pub browser: Option<String>,
    /// End-to-end build only: the administrator's policy is read from this file instead of
    /// /etc/masar-desktop/policy.json.
    #[cfg(feature = "e2e-picker")]
    #[arg(long)]
    pub e2e_policy_file: Option<PathBuf>,
    /// End-to-end build only: "choosing files" takes the paths listed in this file.
    #[cfg(feature = "e2e-picker")]
    #[arg(long)]
    pub e2e_pick_list: Option<PathBuf>,
}

/// Why the app does not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("invalid --server-url: {0}")]
    ServerUrl(UrlProblem),
    #[error(transparent)]
    Policy(#[from] PolicyError),
}

impl Args {
    /// Where the administrator's policy is.
    fn policy_path(&self) -> PathBuf {
        #[cfg(feature = "e2e-picker")]
        if let Some(path) = &self.e2e_policy_file {
            return path.clone();
        }
        PathBuf::from(POLICY_PATH)
    }

    pub fn core_options(&self) -> Result<CoreOptions, StartError> {
        let server_url =
            self.server_url.as_deref().map(ServerUrl::parse).transpose().map_err(StartError::ServerUrl)?;
        Ok(CoreOptions {
            policy: Policy::load(&self.policy_path())?,
            config_dir: self.config_dir.clone(),
            data_dir: self.data_dir.clone(),
            server_url,
            idle_lock_seconds: self.idle_lock_seconds,
            browser: Some(std::sync::Arc::new(crate::browser::SystemBrowser::new(self.browser.clone()))),
            ..CoreOptions::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_come_from_the_arguments() {
        let args = Args::parse_from([
            "masar-desktop",
            "--server-url",
            "http://127.0.0.1:9",
            "--config-dir",
            "/tmp/x",
        ]);
        let options = args.core_options().unwrap();
        assert_eq!(options.server_url.unwrap().as_str(), "http://127.0.0.1:9/");
        assert_eq!(options.config_dir.unwrap(), PathBuf::from("/tmp/x"));
    }

    #[test]
    fn an_invalid_server_url_is_refused() {
        let args = Args::parse_from(["masar-desktop", "--server-url", "http://example.com"]);
        assert!(matches!(args.core_options(), Err(StartError::ServerUrl(UrlProblem::InsecureRemote))));
    }
}

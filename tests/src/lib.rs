//! Harness of the end-to-end tests: a real `masar-server --demo` process, the built app in a real
//! window through tauri-driver, polling waits, and screenshots saved as artifacts.
//!
//! `cargo xtask test` starts Xvfb and tauri-driver and sets the environment this reads:
//! `TAURI_DRIVER_URL`, `MASAR_APP_BIN`, `MASAR_SERVER_BIN`, `MASAR_E2E_ARTIFACTS`.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use masar_protocol::DemoAccount;

/// How long any one expected change may take before the test fails. Not a speed goal: a
/// generous bound so a stuck UI fails the test instead of hanging it.
pub const PATIENCE: Duration = Duration::from_secs(30);

fn env_path(name: &str) -> Result<PathBuf> {
    std::env::var_os(name)
        .map(PathBuf::from)
        .with_context(|| format!("{name} is not set: run the end-to-end tests through `cargo xtask test`"))
}

/// A `masar-server --demo` process on a free loopback port, killed when dropped.
#[derive(Debug)]
pub struct Server {
    pub url: String,
    child: Child,
    _data: tempfile::TempDir,
}

impl Server {
    pub fn start_demo() -> Result<Self> {
        let data = tempfile::tempdir()?;
        let mut child = Command::new(env_path("MASAR_SERVER_BIN")?)
            .args(["--demo", "--bind", "127.0.0.1:0", "--log", "warn", "--data-dir"])
            .arg(data.path())
            .stdout(Stdio::piped())
            .spawn()
            .context("cannot start masar-server")?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().context("masar-server ended before listening")??;
        let url = first
            .strip_prefix("masar-server listening on ")
            .with_context(|| format!("unexpected line: {first}"))?
            .to_owned();
        // Keep reading so the server never blocks on a full pipe.
        std::thread::spawn(move || lines.map_while(Result::ok).for_each(drop));
        Ok(Self { url, child, _data: data })
    }

    /// The demo employees, straight from the server (what the app should show).
    pub async fn accounts(&self) -> Result<Vec<DemoAccount>> {
        Ok(reqwest::get(format!("{}/v1/dev/accounts", self.url)).await?.error_for_status()?.json().await?)
    }

    /// Stops the server the way an outage would: the process is gone.
    pub fn kill(&mut self) -> Result<()> {
        self.child.kill()?;
        self.child.wait()?;
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The app in a real window, driven through WebDriver.
#[derive(Debug)]
pub struct App {
    pub client: Client,
    _config: tempfile::TempDir,
}

impl App {
    /// Launches the built app on `server_url` with a fresh settings directory.
    pub async fn launch(server_url: &str) -> Result<Self> {
        let config = tempfile::tempdir()?;
        let application = env_path("MASAR_APP_BIN")?;
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), "wry".into());
        capabilities.insert(
            "tauri:options".into(),
            serde_json::json!({
                "application": application,
                "args": ["--server-url", server_url, "--config-dir", config.path()],
            }),
        );
        let driver = std::env::var("TAURI_DRIVER_URL").context("TAURI_DRIVER_URL is not set")?;
        let client = ClientBuilder::native()
            .capabilities(capabilities)
            .connect(&driver)
            .await
            .context("cannot open a WebDriver session on tauri-driver")?;
        let app = Self { client, _config: config };
        app.wait_for("[data-testid=app-title]").await?;
        Ok(app)
    }

    pub async fn find(&self, css: &str) -> Result<Element> {
        Ok(self.client.find(Locator::Css(css)).await?)
    }

    /// Waits until an element matches `css`.
    pub async fn wait_for(&self, css: &str) -> Result<Element> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                return Ok(element);
            }
            if Instant::now() > deadline {
                bail!("no element matched {css} within {PATIENCE:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the text of `css` equals `expected`; returns the last text seen on failure.
    pub async fn wait_for_text(&self, css: &str, expected: &str) -> Result<()> {
        let deadline = Instant::now() + PATIENCE;
        let mut last = String::new();
        loop {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                last = element.text().await.unwrap_or_default();
                if last.trim() == expected {
                    return Ok(());
                }
            }
            if Instant::now() > deadline {
                bail!("{css} showed {last:?}, not {expected:?}, within {PATIENCE:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn text(&self, css: &str) -> Result<String> {
        Ok(self.find(css).await?.text().await?.trim().to_owned())
    }

    /// An attribute of the document element (`dir`, `lang`).
    pub async fn root_attribute(&self, name: &str) -> Result<String> {
        let value = self
            .client
            .execute("return document.documentElement.getAttribute(arguments[0]);", vec![name.into()])
            .await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// Waits for the page to paint what it has, then saves a PNG into the artifacts folder.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        self.client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await?;
        let png = self.client.screenshot().await?;
        let dir = env_path("MASAR_E2E_ARTIFACTS")?;
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        Ok(path)
    }

    pub async fn close(self) -> Result<()> {
        self.client.close().await?;
        Ok(())
    }
}

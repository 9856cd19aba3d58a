//! Harness of the end-to-end tests: a real `masar-server --demo` process, the built app in a real
//! window through tauri-driver, polling waits, and screenshots saved as artifacts.
//!
//! `cargo xtask test` starts Xvfb and tauri-driver (inside a D-Bus session with an unlocked
//! Secret Service) and sets the environment this reads: `TAURI_DRIVER_URL`, `MASAR_APP_BIN`,
//! `MASAR_SERVER_BIN`, `MASAR_E2E_ARTIFACTS`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use masar_protocol::DemoAccount;
use masar_test_utils::provider::{Person, ProviderBrowser, sign_in_for_tokens};

pub mod browser;
pub mod forms;
pub mod oracle;
pub mod slow_link;

/// The WebDriver session of the app now open, if any: WebKitWebDriver runs one at a time, so a
/// test that failed before closing its session must not block the next ones.
/// With the driver it runs on.
static OPEN_SESSION: std::sync::Mutex<Option<(String, String)>> = std::sync::Mutex::new(None);

/// Where the open session is also written down: each test file is its own process, and a
/// session the previous file's failed test left open must be ended by the next file.
fn session_note() -> Option<PathBuf> {
    std::env::var_os("MASAR_E2E_ARTIFACTS").map(|dir| PathBuf::from(dir).join(".open-webdriver-session"))
}

fn note_session(open: Option<(&str, &str)>) {
    let Some(note) = session_note() else { return };
    let _ = match open {
        Some((driver, id)) => std::fs::write(&note, format!("{driver}\n{id}")),
        None => std::fs::remove_file(&note),
    };
}

/// Ends a session a failed test left open (in this process or in an earlier test file's).
async fn close_stale_session() {
    let mut stale: Vec<(String, String)> =
        OPEN_SESSION.lock().map(|mut open| open.take()).unwrap_or(None).into_iter().collect();
    if let Some(text) = session_note().and_then(|note| std::fs::read_to_string(note).ok())
        && let Some((driver, id)) = text.split_once('\n')
    {
        stale.push((driver.to_owned(), id.to_owned()));
    }
    for (driver, id) in stale {
        let _ = reqwest::Client::new().delete(format!("{driver}/session/{id}")).send().await;
    }
    note_session(None);
}

/// A WebDriver error with its W3C error code, which fantoccini's own message leaves out (WebKit
/// sends "no such element" with an empty message).
fn driver_error(error: &fantoccini::error::CmdError) -> String {
    match error {
        fantoccini::error::CmdError::Standard(e) => format!("{} {}", e.error, e.message).trim().to_owned(),
        other => other.to_string(),
    }
}

/// Runs `body` in the page. WebKitWebDriver now and then answers «Could not parse script
/// result» when the page's process is busy (seen once in a few hundred runs, on a slow-link test);
/// every script the tests run is idempotent, so it is run again, at most three times.
pub async fn run_script(
    client: &Client,
    body: &str,
    args: Vec<serde_json::Value>,
) -> Result<serde_json::Value> {
    let mut tries = 0;
    loop {
        match client.execute(body, args.clone()).await {
            Ok(value) => return Ok(value),
            Err(error) if tries < 2 && driver_error(&error).contains("Could not parse script result") => {
                tries += 1;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(error) => return Err(error.into()),
        }
    }
}

/// How long any one expected change may take before the test fails. Not a speed goal: a
/// generous bound so a stuck UI fails the test instead of hanging it.
pub const PATIENCE: Duration = Duration::from_secs(30);

fn env_path(name: &str) -> Result<PathBuf> {
    std::env::var_os(name)
        .map(PathBuf::from)
        .with_context(|| format!("{name} is not set: run the end-to-end tests through `cargo xtask test`"))
}

/// The newest desktop notification titled `summary` whose body holds `containing` (what tells
/// this test's from another test's in the same run), as the run's notification server received
/// it over the session bus (the app's real path: the notification plugin, D-Bus, the server).
pub async fn desktop_notification(summary: &str, containing: &str) -> Result<serde_json::Value> {
    let path = PathBuf::from(std::env::var("MASAR_E2E_ARTIFACTS")?).join("notifications.jsonl");
    for _ in 0..100 {
        let lines = std::fs::read_to_string(&path).unwrap_or_default();
        let found = lines
            .lines()
            .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
            .rfind(|n| {
                n["summary"].as_str() == Some(summary)
                    && n["body"].as_str().is_some_and(|body| body.contains(containing))
            });
        if let Some(found) = found {
            return Ok(found);
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    bail!("no desktop notification «{summary}» reached the notification server ({})", path.display())
}

/// Appends a secret the tests typed to `typed-secrets.txt` among the artifacts (one a line).
pub fn record_typed_secret(text: &str) -> Result<()> {
    use std::io::Write as _;
    let path = env_path("MASAR_E2E_ARTIFACTS")?.join("typed-secrets.txt");
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    writeln!(file, "{text}")?;
    Ok(())
}

/// A `masar-server --demo` process on a free loopback port, killed when dropped.
#[derive(Debug)]
pub struct Server {
    pub url: String,
    child: Child,
    data: tempfile::TempDir,
}

impl Server {
    pub fn start_demo() -> Result<Self> {
        Self::start_demo_on("127.0.0.1:0")
    }

    fn start_demo_on(bind: &str) -> Result<Self> {
        Self::start_with_data(bind, tempfile::tempdir()?)
    }

    /// A demo server that trusts `issuer` (an identity provider it did not write) instead of
    /// its own.
    pub fn start_demo_trusting(issuer: &str) -> Result<Self> {
        Self::start_with("127.0.0.1:0", tempfile::tempdir()?, &["--oidc-issuer", issuer])
    }

    /// A demo server started with more settings (`--today 2026-08-01`, …).
    pub fn start_demo_with(extra: &[&str]) -> Result<Self> {
        Self::start_with("127.0.0.1:0", tempfile::tempdir()?, extra)
    }

    fn start_with_data(bind: &str, data: tempfile::TempDir) -> Result<Self> {
        Self::start_with(bind, data, &[])
    }

    fn start_with(bind: &str, data: tempfile::TempDir, extra: &[&str]) -> Result<Self> {
        // The server's own log (at DEBUG) is kept as an artifact: `cargo xtask e2e` checks it for
        // every secret the tests typed, as it checks the app's.
        let log = tempfile::Builder::new()
            .prefix("server-")
            .suffix(".log")
            .tempfile_in(env_path("MASAR_E2E_ARTIFACTS")?)?
            .keep()
            .map_err(|error| error.error)?
            .0;
        let mut child = Command::new(env_path("MASAR_SERVER_BIN")?)
            .args(["--demo", "--bind", bind, "--log", "debug", "--data-dir"])
            .arg(data.path())
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(log)
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
        Ok(Self { url, child, data })
    }

    /// The demo employees with their passwords, straight from the server.
    pub async fn accounts(&self) -> Result<Vec<DemoAccount>> {
        Ok(reqwest::get(format!("{}/v1/dev/accounts", self.url)).await?.error_for_status()?.json().await?)
    }

    pub async fn first_account(&self) -> Result<DemoAccount> {
        self.accounts().await?.into_iter().next().context("the demo server has no employees")
    }

    /// A new server with fresh data on the same address: the same demo employees (same seed),
    /// but every session the old one issued is unknown to it.
    pub fn replace_with_fresh(&mut self) -> Result<()> {
        self.kill()?;
        let address = self.url.trim_start_matches("http://").to_owned();
        *self = Self::start_demo_on(&address)?;
        Ok(())
    }

    /// After [`Self::kill`]: the same server again (same address, same data), as when the
    /// network comes back.
    pub fn start_again(self) -> Result<Self> {
        let address = self.url.trim_start_matches("http://").to_owned();
        let mut old = std::mem::ManuallyDrop::new(self);
        // Take the data directory out of the stopped server without dropping (deleting) it.
        let data = std::mem::replace(&mut old.data, tempfile::tempdir()?);
        let _ = old.child.kill();
        let _ = old.child.wait();
        Self::start_with_data(&address, data)
    }

    /// A new statement code for `account`'s record, as the app asks for one before printing.
    pub async fn statement_code(
        &self,
        account: &DemoAccount,
    ) -> Result<masar_protocol::statement::StatementCode> {
        let token = self.access_token(account).await?;
        Ok(reqwest::Client::new()
            .post(format!("{}/v1/me/statement-code", self.url))
            .bearer_auth(token)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?)
    }

    /// The employee's record as the server holds it, read over HTTP: what a screen should show,
    /// from outside the app.
    pub async fn record_of(&self, account: &DemoAccount) -> Result<masar_protocol::EmployeeRecord> {
        let token = self.access_token(account).await?;
        let url = format!("{}/v1/me/record", self.url);
        Ok(reqwest::Client::new()
            .get(url)
            .bearer_auth(token)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?)
    }

    /// An access token for `account`, signed in at the server's provider as a standard client
    /// would (its pages filled in over HTTP, the code from the demo server's SMS outbox), for
    /// steps taken outside the app (the training administration's).
    pub async fn access_token(&self, account: &DemoAccount) -> Result<String> {
        // Sent outside the window, but a secret all the same: the log check looks for it too.
        record_typed_secret(&account.password)?;
        let person = Person { national_id: account.national_id.as_str(), password: &account.password };
        Ok(sign_in_for_tokens(&self.url, &person).await.access_token)
    }

    /// The server's database file (to check what it stored).
    pub fn database(&self) -> PathBuf {
        self.data.path().join("masar.db")
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

/// The npm `oidc-provider` (`xtask/oidc-provider/issuer.mjs`) as an identity provider masar-server
/// did not write: its own development sign-in and consent pages.
#[derive(Debug)]
pub struct OutsideIssuer {
    pub issuer: String,
    child: Child,
}

impl OutsideIssuer {
    pub fn start() -> Result<Self> {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../xtask/oidc-provider/issuer.mjs");
        let mut child = Command::new("node")
            .arg(&script)
            // A native client: any port of this loopback address is the same redirect URI.
            .env("ISSUER_REDIRECT_URI", "http://127.0.0.1:49152/callback")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("cannot start the npm oidc-provider (node)")?;
        let stdout = child.stdout.take().context("no stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let first = lines.next().context("the issuer ended before listening")??;
        let ready: serde_json::Value = serde_json::from_str(&first)?;
        let issuer = ready["issuer"].as_str().context("no issuer in the first line")?.to_owned();
        std::thread::spawn(move || lines.map_while(Result::ok).for_each(drop));
        Ok(Self { issuer, child })
    }
}

impl Drop for OutsideIssuer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The file the browser recorder appends each address to.
const BROWSER_URLS: &str = "browser-urls.txt";

/// A program standing in for the system browser: it writes the address it is given to
/// [`BROWSER_URLS`] in `dir`.
fn browser_recorder(dir: &Path) -> Result<PathBuf> {
    let script = dir.join("open-browser");
    let urls = dir.join(BROWSER_URLS);
    std::fs::write(&script, format!("#!/bin/sh\nprintf '%s\\n' \"$1\" >> '{}'\n", urls.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755))?;
    }
    Ok(script)
}

/// How to start the app.
#[derive(Debug, Default, Clone)]
pub struct Launch<'a> {
    /// Keep the employees' local copies here (to start again on the same "workstation").
    pub data_dir: Option<&'a Path>,
    pub idle_lock_seconds: Option<u32>,
    /// Start the app where no system keychain answers (no session bus, as from a plain
    /// terminal): through the second tauri-driver the end-to-end stage runs for this.
    pub no_keychain: bool,
    /// Open the sign-in page with this program instead of the harness's recorder (one that
    /// does not exist: a workstation without a browser).
    pub browser: Option<&'a Path>,
    /// Read the administrator's policy from this file (the end-to-end build's stand-in for
    /// /etc/masar-desktop/policy.json).
    pub policy: Option<&'a Path>,
}

impl App {
    /// The file the end-to-end build reads when the employee "chooses files": write the paths
    /// there (one per line) before pressing «إرفاق ملفات».
    pub fn pick_list(&self) -> PathBuf {
        self.dirs.path().join("pick-list.txt")
    }

    /// Lists `paths` as the files the next «إرفاق ملفات» chooses.
    pub fn will_pick(&self, paths: &[&Path]) -> Result<()> {
        let text: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        std::fs::write(self.pick_list(), text.join("\n"))?;
        Ok(())
    }
}

/// The app in a real window, driven through WebDriver.
#[derive(Debug)]
pub struct App {
    pub client: Client,
    dirs: tempfile::TempDir,
    /// The screen axe-core last checked (see [`App::check_new_screen`]).
    checked: std::sync::Mutex<String>,
}

/// Screens checked with axe-core as the tests waited on them, over the whole run (for names).
/// Watches where the next click lands: set before the driver clicks `arguments[0]`.
const WATCH_CLICK: &str = "const el = arguments[0];
    if (!window.__e2eClick) {
      window.__e2eClick = { el: null, hit: false };
      document.addEventListener('click', (e) => {
        const watch = window.__e2eClick;
        if (watch.el && e.target instanceof Node && watch.el.contains(e.target)) watch.hit = true;
      }, true);
    }
    window.__e2eClick.el = el;
    window.__e2eClick.hit = false;";

/// Whether the watched click reached its element.
const CLICK_ARRIVED: &str = "return !window.__e2eClick || window.__e2eClick.hit;";

static SCREENS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// What tells one screen from another: the page (its title and heading), an open dialog, the
/// sign-in step, the language and the text size.
const SCREEN_KEY: &str = "const root = document.documentElement;
    const heading = document.querySelector('main h1, main h2');
    const dialog = document.querySelector('dialog[open], [role=dialog], [role=alertdialog]');
    const step = document.querySelector('[data-testid=passphrase-form]') ? 'passphrase'
      : document.querySelector('[data-testid=sign-on-waiting]') ? 'waiting' : '';
    return [document.title, heading ? heading.textContent : '', dialog ? dialog.textContent.slice(0, 80) : '',
            step, root.lang, root.dataset.textSize || '100'].join('|');";

impl App {
    /// Launches the built app on `server_url` with fresh settings and data directories.
    pub async fn launch(server_url: &str) -> Result<Self> {
        Self::launch_with(server_url, Launch::default()).await
    }

    pub async fn launch_with(server_url: &str, launch: Launch<'_>) -> Result<Self> {
        let dirs = tempfile::tempdir()?;
        let data_dir = launch.data_dir.map(Path::to_owned).unwrap_or_else(|| dirs.path().join("data"));
        let mut args = vec![
            "--server-url".to_owned(),
            server_url.to_owned(),
            "--config-dir".to_owned(),
            dirs.path().join("config").display().to_string(),
            "--data-dir".to_owned(),
            data_dir.display().to_string(),
        ];
        // The installed release package has no test-only file picker (nor its argument).
        if std::env::var("MASAR_APP_INSTALLED").as_deref() != Ok("1") {
            args.extend([
                "--e2e-pick-list".to_owned(),
                dirs.path().join("pick-list.txt").display().to_string(),
            ]);
        }
        if let Some(policy) = launch.policy {
            args.extend(["--e2e-policy-file".to_owned(), policy.display().to_string()]);
        }
        if let Some(seconds) = launch.idle_lock_seconds {
            args.extend(["--idle-lock-seconds".to_owned(), seconds.to_string()]);
        }
        // "The system browser" is the harness's recorder: the app hands it the sign-in address
        // and the test decides which browser goes there.
        let browser = match launch.browser {
            Some(program) => program.to_owned(),
            None => browser_recorder(dirs.path())?,
        };
        args.extend(["--browser".to_owned(), browser.display().to_string()]);
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), "wry".into());
        capabilities.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": env_path("MASAR_APP_BIN")?, "args": args }),
        );
        let driver_var = if launch.no_keychain { "TAURI_DRIVER_NO_KEYCHAIN_URL" } else { "TAURI_DRIVER_URL" };
        let driver = std::env::var(driver_var).with_context(|| format!("{driver_var} is not set"))?;
        close_stale_session().await;
        let client = ClientBuilder::native()
            .capabilities(capabilities)
            .connect(&driver)
            .await
            .context("cannot open a WebDriver session on tauri-driver")?;
        if let (Ok(Some(id)), Ok(mut open)) = (client.session_id().await, OPEN_SESSION.lock()) {
            note_session(Some((&driver, &id)));
            *open = Some((driver.clone(), id));
        }
        let app = Self { client, dirs, checked: std::sync::Mutex::new(String::new()) };
        app.wait_for("[data-testid=app-title]").await?;
        Ok(app)
    }

    /// The element matching `css`, waited for as a person waits for the screen to draw it (a
    /// list re-drawn by a sync round may be between two frames). Use [`App::count`] to check
    /// that something is absent.
    pub async fn find(&self, css: &str) -> Result<Element> {
        self.wait_for(css).await
    }

    /// Waits until an element matches `css`; a screen not seen before is checked with axe-core
    /// then (every screen a test waits on, not only those it keeps a screenshot of).
    pub async fn wait_for(&self, css: &str) -> Result<Element> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let last = match self.client.find(Locator::Css(css)).await {
                Ok(element) => {
                    self.check_new_screen().await?;
                    return Ok(element);
                }
                Err(error) => error,
            };
            if Instant::now() > deadline {
                let seen = self.evidence(css).await;
                bail!(
                    "no element matched {css} within {PATIENCE:?} (last answer: {}); {seen}",
                    driver_error(&last)
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the text of `css` satisfies `check`; returns the text.
    pub async fn wait_for_text_where(&self, css: &str, check: impl Fn(&str) -> bool) -> Result<String> {
        let deadline = Instant::now() + PATIENCE;
        let mut last = None;
        loop {
            // An element re-drawn between the two requests is looked for again.
            if let Ok(element) = self.client.find(Locator::Css(css)).await
                && let Ok(text) = element.text().await
            {
                let text = text.trim().to_owned();
                if check(&text) {
                    return Ok(text);
                }
                last = Some(text);
            }
            if Instant::now() > deadline {
                let seen = self.evidence(css).await;
                match last {
                    Some(last) => {
                        bail!("{css} showed {last:?} and never what was expected within {PATIENCE:?}; {seen}")
                    }
                    None => bail!("no element matched {css} within {PATIENCE:?}; {seen}"),
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the text of `css` equals `expected`.
    pub async fn wait_for_text(&self, css: &str, expected: &str) -> Result<()> {
        self.wait_for_text_where(css, |text| text == expected).await.map(drop)
    }

    /// The text of the element matching `css`, once there is one.
    pub async fn text(&self, css: &str) -> Result<String> {
        self.wait_for_text_where(css, |_| true).await
    }

    /// What the window showed when a wait ran out: a screenshot among the artifacts (named after
    /// the selector) and the start of the page's visible text, for the failure's message.
    async fn evidence(&self, css: &str) -> String {
        let name: String =
            css.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
        let shot = match (self.client.screenshot().await, env_path("MASAR_E2E_ARTIFACTS")) {
            (Ok(png), Ok(dir)) => {
                let path = dir.join(format!("failed-{name}.png"));
                match std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, png)) {
                    Ok(()) => path.display().to_string(),
                    Err(error) => format!("not saved ({error})"),
                }
            }
            (Err(error), _) => format!("not taken ({})", driver_error(&error)),
            (_, Err(error)) => format!("not saved ({error})"),
        };
        let text = run_script(
            &self.client,
            "return (document.querySelector('main') || document.body).innerText;",
            vec![],
        )
        .await
        .ok()
        .and_then(|v| v.as_str().map(|t| t.split_whitespace().collect::<Vec<_>>().join(" ")))
        .unwrap_or_default();
        let text: String = text.chars().take(600).collect();
        format!("the window showed: {text:?} (screenshot: {shot})")
    }

    /// Runs axe-core on the screen if it is not the one checked last (see [`SCREEN_KEY`]).
    async fn check_new_screen(&self) -> Result<()> {
        let key = run_script(&self.client, SCREEN_KEY, vec![]).await?;
        let key = key.as_str().unwrap_or_default().to_owned();
        {
            let mut checked = self.checked.lock().map_err(|_| anyhow::anyhow!("a test panicked"))?;
            if *checked == key {
                return Ok(());
            }
            checked.clone_from(&key);
        }
        let number = SCREENS.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
        self.check_accessibility(&format!("seen-{}-{number:03}", std::process::id())).await
    }

    /// Ticks a checkbox as a person does: looks that it is ticked, and clicks again if the click
    /// landed while the page was still moving.
    pub async fn check(&self, css: &str) -> Result<()> {
        for _ in 0..3 {
            if self.is_checked(css).await? {
                return Ok(());
            }
            self.click(css).await?;
            let deadline = Instant::now() + Duration::from_secs(2);
            while Instant::now() < deadline {
                if self.is_checked(css).await? {
                    return Ok(());
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        let seen = self.evidence(css).await;
        bail!("{css} stayed unticked after three clicks; {seen}")
    }

    async fn is_checked(&self, css: &str) -> Result<bool> {
        let value = self.find(css).await?.prop("checked").await?;
        Ok(value.as_deref() == Some("true"))
    }

    /// Scrolls the element to the middle of the window and waits (up to a second) until nothing
    /// lies over its centre — a layout still settling, or a bar over the bottom of the page — so
    /// a click lands on it as a person's would. A control that stays covered (one drawn over by
    /// its own label, say) is then clicked as it is.
    /// Whether it stood clear: a click aimed at it then reaches it unless the page moves.
    async fn bring_into_view(&self, element: &Element) -> Result<bool> {
        // Clear when nothing covers its centre and it stays where it is over two frames: a click
        // computed while the page still moves (a notice going, a form opening) lands elsewhere.
        for _ in 0..20 {
            let clear = self
                .client
                .execute_async(
                    "const el = arguments[0];
                     const done = arguments[arguments.length - 1];
                     el.scrollIntoView({ block: 'center' });
                     const before = el.getBoundingClientRect();
                     requestAnimationFrame(() => requestAnimationFrame(() => {
                       const r = el.getBoundingClientRect();
                       const still = r.top === before.top && r.left === before.left
                         && r.width === before.width && r.height === before.height;
                       const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                       done(still && !!hit && (hit === el || el.contains(hit) || hit.contains(el)));
                     }));",
                    vec![serde_json::to_value(element)?],
                )
                .await?;
            if clear.as_bool() == Some(true) {
                return Ok(true);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(false)
    }

    /// The attribute `name` of every element matching `css`, in the page's order.
    pub async fn attrs(&self, css: &str, name: &str) -> Result<Vec<String>> {
        let mut values = Vec::new();
        for element in self.client.find_all(Locator::Css(css)).await? {
            values.push(element.attr(name).await?.unwrap_or_default());
        }
        Ok(values)
    }

    /// How many elements match now.
    pub async fn count(&self, css: &str) -> Result<usize> {
        Ok(self.client.find_all(Locator::Css(css)).await?.len())
    }

    /// Clicks the element, found again if the page redrew it between finding and clicking
    /// (WebKitWebDriver then answers with an error for the element it had, while bringing it
    /// into view or clicking), and again if the click never reached it although it stood clear:
    /// the page moved between the driver's aim and its press (the element's own click handler
    /// did not run, so clicking again repeats nothing).
    pub async fn click(&self, css: &str) -> Result<()> {
        let mut tries = 0;
        loop {
            let element = self.wait_for(css).await?;
            let clicked = async {
                let clear = self.bring_into_view(&element).await?;
                run_script(&self.client, WATCH_CLICK, vec![serde_json::to_value(&element)?]).await?;
                element.click().await?;
                anyhow::Ok(clear)
            }
            .await;
            match clicked {
                Ok(true) if tries < 2 && !self.click_arrived().await => {
                    tries += 1;
                    println!("the click on {css} landed beside it while the page moved; clicked again");
                }
                Ok(_) => return Ok(()),
                Err(_) if tries < 2 => {
                    tries += 1;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// Whether the last watched click reached its element. A page that went away with the click
    /// (the window closed) counts as reached.
    async fn click_arrived(&self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(1);
        loop {
            match run_script(&self.client, CLICK_ARRIVED, vec![]).await {
                Ok(serde_json::Value::Bool(false)) if Instant::now() < deadline => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Ok(serde_json::Value::Bool(false)) => return false,
                _ => return true,
            }
        }
    }

    /// Replaces the content of an input. What goes into a password or code field is recorded
    /// (`typed-secrets.txt` among the artifacts) for the log check after the run.
    pub async fn type_into(&self, css: &str, text: &str) -> Result<()> {
        if css.contains("password") || css.contains("passphrase") {
            record_typed_secret(text)?;
        }
        let input = self.wait_for(css).await?;
        self.bring_into_view(&input).await?;
        input.clear().await?;
        input.send_keys(text).await?;
        Ok(())
    }

    /// An attribute of the document element (`dir`, `lang`).
    pub async fn root_attribute(&self, name: &str) -> Result<String> {
        let value = run_script(
            &self.client,
            "return document.documentElement.getAttribute(arguments[0]);",
            vec![name.into()],
        )
        .await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// The addresses the app gave "the system browser" so far.
    pub fn opened_urls(&self) -> Vec<String> {
        let text = std::fs::read_to_string(self.dirs.path().join(BROWSER_URLS)).unwrap_or_default();
        text.lines().map(str::to_owned).collect()
    }

    /// Presses «الدخول عبر النفاذ الوطني الموحد» inside `within` (a CSS scope; empty for the
    /// whole window) and returns the address the app opened in the browser.
    pub async fn start_sign_on(&self, within: &str) -> Result<String> {
        let seen = self.opened_urls().len();
        self.click(format!("{within} [data-testid=sign-on-start]").trim_start()).await?;
        let started = Instant::now();
        loop {
            if let Some(url) = self.opened_urls().get(seen) {
                return Ok(url.clone());
            }
            if started.elapsed() > PATIENCE {
                bail!("the app opened no address in the browser");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The provider's pages at `url` filled in for `account` by a plain HTTP browser (the pages
    /// in Chromium are the sign-in tests' own), which then goes back to the app's port.
    pub async fn sign_on_at_provider(&self, url: &str, account: &DemoAccount) -> Result<()> {
        record_typed_secret(&account.password)?;
        let origin = url::Url::parse(url)?.origin().ascii_serialization();
        let person = Person { national_id: account.national_id.as_str(), password: &account.password };
        let back = ProviderBrowser::new(&origin).sign_in(url, &person).await;
        reqwest::get(back).await?.error_for_status()?;
        Ok(())
    }

    /// The passphrase step: `passphrase` twice, then save.
    pub async fn choose_passphrase(&self, passphrase: &str) -> Result<()> {
        record_typed_secret(passphrase)?;
        self.type_into("[data-testid=new-passphrase]", passphrase).await?;
        self.type_into("[data-testid=confirm-passphrase]", passphrase).await?;
        self.click("[data-testid=passphrase-submit]").await
    }

    /// The whole online sign-in, as a person does it: the single sign-on, then (the first time
    /// on this workstation) the account's password chosen as the passphrase too.
    pub async fn sign_in(&self, account: &DemoAccount) -> Result<()> {
        let url = self.start_sign_on("").await?;
        self.sign_on_at_provider(&url, account).await?;
        self.wait_for("[data-testid=passphrase-form], [data-testid=signed-in-user]").await?;
        if self.count("[data-testid=passphrase-form]").await? > 0 {
            self.choose_passphrase(&account.password).await?;
        }
        self.wait_for("[data-testid=signed-in-user]").await?;
        Ok(())
    }

    /// Sets an input's or a select's value as a person would leave it (the `input` and `change`
    /// events fire): for date fields, whose typing WebKit handles by locale.
    pub async fn set_value(&self, css: &str, value: &str) -> Result<()> {
        let element = self.wait_for(css).await?;
        run_script(
            &self.client,
            "const el = arguments[0]; el.value = arguments[1];
                 el.dispatchEvent(new Event('input', { bubbles: true }));
                 el.dispatchEvent(new Event('change', { bubbles: true }));",
            vec![serde_json::to_value(&element)?, value.into()],
        )
        .await?;
        Ok(())
    }

    /// Types `iso` (`YYYY-MM-DD`, Gregorian) into the date field `testid`: its day, month and
    /// year, as an employee does.
    pub async fn set_date(&self, testid: &str, iso: &str) -> Result<()> {
        let mut parts = iso.split('-');
        let (Some(year), Some(month), Some(day)) = (parts.next(), parts.next(), parts.next()) else {
            bail!("{iso} is not YYYY-MM-DD");
        };
        let number = |text: &str| text.trim_start_matches('0').to_owned();
        self.set_value(&format!("[data-testid={testid}-day]"), &number(day)).await?;
        self.set_value(&format!("[data-testid={testid}-month]"), &number(month)).await?;
        self.set_value(&format!("[data-testid={testid}-year]"), year).await?;
        Ok(())
    }

    /// From the start screen: the employee's tile, then `passphrase` (works offline). What comes
    /// after is the caller's to wait for.
    pub async fn open_from_tile(&self, passphrase: &str) -> Result<()> {
        self.click("[data-testid=profile-tile]").await?;
        self.type_into("[data-testid=passphrase-input]", passphrase).await?;
        self.click("[data-testid=offline-open]").await
    }

    /// In the «انتهت الجلسة» dialog over the page: the single sign-on again; waits for the
    /// dialog to go.
    pub async fn sign_in_again(&self, account: &DemoAccount) -> Result<()> {
        let url = self.start_sign_on("[data-testid=reauth]").await?;
        self.sign_on_at_provider(&url, account).await?;
        self.wait_gone("[data-testid=reauth]").await
    }

    /// On the contact page: تعديل, a new mobile, the terms, تحديث.
    pub async fn submit_mobile(&self, mobile: &str) -> Result<()> {
        self.click("[data-testid=nav-contact]").await?;
        self.click("[data-testid=contact-edit]").await?;
        self.type_into("[data-testid='contact-mobile']", mobile).await?;
        self.check("[data-testid=contact-terms]").await?;
        self.click("[data-testid=contact-submit]").await?;
        // The form closes and says where the edit stands. A click the page moved under (a notice
        // coming or going at that moment) left the form open with everything in it: it is made
        // again, as a person would.
        for _ in 0..2 {
            for _ in 0..50 {
                if self.count("[data-testid=edit-status]").await? > 0 {
                    return Ok(());
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            if self.count("[data-testid=contact-submit]").await? == 0 {
                return Ok(());
            }
            self.click("[data-testid=contact-submit]").await?;
        }
        Ok(())
    }

    /// Waits for the page to paint what it has, saves a PNG into the artifacts folder, and
    /// checks the screen with axe-core (see [`App::check_accessibility`]).
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
        if let Some(scrolled) = self.window_scrolled().await? {
            bail!("{name}: the window itself scrolled ({scrolled}); only the main region may");
        }
        self.check_accessibility(name).await?;
        // The same screen in the other language, when the language switch is at hand: saved
        // beside it and checked the same way.
        if self.switch_language().await? {
            let checked = self.other_language(&dir, name).await;
            self.switch_language().await?;
            checked?;
        }
        Ok(path)
    }

    /// The screen just switched to the other language: its PNG as `NAME.other-language.png`, the
    /// window not scrolled, axe-core.
    async fn other_language(&self, dir: &Path, name: &str) -> Result<()> {
        let name = format!("{name}.other-language");
        std::fs::write(dir.join(format!("{name}.png")), self.client.screenshot().await?)?;
        if let Some(scrolled) = self.window_scrolled().await? {
            bail!("{name}: the window itself scrolled ({scrolled}); only the main region may");
        }
        self.check_accessibility(&name).await
    }

    /// Whether the element matching `css` is wholly inside the window (not scrolled out of view
    /// nor pushed below it), shows all of itself (not squeezed smaller than what it holds) and is
    /// not drawn over (a status bar or a banner over its top, middle or foot).
    pub async fn in_view(&self, css: &str) -> Result<bool> {
        let element = self.wait_for(css).await?;
        let inside = run_script(
            &self.client,
            "const e = arguments[0];
                 const r = e.getBoundingClientRect();
                 const root = document.documentElement.getBoundingClientRect();
                 const app = document.getElementById('app').getBoundingClientRect();
                 const whole = e.scrollHeight <= e.clientHeight + 1 && e.scrollWidth <= e.clientWidth + 1;
                 // The text size is a CSS zoom on the root: rectangles may be in its unzoomed
                 // pixels while elementFromPoint takes the window's. The app fills the window's
                 // height, so their ratio is the scale between the two.
                 const scale = window.innerHeight / app.height;
                 const shows = (y) => {
                   const hit = document.elementFromPoint((r.left + r.right) / 2 * scale, y * scale);
                   return hit !== null && (hit === e || e.contains(hit));
                 };
                 const uncovered = shows(r.top + 3) && shows((r.top + r.bottom) / 2) && shows(r.bottom - 3);
                 return whole && uncovered && r.height > 0 && r.top >= app.top - 1 && r.bottom <= app.bottom + 1
                   && r.left >= root.left - 1 && r.right <= app.right + 1;",
            vec![serde_json::to_value(&element)?],
        )
        .await?;
        Ok(inside.as_bool() == Some(true))
    }

    /// The share of the window's height the main region has (the rest is the header, the
    /// navigation, banners and the status bar).
    pub async fn main_region_share(&self) -> Result<f64> {
        let share = run_script(&self.client,
                // Both heights from the same kind of measure (the text size is a CSS zoom).
                "const main = document.querySelector('main');
                 const app = document.getElementById('app');
                 return main && app ? main.getBoundingClientRect().height / app.getBoundingClientRect().height : 0;",
                vec![],
            )
            .await?;
        share.as_f64().context("the share of the main region is not a number")
    }

    /// Whether the document (not its main region) is scrolled or taller than the window: the
    /// header, the navigation and the status bar must always stay in view.
    async fn window_scrolled(&self) -> Result<Option<String>> {
        let found = run_script(&self.client,
                "const root = document.documentElement;
                 const app = document.getElementById('app');
                 const moved = [root, document.body, app].filter(e => e && e.scrollTop > 0);
                 if (moved.length === 0 && root.scrollHeight <= root.clientHeight + 1) return null;
                 const tall = [...document.querySelectorAll('body *')]
                   .filter(e => e.getBoundingClientRect().bottom > root.clientHeight + 1)
                   .filter(e => !e.closest('main') || ['absolute', 'fixed'].includes(getComputedStyle(e).position))
                   .slice(0, 6)
                   .map(e => e.tagName.toLowerCase() + '.' + e.className + '@' + Math.round(e.getBoundingClientRect().bottom));
                 return `scrollTop ${moved.map(e => e.tagName.toLowerCase() + '=' + e.scrollTop).join(', ')}; `
                   + `height ${root.scrollHeight}/${root.clientHeight}; below the window: ${tall.join(', ')}`;",
                vec![],
            )
            .await?;
        Ok(found.as_str().map(str::to_owned))
    }

    /// Flips the language with the header's switch (a script click: no focus moves), if it is
    /// there and not behind a dialog; waits for the page to follow. False when there is none.
    async fn switch_language(&self) -> Result<bool> {
        let before = run_script(
            &self.client,
            "const toggle = document.querySelector('[data-testid=language-toggle]');
                 if (!toggle || toggle.disabled || toggle.closest('[inert]')) return null;
                 const lang = document.documentElement.lang;
                 toggle.click();
                 return lang;",
            vec![],
        )
        .await?;
        let Some(before) = before.as_str().map(str::to_owned) else { return Ok(false) };
        let deadline = Instant::now() + PATIENCE;
        while self.root_attribute("lang").await? == before {
            if Instant::now() > deadline {
                bail!("the language switch did not change the page from {before}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                vec![],
            )
            .await?;
        Ok(true)
    }

    /// Runs axe-core (the npm package, injected into the page) against WCAG 2.0–2.2 A and AA and
    /// its best practices on the screen as it is; writes every finding to `NAME.axe.json` in the
    /// artifacts and fails on any serious or critical one.
    pub async fn check_accessibility(&self, name: &str) -> Result<()> {
        axe_check(&self.client, name).await
    }

    pub async fn close(self) -> Result<()> {
        self.client.close().await?;
        if let Ok(mut open) = OPEN_SESSION.lock() {
            *open = None;
        }
        note_session(None);
        Ok(())
    }

    /// Runs `script` in the window as the page's own script would, with `arguments[0]` the
    /// value given and `arguments[1]` the callback to answer with (for promises).
    pub async fn run_async(&self, script: &str, argument: serde_json::Value) -> Result<serde_json::Value> {
        Ok(self.client.execute_async(script, vec![argument]).await?)
    }

    /// What has the keyboard focus: its `data-testid`, else its id, else its tag.
    pub async fn focused(&self) -> Result<String> {
        let value = run_script(
            &self.client,
            "const e = document.activeElement;
                 return e ? (e.dataset.testid || e.id || e.tagName.toLowerCase()) : '';",
            vec![],
        )
        .await?;
        Ok(value.as_str().unwrap_or_default().to_owned())
    }

    /// Waits until the element with `testid` has the focus.
    pub async fn wait_focused(&self, testid: &str) -> Result<()> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let now = self.focused().await?;
            if now == testid {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("focus stayed on {now:?}, not on {testid:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Presses keys (text or WebDriver key codes such as `Key::Tab`) as a keyboard does: into
    /// whatever has the focus.
    pub async fn keys(&self, text: &str) -> Result<()> {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let mut actions = KeyActions::new("keyboard".into());
        for key in text.chars() {
            actions = actions.then(KeyAction::Down { value: key }).then(KeyAction::Up { value: key });
        }
        self.client.perform_actions(actions).await?;
        Ok(())
    }

    pub async fn key(&self, key: fantoccini::key::Key) -> Result<()> {
        self.keys(&char::from(key).to_string()).await
    }

    /// Ctrl and `key` together (a shortcut).
    pub async fn ctrl(&self, key: char) -> Result<()> {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        let control = char::from(fantoccini::key::Key::Control);
        let chord = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: control })
            .then(KeyAction::Down { value: key })
            .then(KeyAction::Up { value: key })
            .then(KeyAction::Up { value: control });
        self.client.perform_actions(chord).await?;
        Ok(())
    }

    /// What sticks out sideways: nothing when neither the page nor its scrolling main region
    /// scrolls sideways; else the page's widths and the elements wider than the window.
    pub async fn overflow(&self) -> Result<Option<String>> {
        let found = run_script(&self.client,
                "const fits = (e) => !e || e.scrollWidth <= e.clientWidth + 1;
                 const main = document.querySelector('main');
                 if (fits(document.documentElement) && fits(main)) return null;
                 const width = document.documentElement.clientWidth;
                 const wide = [...document.querySelectorAll('body *')]
                   .filter(e => { const r = e.getBoundingClientRect(); return r.right > width + 1 || r.left < -1; })
                   .slice(0, 8)
                   .map(e => e.tagName.toLowerCase() + (e.dataset.testid ? '[' + e.dataset.testid + ']' : '') + '.' + e.className);
                 return `page ${document.documentElement.scrollWidth}/${width}, main ${main?.scrollWidth}/${main?.clientWidth}: ${wide.join(', ')}`;",
                vec![],
            )
            .await?;
        Ok(found.as_str().map(str::to_owned))
    }

    /// Ctrl+A, then `text`: replaces what the focused field holds.
    pub async fn replace_text(&self, text: &str) -> Result<()> {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        use fantoccini::key::Key;
        let control = char::from(Key::Control);
        let select_all = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: control })
            .then(KeyAction::Down { value: 'a' })
            .then(KeyAction::Up { value: 'a' })
            .then(KeyAction::Up { value: control });
        self.client.perform_actions(select_all).await?;
        self.keys(text).await
    }

    /// Presses Tab (Shift+Tab when `backwards`) until the element with `testid` has the focus.
    pub async fn tab_to(&self, testid: &str, backwards: bool) -> Result<()> {
        use fantoccini::actions::{InputSource, KeyAction, KeyActions};
        use fantoccini::key::Key;
        let (tab, shift) = (char::from(Key::Tab), char::from(Key::Shift));
        for _ in 0..60 {
            if self.focused().await? == testid {
                return Ok(());
            }
            let mut press = KeyActions::new("keyboard".into());
            if backwards {
                press = press.then(KeyAction::Down { value: shift });
            }
            press = press.then(KeyAction::Down { value: tab }).then(KeyAction::Up { value: tab });
            if backwards {
                press = press.then(KeyAction::Up { value: shift });
            }
            self.client.perform_actions(press).await?;
        }
        bail!("{testid} is not reachable with the Tab key (focus is on {:?})", self.focused().await?)
    }

    /// Ctrl+= until the text is at 200 %, as a person presses again when a press did not take
    /// (one sent while the page was still settling can be lost); never past 200.
    pub async fn text_at_200_percent(&self) -> Result<()> {
        for _ in 0..10 {
            if self.root_attribute("data-text-size").await? == "200" {
                break;
            }
            self.ctrl('=').await?;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.wait_for("html[data-text-size='200']").await.map(drop)
    }

    /// Opens a page at large text sizes as a keyboard user does: the menu button (the
    /// navigation is folded behind it), then the page's entry `nav`. Zoomed, WebDriver's pointer
    /// lands beside small targets; the keyboard is what a person at 200 % uses anyway.
    pub async fn open_from_menu(&self, nav: &str) -> Result<()> {
        use fantoccini::key::Key;
        self.tab_to("nav-menu", true).await?;
        self.key(Key::Enter).await?;
        self.wait_for("[data-testid=nav-menu][aria-expanded=true]").await?;
        self.tab_to(nav, false).await?;
        self.key(Key::Enter).await?;
        self.wait_for("[data-testid=nav-menu][aria-expanded=false]").await.map(drop)
    }

    /// Waits until nothing matches `css`.
    pub async fn wait_gone(&self, css: &str) -> Result<()> {
        let deadline = Instant::now() + PATIENCE;
        while self.client.find(Locator::Css(css)).await.is_ok() {
            if Instant::now() > deadline {
                bail!("{css} was still there after {PATIENCE:?}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    }
}

/// Runs axe-core (WCAG 2.0–2.2 A and AA rules, and its best practices) on the page `client` shows:
/// its findings, with what it could not decide ("incomplete"), are kept as `NAME.axe.json` among
/// the artifacts; a serious or critical finding of either kind fails the test, and what axe could
/// not decide is listed for a person to look at.
pub async fn axe_check(client: &Client, name: &str) -> Result<()> {
    let loaded = run_script(client, "return typeof window.axe !== 'undefined';", vec![]).await?;
    if loaded.as_bool() != Some(true) {
        let source = std::fs::read_to_string(axe_source()?).context("axe-core is not installed in ui/")?;
        run_script(client, &format!("{source}\nreturn true;"), vec![]).await?;
    }
    let found = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const brief = list => list.map(v => ({ id: v.id, impact: v.impact, help: v.help,
                 nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' — ' + n.failureSummary) }));
             axe.run(document, { runOnly: { type: 'tag', values:
                 ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
                 resultTypes: ['violations', 'incomplete'] })
               .then(r => done({ violations: brief(r.violations), incomplete: brief(r.incomplete) }))
               .catch(e => done({ violations: [{ id: 'axe-error', impact: 'critical', help: String(e), nodes: [] }],
                                  incomplete: [] }));",
            vec![],
        )
        .await?;
    let dir = env_path("MASAR_E2E_ARTIFACTS")?;
    std::fs::write(dir.join(format!("{name}.axe.json")), serde_json::to_vec_pretty(&found)?)?;
    if !found["violations"].is_array() {
        bail!("axe-core on {name} answered something else than its results: {found}");
    }
    // What axe could not decide (contrast over an image, say) is for a person to look at:
    // listed in the run's output and the artifact, never passed over in silence.
    let incomplete: Vec<&str> = found["incomplete"]
        .as_array()
        .map(|all| all.iter().filter_map(|v| v["id"].as_str()).collect())
        .unwrap_or_default();
    if !incomplete.is_empty() {
        println!("axe-core on {name}: to check by hand (incomplete): {}", incomplete.join(", "));
    }
    let serious: Vec<&serde_json::Value> = found["violations"]
        .as_array()
        .map(|all| {
            all.iter().filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical"))).collect()
        })
        .unwrap_or_default();
    if !serious.is_empty() {
        bail!("axe-core on {name}: {}", serde_json::to_string_pretty(&serious)?);
    }
    Ok(())
}

/// axe-core as npm installed it for the UI.
fn axe_source() -> Result<PathBuf> {
    let path = manifest_dir().join("../ui/node_modules/axe-core/axe.min.js");
    if path.exists() { Ok(path) } else { bail!("{} is missing: run `npm ci` in ui/", path.display()) }
}

pub use masar_test_utils::six_digits;

/// This package's directory, read when the test runs (cargo sets it): a build reused from a
/// checkout elsewhere (a shared target directory) must not look into that other checkout.
fn manifest_dir() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| env!("CARGO_MANIFEST_DIR").into(), Into::into)
}

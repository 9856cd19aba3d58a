//! The pages a browser shows (the identity provider's sign-in) in a real one: Debian's Chromium
//! through its chromedriver, headless. `cargo xtask test` starts the driver and sets
//! `CHROMEDRIVER_URL`.

use std::path::PathBuf;

use anyhow::{Context, Result};
use fantoccini::{Client, ClientBuilder};

use crate::env_path;

/// A new Chromium window (1280 × 900 CSS pixels), Arabic as the browser's language.
pub async fn chromium() -> Result<Client> {
    let driver = std::env::var("CHROMEDRIVER_URL")
        .context("CHROMEDRIVER_URL is not set: run the browser tests through `cargo xtask test`")?;
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("browserName".into(), "chrome".into());
    capabilities.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900", "--lang=ar"],
            // What the browser asks for in `Accept-Language` (headless Chromium sends en-US
            // whatever `--lang` says).
            "prefs": { "intl.accept_languages": "ar,en" },
        }),
    );
    ClientBuilder::native()
        .capabilities(capabilities)
        .connect(&driver)
        .await
        .context("cannot open a Chromium session on chromedriver")
}

/// Saves what the window shows as `NAME.png` among the artifacts.
pub async fn screenshot(client: &Client, name: &str) -> Result<PathBuf> {
    let png = client.screenshot().await?;
    let dir = env_path("MASAR_E2E_ARTIFACTS")?;
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{name}.png"));
    std::fs::write(&path, png)?;
    Ok(path)
}

/// Presses keys on whatever has the focus, as a keyboard does (`\u{e004}` is Tab, `\u{e007}`
/// Enter: WebDriver's key codes).
pub async fn press(client: &Client, keys: &str) -> Result<()> {
    client.active_element().await?.send_keys(keys).await?;
    Ok(())
}

/// What has the focus: its id, else its tag and text.
pub async fn focused(client: &Client) -> Result<String> {
    let value = crate::run_script(
        client,
        "const e = document.activeElement;
             return e ? (e.id || (e.tagName.toLowerCase() + ':' + (e.textContent || '').trim())) : '';",
        vec![],
    )
    .await?;
    Ok(value.as_str().unwrap_or_default().to_owned())
}

//! The built-in identity provider's pages in a real browser (Chromium, headless): an employee
//! signs in with the keyboard alone on the Arabic pages and comes back to the app's loopback
//! redirect with a code the token endpoint takes; the English pages read left to right; wrong
//! input is summarised at the top with a link to its field; at 200 % text nothing needs sideways
//! scrolling; every page passes axe-core, and each is kept as a screenshot.

use std::time::Duration;

use anyhow::{Context, Result, bail, ensure};
use base64::Engine;
use fantoccini::{Client, Locator};
use masar_e2e::browser::{chromium, focused, press, screenshot};
use masar_e2e::{Server, axe_check, record_typed_secret, six_digits};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TAB: &str = "\u{e004}";
const ENTER: &str = "\u{e007}";
const VERIFIER: &str = "a-verifier-for-the-browser-tests-of-the-provider-pages-0123456789";

/// The app's side of RFC 8252: a loopback port that takes the browser's redirect and answers
/// with a page, handing the request's target to the test.
struct LoopbackRedirect {
    uri: String,
    targets: tokio::sync::mpsc::Receiver<String>,
}

impl LoopbackRedirect {
    async fn listen() -> Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let uri = format!("http://127.0.0.1:{}/callback", listener.local_addr()?.port());
        let (sender, targets) = tokio::sync::mpsc::channel(4);
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let mut head = vec![0_u8; 8192];
                let read = stream.read(&mut head).await.unwrap_or(0);
                let request = String::from_utf8_lossy(&head[..read]).into_owned();
                let target = request.split(' ').nth(1).unwrap_or_default().to_owned();
                let page = "<!doctype html><html lang=\"en\"><title>Masar Desktop</title><main><h1>Back to the app</h1></main></html>";
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}",
                    page.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
                if target.starts_with("/callback") {
                    let _ = sender.send(target).await;
                }
            }
        });
        Ok(Self { uri, targets })
    }

    async fn next(&mut self) -> Result<url::Url> {
        let target = tokio::time::timeout(Duration::from_secs(30), self.targets.recv())
            .await
            .context("the browser was not sent back to the app")?
            .context("the loopback listener stopped")?;
        Ok(url::Url::parse("http://127.0.0.1")?.join(&target)?)
    }
}

fn authorization_url(server: &Server, redirect_uri: &str, locale: Option<&str>) -> Result<String> {
    let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(VERIFIER));
    let mut url = url::Url::parse(&format!("{}/oidc/authorize", server.url))?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", "masar-desktop")
        .append_pair("scope", "openid")
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("state", "browser-state")
        .append_pair("nonce", "browser-nonce")
        .append_pair("code_challenge", &challenge)
        .append_pair("code_challenge_method", "S256");
    if let Some(locale) = locale {
        url.query_pairs_mut().append_pair("ui_locales", locale);
    }
    Ok(url.to_string())
}

/// The page's language and direction.
async fn language(client: &Client) -> Result<(String, String)> {
    let html = client.find(Locator::Css("html")).await?;
    Ok((html.attr("lang").await?.unwrap_or_default(), html.attr("dir").await?.unwrap_or_default()))
}

async fn heading(client: &Client) -> Result<String> {
    Ok(client.find(Locator::Css("h1")).await?.text().await?)
}

/// Tabs from the top of the page until `id` has the focus (at most `limit` presses), as a
/// keyboard user does; the elements passed on the way, in order.
async fn tab_to(client: &Client, id: &str, limit: usize) -> Result<Vec<String>> {
    let mut passed = Vec::new();
    for _ in 0..limit {
        press(client, TAB).await?;
        let now = focused(client).await?;
        if now == id {
            return Ok(passed);
        }
        passed.push(now);
    }
    bail!("{id} never took the focus; the Tab key went through {passed:?}")
}

/// Everything `check` finds, as one artifact: axe-core and the screenshot.
async fn look(client: &Client, name: &str) -> Result<()> {
    axe_check(client, name).await?;
    screenshot(client, name).await?;
    Ok(())
}

async fn latest_code(server: &Server, national_id: &str) -> Result<String> {
    let sent: Vec<masar_protocol::auth::DevSms> =
        reqwest::get(format!("{}/v1/dev/sms?national_id={national_id}", server.url)).await?.json().await?;
    sent.last().and_then(|sms| six_digits(&sms.text)).context("no code was sent")
}

#[tokio::test]
async fn a_keyboard_alone_signs_in_on_the_arabic_pages_and_returns_to_the_app() -> Result<()> {
    let server = Server::start_demo()?;
    let account = server.first_account().await?;
    let mut redirect = LoopbackRedirect::listen().await?;
    let client = chromium().await?;
    client.goto(&authorization_url(&server, &redirect.uri, None)?).await?;
    ensure!(language(&client).await? == ("ar".into(), "rtl".into()), "Arabic, right to left, by default");
    ensure!(heading(&client).await? == "تسجيل الدخول");
    look(&client, "provider-sign-in-ar").await?;

    // The skip link first, then the language switch, then the form, in reading order.
    let passed = tab_to(&client, "national_id", 4).await?;
    ensure!(passed.len() == 2 && passed[0].contains("انتقل إلى المحتوى"), "{passed:?}");
    press(&client, account.national_id.as_str()).await?;
    press(&client, TAB).await?;
    ensure!(focused(&client).await? == "password");
    record_typed_secret(&account.password)?;
    press(&client, &account.password).await?;
    press(&client, ENTER).await?;
    client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("#code")).await?;
    ensure!(heading(&client).await? == "رمز التحقق");
    look(&client, "provider-code-ar").await?;

    // A wrong code: said at the top, linked to the field, the field marked.
    let code = latest_code(&server, account.national_id.as_str()).await?;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    tab_to(&client, "code", 4).await?;
    press(&client, wrong).await?;
    press(&client, ENTER).await?;
    let summary =
        client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(".summary a")).await?;
    ensure!(summary.attr("href").await?.as_deref() == Some("#code"), "the summary links to the field");
    let invalid = client.find(Locator::Css("#code")).await?.attr("aria-invalid").await?;
    ensure!(invalid.as_deref() == Some("true"));
    look(&client, "provider-code-wrong-ar").await?;

    // The right code, by keyboard: back to the app's loopback port with a code and the state.
    record_typed_secret(&code)?;
    tab_to(&client, "code", 6).await?;
    press(&client, &code).await?;
    press(&client, ENTER).await?;
    let back = redirect.next().await?;
    let param = |name: &str| back.query_pairs().find(|(n, _)| n == name).map(|(_, v)| v.into_owned());
    ensure!(param("state").as_deref() == Some("browser-state"), "{back}");
    ensure!(param("iss").as_deref() == Some(server.url.as_str()), "{back}");
    let authorization_code = param("code").context("no code came back")?;
    let tokens: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/oidc/token", server.url))
        .form(&[
            ("grant_type", "authorization_code"),
            ("client_id", "masar-desktop"),
            ("redirect_uri", redirect.uri.as_str()),
            ("code", authorization_code.as_str()),
            ("code_verifier", VERIFIER),
        ])
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    ensure!(tokens["access_token"].is_string() && tokens["id_token"].is_string(), "{tokens}");
    client.close().await?;
    Ok(())
}

/// No sideways scrolling: the page's content fits the window's width.
async fn fits_the_width(client: &Client) -> Result<bool> {
    let fits =
        client.execute("return document.documentElement.scrollWidth <= window.innerWidth;", vec![]).await?;
    Ok(fits.as_bool() == Some(true))
}

async fn text_at_200_percent(client: &Client) -> Result<()> {
    client.execute("document.documentElement.style.fontSize = '200%';", vec![]).await?;
    let size =
        client.execute("return getComputedStyle(document.querySelector('label')).fontSize;", vec![]).await?;
    ensure!(size.as_str() == Some("32px"), "labels follow the text size: {size}");
    Ok(())
}

#[tokio::test]
async fn the_english_pages_read_left_to_right_and_hold_at_200_percent_text() -> Result<()> {
    let server = Server::start_demo()?;
    let account = server.first_account().await?;
    let redirect = LoopbackRedirect::listen().await?;
    let client = chromium().await?;
    client.goto(&authorization_url(&server, &redirect.uri, None)?).await?;
    // The switch keeps the request: the same sign-in, now in English.
    client.find(Locator::Css("a.lang")).await?.click().await?;
    client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("html[lang=en]")).await?;
    ensure!(language(&client).await? == ("en".into(), "ltr".into()));
    ensure!(heading(&client).await? == "Sign in");
    // English text in the app's typeface too: its Latin part is the face the page loaded.
    let faces = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             document.fonts.ready.then(() => done([...document.fonts]
                 .filter(f => f.status === 'loaded').map(f => f.family + ' ' + f.unicodeRange)));",
            vec![],
        )
        .await?;
    let latin = faces
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|face| face.as_str())
        .any(|face| face.contains("IBM Plex Sans Arabic") && face.contains("U+0-FF"));
    ensure!(latin, "the Latin face of IBM Plex Sans Arabic is not in use: {faces}");
    look(&client, "provider-sign-in-en").await?;

    // A wrong password: the summary, the ID kept, the password not.
    record_typed_secret("not-the-password")?;
    client.find(Locator::Id("national_id")).await?.send_keys(account.national_id.as_str()).await?;
    client.find(Locator::Id("password")).await?.send_keys("not-the-password").await?;
    client.find(Locator::Css("button[type=submit]")).await?.click().await?;
    client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(".summary")).await?;
    let kept = client.find(Locator::Id("national_id")).await?.prop("value").await?;
    ensure!(kept.as_deref() == Some(account.national_id.as_str()), "the ID is kept: {kept:?}");
    let password = client.find(Locator::Id("password")).await?.prop("value").await?;
    ensure!(password.as_deref() == Some(""), "a password is never sent back");
    look(&client, "provider-sign-in-wrong-en").await?;

    text_at_200_percent(&client).await?;
    ensure!(fits_the_width(&client).await?, "no sideways scrolling at 200 % text (English)");
    look(&client, "provider-sign-in-wrong-en-200").await?;

    client.find(Locator::Css("a.lang")).await?.click().await?;
    client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("html[lang=ar]")).await?;
    text_at_200_percent(&client).await?;
    ensure!(fits_the_width(&client).await?, "no sideways scrolling at 200 % text (Arabic)");
    look(&client, "provider-sign-in-ar-200").await?;
    client.close().await?;
    Ok(())
}

#[tokio::test]
async fn the_pages_that_end_here_say_what_happened_and_what_to_do() -> Result<()> {
    let server = Server::start_demo()?;
    let client = chromium().await?;
    let pages = [
        (
            "provider-expired-ar",
            format!("{}/oidc/authorize/step?request=no-such-request", server.url),
            "انتهت صلاحية طلب الدخول",
        ),
        (
            "provider-untrusted-redirect-ar",
            authorization_url(&server, "https://attacker.example/callback", None)?,
            "طلب دخول غير معروف",
        ),
        ("provider-signed-out-ar", format!("{}/oidc/logout", server.url), "تسجيل الخروج"),
        ("provider-signed-out-en", format!("{}/oidc/logout?ui_locales=en", server.url), "Signed out"),
    ];
    for (name, url, title) in pages {
        client.goto(&url).await?;
        let shown = heading(&client).await?;
        ensure!(shown == title, "{name}: the page says «{shown}»");
        look(&client, name).await?;
    }
    client.close().await?;
    Ok(())
}

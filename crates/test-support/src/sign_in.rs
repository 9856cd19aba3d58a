//! Signing in as the employee does, for the tests of core and of the sync engine: the single
//! sign-on through the demo server's provider pages, and the offline passphrase.

use masar_core::signin::SignOnPurpose;
use masar_core::{AuthState, CoreError, MasarCore};
use masar_test_utils::provider::{Person, ProviderBrowser};

/// A single sign-on as the employee makes it: the app's sign-on begun, the provider's pages
/// filled in (password, then the code from the demo server's SMS outbox) by a browser that then
/// goes back to the app's loopback port; at a first sign-on here, `password` is also chosen as
/// the offline passphrase. Returns the step after that. When the provider cannot be reached,
/// the step is the error of beginning.
pub async fn sign_in(app: &MasarCore, national_id: &str, password: &str) -> Result<AuthState, SignInError> {
    let step = sign_on(app, national_id, password, SignOnPurpose::SignIn).await?;
    if !matches!(step, AuthState::PassphraseNeeded { .. }) {
        return Ok(step);
    }
    Ok(app.auth().set_passphrase(password.to_owned(), password.to_owned()).await.map_err(CoreError::from)?)
}

/// Opens the workstation's one profile with its passphrase, as the start screen's tile does
/// (offline, or after a sign-out).
pub async fn open_offline(app: &MasarCore, passphrase: &str) -> Result<AuthState, SignInError> {
    let AuthState::SignedOut { profiles } = app.auth().state() else {
        return Ok(app.auth().state());
    };
    let profile = profiles.first().map(|p| p.profile_id.clone()).unwrap_or_default();
    Ok(app.auth().open_offline(&profile, passphrase.to_owned()).await.map_err(CoreError::from)?)
}

/// The sign-on alone, for `purpose`: the step it leads to (a passphrase to choose is left to
/// the caller).
pub async fn sign_on(
    app: &MasarCore,
    national_id: &str,
    password: &str,
    purpose: SignOnPurpose,
) -> Result<AuthState, SignInError> {
    let started = app.auth().begin_sign_on(purpose).await.map_err(CoreError::from)?;
    let auth = app.auth().clone();
    let finishing = tokio::spawn(async move { auth.finish_sign_on().await });
    let url = url::Url::parse(&started.url).map_err(|_| SignInError::NotTheProvider)?;
    let provider = url.origin().ascii_serialization();
    let person = Person { national_id, password };
    let back = ProviderBrowser::new(&provider).sign_in(&started.url, &person).await;
    let page = reqwest::get(&back).await.map_err(|_| SignInError::NotTheProvider)?;
    if !page.status().is_success() {
        return Err(SignInError::NotTheProvider);
    }
    let step = finishing.await.map_err(|_| SignInError::NotTheProvider)?;
    Ok(step.map_err(CoreError::from)?)
}

#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error(transparent)]
    Core(#[from] masar_core::CoreError),
    #[error("the sign-on did not go through the provider's pages and back to the app")]
    NotTheProvider,
}

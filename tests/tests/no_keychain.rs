//! A workstation with no system keychain (the app started with no session bus, as from a plain
//! terminal): the employee signs in with password and code, is told once that the password
//! alone protects the local copy, edits the mobile; then, with the server gone, signs in again
//! offline with the password and finds the edit. The copy's files hold none of it in the clear.
//! And when the same workstation later has a keychain, the copy moves to it, said once.

use masar_e2e::{App, Launch, Server};

fn files_under(dir: &std::path::Path) -> anyhow::Result<Vec<std::path::PathBuf>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            found.extend(files_under(&path)?);
        } else {
            found.push(path);
        }
    }
    Ok(found)
}

#[tokio::test]
async fn without_a_keychain_the_employee_signs_in_works_and_signs_in_again_offline() -> anyhow::Result<()> {
    let workstation = tempfile::tempdir()?;
    let mut server = Server::start_demo()?;
    let account = server.first_account().await?;
    let launch = Launch { data_dir: Some(workstation.path()), no_keychain: true, ..Launch::default() };

    let app = App::launch_with(&server.url, launch.clone()).await?;
    app.sign_in(&account).await?;
    app.wait_for_text("[data-testid=employee-name]", &account.name_ar.full()).await?;
    let notice = app.wait_for("[data-testid=key-notice][data-kind=noKeychain]").await?.text().await?;
    assert!(notice.contains("لا توجد سلسلة مفاتيح في النظام على هذا الجهاز"), "{notice}");
    assert!(notice.contains("كلمة مرورك وحدها"), "{notice}");
    app.screenshot("no-keychain-notice-ar").await?;

    // Said once: «فهمت» puts it away, and the employee works as anywhere else.
    app.click("[data-testid=key-notice-seen]").await?;
    app.wait_gone("[data-testid=key-notice]").await?;
    app.submit_mobile("0555000901").await?;
    app.wait_for_text("[data-testid=edit-status]", "وصل إلى مسار").await?;
    let profiles = workstation.path().join("profiles");
    let sealed = files_under(&profiles)?.into_iter().any(|p| p.ends_with("refresh-token.sealed"));
    assert!(sealed, "the session's refresh token is kept sealed beside the copy");
    app.click("[data-testid=sign-out-button]").await?;
    app.wait_for("[data-testid=profile-tile]").await?;
    app.close().await?;

    // The network is gone; the app starts again, still with no keychain: the passphrase alone
    // opens the copy, and the notice is not said again.
    server.kill()?;
    let app = App::launch_with(&server.url, launch).await?;
    app.wait_for("[data-testid=connection][data-state=offline]").await?;
    app.open_from_tile(&account.password).await?;
    app.wait_for_text("[data-testid=employee-name]", &account.name_ar.full()).await?;
    app.wait_for("[data-testid=offline-banner]").await?;
    assert_eq!(app.count("[data-testid=key-notice]").await?, 0);
    app.click("[data-testid=nav-contact]").await?;
    app.wait_for_text("[data-testid='contact-value-mobile']", "0555000901").await?;
    app.screenshot("no-keychain-offline-ar").await?;
    app.close().await?;

    // On disk: the vault, its profile; none of the record readable.
    let files = files_under(&profiles)?;
    let mut scanned = 0;
    for file in &files {
        let bytes = std::fs::read(file)?;
        scanned += bytes.len();
        let name = file.display().to_string();
        for needle in ["555000901", account.name_ar.family.as_str(), account.job_title.as_str()] {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
                "{needle:?} readable in {name}"
            );
        }
        // No file holds the full national ID (the start screen has the masked one).
        let id = account.national_id.as_str();
        assert!(!bytes.windows(id.len()).any(|w| w == id.as_bytes()), "the ID readable in {name}");
    }
    assert!(scanned > 10_000, "the copy is there, encrypted: {scanned} bytes in {} files", files.len());
    Ok(())
}

/// The same workstation later has a keychain (the app started from the desktop session): the
/// offline sign-in with the password moves the copy to it and says so once.
#[tokio::test]
async fn a_copy_made_without_a_keychain_moves_to_one_when_it_appears() -> anyhow::Result<()> {
    let workstation = tempfile::tempdir()?;
    let mut server = Server::start_demo()?;
    let account = server.first_account().await?;
    let bare = Launch { data_dir: Some(workstation.path()), no_keychain: true, ..Launch::default() };
    let app = App::launch_with(&server.url, bare).await?;
    app.sign_in(&account).await?;
    app.wait_for("[data-testid=key-notice][data-kind=noKeychain]").await?;
    app.click("[data-testid=sign-out-button]").await?;
    app.wait_for("[data-testid=profile-tile]").await?;
    app.close().await?;

    server.kill()?;
    let with_keychain = Launch { data_dir: Some(workstation.path()), ..Launch::default() };
    let app = App::launch_with(&server.url, with_keychain).await?;
    app.wait_for("[data-testid=connection][data-state=offline]").await?;
    app.open_from_tile(&account.password).await?;
    app.wait_for_text("[data-testid=employee-name]", &account.name_ar.full()).await?;
    let notice = app.wait_for("[data-testid=key-notice][data-kind=movedToKeychain]").await?.text().await?;
    assert!(notice.contains("سلسلة مفاتيح النظام"), "{notice}");
    app.screenshot("moved-to-keychain-ar").await?;
    app.close().await?;

    let profile = files_under(&workstation.path().join("profiles"))?
        .into_iter()
        .find(|p| p.ends_with("profile.json"))
        .ok_or_else(|| anyhow::anyhow!("no profile.json"))?;
    let meta: serde_json::Value = serde_json::from_slice(&std::fs::read(profile)?)?;
    assert_eq!(meta["protection"], "keychain");
    Ok(())
}

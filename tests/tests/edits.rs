//! Editing contact data in a real window: bad input gets Arabic messages next to the fields and
//! the draft stays; markup is kept as text; the same field changed by HR meanwhile is a conflict
//! the employee settles.

use masar_e2e::{App, Launch, Server};
use masar_protocol::NationalAddress;
use masar_protocol::sync::{ContactUpdate, MutationBody, MutationOutcome};
use masar_server::rules::edits::Actor;
use masar_server::sqlite::apply_edit as apply;

#[tokio::test]
async fn bad_input_is_explained_next_to_the_fields_and_markup_stays_text() -> anyhow::Result<()> {
    let server = Server::start_demo()?;
    let account = server.first_account().await?;
    let app = App::launch(&server.url).await?;
    app.sign_in(&account).await?;
    // The other two record screens, as they look before any edit.
    app.click("[data-testid=nav-personal]").await?;
    app.wait_for_text(
        "[data-testid='personal-value-nameEn.first']",
        &server_english_first(&server, &account).await?,
    )
    .await?;
    app.screenshot("personal-ar").await?;
    app.click("[data-testid=nav-employment]").await?;
    let note = app.wait_for("[data-testid=employment]").await?.text().await?;
    assert!(note.contains("الموارد البشرية"), "{note}");
    app.screenshot("employment-ar").await?;

    app.click("[data-testid=nav-contact]").await?;
    app.click("[data-testid=contact-edit]").await?;
    app.type_into("[data-testid='contact-mobile']", "0412345678").await?;
    app.type_into("[data-testid='contact-address.postalCode']", "117380").await?;
    app.type_into("[data-testid='contact-address.street']", &"ش".repeat(101)).await?;
    app.check("[data-testid=contact-terms]").await?;
    app.click("[data-testid=contact-submit]").await?;

    let mobile = app.wait_for("[data-testid='contact-mobile-error']").await?.text().await?;
    assert!(mobile.contains("رقم الجوال غير صحيح"), "{mobile}");
    let postal = app.text("[data-testid='contact-address.postalCode-error']").await?;
    assert_eq!(postal, "الرمز البريدي 5 أرقام.");
    let street = app.text("[data-testid='contact-address.street-error']").await?;
    assert!(street.contains("أطول من 100"), "{street}");
    let kept = app.find("[data-testid='contact-address.postalCode']").await?.prop("value").await?;
    assert_eq!(kept.as_deref(), Some("117380"), "the draft stays");
    app.screenshot("contact-bad-input-ar").await?;

    // Markup in a text field is kept, sent and shown as text, never run.
    app.type_into("[data-testid='contact-mobile']", "0512345678").await?;
    app.type_into("[data-testid='contact-address.postalCode']", "12345").await?;
    app.type_into("[data-testid='contact-address.street']", "<img src=x onerror=alert(1)>شارع").await?;
    app.click("[data-testid=contact-submit]").await?;
    app.wait_for_text("[data-testid='contact-value-address.street']", "<img src=x onerror=alert(1)>شارع")
        .await?;
    assert_eq!(app.count("[data-testid='contact-value-address.street'] img").await?, 0);
    app.wait_for_text("[data-testid=edit-status]", "وصل إلى مسار").await?;
    // What the server now holds, read from it: the text as typed, the mobile in its stored form.
    let stored = server.record_of(&account).await?.profile;
    assert_eq!(stored.address.street, "<img src=x onerror=alert(1)>شارع");
    assert_eq!((stored.mobile.as_str(), stored.address.postal_code.as_str()), ("+966512345678", "12345"));
    app.close().await
}

#[tokio::test]
async fn the_same_field_changed_by_hr_meanwhile_is_a_conflict_the_employee_settles() -> anyhow::Result<()> {
    let (_workstation, mut server, account, app) = on_contact_data().await?;

    // Offline, the employee changes the mobile.
    server.kill()?;
    app.wait_for("[data-testid=connection][data-state=offline]").await?;
    app.submit_mobile("0555000555").await?;
    app.wait_for_text_where("[data-testid=edit-status]", |t| t.starts_with("محفوظ على الجهاز")).await?;

    // Meanwhile HR changes the same field on the server.
    let db = rusqlite::Connection::open(server.database())?;
    let (profile, version) =
        masar_server::sqlite::records::load_profile(&db, &account.national_id)?.expect("the employee");
    let hr_edit = MutationBody::UpdateContact(ContactUpdate {
        mobile: "0566000666".into(),
        email: profile.email.clone(),
        address: NationalAddress { ..profile.address.clone() },
    });
    let outcome = apply(&db, &account.national_id, version, &hr_edit, &["mobile".into()], Actor::Hr, 0)?;
    assert!(matches!(outcome, MutationOutcome::Applied { .. }), "{outcome:?}");
    drop(db);

    let server = server.start_again()?;
    app.wait_for_text("[data-testid=edit-status]", "تعارض").await?;
    let mine = app.wait_for("[data-testid=conflict-mine]").await?.text().await?;
    let theirs = app.text("[data-testid=conflict-theirs]").await?;
    assert_eq!((mine.as_str(), theirs.as_str()), ("0555000555", "0566000666"));
    app.screenshot("contact-conflict-ar").await?;

    app.click("[data-testid=keep-mine]").await?;
    app.wait_for_text("[data-testid=edit-status]", "وصل إلى مسار").await?;
    app.wait_for_text("[data-testid='contact-value-mobile']", "0555000555").await?;
    app.close().await?;
    let db = rusqlite::Connection::open(server.database())?;
    let mobile: String = db.query_row(
        "SELECT mobile FROM employees WHERE national_id = ?1",
        [account.national_id.as_str()],
        |row| row.get(0),
    )?;
    assert_eq!(mobile, "+966555000555");
    Ok(())
}

#[tokio::test]
async fn what_was_typed_but_not_saved_is_back_after_a_restart() -> anyhow::Result<()> {
    let workstation = tempfile::tempdir()?;
    let server = Server::start_demo()?;
    let account = server.first_account().await?;
    let launch = Launch { data_dir: Some(workstation.path()), idle_lock_seconds: None, ..Launch::default() };
    let app = App::launch_with(&server.url, launch.clone()).await?;
    app.sign_in(&account).await?;
    app.click("[data-testid=nav-contact]").await?;
    app.click("[data-testid=contact-edit]").await?;
    app.type_into("[data-testid='contact-address.district']", "حي الورود").await?;
    // The draft is written shortly after typing (the form says so); then the app goes away
    // without تحديث.
    app.wait_for("[data-testid=contact-draft-saved]").await?;
    app.close().await?;

    let app = App::launch_with(&server.url, launch).await?;
    app.sign_in(&account).await?;
    app.click("[data-testid=nav-contact]").await?;
    app.click("[data-testid=contact-edit]").await?;
    let district = app.wait_for("[data-testid='contact-address.district']").await?.prop("value").await?;
    assert_eq!(district.as_deref(), Some("حي الورود"));
    let notice = app.text("[data-testid=contact-notice]").await?;
    assert!(notice.contains("استُعيد"), "{notice}");
    app.screenshot("contact-draft-restored-ar").await?;
    app.close().await
}

/// Offline, the employee changes the mobile, notices a typo and changes it again: both edits
/// carry the same base version. When the network returns both are applied, the last one wins,
/// and the form says «وصل إلى مسار», never «تعارض» (the first edit is the employee's own).
#[tokio::test]
async fn a_corrected_offline_edit_is_not_a_conflict_with_the_employees_own_first_one() -> anyhow::Result<()> {
    let (_workstation, mut server, account, app) = on_contact_data().await?;

    server.kill()?;
    app.wait_for("[data-testid=connection][data-state=offline]").await?;
    app.submit_mobile("0555000711").await?;
    app.wait_for_text("[data-testid='contact-value-mobile']", "0555000711").await?;
    app.submit_mobile("0555000712").await?;
    app.wait_for_text("[data-testid='contact-value-mobile']", "0555000712").await?;
    app.wait_for_text_where("[data-testid=edit-status]", |t| t.starts_with("محفوظ على الجهاز")).await?;
    app.screenshot("contact-corrected-offline-ar").await?;

    let server = server.start_again()?;
    app.wait_for_text("[data-testid=edit-status]", "وصل إلى مسار").await?;
    assert_eq!(app.count("[data-testid=conflict-mine]").await?, 0, "no conflict panel");
    app.wait_for_text("[data-testid='contact-value-mobile']", "0555000712").await?;
    app.screenshot("contact-corrected-synced-ar").await?;
    app.close().await?;
    let db = rusqlite::Connection::open(server.database())?;
    let (mobile, version): (String, u64) = db.query_row(
        "SELECT mobile, version FROM employees WHERE national_id = ?1",
        [account.national_id.as_str()],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    assert_eq!((mobile.as_str(), version), ("+966555000712", 3), "both applied, the last one wins");
    Ok(())
}

/// In English, the app's own checks and the server's refusals speak English: a passphrase too
/// weak on the first sign-on, an invalid mobile next to its field.
#[tokio::test]
async fn in_english_a_refusal_and_a_field_error_are_in_english() -> anyhow::Result<()> {
    let server = Server::start_demo()?;
    let account = server.first_account().await?;
    let app = App::launch(&server.url).await?;
    app.wait_for("[data-testid=connection][data-state=online]").await?;
    app.click("[data-testid=language-toggle]").await?;
    app.wait_for("html[dir=ltr]").await?;

    let url = app.start_sign_on("").await?;
    app.sign_on_at_provider(&url, &account).await?;
    app.choose_passphrase("qz7-kw").await?;
    let refusal = app.wait_for("[data-testid=new-passphrase-error]").await?.text().await?;
    assert_eq!(
        refusal,
        "The passphrase is too short or easy to guess: at least 10 characters, 5 of them different."
    );
    app.choose_passphrase(&account.password).await?;
    app.wait_for("[data-testid=signed-in-user]").await?;
    app.click("[data-testid=nav-contact]").await?;
    app.click("[data-testid=contact-edit]").await?;
    app.type_into("[data-testid='contact-mobile']", "0412345678").await?;
    app.type_into("[data-testid='contact-address.postalCode']", "1173").await?;
    app.check("[data-testid=contact-terms]").await?;
    app.click("[data-testid=contact-submit]").await?;
    let mobile = app.wait_for("[data-testid='contact-mobile-error']").await?.text().await?;
    assert_eq!(mobile, "The mobile number is not valid. Write it as 05XXXXXXXX.");
    let postal = app.text("[data-testid='contact-address.postalCode-error']").await?;
    assert_eq!(postal, "Postal code has 5 digits.");
    let field = app.find("[data-testid='contact-mobile']").await?;
    assert_eq!(field.attr("aria-invalid").await?.as_deref(), Some("true"));
    app.screenshot("contact-bad-input-en").await?;
    app.close().await
}

/// A signed-in employee on Contact data, with a workstation folder of their own (kept while the
/// test runs) and the server that may then be stopped.
async fn on_contact_data() -> anyhow::Result<(tempfile::TempDir, Server, masar_protocol::DemoAccount, App)> {
    let workstation = tempfile::tempdir()?;
    let server = Server::start_demo()?;
    let account = server.first_account().await?;
    let app = App::launch_with(
        &server.url,
        Launch { data_dir: Some(workstation.path()), idle_lock_seconds: None, ..Launch::default() },
    )
    .await?;
    app.sign_in(&account).await?;
    app.click("[data-testid=nav-contact]").await?;
    app.wait_for("[data-testid='contact-value-mobile']").await?;
    Ok((workstation, server, account, app))
}

/// The employee's English given name as the server has it.
async fn server_english_first(
    server: &Server,
    account: &masar_protocol::DemoAccount,
) -> anyhow::Result<String> {
    let db = rusqlite::Connection::open(server.database())?;
    Ok(db.query_row(
        "SELECT name_en_first FROM employees WHERE national_id = ?1",
        [account.national_id.as_str()],
        |row| row.get(0),
    )?)
}

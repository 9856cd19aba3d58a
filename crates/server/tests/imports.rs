//! Sealed exports of unsent work against the real server on 127.0.0.1:0: a workstation's
//! queued contact edit and qualification request (with its scan) sealed to the server's key and
//! signed by the workstation's registered device key, imported at the employee's door and at
//! HR's, applied once; the same file again applies nothing, and the workstation's own sync later
//! is answered from the stored results. A byte changed, another employee's file, an unregistered
//! key and an old file are each refused with nothing applied.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

mod common;

use common::sealed::{Workstation, import, mobile, refused, requests, sealed, unsent};
use common::{Person, TestServer, person};
use masar_protocol::activity::{Activity, ActivityEntry};
use masar_protocol::auth::Role;
use masar_protocol::imports::{ImportOutcome, ImportProblem, ImportReport, MutationAction};
use masar_protocol::sync::PushResponse;
use masar_protocol::{ApiErrorBody, ApiErrorCode};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn an_export_is_applied_once_and_its_workstation_then_sends_nothing_twice() {
    let t = TestServer::start().await;
    let employee = person(&t, Role::Employee).await;
    let a = Workstation::new(0x0a);
    a.register(&t, &employee).await;
    let work = unsent(&t, &employee).await;
    let file = sealed(&t, &employee, &a, &work, t.clock_now()).await;
    let before = requests(&t, &employee).await;

    // At another workstation, signed in as the same employee.
    let response = import(&t, "/v1/imports", &employee.token, file.clone()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let report: ImportReport = response.json().await.unwrap();
    assert_eq!(report.files, 1);
    assert_eq!(report.employee, employee.account.national_id.masked());
    let actions: Vec<_> = report.items.iter().map(|item| (item.action, item.already_applied)).collect();
    assert_eq!(
        actions,
        [(MutationAction::UpdateContact, false), (MutationAction::SubmitQualification, false)]
    );
    assert!(report.items.iter().all(|item| item.outcome == ImportOutcome::Applied), "{:?}", report.items);
    assert_eq!(mobile(&t, &employee).await, "+966555123987");
    assert_eq!(requests(&t, &employee).await, before + 1);

    // The same file again: nothing is applied a second time.
    let again: ImportReport = import(&t, "/v1/imports", &employee.token, file).await.json().await.unwrap();
    assert!(again.items.iter().all(|item| item.already_applied), "{:?}", again.items);
    assert_eq!(again.items[0].outcome, report.items[0].outcome);
    assert_eq!(requests(&t, &employee).await, before + 1);

    // The original workstation comes online and pushes its queue: the stored results answer.
    let pushed: PushResponse = t
        .http
        .post(t.url("/v1/sync/push"))
        .bearer_auth(&employee.token)
        .json(&json!({ "clientId": a.client_id, "mutations": work.mutations }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(pushed.results.iter().all(|result| result.replayed), "{:?}", pushed.results);
    assert_eq!(ImportOutcome::from(&pushed.results[1].outcome), report.items[1].outcome);
    assert_eq!(requests(&t, &employee).await, before + 1);
}

#[tokio::test]
async fn hr_of_the_employees_entity_imports_the_file_brought_to_the_office() {
    let t = TestServer::start().await;
    let employee = person(&t, Role::Employee).await;
    let officer = person(&t, Role::HrOfficer).await;
    let a = Workstation::new(0x0b);
    a.register(&t, &employee).await;
    let work = unsent(&t, &employee).await;
    let file = sealed(&t, &employee, &a, &work, t.clock_now()).await;

    // An employee cannot use HR's door.
    assert_eq!(
        import(&t, "/v1/hr/imports", &employee.token, file.clone()).await.status(),
        StatusCode::FORBIDDEN
    );
    let response = import(&t, "/v1/hr/imports", &officer.token, file).await;
    assert_eq!(response.status(), StatusCode::OK);
    let report: ImportReport = response.json().await.unwrap();
    assert!(report.items.iter().all(|item| !item.already_applied && item.outcome == ImportOutcome::Applied));
    assert_eq!(mobile(&t, &employee).await, "+966555123987");
    let audited =
        t.count("SELECT count(*) FROM audit_log WHERE event = 'hr_import' AND outcome = 'ok'").await;
    assert_eq!(audited, 1, "the officer's import is in the audit log");
    // The employee sees it in their own trail, with the officer masked.
    let trail: Vec<ActivityEntry> = t.get_json("/v1/me/activity", &employee.token).await;
    let imported: Vec<_> = trail.iter().filter(|e| e.activity == Activity::SealedFileImported).collect();
    assert_eq!(imported.len(), 1, "{trail:?}");
    assert!(!imported[0].by_self && imported[0].officer.as_deref().is_some_and(|o| o.contains('*')));
}

#[tokio::test]
async fn hr_of_another_entity_is_refused_and_nothing_is_applied() {
    let t = TestServer::start().await;
    let employee = person(&t, Role::Employee).await;
    let officer = person(&t, Role::HrOfficer).await;
    let a = Workstation::new(0x0f);
    a.register(&t, &employee).await;
    let work = unsent(&t, &employee).await;
    let file = sealed(&t, &employee, &a, &work, t.clock_now()).await;
    // The employee moved to another entity: their file is that entity's HR's to import.
    t.move_to_entity(&employee.account.national_id, "جهة أخرى").await;
    let (mobile_before, requests_before) = (mobile(&t, &employee).await, requests(&t, &employee).await);

    let response = import(&t, "/v1/hr/imports", &officer.token, file).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body: ApiErrorBody = response.json().await.unwrap();
    assert_ne!(body.code, ApiErrorCode::ImportRefused, "the officer's authority refuses it, not the file");
    assert_eq!(mobile(&t, &employee).await, mobile_before);
    assert_eq!(requests(&t, &employee).await, requests_before);
    let audited = t
        .count(
            "SELECT count(*) FROM audit_log WHERE event = 'hr_import' AND outcome = 'refused_other_entity'",
        )
        .await;
    assert_eq!(audited, 1, "the refused import is in the audit log");
}

#[tokio::test]
async fn a_byte_changed_anywhere_is_refused_and_nothing_is_applied() {
    let t = TestServer::start().await;
    let employee = person(&t, Role::Employee).await;
    let a = Workstation::new(0x0c);
    a.register(&t, &employee).await;
    let work = unsent(&t, &employee).await;
    let file = sealed(&t, &employee, &a, &work, t.clock_now()).await;
    let (mobile_before, requests_before) = (mobile(&t, &employee).await, requests(&t, &employee).await);
    let uploads_before = t.count("SELECT count(*) FROM uploads").await;
    // The header, the manifest's chunk, the scan's middle, the last byte.
    for position in [20, 300, file.len() / 2, file.len() - 1] {
        let mut altered = file.clone();
        altered[position] ^= 0x40;
        let response = import(&t, "/v1/imports", &employee.token, altered).await;
        let body: ApiErrorBody = response.json().await.unwrap();
        assert_eq!(body.code, ApiErrorCode::ImportRefused, "byte {position}: {}", body.message);
        assert!(
            matches!(body.import_problem, Some(ImportProblem::Damaged | ImportProblem::NotSealed)),
            "byte {position}: {:?}",
            body.import_problem
        );
    }
    assert_eq!(mobile(&t, &employee).await, mobile_before);
    assert_eq!(requests(&t, &employee).await, requests_before);
    assert_eq!(
        t.count("SELECT count(*) FROM uploads").await,
        uploads_before,
        "a refused file left uploads behind"
    );
}

#[tokio::test]
async fn another_employees_file_an_unregistered_key_and_an_old_file_are_refused() {
    let t = TestServer::start().await;
    let accounts = t.accounts().await;
    let employees: Vec<_> = accounts.iter().filter(|a| a.role == Role::Employee).take(2).cloned().collect();
    let owner = Person {
        token: t.sign_in(&employees[0]).await.access_token.expose().to_owned(),
        account: employees[0].clone(),
    };
    let other = Person {
        token: t.sign_in(&employees[1]).await.access_token.expose().to_owned(),
        account: employees[1].clone(),
    };
    let a = Workstation::new(0x0d);
    a.register(&t, &owner).await;
    let work = unsent(&t, &owner).await;
    let before = mobile(&t, &owner).await;

    // Another employee's file at the employee's door.
    let file = sealed(&t, &owner, &a, &work, t.clock_now()).await;
    refused(
        import(&t, "/v1/imports", &other.token, file).await,
        StatusCode::FORBIDDEN,
        ImportProblem::OtherEmployee,
    )
    .await;

    // Signed by a key registered for nobody (or for another employee).
    let stranger = Workstation::new(0x0e);
    stranger.register(&t, &other).await;
    let file = sealed(&t, &owner, &stranger, &work, t.clock_now()).await;
    refused(
        import(&t, "/v1/imports", &owner.token, file).await,
        StatusCode::FORBIDDEN,
        ImportProblem::UnregisteredDevice,
    )
    .await;

    // Written longer ago than the server accepts.
    let old =
        t.clock_now() - chrono::Duration::days(i64::from(masar_server::imports::DEFAULT_MAX_AGE_DAYS) + 1);
    let file = sealed(&t, &owner, &a, &work, old).await;
    refused(
        import(&t, "/v1/imports", &owner.token, file).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        ImportProblem::TooOld,
    )
    .await;

    // Nothing at all.
    refused(
        import(&t, "/v1/imports", &owner.token, Vec::new()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        ImportProblem::NotSealed,
    )
    .await;
    // Not a sealed export at all.
    refused(
        import(&t, "/v1/imports", &owner.token, work.scan.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        ImportProblem::NotSealed,
    )
    .await;
    assert_eq!(mobile(&t, &owner).await, before, "a refused file changed the record");
}

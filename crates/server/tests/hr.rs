//! The HR officer's routes: an HR officer's token opens them; an employee's gets 403 with an
//! Arabic message; an edit of employment data goes through and reaches the employee's pull.
#![allow(clippy::unwrap_used)]

mod common;

use common::{TestServer, expect_error};
use masar_protocol::activity::{Activity, ActivityEntry, ChangedValue};
use masar_protocol::auth::Role;
use masar_protocol::sync::{Change, MutationOutcome, PullResponse};
use masar_protocol::{ApiErrorCode, DemoAccount, EmployeeRecord};
use reqwest::StatusCode;
use serde_json::json;

async fn officer_and_employee(t: &TestServer) -> (DemoAccount, DemoAccount) {
    let accounts = t.accounts().await;
    let officer = accounts.iter().find(|a| a.role == Role::HrOfficer).expect("the demo HR officer").clone();
    let employee = accounts.iter().find(|a| a.role == Role::Employee).expect("an employee").clone();
    (officer, employee)
}

async fn put_employment(
    t: &TestServer,
    token: &str,
    employee: &str,
    body: serde_json::Value,
) -> reqwest::Response {
    t.http
        .put(t.url(&format!("/v1/hr/employees/{employee}/employment")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

async fn get_record(t: &TestServer, token: &str, employee: &str) -> reqwest::Response {
    t.http.get(t.url(&format!("/v1/hr/employees/{employee}/record"))).bearer_auth(token).send().await.unwrap()
}

#[tokio::test]
async fn an_employee_is_refused_the_hr_routes_with_403_and_a_reason() {
    let t = TestServer::start().await;
    let (_, employee) = officer_and_employee(&t).await;
    let tokens = t.sign_in(&employee).await;
    let token = tokens.access_token.expose();
    let body = json!({ "baseVersion": 1, "entity": "وزارة", "jobTitle": "مدير", "reason": "قرار إداري" });
    let response = put_employment(&t, token, employee.national_id.as_str(), body).await;
    let refusal = expect_error(response, StatusCode::FORBIDDEN, ApiErrorCode::Forbidden).await;
    assert!(refusal.message.contains("الموارد البشرية"), "{}", refusal.message);
    let read = get_record(&t, token, employee.national_id.as_str()).await;
    expect_error(read, StatusCode::FORBIDDEN, ApiErrorCode::Forbidden).await;
    let anonymous = t
        .http
        .put(t.url(&format!("/v1/hr/employees/{}/employment", employee.national_id)))
        .json(&json!({ "baseVersion": 1, "entity": "x", "jobTitle": "y", "reason": "قرار إداري" }))
        .send()
        .await
        .unwrap();
    expect_error(anonymous, StatusCode::UNAUTHORIZED, ApiErrorCode::Unauthenticated).await;
}

#[tokio::test]
async fn hr_changes_employment_data_and_the_employee_pulls_it_and_a_stale_edit_is_a_conflict() {
    let t = TestServer::start().await;
    let (officer, employee) = officer_and_employee(&t).await;
    let hr = t.sign_in(&officer).await;
    let hr_token = hr.access_token.expose();
    let id = employee.national_id.as_str();

    let record: EmployeeRecord = get_record(&t, hr_token, id).await.json().await.unwrap();
    assert_eq!(record.profile.national_id, employee.national_id);

    let entity = record.profile.entity.clone();
    let change = json!({ "baseVersion": 1, "entity": entity, "jobTitle": "مدير إدارة الموازنة", "reason": "قرار إداري" });
    let applied: MutationOutcome = put_employment(&t, hr_token, id, change).await.json().await.unwrap();
    assert_eq!(applied, MutationOutcome::Applied { version: 2 });

    let mine = t.sign_in(&employee).await;
    let pulled: PullResponse = t
        .http
        .post(t.url("/v1/sync/pull"))
        .bearer_auth(mine.access_token.expose())
        .json(&json!({ "cursor": 0 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let Some(Change::Profile { version, profile, .. }) = pulled.changes.last() else { panic!("{pulled:?}") };
    assert_eq!((*version, profile.job_title.as_str()), (2, "مدير إدارة الموازنة"));

    // Read at version 1, sent after version 2 changed the same field: a conflict, not a silent
    // overwrite of the colleague's change.
    let stale =
        json!({ "baseVersion": 1, "entity": entity, "jobTitle": "محلل مالي", "reason": "قرار إداري" });
    let conflict: MutationOutcome = put_employment(&t, hr_token, id, stale).await.json().await.unwrap();
    let MutationOutcome::Conflict { fields, version, .. } = conflict else { panic!("{conflict:?}") };
    assert_eq!((fields, version), (vec!["jobTitle".to_owned()], 2));

    let invalid = json!({ "baseVersion": 2, "entity": " ", "jobTitle": "محلل مالي", "reason": "قرار إداري" });
    let rejected: MutationOutcome = put_employment(&t, hr_token, id, invalid).await.json().await.unwrap();
    assert!(matches!(rejected, MutationOutcome::Rejected { .. }), "{rejected:?}");

    let nobody = common::stranger_id();
    let body = json!({ "baseVersion": 1, "entity": "x", "jobTitle": "y", "reason": "قرار إداري" });
    expect_error(
        put_employment(&t, hr_token, &nobody, body).await,
        StatusCode::NOT_FOUND,
        ApiErrorCode::NotFound,
    )
    .await;
}

/// An officer reads and changes the data of their own entity's employees only, never changes
/// their own, and every read and refusal is in the audit log.
#[tokio::test]
async fn an_officer_acts_within_their_entity_and_never_on_their_own_employment_data() {
    let t = TestServer::start_on_sqlite_with(|_| {}).await;
    let (officer, employee) = officer_and_employee(&t).await;
    let hr = t.sign_in(&officer).await;
    let (token, id) = (hr.access_token.expose(), employee.national_id.as_str());

    // Their own record they may read; their own employment data they may not change.
    let own: EmployeeRecord = get_record(&t, token, officer.national_id.as_str()).await.json().await.unwrap();
    let body = json!({ "baseVersion": 1, "entity": own.profile.entity, "jobTitle": "مدير عام الموارد البشرية", "reason": "قرار إداري" });
    let refused = put_employment(&t, token, officer.national_id.as_str(), body).await;
    let message = expect_error(refused, StatusCode::FORBIDDEN, ApiErrorCode::OwnRecord).await.message;
    assert!(message.contains("بياناتك الوظيفية"), "{message}");

    // A colleague of the same entity moves to another: from then on their record is that
    // entity's HR's to read and change.
    let record: EmployeeRecord = get_record(&t, token, id).await.json().await.unwrap();
    assert_eq!(record.profile.entity, own.profile.entity);
    let elsewhere = common::another_entity(&own.profile.entity);
    let transfer =
        json!({ "baseVersion": 1, "entity": elsewhere, "jobTitle": "محلل مالي", "reason": "قرار إداري" });
    let applied: MutationOutcome = put_employment(&t, token, id, transfer).await.json().await.unwrap();
    assert_eq!(applied, MutationOutcome::Applied { version: 2 });
    expect_error(get_record(&t, token, id).await, StatusCode::FORBIDDEN, ApiErrorCode::OtherEntity).await;
    let back = json!({ "baseVersion": 2, "entity": own.profile.entity, "jobTitle": "محلل مالي", "reason": "قرار إداري" });
    expect_error(put_employment(&t, token, id, back).await, StatusCode::FORBIDDEN, ApiErrorCode::OtherEntity)
        .await;
    let db = t.database();
    let trail: Vec<(String, String)> = db
        .prepare("SELECT event, outcome FROM audit_log WHERE event IN ('hr_read', 'hr_update') ORDER BY id")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let trail: Vec<(&str, &str)> = trail.iter().map(|(e, o)| (e.as_str(), o.as_str())).collect();
    assert_eq!(
        trail,
        [
            ("hr_read", "ok"),
            ("hr_update", "refused_own_record"),
            ("hr_read", "ok"),
            ("hr_update", "applied"),
            ("hr_read", "refused_other_entity"),
            ("hr_update", "refused_other_entity"),
        ]
    );
}

async fn trail(t: &TestServer, token: &str, path: &str) -> Vec<ActivityEntry> {
    let response = t.http.get(t.url(path)).bearer_auth(token).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.unwrap()
}

/// سجل النشاط: HR's change needs its reason and shows in the employee's trail with the value
/// before and after, the reason and the officer (masked); the employee's own edit shows as theirs;
/// HR reads the same trail (the read itself in it), an employee cannot read another's.
#[tokio::test]
async fn every_change_to_a_record_is_in_its_trail_with_who_why_and_the_values() {
    let t = TestServer::start().await;
    let (officer, employee) = officer_and_employee(&t).await;
    let hr_token = t.sign_in(&officer).await.access_token.expose().to_owned();
    let own_token = t.sign_in(&employee).await.access_token.expose().to_owned();
    let id = employee.national_id.as_str();
    let record: EmployeeRecord = get_record(&t, &hr_token, id).await.json().await.unwrap();
    let entity = record.profile.entity.clone();

    for reason in ["", "   ", &"س".repeat(501)] {
        let body = json!({ "baseVersion": 1, "entity": entity, "jobTitle": "رئيس قسم", "reason": reason });
        let refused = put_employment(&t, &hr_token, id, body).await;
        expect_error(refused, StatusCode::BAD_REQUEST, ApiErrorCode::ReasonRequired).await;
    }
    let body = json!({ "baseVersion": 1, "entity": entity, "jobTitle": "رئيس قسم", "reason": " قرار الترقية رقم 4471 " });
    assert_eq!(put_employment(&t, &hr_token, id, body).await.status(), StatusCode::OK);
    let edit = json!({ "id": 1, "baseVersion": 2, "fields": ["mobile"], "name": "update_contact", "args": {
        "mobile": "0555123456", "email": record.profile.email, "address": record.profile.address } });
    let pushed = t
        .http
        .post(t.url("/v1/sync/push"))
        .bearer_auth(&own_token)
        .json(&json!({ "clientId": "0123456789abcdef0123456789abcdef", "mutations": [edit] }))
        .send()
        .await
        .unwrap();
    assert_eq!(pushed.status(), StatusCode::OK, "{}", pushed.text().await.unwrap());

    let mine = trail(&t, &own_token, "/v1/me/activity").await;
    let changes: Vec<&ActivityEntry> =
        mine.iter().filter(|e| e.activity == Activity::RecordChanged).collect();
    assert_eq!(changes.len(), 2, "{mine:?}");
    let (own, hr) = (changes[0], changes[1]);
    assert_eq!((own.by_self, own.officer.as_deref(), own.reason.as_deref()), (true, None, None));
    assert_eq!(own.changes[0].field, "mobile");
    assert_eq!(
        (own.changes[0].before.as_str(), own.changes[0].after.as_str()),
        (record.profile.mobile.as_str(), "+966555123456")
    );
    assert!(!hr.by_self);
    assert_eq!(hr.officer, Some(officer.national_id.masked()));
    assert_eq!(hr.reason.as_deref(), Some("قرار الترقية رقم 4471"));
    assert_eq!(
        hr.changes,
        [ChangedValue {
            field: "jobTitle".into(),
            before: record.profile.job_title.clone(),
            after: "رئيس قسم".into()
        }]
    );
    assert!(
        mine.iter().any(|e| e.activity == Activity::RecordRead && e.officer.is_some()),
        "HR's read is there"
    );
    assert!(mine.windows(2).all(|w| w[0].at >= w[1].at), "newest first");

    let as_hr = trail(&t, &hr_token, &format!("/v1/hr/employees/{id}/activity")).await;
    assert_eq!(as_hr.iter().filter(|e| e.activity == Activity::RecordChanged).count(), 2);
    let again = trail(&t, &hr_token, &format!("/v1/hr/employees/{id}/activity")).await;
    let reads = again.iter().filter(|e| e.activity == Activity::RecordRead).count();
    assert_eq!(reads, 1, "the record was opened once; reading the trail is audited apart: {again:?}");
    let other = t
        .http
        .get(t.url(&format!("/v1/hr/employees/{id}/activity")))
        .bearer_auth(&own_token)
        .send()
        .await
        .unwrap();
    expect_error(other, StatusCode::FORBIDDEN, ApiErrorCode::Forbidden).await;
}

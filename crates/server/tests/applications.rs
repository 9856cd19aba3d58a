//! Applying for training and scholarships against the real server on 127.0.0.1:0: the
//! application pushed through sync (exactly once), checked on the server's date (deadline, rank,
//! once per opportunity), the training administration's list and decisions (reason, seats), and
//! the employee pulling each outcome with its transaction number.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Person, TestServer, expect_error, person, push};
use masar_protocol::auth::Role;
use masar_protocol::sync::{Change, MutationBody, MutationOutcome};
use masar_protocol::training::{Applicant, ApplicationRecord, ApplicationRequest, ApplicationStatus};
use masar_protocol::validate::FieldProblem;
use masar_protocol::{ApiErrorCode, EmployeeRecord, Opportunity};
use reqwest::StatusCode;
use serde_json::json;

fn request(id: &str, opportunity: &str) -> MutationBody {
    MutationBody::ApplyForOpportunity(ApplicationRequest {
        id: id.into(),
        opportunity_id: opportunity.into(),
        receipt: "20261128-0001".into(),
    })
}

async fn rank(t: &TestServer, who: &Person) -> u8 {
    let record: EmployeeRecord = t.record(&who.token).await.json().await.unwrap();
    record.profile.rank
}

/// The demo opportunities, the first one this employee may apply for on the server's date
/// (2026-11-28) first.
async fn open_to(t: &TestServer, who: &Person) -> Vec<Opportunity> {
    let rank = rank(t, who).await;
    let mut all: Vec<Opportunity> = t.get_json("/v1/opportunities", &who.token).await;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    all.sort_by_key(|o| (o.application_deadline < today || o.minimum_rank > rank, o.application_deadline));
    all
}

async fn pulled(t: &TestServer, who: &Person, id: &str) -> Option<(ApplicationRecord, u64)> {
    t.pull_all(&who.token).await.changes.into_iter().find_map(|change| match change {
        Change::Application { id: found, version, application, .. } if found == id => {
            Some((*application, version))
        }
        _ => None,
    })
}

fn problem(outcome: &MutationOutcome) -> (FieldProblem, Option<u32>) {
    match outcome {
        MutationOutcome::Rejected { errors } => (errors[0].problem, errors[0].limit),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn decide(t: &TestServer, who: &Person, id: &str, decision: serde_json::Value) -> reqwest::Response {
    t.http
        .post(t.url(&format!("/v1/hr/applications/{id}/decision")))
        .bearer_auth(&who.token)
        .json(&decision)
        .send()
        .await
        .unwrap()
}

async fn applicants(t: &TestServer, who: &Person, query: &str) -> reqwest::Response {
    t.http.get(t.url(&format!("/v1/hr/applications{query}"))).bearer_auth(&who.token).send().await.unwrap()
}

const FIRST: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const SECOND: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
const THIRD: &str = "cccccccccccccccccccccccccccccccc";

#[tokio::test]
async fn an_application_is_received_once_decided_by_the_administration_and_pulled_by_the_employee() {
    let t = TestServer::start().await;
    let employee = person(&t, Role::Employee).await;
    let officer = person(&t, Role::HrOfficer).await;
    let opportunity = open_to(&t, &employee).await.remove(0);

    let applied = push(&t, &employee, 1, request(FIRST, &opportunity.id)).await;
    assert_eq!(applied, MutationOutcome::Applied { version: 1 });
    // The same push again (its answer lost): the stored result, no second application.
    assert_eq!(push(&t, &employee, 1, request(FIRST, &opportunity.id)).await, applied);
    let (received, version) = pulled(&t, &employee, FIRST).await.unwrap();
    assert_eq!((received.state, version), (ApplicationStatus::Received, 1));
    assert_eq!(received.receipt, "20261128-0001");
    assert_eq!(received.transaction_number, "TR-2026-000001");
    assert_eq!(received.opportunity_id, opportunity.id);

    // A second application for the same opportunity is refused, with the reason.
    let again = push(&t, &employee, 2, request(SECOND, &opportunity.id)).await;
    assert_eq!(problem(&again), (FieldProblem::AppliedAlready, None));

    // Only the administration lists and decides.
    expect_error(applicants(&t, &employee, "").await, StatusCode::FORBIDDEN, ApiErrorCode::Forbidden).await;
    let listed: Vec<Applicant> =
        applicants(&t, &officer, &format!("?opportunity={}", opportunity.id)).await.json().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].national_id, employee.account.national_id);
    assert_eq!(listed[0].application.id, FIRST);
    let none: Vec<Applicant> = applicants(&t, &officer, "?state=accepted").await.json().await.unwrap();
    assert!(none.is_empty());

    let blank = decide(&t, &officer, FIRST, json!({ "decision": "decline", "reason": "   " })).await;
    expect_error(blank, StatusCode::BAD_REQUEST, ApiErrorCode::ReasonRequired).await;
    let reason = "اكتمل عدد المرشحين من جهتك لهذه الدورة.";
    let declined = decide(&t, &officer, FIRST, json!({ "decision": "decline", "reason": reason })).await;
    assert_eq!(declined.status(), StatusCode::OK);
    let twice = decide(&t, &officer, FIRST, json!({ "decision": "accept" })).await;
    expect_error(twice, StatusCode::CONFLICT, ApiErrorCode::AlreadyDecided).await;
    expect_error(
        decide(&t, &officer, SECOND, json!({ "decision": "accept" })).await,
        StatusCode::NOT_FOUND,
        ApiErrorCode::NotFound,
    )
    .await;

    let (seen, version) = pulled(&t, &employee, FIRST).await.unwrap();
    assert_eq!((seen.state, seen.reason.as_deref(), version), (ApplicationStatus::Declined, Some(reason), 2));
    assert!(seen.decided_at.is_some());
}

#[tokio::test]
async fn the_server_refuses_on_its_own_date_and_rank_an_unknown_opportunity_and_a_reused_id() {
    let t = TestServer::start_on_sqlite_with(|_| {}).await;
    let employee = person(&t, Role::Employee).await;
    let rank = rank(&t, &employee).await;
    let all = open_to(&t, &employee).await;
    let (open, other) = (&all[0], &all[1]);
    t.database()
        .execute(
            "UPDATE opportunities SET minimum_rank = ?2 WHERE id = ?1",
            rusqlite::params![other.id, rank + 1],
        )
        .unwrap();

    let unknown = push(&t, &employee, 1, request(FIRST, "OPP-999")).await;
    assert_eq!(problem(&unknown), (FieldProblem::NoSuchOpportunity, None));
    let higher = push(&t, &employee, 2, request(FIRST, &other.id)).await;
    assert_eq!(problem(&higher), (FieldProblem::RankBelowMinimum, Some(u32::from(rank) + 1)));
    let bad_id = push(&t, &employee, 3, request("not-an-id", &open.id)).await;
    assert_eq!(problem(&bad_id).0, FieldProblem::Required);

    // The day after the deadline, on the server's clock (the workstation's date does not count).
    let days =
        (open.application_deadline - chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()).num_days();
    t.advance((days + 1) * 86_400);
    let employee = person(&t, Role::Employee).await;
    let late = push(&t, &employee, 4, request(FIRST, &open.id)).await;
    assert_eq!(problem(&late), (FieldProblem::ApplicationsClosed, None));
    assert!(pulled(&t, &employee, FIRST).await.is_none(), "nothing stored for a refusal");

    // Another employee cannot take over an application's id.
    let accounts = t.accounts().await;
    let someone = accounts.iter().find(|a| a.national_id != employee.account.national_id).unwrap();
    let token = t.sign_in(someone).await.access_token.expose().to_owned();
    let stranger = Person { account: someone.clone(), token };
    let later = open_to(&t, &stranger).await.into_iter().find(|o| o.id != open.id).unwrap();
    let theirs = push(&t, &stranger, 1, request(SECOND, &later.id)).await;
    assert_eq!(theirs, MutationOutcome::Applied { version: 1 }, "{later:?}");
    let taken = push(&t, &employee, 5, request(SECOND, &later.id)).await;
    assert_eq!(taken, MutationOutcome::IdReused);
}

#[tokio::test]
async fn acceptance_stops_when_the_seats_are_taken() {
    let t = TestServer::start_on_sqlite_with(|_| {}).await;
    let officer = person(&t, Role::HrOfficer).await;
    let employee = person(&t, Role::Employee).await;
    let accounts = t.accounts().await;
    let colleague = accounts.iter().filter(|a| a.role == Role::Employee).nth(1).unwrap().clone();
    let colleague =
        Person { token: t.sign_in(&colleague).await.access_token.expose().to_owned(), account: colleague };
    let opportunity = open_to(&t, &employee).await.remove(0);
    let db = t.database();
    db.execute("UPDATE opportunities SET seats = 1, minimum_rank = 1 WHERE id = ?1", [&opportunity.id])
        .unwrap();
    // A second employee of the officer's entity (the demo's are of several).
    db.execute(
        "UPDATE employees SET entity = (SELECT entity FROM employees WHERE national_id = ?1) WHERE national_id = ?2",
        [employee.account.national_id.as_str(), colleague.account.national_id.as_str()],
    )
    .unwrap();
    // Two employees and the officer (an employee too) apply for the one seat.
    assert_eq!(
        push(&t, &employee, 1, request(FIRST, &opportunity.id)).await,
        MutationOutcome::Applied { version: 1 }
    );
    assert_eq!(
        push(&t, &colleague, 1, request(SECOND, &opportunity.id)).await,
        MutationOutcome::Applied { version: 1 }
    );
    assert_eq!(
        push(&t, &officer, 1, request(THIRD, &opportunity.id)).await,
        MutationOutcome::Applied { version: 1 }
    );

    // The officer's list: their entity's applications, never their own, with the seats left.
    let for_it = format!("?opportunity={}", opportunity.id);
    let listed: Vec<Applicant> = applicants(&t, &officer, &for_it).await.json().await.unwrap();
    assert_eq!(listed.iter().map(|a| a.application.id.as_str()).collect::<Vec<_>>(), [FIRST, SECOND]);
    assert!(listed.iter().all(|a| a.seats_left == 1 && a.entity == listed[0].entity), "{listed:?}");

    // Nobody decides their own application: the officer's is not in their list, and refused.
    let own = decide(&t, &officer, THIRD, json!({ "decision": "accept" })).await;
    expect_error(own, StatusCode::FORBIDDEN, ApiErrorCode::OwnRecord).await;
    assert_eq!(decide(&t, &officer, FIRST, json!({ "decision": "accept" })).await.status(), StatusCode::OK);
    let full = decide(&t, &officer, SECOND, json!({ "decision": "accept" })).await;
    expect_error(full, StatusCode::CONFLICT, ApiErrorCode::NoSeats).await;
    let (accepted, _) = pulled(&t, &employee, FIRST).await.unwrap();
    assert_eq!(accepted.state, ApplicationStatus::Accepted);
    let waiting: Vec<Applicant> = applicants(&t, &officer, "?state=received").await.json().await.unwrap();
    assert_eq!(waiting.iter().map(|a| a.application.id.as_str()).collect::<Vec<_>>(), [SECOND]);
    let listed: Vec<Applicant> = applicants(&t, &officer, &for_it).await.json().await.unwrap();
    assert!(listed.iter().all(|a| a.seats_left == 0), "the one seat is taken: {listed:?}");
    // The colleague moves to another entity: their application is that entity's HR's now.
    db.execute(
        "UPDATE employees SET entity = 'جهة أخرى' WHERE national_id = ?1",
        [colleague.account.national_id.as_str()],
    )
    .unwrap();
    let listed: Vec<Applicant> = applicants(&t, &officer, &for_it).await.json().await.unwrap();
    assert_eq!(listed.iter().map(|a| a.application.id.as_str()).collect::<Vec<_>>(), [FIRST]);
}

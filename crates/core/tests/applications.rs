//! Applying for training through the core against the real server (behind a proxy that can
//! fail): applied offline with a receipt number at once, sent exactly once when the network
//! returns, received with the server's transaction number, decided by the administration and
//! told to the employee; refused on the server's own date even when this workstation thought
//! it open.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

use masar_core::applications::{ApplicationState, ApplicationView};
use masar_core::notices::Subject;
use masar_core::opportunities::{Ineligible, OpportunityFilter, OpportunityItem};
use masar_core::{ErrorCode, UiError};
use masar_protocol::training::{ApplicantFilter, ApplicationDecision};
use masar_protocol::validate::FieldProblem;
use masar_test_support::{Fault, World};

async fn items(world: &World) -> Vec<OpportunityItem> {
    world.app.opportunities().list(OpportunityFilter::default()).await.unwrap().items
}

async fn application(world: &World, opportunity: &str) -> Option<ApplicationView> {
    items(world).await.into_iter().find(|i| i.opportunity.id == opportunity).unwrap().application
}

/// The first opportunity this employee may apply for (the list is fetched, and kept).
async fn open_one(world: &World) -> OpportunityItem {
    items(world).await.into_iter().find(|i| i.ineligible.is_none()).unwrap()
}

fn problems(error: &UiError) -> Vec<FieldProblem> {
    assert_eq!(error.code, ErrorCode::InvalidInput, "{error:?}");
    error.fields.iter().map(|f| f.problem).collect()
}

#[tokio::test]
async fn applied_offline_with_a_receipt_sent_once_received_accepted_and_told() {
    let world = World::signed_in().await;
    let item = open_one(&world).await;
    assert_eq!(item.application, None);
    let id = item.opportunity.id.clone();

    world.proxy.set(Fault::Refuse);
    let queued = world.app.applications().apply(id.clone()).await.unwrap();
    assert_eq!(queued.state, ApplicationState::Waiting);
    assert!(queued.receipt.ends_with("-0001"), "{}", queued.receipt);
    // Offline: the kept list shows it waiting, and the vault counts it as unsent work.
    assert_eq!(application(&world, &id).await.unwrap().state, ApplicationState::Waiting);
    assert_eq!(world.app.outbox().unsent_work().await.unwrap().unwrap().edits, 1);
    // A second application for the same opportunity is stopped here already.
    let again = world.app.applications().apply(id.clone()).await.unwrap_err().to_ui();
    assert_eq!(problems(&again), [FieldProblem::AppliedAlready]);

    world.proxy.set(Fault::Pass);
    world.app.sync().round().await;
    let received = application(&world, &id).await.unwrap();
    assert_eq!(
        (received.state, received.receipt.as_str()),
        (ApplicationState::Received, queued.receipt.as_str())
    );
    let number = received.transaction_number.clone().unwrap();
    assert!(number.starts_with("TR-"), "{number}");
    assert_eq!(world.count("SELECT count(*) FROM applications"), 1);
    assert_eq!(world.app.outbox().unsent_work().await.unwrap().unwrap().edits, 0);

    // The administration accepts; the employee's next round brings it, and tells it once.
    let (_dir, officer) = world.officer_app().await;
    let listed = officer
        .review()
        .applicants(ApplicantFilter { opportunity: Some(id.clone()), state: None })
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].national_id, world.account.national_id);
    officer.review().decide_application(received.id.clone(), ApplicationDecision::Accept).await.unwrap();
    let mut decisions = world.app.subscribe_decisions();
    world.app.sync().round().await;
    let told = decisions.try_recv().unwrap();
    assert_eq!(told.subject, Subject::Application { title: item.opportunity.title.clone() });
    assert_eq!((told.granted, told.transaction_number.as_str()), (true, number.as_str()));
    world.app.sync().round().await;
    assert!(decisions.try_recv().is_err(), "a decision is news once");
    assert_eq!(application(&world, &id).await.unwrap().state, ApplicationState::Accepted);
    // Exactly once: one push of the application however many rounds ran.
    assert_eq!(world.count("SELECT count(*) FROM applications"), 1);
}

#[tokio::test]
async fn closed_on_the_servers_date_it_comes_back_refused_and_may_be_applied_for_again() {
    let world = World::signed_in().await;
    let item = open_one(&world).await;
    let id = item.opportunity.id.clone();
    // The administration moved the deadline to the past after this workstation kept the list.
    world
        .server_db()
        .execute("UPDATE opportunities SET application_deadline = '2026-01-01' WHERE id = ?1", [&id])
        .unwrap();
    world.proxy.set(Fault::Refuse);
    world.app.applications().apply(id.clone()).await.unwrap();
    world.proxy.set(Fault::Pass);
    world.app.sync().round().await;
    let refused = world
        .app
        .opportunities()
        .list(OpportunityFilter::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|i| i.opportunity.id == id)
        .unwrap();
    let Some(ApplicationView { state: ApplicationState::Refused { errors }, .. }) = &refused.application
    else {
        panic!("{refused:?}")
    };
    assert_eq!(errors[0].problem, FieldProblem::ApplicationsClosed);
    assert_eq!(world.count("SELECT count(*) FROM applications"), 0, "nothing stored for a refusal");
    // The fresh list says it is closed now; applying again is stopped here with the reason.
    let late = world.app.applications().apply(id).await.unwrap_err().to_ui();
    assert_eq!(problems(&late), [FieldProblem::ApplicationsClosed]);
}

#[tokio::test]
async fn an_opportunity_not_in_the_kept_list_or_above_the_rank_is_refused_before_queueing() {
    let world = World::signed_in().await;
    let id = open_one(&world).await.opportunity.id;
    let unknown = world.app.applications().apply("OPP-999".into()).await.unwrap_err().to_ui();
    assert_eq!(problems(&unknown), [FieldProblem::NoSuchOpportunity]);
    // The opportunity now asks for a rank above the employee's: the fresh list says so.
    world.server_db().execute("UPDATE opportunities SET minimum_rank = 15 WHERE id = ?1", [&id]).unwrap();
    let higher = items(&world).await.into_iter().find(|i| i.opportunity.id == id).unwrap();
    assert_eq!(higher.ineligible, Some(Ineligible::Rank));
    let refused = world.app.applications().apply(id).await.unwrap_err().to_ui();
    assert_eq!(problems(&refused), [FieldProblem::RankBelowMinimum]);
    assert_eq!(refused.fields[0].limit, Some(15));
    assert_eq!(world.app.outbox().unsent_work().await.unwrap().unwrap().edits, 0, "nothing queued");
}

//! The employment record and the length of service from the vault's copy, online and offline.

#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use masar_protocol::record::EmploymentEventKind;
use masar_protocol::service::length_of_service;
use masar_test_support::{Fault, World};

#[tokio::test]
async fn the_record_and_its_length_of_service_show_from_the_local_copy_also_offline() {
    let world = World::signed_in().await;
    let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
    let online = world.app.careers().career_on(today).await.unwrap();
    assert!(!online.events.is_empty());
    assert!(online.events.windows(2).all(|w| w[0].date >= w[1].date), "newest first");
    let appointment = online.events.iter().find(|e| e.kind == EmploymentEventKind::Appointment).unwrap();
    assert_eq!(online.length.from, appointment.date);
    let mut oldest_first = online.events.clone();
    oldest_first.reverse();
    let profile = world.server_profile();
    assert_eq!(online.length, length_of_service(&oldest_first, profile.appointment_date, today));
    assert!(online.length.total.years > 0, "{:?}", online.length);

    world.proxy.set(Fault::Refuse);
    world.app.sync().round().await;
    let offline = world.app.careers().career_on(today).await.unwrap();
    assert_eq!((offline.events, offline.length), (online.events, online.length));
}

#[tokio::test]
async fn a_statement_carries_the_servers_code_and_offline_the_last_one_while_the_record_is_unchanged() {
    let world = World::signed_in().await;
    world.proxy.set(Fault::Refuse);
    let (_, none) = world.app.careers().statement().await.unwrap();
    assert_eq!(none, None, "offline and never given a code: the statement says it has none");

    world.proxy.set(Fault::Pass);
    let (record, code) = world.app.careers().statement().await.unwrap();
    let code = code.unwrap();
    assert_eq!(code.facts.name_ar, record.profile.name_ar);
    // The server confirms it to anyone.
    let checked = reqwest::Client::new()
        .post(format!("{}/v1/statements/verify", world.server.base_url()))
        .json(&serde_json::json!({ "code": code.code }))
        .send()
        .await
        .unwrap();
    assert_eq!(checked.status(), 200);

    world.proxy.set(Fault::Refuse);
    let (_, kept) = world.app.careers().statement().await.unwrap();
    assert_eq!(kept, Some(code), "offline, the last code still certifies the unchanged record");
}

//! Sync throughput on loopback: push 10,000 queued mutations (in pushes of 1,000, as the app
//! sends them) and pull an employee's whole record. `cargo bench -p masar-server --bench sync`
//! (or `cargo xtask bench`). Prints figures; asserts nothing.

#![allow(clippy::unwrap_used, clippy::print_stderr)]

mod support;

use std::time::{Duration, Instant};

use masar_protocol::sync::{ContactUpdate, Mutation, MutationBody, PushResponse};
use masar_protocol::{DemoAccount, NationalAddress};
use masar_server::ServerConfig;
use serde_json::json;
use support::{my_record, sign_in};

const MUTATIONS: u64 = 10_000;
const BATCH: u64 = 1_000;

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let server = masar_server::start(&ServerConfig::demo_on_loopback(dir.path()), std::future::pending())
        .await
        .unwrap();
    let url = server.base_url();
    let http = reqwest::Client::new();
    let accounts: Vec<DemoAccount> =
        http.get(format!("{url}/v1/dev/accounts")).send().await.unwrap().json().await.unwrap();

    // The employee with the longest employment record.
    let mut longest = (0, String::new(), 0);
    for (index, account) in accounts.iter().enumerate() {
        let token = sign_in(&url, account).await;
        let record = my_record(&http, &url, &token).await;
        if record.employment_events.len() > longest.0 {
            longest = (record.employment_events.len(), token, index);
        }
    }
    let (events, token, index) = longest;
    let account = &accounts[index];
    let first = account.national_id.clone();
    let profile = my_record(&http, &url, &token).await.profile;

    // Push 10,000 edits, 1,000 per request.
    let started = Instant::now();
    let mut applied = 0;
    for batch in 0..MUTATIONS / BATCH {
        let mutations: Vec<Mutation> = (1..=BATCH)
            .map(|i| {
                let n = batch * BATCH + i;
                Mutation {
                    id: n,
                    base_version: n,
                    fields: vec!["mobile".into()],
                    body: MutationBody::UpdateContact(ContactUpdate {
                        mobile: format!("05{:08}", 50_000_000 + n),
                        email: profile.email.clone(),
                        address: NationalAddress { ..profile.address.clone() },
                    }),
                }
            })
            .collect();
        let response: PushResponse = http
            .post(format!("{url}/v1/sync/push"))
            .bearer_auth(&token)
            .json(&json!({ "clientId": "bench0123456789abcdef0123456789", "mutations": mutations }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        applied += response.results.len();
    }
    let push = started.elapsed();
    #[allow(clippy::cast_precision_loss)]
    let rate = MUTATIONS as f64 / push.as_secs_f64();
    println!("push: {MUTATIONS} mutations ({applied} results) in {:.0} ms = {rate:.0} mutations/s", ms(push));

    // Pull: the whole record (employment history of {events} decisions) and the sync pull.
    let mut record_times = Vec::new();
    let mut pull_times = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        let record = my_record(&http, &url, &token).await;
        record_times.push(t.elapsed());
        assert_eq!(record.profile.national_id, first);
        let t = Instant::now();
        let _: serde_json::Value = http
            .post(format!("{url}/v1/sync/pull"))
            .bearer_auth(&token)
            .json(&json!({ "cursor": 0 }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        pull_times.push(t.elapsed());
    }
    record_times.sort();
    pull_times.sort();
    println!(
        "record with {events} employment decisions: median {:.2} ms, max {:.2} ms over 50 reads",
        ms(record_times[25]),
        ms(record_times[49])
    );
    println!(
        "sync pull from cursor 0: median {:.2} ms, max {:.2} ms over 50 pulls",
        ms(pull_times[25]),
        ms(pull_times[49])
    );
    server.shutdown().await.unwrap();
}

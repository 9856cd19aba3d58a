//! The sync protocol against the real server in-process on 127.0.0.1:0.

// Test helpers: a panic is how a failed step reports itself.
#![allow(clippy::unwrap_used)]

mod common;

use common::TestServer;
use masar_protocol::sync::{
    Change, ContactUpdate, EmploymentUpdate, Mutation, MutationBody, MutationOutcome, PullResponse,
    PushResponse,
};
use masar_protocol::validate::FieldProblem;
use masar_protocol::{DemoAccount, EmployeeProfile, NationalAddress};
use masar_server::rules::edits::Actor;
use masar_server::sqlite::apply_edit as apply;
use reqwest::StatusCode;
use serde_json::json;

const CLIENT: &str = "0123456789abcdef0123456789abcdef";

struct Session {
    t: TestServer,
    account: DemoAccount,
    token: String,
}

impl Session {
    async fn new() -> Self {
        Self::signed_in(TestServer::start().await).await
    }

    /// For a test that looks into the SQLite file itself.
    async fn on_sqlite() -> Self {
        Self::signed_in(TestServer::start_on_sqlite_with(|_| {}).await).await
    }

    async fn signed_in(t: TestServer) -> Self {
        let account = t.first_account().await;
        let token = t.sign_in(&account).await.access_token.expose().to_owned();
        Self { t, account, token }
    }

    async fn push_raw(&self, client: &str, mutations: &[Mutation]) -> reqwest::Response {
        self.t
            .http
            .post(self.t.url("/v1/sync/push"))
            .bearer_auth(&self.token)
            .json(&json!({ "clientId": client, "mutations": mutations }))
            .send()
            .await
            .unwrap()
    }

    async fn push(&self, mutations: &[Mutation]) -> Vec<MutationOutcome> {
        let response = self.push_raw(CLIENT, mutations).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: PushResponse = response.json().await.unwrap();
        assert_eq!(
            body.results.iter().map(|r| r.id).collect::<Vec<_>>(),
            mutations.iter().map(|m| m.id).collect::<Vec<_>>()
        );
        body.results.into_iter().map(|r| r.outcome).collect()
    }

    async fn pull(&self, cursor: u64) -> PullResponse {
        self.t
            .http
            .post(self.t.url("/v1/sync/pull"))
            .bearer_auth(&self.token)
            .json(&json!({ "cursor": cursor }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The profile, its version, and the cursor after everything pulled so far (the demo's own
    /// requests of this employee come with the first pull too).
    async fn profile(&self) -> (EmployeeProfile, u64, u64) {
        let pulled = self.pull(0).await;
        let cursor = pulled.cursor;
        let Some(Change::Profile { id, version, profile, .. }) =
            pulled.changes.into_iter().find(|c| matches!(c, Change::Profile { .. }))
        else {
            panic!("the profile is pulled")
        };
        assert_eq!(id, profile.national_id.to_string(), "a profile's id is the national ID");
        (*profile, version, cursor)
    }
}

fn contact(profile: &EmployeeProfile, mobile: &str, postal: &str) -> ContactUpdate {
    ContactUpdate {
        mobile: mobile.into(),
        email: profile.email.clone(),
        address: NationalAddress { postal_code: postal.into(), ..profile.address.clone() },
    }
}

fn mutation(id: u64, base: u64, body: MutationBody) -> Mutation {
    Mutation { id, base_version: base, fields: vec![], body }
}

fn touching(id: u64, base: u64, fields: &[&str], body: MutationBody) -> Mutation {
    Mutation { id, base_version: base, fields: fields.iter().map(|f| (*f).to_owned()).collect(), body }
}

#[tokio::test]
async fn a_pushed_edit_is_applied_once_and_pulled_in_server_order() {
    let s = Session::on_sqlite().await;
    let (profile, version, seq) = s.profile().await;
    assert_eq!(profile.national_id, s.account.national_id);
    assert_eq!(version, 1);

    let edit = mutation(1, version, MutationBody::UpdateContact(contact(&profile, "٠٥٥٥١٢٣٤٥٦", "12345")));
    assert_eq!(s.push(std::slice::from_ref(&edit)).await, [MutationOutcome::Applied { version: 2 }]);

    let pulled = s.pull(seq).await;
    assert!(!pulled.has_more);
    let [Change::Profile { version, profile: after, .. }] = pulled.changes.as_slice() else {
        panic!("{pulled:?}")
    };
    assert_eq!(*version, 2);
    assert_eq!(after.mobile, "+966555123456", "normalised to E.164");
    assert_eq!(after.address.postal_code, "12345");
    assert!(s.pull(pulled.cursor).await.changes.is_empty());

    // The answer was lost. Before the client sends the same push again, HR changes the same
    // field: applying the edit a second time would now show (as a conflict, or as the
    // employee's value over HR's). The resend gets the stored result and changes nothing.
    let db = rusqlite::Connection::open(s.t.dir.path().join("masar.db")).unwrap();
    let hr_edit = MutationBody::UpdateContact(contact(after, "0566000666", "12345"));
    let hr = apply(&db, &s.account.national_id, 2, &hr_edit, &[], Actor::Hr, 0).unwrap();
    assert_eq!(hr, MutationOutcome::Applied { version: 3 });
    assert_eq!(s.push(&[edit]).await, [MutationOutcome::Applied { version: 2 }], "the stored result");
    let (now, version, _) = s.profile().await;
    assert_eq!((now.mobile.as_str(), version), ("+966566000666", 3), "HR's change stands");
    let changes = s.pull(pulled.cursor).await.changes;
    assert_eq!(changes.len(), 1, "only HR's change after the employee's: {changes:?}");
}

#[tokio::test]
async fn a_cursor_past_every_change_number_pulls_nothing_rather_than_failing() {
    // Change numbers are BIGINTs: 2^63 and more (found by the API fuzzing) is past all of them.
    let s = Session::new().await;
    for cursor in [i64::MAX.unsigned_abs(), i64::MAX.unsigned_abs() + 1, u64::MAX] {
        let pulled = s.pull(cursor).await;
        assert!(pulled.changes.is_empty() && !pulled.has_more, "{cursor}: {pulled:?}");
    }
}

#[tokio::test]
async fn a_reused_id_with_other_content_is_refused() {
    let s = Session::new().await;
    let (profile, version, _) = s.profile().await;
    let first = mutation(1, version, MutationBody::UpdateContact(contact(&profile, "0555123456", "12345")));
    let other = mutation(1, version, MutationBody::UpdateContact(contact(&profile, "0555999999", "12345")));
    s.push(&[first]).await;
    assert_eq!(s.push(&[other]).await, [MutationOutcome::IdReused]);
    assert_eq!(s.profile().await.0.mobile, "+966555123456");
}

#[tokio::test]
async fn invalid_and_forbidden_edits_are_results_that_do_not_block_the_queue() {
    let s = Session::new().await;
    let (profile, version, _) = s.profile().await;
    let results = s
        .push(&[
            mutation(1, version, MutationBody::UpdateContact(contact(&profile, "0412345678", "117380"))),
            mutation(
                2,
                version,
                MutationBody::UpdateEmployment(EmploymentUpdate {
                    entity: "وزارة أخرى".into(),
                    job_title: "مدير".into(),
                }),
            ),
            mutation(3, version, MutationBody::UpdateContact(contact(&profile, "0512345670", "11111"))),
        ])
        .await;
    let MutationOutcome::Rejected { errors } = &results[0] else { panic!("{results:?}") };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["mobile", "address.postalCode"]);
    assert_eq!((errors[1].problem, errors[1].limit), (FieldProblem::Digits, Some(5)), "{errors:?}");
    let MutationOutcome::Rejected { errors } = &results[1] else { panic!("{results:?}") };
    assert_eq!(*errors, masar_protocol::sync::hr_only());
    assert_eq!(results[2], MutationOutcome::Applied { version: 2 });
    let (after, _, _) = s.profile().await;
    assert_eq!(after.entity, profile.entity, "HR-only fields unchanged");
}

#[tokio::test]
async fn the_same_field_changed_by_hr_is_a_conflict_another_field_is_merged() {
    let s = Session::on_sqlite().await;
    let (profile, base, _) = s.profile().await;

    // HR changes the mobile on the server while the employee edits offline from version `base`.
    let db = rusqlite::Connection::open(s.t.dir.path().join("masar.db")).unwrap();
    let hr_edit = MutationBody::UpdateContact(contact(&profile, "0566666666", &profile.address.postal_code));
    let hr = apply(&db, &s.account.national_id, base, &hr_edit, &[], Actor::Hr, 0).unwrap();
    assert_eq!(hr, MutationOutcome::Applied { version: base + 1 });

    let mine = touching(
        1,
        base,
        &["mobile"],
        MutationBody::UpdateContact(contact(&profile, "0577777777", &profile.address.postal_code)),
    );
    let results = s.push(&[mine]).await;
    let MutationOutcome::Conflict { fields, server, version } = &results[0] else { panic!("{results:?}") };
    assert_eq!(fields, &["mobile"]);
    assert_eq!(server.mobile, "+966566666666", "the server's value comes back");
    assert_eq!(*version, base + 1);

    // Editing only the postal code from the same old base does not touch HR's field: merged.
    // The form still holds the old mobile, but only the postal code was touched.
    let other_field = touching(
        2,
        base,
        &["address.postalCode"],
        MutationBody::UpdateContact(contact(&profile, &profile.mobile, "54321")),
    );
    assert_eq!(s.push(&[other_field]).await, [MutationOutcome::Applied { version: base + 2 }]);
    let (after, _, _) = s.profile().await;
    assert_eq!((after.mobile.as_str(), after.address.postal_code.as_str()), ("+966566666666", "54321"));
}

#[tokio::test]
async fn a_client_id_is_bound_to_one_employee_and_must_look_like_one() {
    let s = Session::new().await;
    assert_eq!(s.push_raw("short", &[]).await.status(), StatusCode::BAD_REQUEST);
    s.push(&[]).await;
    let other = s.t.accounts().await.remove(1);
    let other_token = s.t.sign_in(&other).await.access_token.expose().to_owned();
    let response =
        s.t.http
            .post(s.t.url("/v1/sync/push"))
            .bearer_auth(other_token)
            .json(&json!({ "clientId": CLIENT, "mutations": [] }))
            .send()
            .await
            .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let unauthenticated =
        s.t.http.post(s.t.url("/v1/sync/pull")).json(&json!({ "cursor": 0 })).send().await.unwrap();
    assert_eq!(unauthenticated.status(), StatusCode::UNAUTHORIZED);
}

/// Every field an edit can carry, with a new valid value: each reaches its column, and sending
/// the value it already has again is no change (no new version, no change row).
#[tokio::test]
async fn every_field_reaches_the_record_and_an_unchanged_value_is_no_change() {
    let s = Session::on_sqlite().await;
    let db = rusqlite::Connection::open(s.t.dir.path().join("masar.db")).unwrap();
    let cases: [(&str, &str, &str); 14] = [
        ("mobile", "0555111222", "+966555111222"),
        ("email", "new.mail@example.sa", "new.mail@example.sa"),
        ("address.buildingNumber", "1234", "1234"),
        ("address.street", "شارع جديد", "شارع جديد"),
        ("address.district", "حي جديد", "حي جديد"),
        ("address.city", "جدة", "جدة"),
        ("address.postalCode", "54321", "54321"),
        ("address.additionalNumber", "4321", "4321"),
        ("nameEn.first", "Noura", "Noura"),
        ("nameEn.father", "Saad", "Saad"),
        ("nameEn.grandfather", "Fahad", "Fahad"),
        ("nameEn.family", "Alqahtani", "Alqahtani"),
        ("entity", "وزارة التعليم", "وزارة التعليم"),
        ("jobTitle", "معلم", "معلم"),
    ];
    let mut id = 0;
    for (field, typed, stored) in cases {
        let (before, version, _) = s.profile().await;
        let body = with_field(&before, field, typed);
        let touched = [field.to_owned()];
        // Employment fields are HR's: through the server's own apply, as HR's systems would.
        let mut send = async |body: &MutationBody| -> MutationOutcome {
            if matches!(body, MutationBody::UpdateEmployment(_)) {
                apply(&db, &s.account.national_id, version, body, &touched, Actor::Hr, 0).unwrap()
            } else {
                id += 1;
                let pushed = s.push(&[touching(id, version, &[field], body.clone())]).await;
                pushed.into_iter().next().unwrap()
            }
        };
        assert_eq!(send(&body).await, MutationOutcome::Applied { version: version + 1 }, "{field}");
        let (after, new_version, _) = s.profile().await;
        assert_eq!(new_version, version + 1, "{field}");
        let expected = profile_with(&before, field, stored);
        assert_eq!(after, expected, "{field} reached its column and nothing else moved");

        // The same value again: nothing to change.
        assert_eq!(send(&body).await, MutationOutcome::Applied { version: version + 1 }, "{field} again");
        assert_eq!(s.profile().await.1, version + 1, "{field}: no new version for no change");
    }
}

/// The edit that sets `field` to `value` on top of `profile`.
fn with_field(profile: &EmployeeProfile, field: &str, value: &str) -> MutationBody {
    let changed = profile_with(profile, field, value);
    match field {
        "entity" | "jobTitle" => MutationBody::UpdateEmployment(EmploymentUpdate {
            entity: changed.entity,
            job_title: changed.job_title,
        }),
        f if f.starts_with("nameEn.") => {
            MutationBody::UpdatePersonal(masar_protocol::sync::PersonalUpdate { name_en: changed.name_en })
        }
        _ => MutationBody::UpdateContact(ContactUpdate {
            mobile: changed.mobile,
            email: changed.email,
            address: changed.address,
        }),
    }
}

fn profile_with(profile: &EmployeeProfile, field: &str, value: &str) -> EmployeeProfile {
    let mut p = profile.clone();
    let slot = match field {
        "mobile" => &mut p.mobile,
        "email" => &mut p.email,
        "address.buildingNumber" => &mut p.address.building_number,
        "address.street" => &mut p.address.street,
        "address.district" => &mut p.address.district,
        "address.city" => &mut p.address.city,
        "address.postalCode" => &mut p.address.postal_code,
        "address.additionalNumber" => &mut p.address.additional_number,
        "nameEn.first" => &mut p.name_en.first,
        "nameEn.father" => &mut p.name_en.father,
        "nameEn.grandfather" => &mut p.name_en.grandfather,
        "nameEn.family" => &mut p.name_en.family,
        "entity" => &mut p.entity,
        "jobTitle" => &mut p.job_title,
        other => panic!("no field {other}"),
    };
    *slot = value.to_owned();
    p
}

/// Offline, the employee changes the mobile, notices a typo and changes it again: both edits
/// carry the same base. The second is not a conflict with the first (the same client's own
/// history); the last one wins. From another workstation, the same second edit is a conflict.
#[tokio::test]
async fn an_employees_second_edit_of_a_field_is_not_a_conflict_with_their_first() {
    let s = Session::on_sqlite().await;
    let (profile, base, _) = s.profile().await;
    let typo =
        touching(1, base, &["mobile"], MutationBody::UpdateContact(contact(&profile, "0555000123", "12345")));
    let fixed =
        touching(2, base, &["mobile"], MutationBody::UpdateContact(contact(&profile, "0555000321", "12345")));
    assert_eq!(
        s.push(&[typo, fixed]).await,
        [MutationOutcome::Applied { version: base + 1 }, MutationOutcome::Applied { version: base + 2 }]
    );
    assert_eq!(s.profile().await.0.mobile, "+966555000321", "the last edit wins");

    // The same kind of edit from another workstation, on the old base: someone else's change.
    let other =
        touching(1, base, &["mobile"], MutationBody::UpdateContact(contact(&profile, "0555000999", "12345")));
    let response = s.push_raw("fedcba9876543210fedcba9876543210", &[other]).await;
    let body: PushResponse = response.json().await.unwrap();
    assert!(matches!(body.results[0].outcome, MutationOutcome::Conflict { .. }), "{:?}", body.results);

    // And HR's change in between is a conflict for this client too, as before.
    let db = rusqlite::Connection::open(s.t.dir.path().join("masar.db")).unwrap();
    let (now, version, _) = s.profile().await;
    let hr_edit = MutationBody::UpdateContact(contact(&now, "0566000321", "12345"));
    apply(&db, &s.account.national_id, version, &hr_edit, &[], Actor::Hr, 0).unwrap();
    let late =
        touching(3, version, &["mobile"], MutationBody::UpdateContact(contact(&now, "0555000777", "12345")));
    assert!(matches!(s.push(&[late]).await[0], MutationOutcome::Conflict { .. }));
}

//! Sealed exports as the tests make them: a workstation's key and client id, the work it queued
//! offline (a new mobile, a master's degree with its scan), sealed to the server's key and signed.

use chrono::{DateTime, Utc};
use ed25519_dalek::SigningKey;
use masar_protocol::attachments::AttachmentKind;
use masar_protocol::imports::{ExportRecipient, ImportProblem};
use masar_protocol::qualification::{AttachmentRef, AttachmentRole, QualificationSubmission, TERMS_VERSION};
use masar_protocol::sealed::{Manifest, SealedAttachment, device_key_hex, seal};
use masar_protocol::sync::{ContactUpdate, Mutation, MutationBody};
use masar_protocol::{ApiErrorBody, ApiErrorCode, EmployeeRecord};
use reqwest::StatusCode;
use serde_json::json;

use super::{Person, TestServer, pdf, sha256_hex};

/// A workstation: its device key and the client id its queue was kept under.
pub struct Workstation {
    pub key: SigningKey,
    pub client_id: String,
}

impl Workstation {
    pub fn new(seed: u8) -> Self {
        Self { key: SigningKey::from_bytes(&[seed; 32]), client_id: format!("{seed:02x}").repeat(16) }
    }

    /// Registers its key for the signed-in employee, as the app does at sign-in.
    pub async fn register(&self, t: &TestServer, who: &Person) {
        let response = t
            .http
            .put(t.url("/v1/me/devices"))
            .bearer_auth(&who.token)
            .json(&json!({ "publicKey": device_key_hex(&self.key.verifying_key()) }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
    }
}

/// What the workstation queued offline: a new mobile, and a master's degree with its scan.
pub struct Unsent {
    pub mutations: Vec<Mutation>,
    pub scan: Vec<u8>,
}

pub async fn unsent(t: &TestServer, who: &Person) -> Unsent {
    let record: EmployeeRecord = t.record(&who.token).await.json().await.unwrap();
    let scan = pdf(40_000, "sealed export");
    let contact = ContactUpdate {
        mobile: "0555123987".into(),
        email: record.profile.email.clone(),
        address: record.profile.address.clone(),
    };
    let qualification = QualificationSubmission {
        id: "aa112233445566778899aabbccddeeff".into(),
        receipt: "20261128-0001".into(),
        details: super::master_s_degree(),
        attachments: vec![AttachmentRef {
            sha256: sha256_hex(&scan),
            name: "شهادة الماجستير.pdf".into(),
            kind: AttachmentKind::Pdf,
            size: scan.len() as u64,
            role: AttachmentRole::Certificate,
        }],
        terms_version: TERMS_VERSION.into(),
        accepted_at: t.clock_now(),
        updates: None,
    };
    let mutations = vec![
        Mutation {
            id: 1,
            base_version: 0,
            fields: vec!["mobile".into()],
            body: MutationBody::UpdateContact(contact),
        },
        Mutation {
            id: 2,
            base_version: 0,
            fields: vec![],
            body: MutationBody::SubmitQualification(Box::new(qualification)),
        },
    ];
    Unsent { mutations, scan }
}

/// The workstation's sealed export of `unsent`, written at `at`.
pub async fn sealed(
    t: &TestServer,
    who: &Person,
    from: &Workstation,
    unsent: &Unsent,
    at: DateTime<Utc>,
) -> Vec<u8> {
    let recipient: ExportRecipient =
        t.http.get(t.url("/v1/exports/recipient")).send().await.unwrap().json().await.unwrap();
    let recipient: age::x25519::Recipient = recipient.recipient.parse().unwrap();
    let manifest = Manifest {
        national_id: who.account.national_id.as_str().to_owned(),
        client_id: from.client_id.clone(),
        device_key: device_key_hex(&from.key.verifying_key()),
        created_at: at,
        mutations: unsent.mutations.clone(),
        attachments: vec![SealedAttachment {
            sha256: sha256_hex(&unsent.scan),
            size: unsent.scan.len() as u64,
            name: "شهادة الماجستير.pdf".into(),
        }],
    };
    seal(Vec::new(), &recipient, &from.key, &manifest, |_, _| Ok(unsent.scan.as_slice())).unwrap()
}

pub async fn import(t: &TestServer, path: &str, token: &str, file: Vec<u8>) -> reqwest::Response {
    t.http
        .post(t.url(path))
        .bearer_auth(token)
        .header("Content-Type", "application/octet-stream")
        .body(file)
        .send()
        .await
        .unwrap()
}

pub async fn refused(response: reqwest::Response, status: StatusCode, problem: ImportProblem) {
    assert_eq!(response.status(), status);
    let body: ApiErrorBody = response.json().await.unwrap();
    assert_eq!(body.code, ApiErrorCode::ImportRefused);
    assert_eq!(body.import_problem, Some(problem), "{}", body.message);
}

/// The employee's mobile and profile version as the server has them.
pub async fn mobile(t: &TestServer, who: &Person) -> String {
    let record: EmployeeRecord = t.record(&who.token).await.json().await.unwrap();
    record.profile.mobile
}

pub async fn requests(t: &TestServer, who: &Person) -> usize {
    t.count(&format!(
        "SELECT count(*) FROM qualification_records WHERE owner = '{}'",
        who.account.national_id.as_str()
    ))
    .await as usize
}

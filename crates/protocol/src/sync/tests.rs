//! The sync protocol's rules: checks before queueing, who may edit, the overlay of queued edits.

use super::*;
use crate::validate::FieldProblem;

#[test]
fn a_mutation_travels_as_id_base_version_name_and_args() {
    let mutation = Mutation {
        id: 7,
        base_version: 3,
        fields: vec![],
        body: MutationBody::UpdateEmployment(EmploymentUpdate { entity: "x".into(), job_title: "y".into() }),
    };
    let json = serde_json::to_value(&mutation).unwrap();
    assert_eq!(json["id"], 7);
    assert_eq!(json["baseVersion"], 3);
    assert_eq!(json["name"], "update_employment");
    assert_eq!(json["args"]["jobTitle"], "y");
    let back: Mutation = serde_json::from_value(json).unwrap();
    assert_eq!(back, mutation);
}

#[test]
fn outcomes_are_tagged() {
    let result = MutationResult { id: 1, outcome: MutationOutcome::Applied { version: 4 }, replayed: false };
    let json = serde_json::to_value(&result).unwrap();
    assert_eq!(json, serde_json::json!({ "id": 1, "outcome": "applied", "version": 4 }));
}

fn profile() -> EmployeeProfile {
    crate::record::tests::sample_profile()
}

fn contact(mobile: &str, email: &str, postal: &str) -> MutationBody {
    let p = profile();
    MutationBody::UpdateContact(ContactUpdate {
        mobile: mobile.into(),
        email: email.into(),
        address: crate::record::NationalAddress { postal_code: postal.into(), ..p.address },
    })
}

#[test]
fn an_employees_edit_is_checked_by_the_registry_and_hr_fields_are_refused() {
    assert_eq!(check(&contact("0512345678", "a@b.sa", "12345")), Ok(()));
    let errors = check(&contact("0412345678", "a@b.sa", "12345")).unwrap_err();
    assert_eq!(errors, [FieldError::new("mobile", FieldProblem::MobileFormat)]);
    let employment =
        MutationBody::UpdateEmployment(EmploymentUpdate { entity: "x".into(), job_title: "y".into() });
    let refused = check(&employment).unwrap_err();
    assert_eq!(
        refused,
        [FieldError::new("entity", FieldProblem::HrOnly), FieldError::new("jobTitle", FieldProblem::HrOnly)]
    );
    assert_eq!(hr_only(), refused);
    assert_eq!(employment.section(), Some(Section::Employment));
    assert!(employment.checked().is_ok(), "HR's own edit passes the rules");
}

#[test]
fn the_overlay_shows_only_the_touched_valid_values() {
    let before = profile();
    let edit = contact("0555000111", "new@mof.gov.sa", "1234");
    let touched = overlay(&before, &edit, &["mobile".into()]);
    assert_eq!(touched.mobile, "+966555000111", "normalised as the server stores it");
    assert_eq!(touched.email, before.email, "an untouched field keeps the server's value");
    let all = overlay(&before, &edit, &[]);
    assert_eq!((all.mobile.as_str(), all.email.as_str()), ("+966555000111", "new@mof.gov.sa"));
    assert_eq!(all.address.postal_code, before.address.postal_code, "an invalid value is not shown");
}

#[test]
fn a_change_names_its_kind_id_and_version() {
    let change =
        Change::Profile { seq: 7, id: "1000000008".into(), version: 3, profile: Box::new(profile()) };
    assert_eq!(
        (change.kind(), change.id(), change.version(), change.seq()),
        (RecordKind::Profile, "1000000008", 3, 7)
    );
    let json = serde_json::to_value(&change).unwrap();
    assert_eq!((json["kind"].as_str(), json["id"].as_str()), (Some("profile"), Some("1000000008")));
    assert_eq!(RecordKind::parse(RecordKind::Profile.as_str()), Some(RecordKind::Profile));
    assert_eq!(RecordKind::parse("qualification"), Some(RecordKind::Qualification));
    assert_eq!(RecordKind::parse("application"), Some(RecordKind::Application));
    assert_eq!(RecordKind::parse("training"), None, "not a kind");
    assert_eq!(contact("0", "", "").kind(), RecordKind::Profile);
}

#[test]
fn an_application_travels_as_its_own_mutation_and_record_kind() {
    use crate::training::ApplicationRequest;
    let body = MutationBody::ApplyForOpportunity(ApplicationRequest {
        id: "0123456789abcdef0123456789abcdef".into(),
        opportunity_id: "opp-1".into(),
        receipt: "20261129-0002".into(),
    });
    assert_eq!((body.kind(), body.section(), body.values()), (RecordKind::Application, None, vec![]));
    let mutation = Mutation { id: 4, base_version: 0, fields: vec![], body };
    let json = serde_json::to_value(&mutation).unwrap();
    assert_eq!(json["name"], "apply_for_opportunity");
    assert_eq!(json["args"]["opportunityId"], "opp-1");
    assert_eq!(serde_json::from_value::<Mutation>(json).unwrap(), mutation);
}

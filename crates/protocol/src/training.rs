//! التقديم على فرص التدريب والابتعاث: who may apply for an opportunity (deadline, rank), the
//! application the app queues through sync, and the record that comes back (received, then
//! accepted or declined with the reason), each with its receipt and transaction numbers.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::record::Opportunity;
use crate::validate::{FieldError, FieldProblem};

/// Why an employee may not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Ineligible {
    /// The deadline has passed.
    Closed,
    /// The rank is below the opportunity's minimum.
    Rank,
}

/// Whether an employee of `rank` may apply for `opportunity` on `today` (the deadline day
/// included), and why not.
pub fn eligibility(opportunity: &Opportunity, rank: u8, today: NaiveDate) -> Option<Ineligible> {
    if opportunity.application_deadline < today {
        Some(Ineligible::Closed)
    } else if rank < opportunity.minimum_rank {
        Some(Ineligible::Rank)
    } else {
        None
    }
}

/// The employee's application, queued on the workstation (offline too) and pushed by sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApplicationRequest {
    /// Chosen by the app: 32 hex characters.
    pub id: String,
    pub opportunity_id: String,
    /// The receipt number the app gave the employee when they applied.
    pub receipt: String,
}

/// Where an application stands: تم الاستلام, then مقبول or معتذر.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Received,
    Accepted,
    Declined,
}

crate::wire_names!(ApplicationStatus { Received => "received", Accepted => "accepted", Declined => "declined" });

/// An application as the server holds it (the sync record of kind `application`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApplicationRecord {
    pub id: String,
    pub opportunity_id: String,
    pub receipt: String,
    /// The server's transaction number (رقم المعاملة), given when it received the application.
    pub transaction_number: String,
    pub state: ApplicationStatus,
    /// The training administration's reason when declined.
    pub reason: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// The training administration's decision on a received application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "decision", rename_all = "snake_case", rename_all_fields = "camelCase")]
pub enum ApplicationDecision {
    Accept,
    Decline { reason: String },
}

/// An application in the administration's list, with the applicant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Applicant {
    pub national_id: crate::NationalId,
    pub name_ar: crate::record::PersonName,
    pub rank: u8,
    /// The applicant's entity (the officer's list holds their own entity's only).
    pub entity: String,
    /// The opportunity's seats not yet taken (by anyone, of any entity).
    pub seats_left: u16,
    pub application: ApplicationRecord,
}

/// `GET /v1/hr/applications`: which ones (both filters optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(rename_all = "camelCase")]
pub struct ApplicantFilter {
    /// One opportunity's applications.
    pub opportunity: Option<String>,
    /// Only those in this state.
    pub state: Option<ApplicationStatus>,
}

/// The checks the server makes on an application, for the app to make first: the opportunity
/// exists, is open to this rank on `today`, and this employee has not applied for it already.
pub fn check(
    request: &ApplicationRequest,
    opportunity: Option<&Opportunity>,
    rank: u8,
    today: NaiveDate,
    applied_already: bool,
) -> Result<(), Vec<FieldError>> {
    let problem = if crate::RecordId::parse(&request.id).is_none() {
        FieldError::new("id", FieldProblem::Required)
    } else if request.receipt.trim().is_empty() || request.receipt.chars().count() > 40 {
        FieldError::new("receipt", FieldProblem::Required)
    } else {
        let Some(opportunity) = opportunity else {
            return Err(vec![FieldError::new("opportunity", FieldProblem::NoSuchOpportunity)]);
        };
        match eligibility(opportunity, rank, today) {
            Some(Ineligible::Closed) => FieldError::new("opportunity", FieldProblem::ApplicationsClosed),
            Some(Ineligible::Rank) => FieldError::with_limit(
                "opportunity",
                FieldProblem::RankBelowMinimum,
                usize::from(opportunity.minimum_rank),
            ),
            None if applied_already => FieldError::new("opportunity", FieldProblem::AppliedAlready),
            None => return Ok(()),
        }
    };
    Err(vec![problem])
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::record::OpportunityKind;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn opportunity(deadline: &str, minimum_rank: u8) -> Opportunity {
        Opportunity {
            id: "opp-1".into(),
            kind: OpportunityKind::Training,
            title: "إدارة المشاريع".into(),
            provider: "معهد الإدارة العامة".into(),
            location: "الرياض".into(),
            start_date: day("2027-01-10"),
            duration_days: 5,
            application_deadline: day(deadline),
            seats: 20,
            minimum_rank,
        }
    }

    fn request() -> ApplicationRequest {
        ApplicationRequest {
            id: "0123456789abcdef0123456789abcdef".into(),
            opportunity_id: "opp-1".into(),
            receipt: "20261129-0001".into(),
        }
    }

    #[test]
    fn the_deadline_day_is_still_open_and_the_day_after_is_not() {
        let o = opportunity("2026-12-01", 6);
        assert_eq!(eligibility(&o, 6, day("2026-12-01")), None);
        assert_eq!(eligibility(&o, 6, day("2026-12-02")), Some(Ineligible::Closed));
        assert_eq!(eligibility(&o, 5, day("2026-11-29")), Some(Ineligible::Rank));
        // Closed wins: a higher rank does not reopen it.
        assert_eq!(eligibility(&o, 5, day("2026-12-02")), Some(Ineligible::Closed));
    }

    #[test]
    fn an_application_is_refused_with_the_reason_the_app_can_show() {
        let o = opportunity("2026-12-01", 6);
        let today = day("2026-11-29");
        assert_eq!(check(&request(), Some(&o), 7, today, false), Ok(()));
        let problem = |result: Result<(), Vec<FieldError>>| result.unwrap_err()[0].problem;
        assert_eq!(problem(check(&request(), None, 7, today, false)), FieldProblem::NoSuchOpportunity);
        assert_eq!(
            problem(check(&request(), Some(&o), 7, day("2026-12-05"), false)),
            FieldProblem::ApplicationsClosed
        );
        let rank = check(&request(), Some(&o), 4, today, false).unwrap_err();
        assert_eq!((rank[0].problem, rank[0].limit), (FieldProblem::RankBelowMinimum, Some(6)));
        assert_eq!(problem(check(&request(), Some(&o), 7, today, true)), FieldProblem::AppliedAlready);
        let bad_id = ApplicationRequest { id: "not-hex".into(), ..request() };
        assert_eq!(check(&bad_id, Some(&o), 7, today, false).unwrap_err()[0].field, "id");
    }
}

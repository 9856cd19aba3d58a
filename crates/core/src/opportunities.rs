//! فرص التدريب والابتعاث: the training courses and scholarships open to government employees,
//! fetched when the server answers and kept in the vault (so they show offline), each marked
//! whether this employee may apply (rank, deadline) and where their application stands, filtered
//! by kind, city, start date and eligibility.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Local, NaiveDate};
use masar_protocol::record::{Opportunity, OpportunityKind};
pub use masar_protocol::training::Ineligible;
use masar_protocol::training::eligibility;
use serde::{Deserialize, Serialize};

use crate::applications::{self, ApplicationView};

use crate::context::Context;
use crate::failure::SessionError;
use crate::vault::VaultError;

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OpportunityFilter {
    pub kind: Option<OpportunityKind>,
    /// Part of the place's name.
    pub city: Option<String>,
    /// Only those this employee may apply for now.
    pub eligible_only: bool,
    /// Starting on or after this day.
    pub starts_from: Option<NaiveDate>,
    /// Starting on or before this day.
    pub starts_until: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OpportunityItem {
    pub opportunity: Opportunity,
    pub ineligible: Option<Ineligible>,
    /// The employee's application for it, if any.
    pub application: Option<ApplicationView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OpportunityList {
    pub items: Vec<OpportunityItem>,
    /// The places there are, for the city filter.
    pub cities: Vec<String>,
    /// False when shown from the copy kept here (the server did not answer).
    pub fresh: bool,
}

/// Marks and filters `all` for an employee of `rank` on `today` with `applied` (by opportunity).
pub fn arrange(
    all: &[Opportunity],
    rank: u8,
    today: NaiveDate,
    applied: &HashMap<String, ApplicationView>,
    filter: &OpportunityFilter,
) -> Vec<OpportunityItem> {
    let city = filter.city.as_deref().map(str::trim).filter(|c| !c.is_empty());
    let mut items: Vec<OpportunityItem> = all
        .iter()
        .filter(|o| filter.kind.is_none_or(|kind| o.kind == kind))
        .filter(|o| city.is_none_or(|city| o.location.contains(city)))
        .filter(|o| filter.starts_from.is_none_or(|from| o.start_date >= from))
        .filter(|o| filter.starts_until.is_none_or(|until| o.start_date <= until))
        .map(|o| OpportunityItem {
            opportunity: o.clone(),
            ineligible: eligibility(o, rank, today),
            application: applied.get(&o.id).cloned(),
        })
        .filter(|item| !filter.eligible_only || item.ineligible.is_none())
        .collect();
    // Open to this employee first, then those needing a higher rank, the closed ones last; each
    // group by the nearest deadline.
    let group = |item: &OpportunityItem| match item.ineligible {
        None => 0,
        Some(Ineligible::Rank) => 1,
        Some(Ineligible::Closed) => 2,
    };
    items.sort_by_key(|item| (group(item), item.opportunity.application_deadline));
    items
}

#[derive(Debug, Clone)]
pub struct Opportunities {
    cx: Arc<Context>,
}

impl Opportunities {
    pub fn new(cx: Arc<Context>) -> Self {
        Self { cx }
    }

    pub async fn list(&self, filter: OpportunityFilter) -> Result<OpportunityList, SessionError> {
        let active = self.cx.active()?;
        let client = self.cx.client();
        let fetch = &*client;
        let answered = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            active.with_token(fetch, |token| async move { fetch.opportunities(&token).await }),
        )
        .await;
        let (all, fresh) = match answered {
            Ok(Ok(all)) => {
                let json = serde_json::to_string(&all).map_err(|e| SessionError::Task(e.to_string()))?;
                active.vault(move |vault| Ok(vault.db.set_kept("opportunities", &json)?)).await?;
                (all, true)
            }
            _ => (active.vault(|vault| Ok(applications::kept_opportunities(vault.db)?)).await?, false),
        };
        let (rank, applied) = active
            .vault(|vault| {
                let record = vault.db.load_record().map_err(VaultError::from)?;
                Ok((record.map_or(0, |(record, _)| record.profile.rank), applications::known(vault.db)?))
            })
            .await?;
        let mut cities: Vec<String> = all.iter().map(|o: &Opportunity| o.location.clone()).collect();
        cities.sort();
        cities.dedup();
        let items = arrange(&all, rank, Local::now().date_naive(), &applied, &filter);
        Ok(OpportunityList { items, cities, fresh })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn opportunity(
        id: &str,
        kind: OpportunityKind,
        location: &str,
        deadline: &str,
        minimum_rank: u8,
    ) -> Opportunity {
        Opportunity {
            id: id.into(),
            kind,
            title: "إدارة المشاريع".into(),
            provider: "معهد الإدارة العامة".into(),
            location: location.into(),
            // A month after the deadline.
            start_date: NaiveDate::parse_from_str(deadline, "%Y-%m-%d").unwrap() + chrono::Days::new(30),
            duration_days: 5,
            application_deadline: NaiveDate::parse_from_str(deadline, "%Y-%m-%d").unwrap(),
            seats: 20,
            minimum_rank,
        }
    }

    #[test]
    fn each_opportunity_says_whether_the_employee_may_apply_and_filters_narrow_the_list() {
        use OpportunityKind::*;
        let all = [
            opportunity("a", Training, "الرياض", "2026-12-20", 6),
            opportunity("b", Scholarship, "لندن", "2026-12-10", 8),
            opportunity("c", Training, "جدة", "2026-11-01", 4),
        ];
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let none = HashMap::new();
        let items = arrange(&all, 7, today, &none, &OpportunityFilter::default());
        let marks: Vec<(&str, Option<Ineligible>)> =
            items.iter().map(|i| (i.opportunity.id.as_str(), i.ineligible)).collect();
        assert_eq!(marks, [("a", None), ("b", Some(Ineligible::Rank)), ("c", Some(Ineligible::Closed))]);

        let filter =
            OpportunityFilter { kind: Some(Training), eligible_only: true, ..OpportunityFilter::default() };
        let ids: Vec<String> =
            arrange(&all, 7, today, &none, &filter).into_iter().map(|i| i.opportunity.id).collect();
        assert_eq!(ids, ["a"]);
        let in_jeddah = OpportunityFilter { city: Some(" جدة ".into()), ..OpportunityFilter::default() };
        assert_eq!(arrange(&all, 7, today, &none, &in_jeddah).len(), 1);

        // Start dates: a, b and c start on 2027-01-19, 2027-01-09 and 2026-12-01; both ends count.
        let day = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap();
        let january = OpportunityFilter {
            starts_from: Some(day("2027-01-09")),
            starts_until: Some(day("2027-01-19")),
            ..OpportunityFilter::default()
        };
        let ids: Vec<String> =
            arrange(&all, 7, today, &none, &january).into_iter().map(|i| i.opportunity.id).collect();
        assert_eq!(ids, ["a", "b"]);
    }

    #[test]
    fn an_opportunity_carries_the_employees_application() {
        let all = [opportunity("a", OpportunityKind::Training, "الرياض", "2026-12-20", 6)];
        let view = ApplicationView {
            id: "0123456789abcdef0123456789abcdef".into(),
            receipt: "20261129-0003".into(),
            transaction_number: None,
            state: applications::ApplicationState::Waiting,
            stage: crate::stage::Stage::Saved,
            applied_at: chrono::Utc::now(),
        };
        let applied = HashMap::from([("a".to_owned(), view.clone())]);
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let items = arrange(&all, 7, today, &applied, &OpportunityFilter::default());
        assert_eq!(items[0].application, Some(view));
    }
}

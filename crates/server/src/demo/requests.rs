//! The demo's qualifications still under review, as the requests HR's queue lists: each one on a
//! record «قيد المراجعة» was sent as an update of that record's qualification some days before the
//! demo's today, with the record's own details (sent before scans were kept, so none attached).

use masar_protocol::NationalId;
use masar_protocol::qualification::{
    QualificationDetails, QualificationStatus, QualificationSubmission, TERMS_VERSION,
};
use sha2::{Digest, Sha256};

use super::DemoData;

/// A request the demo seeds: whose, what, and when it was sent.
#[derive(Debug, Clone)]
pub struct SeededRequest {
    pub owner: NationalId,
    pub submission: QualificationSubmission,
    pub submitted_ms: i64,
}

const DAY_MS: i64 = 86_400_000;

/// One request per qualification under review on a demo record, sent 2 to 30 days before `now_ms`
/// (older ones first in the queue); ids and receipts derived from the employee and the
/// qualification, so the same seed gives the same requests.
pub fn review_requests(data: &DemoData, now_ms: i64) -> Vec<SeededRequest> {
    let mut requests = Vec::new();
    for (index, (record, _)) in data.accounts().enumerate() {
        let owner = &record.profile.national_id;
        for q in record.qualifications.iter().filter(|q| q.status == QualificationStatus::UnderReview) {
            let digest = Sha256::digest(format!("{owner}/{}", q.id).as_bytes());
            let id: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
            let days = i64::try_from(index % 29).unwrap_or(0) + 2;
            let submitted_ms = now_ms - days * DAY_MS;
            let accepted_at = chrono::DateTime::from_timestamp_millis(submitted_ms).unwrap_or_default();
            requests.push(SeededRequest {
                owner: owner.clone(),
                submission: QualificationSubmission {
                    receipt: format!("{}-{:04}", accepted_at.format("%Y%m%d"), index + 1),
                    id,
                    details: QualificationDetails::of_record(q),
                    attachments: Vec::new(),
                    terms_version: TERMS_VERSION.to_owned(),
                    accepted_at,
                    updates: Some(q.id.clone()),
                },
                submitted_ms,
            });
        }
    }
    requests.sort_by_key(|r| r.submitted_ms);
    requests
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_qualification_under_review_on_a_demo_record_is_a_request_in_the_queue() {
        let today = chrono::NaiveDate::from_ymd_opt(2027, 3, 1).unwrap_or_default();
        let data = super::super::generate(1448, today);
        let now_ms = 1_803_000_000_000;
        let requests = review_requests(&data, now_ms);
        let waiting: usize = data
            .accounts()
            .map(|(r, _)| {
                r.qualifications.iter().filter(|q| q.status == QualificationStatus::UnderReview).count()
            })
            .sum();
        assert!(waiting >= 3, "the demo has some in every run: {waiting}");
        assert_eq!(requests.len(), waiting);
        let ids: std::collections::BTreeSet<&str> =
            requests.iter().map(|r| r.submission.id.as_str()).collect();
        assert_eq!(ids.len(), requests.len(), "one id each");
        assert!(requests.iter().all(|r| r.submission.id.len() == 32 && r.submission.updates.is_some()));
        assert!(requests.iter().all(|r| (2..=30).contains(&((now_ms - r.submitted_ms) / DAY_MS))));
        assert!(requests.windows(2).all(|w| w[0].submitted_ms <= w[1].submitted_ms), "oldest first");
        // The same seed gives the same requests.
        let again = review_requests(&super::super::generate(1448, today), now_ms);
        assert_eq!(
            again.iter().map(|r| &r.submission).collect::<Vec<_>>(),
            requests.iter().map(|r| &r.submission).collect::<Vec<_>>()
        );
    }
}

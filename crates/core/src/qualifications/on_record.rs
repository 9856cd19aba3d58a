//! The qualifications on the employee's record (المؤهلات في السجل) and تحديث المؤهل: a new
//! request, filled from one of them, that names it; HR's verification then changes the record.

use masar_protocol::Qualification;
use masar_protocol::qualification::QualificationDetails;
use serde::Serialize;

use super::{QualificationError, QualificationForm, Qualifications, new_id};
use crate::vault::VaultError;

/// A new update request: its draft's id and the form filled from the record.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UpdateDraft {
    pub id: String,
    pub form: QualificationForm,
}

impl Qualifications {
    /// The record's qualifications, newest first: as the server holds them when it answers within
    /// a few seconds (the local copy refreshed), else the local copy.
    pub async fn on_record(&self) -> Result<Vec<Qualification>, QualificationError> {
        let active = self.cx.active()?;
        let client = self.cx.client();
        let fetch = &*client;
        let fresh = tokio::time::timeout(
            std::time::Duration::from_secs(5),
            active.with_token(fetch, |token| async move { fetch.my_record(&token).await }),
        )
        .await;
        if let Ok(Ok(record)) = fresh {
            active.vault(move |vault| Ok(vault.db.save_record(&record, chrono::Utc::now())?)).await?;
        }
        let record = active.vault(|vault| Ok(vault.db.load_record().map_err(VaultError::from)?)).await?;
        let mut list = record.map(|(record, _)| record.qualifications).unwrap_or_default();
        list.sort_by_key(|q| std::cmp::Reverse(q.graduation_date));
        Ok(list)
    }

    /// تحديث المؤهل: a draft filled from the record's qualification `id`, naming it, with no files
    /// yet (the employee attaches the new scans), saved at once.
    pub async fn start_update(&self, id: String) -> Result<UpdateDraft, QualificationError> {
        let active = self.cx.active()?;
        let record = active.vault(|vault| Ok(vault.db.load_record().map_err(VaultError::from)?)).await?;
        let on_record = record
            .and_then(|(record, _)| record.qualifications.into_iter().find(|q| q.id == id))
            .ok_or(QualificationError::NoSuchQualification)?;
        let form = QualificationForm {
            updates: Some(on_record.id.clone()),
            ..QualificationForm::from_details(&QualificationDetails::of_record(&on_record))
        };
        let draft = new_id()?;
        self.save(draft.clone(), form.clone()).await?;
        Ok(UpdateDraft { id: draft, form })
    }
}

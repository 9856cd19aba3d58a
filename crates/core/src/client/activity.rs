//! سجل النشاط and HR's work on one employee: the signed-in employee's trail; an employee's
//! record, employment data and trail as an HR officer of their entity reads and changes them.

use masar_protocol::activity::ActivityEntry;
use masar_protocol::hr::EmploymentChange;
use masar_protocol::sync::MutationOutcome;
use masar_protocol::{EmployeeRecord, NationalId};

use super::{ClientError, MasarClient, send_json, send_json_tagged};
use crate::secret::{ExposeSecret, SecretString};

impl MasarClient {
    pub async fn my_activity(&self, token: &SecretString) -> Result<Vec<ActivityEntry>, ClientError> {
        send_json(self.http()?.get(self.url("v1/me/activity")?).bearer_auth(token.expose_secret())).await
    }

    fn employee_url(&self, id: &NationalId, what: &str) -> Result<url::Url, ClientError> {
        self.url(&format!("v1/hr/employees/{}/{what}", id.as_str()))
    }

    /// The record and its profile's version (the answer's `ETag`), what an edit is made on.
    pub async fn employee_record(
        &self,
        token: &SecretString,
        id: &NationalId,
    ) -> Result<(EmployeeRecord, u64), ClientError> {
        let request = self.http()?.get(self.employee_url(id, "record")?).bearer_auth(token.expose_secret());
        let (record, tag) = send_json_tagged(request).await?;
        let version = tag
            .and_then(|tag| tag.parse().ok())
            .ok_or_else(|| ClientError::BadResponse("the record came without its version".into()))?;
        Ok((record, version))
    }

    pub async fn employee_activity(
        &self,
        token: &SecretString,
        id: &NationalId,
    ) -> Result<Vec<ActivityEntry>, ClientError> {
        send_json(self.http()?.get(self.employee_url(id, "activity")?).bearer_auth(token.expose_secret()))
            .await
    }

    pub async fn update_employment(
        &self,
        token: &SecretString,
        id: &NationalId,
        change: &EmploymentChange,
    ) -> Result<MutationOutcome, ClientError> {
        let request = self.http()?.put(self.employee_url(id, "employment")?);
        send_json(request.bearer_auth(token.expose_secret()).json(change)).await
    }
}

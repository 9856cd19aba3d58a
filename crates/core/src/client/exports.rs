//! Sealed exports (see `masar_protocol::sealed`): the server's recipient key, this workstation's
//! device key registered for the employee, and a sealed file sent to one of the two doors.

use std::path::Path;
use std::time::Duration;

use masar_protocol::imports::{DeviceKey, ExportRecipient, ImportReport};

use super::{ClientError, MasarClient, error_from, send_json};
use crate::secret::{ExposeSecret, SecretString};

/// A file of a few gigabytes on a slow office link.
const IMPORT_TIMEOUT: Duration = Duration::from_secs(4 * 60 * 60);

/// Who sends the file in: the employee it belongs to, or an HR officer of their entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ImportDoor {
    Employee,
    Hr,
}

impl MasarClient {
    /// The key sealed exports are encrypted to (`age1…`).
    pub async fn export_recipient(&self) -> Result<ExportRecipient, ClientError> {
        send_json(self.http()?.get(self.url("v1/exports/recipient")?)).await
    }

    /// Registers this workstation's device key for the signed-in employee.
    pub async fn register_device(&self, token: &SecretString, key: &DeviceKey) -> Result<(), ClientError> {
        let request =
            self.http()?.put(self.url("v1/me/devices")?).bearer_auth(token.expose_secret()).json(key);
        let response = request.send().await.map_err(|e| ClientError::from_reqwest(&e))?;
        if response.status().is_success() { Ok(()) } else { Err(error_from(response).await) }
    }

    /// Streams the sealed file at `path` to the door; the server's report per item.
    pub async fn import_sealed(
        &self,
        token: &SecretString,
        path: &Path,
        door: ImportDoor,
    ) -> Result<ImportReport, ClientError> {
        let route = match door {
            ImportDoor::Employee => "v1/imports",
            ImportDoor::Hr => "v1/hr/imports",
        };
        let file = tokio::fs::File::open(path).await.map_err(|e| ClientError::LocalFile(e.to_string()))?;
        let length = file.metadata().await.map_err(|e| ClientError::LocalFile(e.to_string()))?.len();
        let request = self
            .http()?
            .post(self.url(route)?)
            .bearer_auth(token.expose_secret())
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .header(reqwest::header::CONTENT_LENGTH, length)
            .timeout(IMPORT_TIMEOUT)
            .body(reqwest::Body::from(file));
        send_json(request).await
    }
}

/// Why a sealed file was refused, as the UI words it.
pub(super) fn import_detail(problem: masar_protocol::imports::ImportProblem) -> crate::codes::ErrorDetail {
    use crate::codes::ErrorDetail;
    use masar_protocol::imports::ImportProblem;
    match problem {
        ImportProblem::NotSealed => ErrorDetail::ImportNotSealed,
        ImportProblem::OtherServer => ErrorDetail::ImportOtherServer,
        ImportProblem::Damaged => ErrorDetail::ImportDamaged,
        ImportProblem::BadSignature => ErrorDetail::ImportBadSignature,
        ImportProblem::UnregisteredDevice => ErrorDetail::ImportUnregisteredDevice,
        ImportProblem::OtherEmployee => ErrorDetail::ImportOtherEmployee,
        ImportProblem::TooOld => ErrorDetail::ImportTooOld,
        ImportProblem::TooLarge => ErrorDetail::ImportTooLarge,
    }
}

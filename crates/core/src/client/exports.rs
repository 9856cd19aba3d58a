//! Sealed exports (see `masar_protocol::sealed`): the server's recipient key, this workstation's
//! device key registered for the employee, and a sealed file sent to one of the two doors.

use std::path::Path;
use std::time::Duration;

use masar_protocol::imports::{DeviceKey, ExportRecipient, ImportReport};

use super::{ClientError, MasarClient, error_from, send_json};
use crate::secret::{ExposeSecret, SecretString};

/// The import itself, once the file is on the server: a few gigabytes decrypted and checked.
const IMPORT_TIMEOUT: Duration = Duration::from_secs(60 * 60);
/// One PATCH of the upload (memory holds one at a time).
const CHUNK: u64 = 8 * 1024 * 1024;
/// How often a dropped link is taken up again before the import gives up (the file stays).
const MAX_RESUMES: u32 = 5;
/// The first wait before taking it up again (then twice, three times… as long).
const RESUME_PAUSE: Duration = Duration::from_secs(2);

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

    /// Sends the sealed file at `path` to the door: as a resumable (tus) upload, taken up again
    /// where it stood when the link drops (a few times, waiting longer each time), then imported
    /// by naming it. The server's report per item.
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
        let local = |e: std::io::Error| ClientError::LocalFile(e.to_string());
        let mut file = tokio::fs::File::open(path).await.map_err(local)?;
        let length = file.metadata().await.map_err(local)?.len();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("export.masar");
        let location = self.import_upload_create(token, length, name).await?;
        let mut offset = 0;
        let mut resumed = 0;
        while offset < length {
            let chunk = read_chunk(&mut file, offset, length).await.map_err(local)?;
            offset = match self.upload_chunk(token, &location, offset, chunk).await {
                Ok(next) => next,
                Err(ClientError::Unreachable(_) | ClientError::Timeout) if resumed < MAX_RESUMES => {
                    resumed += 1;
                    tracing::info!(resumed, "the link dropped during an import's upload; taking it up again");
                    tokio::time::sleep(RESUME_PAUSE * resumed).await;
                    self.upload_offset(token, &location)
                        .await?
                        .ok_or_else(|| ClientError::BadResponse("the import's upload is gone".into()))?
                }
                Err(error) => return Err(error),
            };
        }
        let id = location.rsplit('/').next().unwrap_or_default();
        let mut url = self.url(route)?;
        url.query_pairs_mut().append_pair("upload", id);
        let request = self.http()?.post(url).bearer_auth(token.expose_secret()).timeout(IMPORT_TIMEOUT);
        send_json(request).await
    }

    /// tus creation of a sealed export's upload (`/v1/imports/uploads`); the upload's URL.
    async fn import_upload_create(
        &self,
        token: &SecretString,
        length: u64,
        name: &str,
    ) -> Result<String, ClientError> {
        use base64::Engine;
        let metadata = format!("filename {}", base64::engine::general_purpose::STANDARD.encode(name));
        self.tus_create(token, "v1/imports/uploads", length, &metadata).await
    }
}

/// The file's bytes from `offset`, at most [`CHUNK`] of them.
async fn read_chunk(file: &mut tokio::fs::File, offset: u64, length: u64) -> std::io::Result<bytes::Bytes> {
    use tokio::io::{AsyncReadExt, AsyncSeekExt};
    let size = usize::try_from((length - offset).min(CHUNK)).unwrap_or(usize::MAX);
    let mut buffer = vec![0_u8; size];
    file.seek(std::io::SeekFrom::Start(offset)).await?;
    file.read_exact(&mut buffer).await?;
    Ok(bytes::Bytes::from(buffer))
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

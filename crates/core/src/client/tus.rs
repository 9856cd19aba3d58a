//! The desktop's tus 1.0.0 client (creation, HEAD to resume, PATCH with a sha256 checksum per
//! chunk), speaking to `/v1/uploads/` with the bearer token like the rest of the API.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use masar_protocol::attachments::AttachmentLimits;
use reqwest::StatusCode;
use sha2::{Digest, Sha256};

use super::{ClientError, MasarClient, error_from};
use crate::secret::{ExposeSecret, SecretString};

/// A chunk may take a while on a slow link (the server ends an idle one after 30 s).
const CHUNK_TIMEOUT: Duration = Duration::from_secs(120);

/// What an upload is (its `Upload-Metadata`).
#[derive(Debug, Clone)]
pub struct NewUpload<'a> {
    pub length: u64,
    pub sha256: &'a str,
    pub filename: &'a str,
    pub filetype: &'a str,
}

impl MasarClient {
    /// What the server accepts as attachments (kinds, sizes, count).
    pub async fn attachment_limits(&self) -> Result<AttachmentLimits, ClientError> {
        super::send_json(self.http()?.get(self.url("v1/attachments/limits")?)).await
    }

    /// tus creation of an attachment: returns the upload's URL.
    pub async fn upload_create(
        &self,
        token: &SecretString,
        upload: &NewUpload<'_>,
    ) -> Result<String, ClientError> {
        let metadata = format!(
            "filename {},filetype {},sha256 {}",
            STANDARD.encode(upload.filename),
            STANDARD.encode(upload.filetype),
            STANDARD.encode(upload.sha256)
        );
        self.tus_create(token, "v1/uploads", upload.length, &metadata).await
    }

    /// tus creation at `route` of an upload of `length` bytes: returns the upload's URL.
    pub(super) async fn tus_create(
        &self,
        token: &SecretString,
        route: &str,
        length: u64,
        metadata: &str,
    ) -> Result<String, ClientError> {
        let response = self
            .http()?
            .post(self.url(route)?)
            .bearer_auth(token.expose_secret())
            .header("Tus-Resumable", "1.0.0")
            .header("Upload-Length", length.to_string())
            .header("Upload-Metadata", metadata)
            .send()
            .await
            .map_err(|e| ClientError::from_reqwest(&e))?;
        if response.status() != StatusCode::CREATED {
            return Err(error_from(response).await);
        }
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| ClientError::BadResponse("creation without Location".into()))?;
        Ok(self.url(location.trim_start_matches('/'))?.to_string())
    }

    /// tus HEAD: where the upload stands; `None` when the server no longer has it (expired,
    /// ended): start a new one.
    pub async fn upload_offset(&self, token: &SecretString, url: &str) -> Result<Option<u64>, ClientError> {
        let response = self
            .http()?
            .head(url)
            .bearer_auth(token.expose_secret())
            .header("Tus-Resumable", "1.0.0")
            .send()
            .await
            .map_err(|e| ClientError::from_reqwest(&e))?;
        match response.status() {
            StatusCode::OK => offset_of(&response).map(Some),
            StatusCode::NOT_FOUND | StatusCode::GONE => Ok(None),
            StatusCode::UNAUTHORIZED => Err(ClientError::Api {
                status: 401,
                code: masar_protocol::ApiErrorCode::SessionExpired,
                retry_after: None,
                remaining: None,
                file_problem: None,
                import_problem: None,
            }),
            status => Err(ClientError::Server { status: status.as_u16() }),
        }
    }

    /// tus PATCH of `chunk` at `offset`, with its SHA-256 so a damaged chunk is refused; returns
    /// the new offset.
    pub async fn upload_chunk(
        &self,
        token: &SecretString,
        url: &str,
        offset: u64,
        chunk: bytes::Bytes,
    ) -> Result<u64, ClientError> {
        let checksum = format!("sha256 {}", STANDARD.encode(Sha256::digest(&chunk)));
        let response = self
            .http()?
            .patch(url)
            .timeout(CHUNK_TIMEOUT)
            .bearer_auth(token.expose_secret())
            .header("Tus-Resumable", "1.0.0")
            .header("Content-Type", "application/offset+octet-stream")
            .header("Upload-Offset", offset.to_string())
            .header("Upload-Checksum", checksum)
            .body(chunk)
            .send()
            .await
            .map_err(|e| ClientError::from_reqwest(&e))?;
        if response.status() != StatusCode::NO_CONTENT {
            return Err(error_from(response).await);
        }
        offset_of(&response)
    }
}

fn offset_of(response: &reqwest::Response) -> Result<u64, ClientError> {
    response
        .headers()
        .get("upload-offset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| ClientError::BadResponse("no Upload-Offset".into()))
}

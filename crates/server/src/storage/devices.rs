//! What sealed exports need kept: the workstations' device keys registered for each employee,
//! and the server's own age identity (one for every node).

use async_trait::async_trait;
use masar_protocol::NationalId;

#[async_trait]
pub trait DeviceStore: Send + Sync {
    /// Registers a workstation's Ed25519 public key (hex) for the employee; again is fine.
    async fn register_device(
        &self,
        employee: &NationalId,
        public_key: &str,
        now_ms: i64,
    ) -> anyhow::Result<()>;

    /// Whether the key was registered for this employee.
    async fn device_registered(&self, employee: &NationalId, public_key: &str) -> anyhow::Result<bool>;

    /// The server's age identity (`AGE-SECRET-KEY-1…`): `candidate` is kept when there is none
    /// yet; the one kept is returned, so every node uses the same.
    async fn export_identity(&self, candidate: &str, now_ms: i64) -> anyhow::Result<String>;
}

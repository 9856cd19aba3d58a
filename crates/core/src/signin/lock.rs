//! The lock: the idle lock closes the open vault (the employee stays chosen, a re-authentication
//! under way ends with it); the passphrase opens it again, offline too.

use super::{AuthState, SignIn, SignInError, SignOnPurpose, State};
use crate::active::SessionError;
use crate::client::MasarClient;
use crate::secret::SecretString;

impl SignIn {
    /// Whether a vault is open (signed in, not locked).
    pub fn is_open(&self) -> bool {
        matches!(&*self.state(), State::Active(_))
    }

    /// Idle lock: closes the vault and forgets the access token; the employee stays chosen.
    pub async fn lock(&self) {
        // A re-authentication under way was for the open vault: it ends with it.
        let renewing = {
            let mut flow = self.flow();
            if flow.as_ref().is_some_and(|f| f.started.purpose == SignOnPurpose::Renew) {
                flow.take()
            } else {
                None
            }
        };
        if let Some(flow) = renewing {
            flow.cancelled.notify_one();
        }
        let previous = std::mem::take(&mut *self.state());
        let next = match previous {
            State::Active(active) => {
                let mut info = active.info();
                info.online = false;
                let national_id = active.national_id().clone();
                active.close().await;
                State::Locked(info, national_id)
            }
            State::Locked(info, id) => State::Locked(info, id),
            other @ State::Passphrase(_) => other,
            State::SignedOut => State::SignedOut,
        };
        *self.state() = next;
    }

    /// Unlocks after an idle lock with the passphrase (works offline).
    pub async fn unlock(&self, client: &MasarClient, passphrase: String) -> Result<AuthState, SignInError> {
        let _step = self.steps.lock().await;
        let profile = match &*self.state() {
            State::Locked(info, _) => info.profile_id.clone(),
            _ => return Err(SessionError::NotSignedIn.into()),
        };
        let active = self.unlock_vault(client, &profile, SecretString::from(passphrase)).await?;
        let session = active.info();
        let mut state = self.state();
        match &*state {
            State::Locked(info, _) if info.profile_id == profile => *state = State::Active(active),
            _ => return Err(SessionError::NotSignedIn.into()),
        }
        Ok(AuthState::SignedIn { session })
    }
}

// Where sign-in stands, shared by the whole window. The Rust side is the authority: every
// change comes back from a command as the new state.
import { commands, unwrap, type Auth, type SessionInfo } from "./backend";

class AuthStore {
  state = $state<Auth | null>(null);
  /** A session ended mid-work: whose, while they sign in again over the page (which stays). */
  reauthFor = $state<SessionInfo | null>(null);

  get signedIn(): boolean {
    return this.state?.step === "signedIn";
  }

  /** The session reached its end: ask for a single sign-on again over the page. */
  sessionEnded(): void {
    if (this.state?.step === "signedIn") this.reauthFor = this.state.session;
  }

  async load(): Promise<void> {
    this.state = await unwrap(commands.authState());
  }

  set(next: Auth): void {
    this.state = next;
    if (next.step === "signedIn" || next.step === "locked") this.reauthFor = null;
  }
}

export const auth = new AuthStore();

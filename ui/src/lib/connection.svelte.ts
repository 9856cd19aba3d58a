// The connection status the status bar shows: the last one the Rust side published, kept
// current by its `connectionChanged` event.
import { commands, events, unwrap, type ConnectionStatus } from "./backend";
import { Followed } from "./followed";

class Connection {
  status = $state<ConnectionStatus>({ state: "checking" });
  #listening = false;
  #followed = new Followed<ConnectionStatus>((status) => (this.status = status));

  get online(): boolean {
    return this.status.state === "online";
  }

  /** Reads the current status and follows every change from then on. */
  async start(): Promise<void> {
    if (this.#listening) return;
    this.#listening = true;
    await events.connectionChanged.listen((event) => this.#followed.heard(event.payload));
    await this.#followed.asked(commands.connectionStatus());
  }

  /** Asks for a check now (the "check now" button). */
  async checkNow(): Promise<void> {
    try {
      await this.#followed.asked(unwrap(commands.checkConnection()));
    } catch {
      // The monitor keeps checking and will publish the outcome.
    }
  }
}

export const connection = new Connection();

// The sync status the status bar shows, kept current by the Rust side's `syncChanged` event.
import { commands, events, type SyncStatus } from "./backend";
import { Followed } from "./followed";

class SyncStore {
  status = $state<SyncStatus>({ state: "idle" });
  /** When the last round that reached Masar finished in this session (the offline banner says it). */
  lastSynced = $state<string | null>(null);
  #listening = false;
  #followed = new Followed<SyncStatus>((status) => {
    this.status = status;
    if (status.state === "synced") this.lastSynced = status.at;
  });
  /** Called after every change, so views can reload what the vault now holds. */
  onChange: ((status: SyncStatus) => void) | null = null;

  async start(): Promise<void> {
    if (this.#listening) return;
    this.#listening = true;
    await events.syncChanged.listen((event) => {
      this.#followed.heard(event.payload);
      this.onChange?.(event.payload);
    });
    await this.#followed.asked(commands.syncStatus());
  }
}

export const sync = new SyncStore();

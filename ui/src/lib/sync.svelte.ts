// The sync status the status bar shows, kept current by the Rust side's `syncChanged` event.
import { commands, events, type SyncStatus } from "./backend";

class SyncStore {
  status = $state<SyncStatus>({ state: "idle" });
  #listening = false;
  /** Called after every change, so views can reload what the vault now holds. */
  onChange: ((status: SyncStatus) => void) | null = null;

  async start(): Promise<void> {
    if (this.#listening) return;
    this.#listening = true;
    await events.syncChanged.listen((event) => {
      this.status = event.payload;
      this.onChange?.(event.payload);
    });
    this.status = await commands.syncStatus();
  }
}

export const sync = new SyncStore();

// «الصادر»: what the employee sent from this workstation and where each item stands, read from
// the vault when sync moves on, when a file starts or finishes going up, and after each thing
// the employee sends; the status bar and the offline banner count from it.
import { commands, unwrap, type OutgoingItem_Serialize as OutgoingItem } from "./backend";
import { newestOnly, superseded } from "./newest";

class OutgoingStore {
  items = $state<OutgoingItem[]>([]);
  /** True once the list was read for this session. */
  known = $state(false);
  readonly #newest = newestOnly();

  async reload(): Promise<void> {
    try {
      const answer = await this.#newest(unwrap(commands.outgoing()));
      if (answer === superseded) return;
      this.items = answer;
      this.known = true;
    } catch {
      // Signed out or locked meanwhile: nothing to show until the next session.
      this.clear();
    }
  }

  #soon: ReturnType<typeof setTimeout> | undefined;
  /** Reads the list again within a second, once however often it is asked meanwhile: while a
   * file goes up (a progress event per chunk), the share sent moves once a second. */
  reloadSoon(): void {
    if (this.#soon !== undefined) return;
    this.#soon = setTimeout(() => {
      this.#soon = undefined;
      void this.reload();
    }, 1000);
  }

  /** The item of `key` (`edit:12`, `qualification:…`, `application:…`), if known. */
  find(key: string): OutgoingItem | undefined {
    return this.items.find((item) => item.key === key);
  }

  clear(): void {
    this.items = [];
    this.known = false;
  }
}

export const outgoing = new OutgoingStore();

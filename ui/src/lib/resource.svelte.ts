// The one way a page loads what it shows: through one typed command, keyed, asked again when
// sync moves on (and, for lists of sent work, when an upload starts or finishes a file), with
// only the newest answer counting (see newest.ts). The last answer of each key is kept while the
// session lasts, so a page opened again shows it at once while it is asked afresh.
import { unwrap, type UiError } from "./backend";
import { asUiError } from "./errors";
import { newestOnly, superseded } from "./newest";
import { sync } from "./sync.svelte";
import { uploads } from "./uploads.svelte";

type Call<T> = Promise<{ status: "ok"; data: T } | { status: "error"; error: UiError }>;

/** What asks the resource again besides the page itself. */
export type Refresh = "sync" | "uploads";

const kept = new Map<string, unknown>();

/** Forgets every kept answer: at sign-out, lock and a change of server, nothing stays in memory. */
export function forgetResources(): void {
  kept.clear();
  sync.lastSynced = null;
}

export class Resource<T> {
  value = $state<T | null>(null);
  failure = $state<UiError | null>(null);
  /** True while a question is on its way. */
  loading = $state(false);
  #asked = 0;
  readonly #newest = newestOnly();
  readonly #key: () => string;
  readonly #ask: () => Call<T>;

  constructor(key: () => string, ask: () => Call<T>) {
    this.#key = key;
    this.#ask = ask;
    this.value = (kept.get(key()) as T | undefined) ?? null;
  }

  /** Asks again. What the question reads (a filter) is read before the first `await`, so an
   * effect that calls this follows it. */
  async reload(): Promise<void> {
    const key = this.#key();
    const mine = ++this.#asked;
    this.loading = true;
    try {
      const answer = await this.#newest(unwrap(this.#ask()));
      if (answer === superseded) return;
      kept.set(key, answer);
      this.value = answer;
      this.failure = null;
    } catch (caught) {
      this.failure = asUiError(caught);
    } finally {
      if (mine === this.#asked) this.loading = false;
    }
  }
}

/**
 * A page's data from `ask`, kept under `key`. Call it while the component initialises: the
 * effect it sets up asks at once, again on each of `refresh`, and again when what `ask` reads
 * changes.
 */
export function resource<T>(key: string | (() => string), ask: () => Call<T>, refresh: Refresh[] = ["sync"]): Resource<T> {
  const keyOf = typeof key === "string" ? () => key : key;
  const loaded = new Resource<T>(keyOf, ask);
  $effect(() => {
    if (refresh.includes("sync")) void sync.status;
    if (refresh.includes("uploads")) void uploads.moment;
    void loaded.reload();
  });
  return loaded;
}

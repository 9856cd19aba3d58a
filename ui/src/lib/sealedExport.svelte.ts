// One export of the unsent work into a sealed file, wherever it is offered (the «الصادر» page,
// the sign-out and switch-user warning): its state while the save dialog and the writing run,
// what was saved, or why it was not.
import { commands, unwrap, type Exported, type UiError } from "./backend";
import { asUiError } from "./errors";
import { i18n } from "./i18n/index.svelte";

export class SealedExport {
  busy = $state(false);
  exported = $state<Exported | null>(null);
  failure = $state<UiError | null>(null);

  /** Asks where to save and writes the file; whether a file was written (a cancelled dialog
   *  writes none and says nothing). */
  async run(): Promise<boolean> {
    if (this.busy) return false;
    this.busy = true;
    this.failure = null;
    try {
      const saved = await unwrap(commands.exportUnsent(i18n.t("sealed.saveTitle")));
      if (saved === null) return false;
      this.exported = saved;
      return true;
    } catch (caught) {
      this.failure = asUiError(caught);
      return false;
    } finally {
      this.busy = false;
    }
  }

  /** Forgets the last result (another action's result is shown instead). */
  clear(): void {
    this.exported = null;
    this.failure = null;
  }
}

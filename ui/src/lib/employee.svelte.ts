// The signed-in employee's data as shown everywhere: loaded once from the server (or the
// vault), then refreshed from the vault after each local edit or sync round.
import { commands, unwrap, type EmployeeData, type UiError } from "./backend";
import { asUiError } from "./errors";

class EmployeeStore {
  data = $state<EmployeeData | null>(null);
  error = $state<UiError | null>(null);
  loading = $state(false);

  /** From the server when it answers, else the local copy. */
  async load(): Promise<void> {
    this.loading = true;
    try {
      this.data = await unwrap(commands.employee());
      this.error = null;
    } catch (caught) {
      this.error = asUiError(caught);
    } finally {
      this.loading = false;
    }
  }

  /** From the vault only (cheap): after a sync round. */
  async refreshLocal(): Promise<void> {
    try {
      this.data = await unwrap(commands.employeeLocal());
    } catch {
      // Signed out or locked meanwhile: nothing to refresh.
    }
  }

  set(next: EmployeeData): void {
    this.data = next;
    this.error = null;
  }

  clear(): void {
    this.data = null;
    this.error = null;
  }
}

export const employee = new EmployeeStore();

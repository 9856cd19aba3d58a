// The one way the UI talks to the Rust side: the generated, typed commands and events.
export { APPLICATION_STATES, commands, events, QUALIFICATION_STATES } from "./bindings";
export type * from "./bindings";

import type { AuthState_Serialize, EmployeeView_Serialize, Settings_Serialize, UiError } from "./bindings";

/** The settings as the app hands them out: every field present. */
export type AppSettings = Settings_Serialize;
/** Where sign-in stands, as the app hands it out. */
export type Auth = AuthState_Serialize;
/** The employee's data and where it came from. */
export type EmployeeData = EmployeeView_Serialize;

/** Throws away the `{status}` wrapper: the value, or the typed error thrown. */
export async function unwrap<T>(
  call: Promise<{ status: "ok"; data: T } | { status: "error"; error: UiError }>,
): Promise<T> {
  const result = await call;
  if (result.status === "error") throw result.error;
  return result.data;
}

export function isUiError(value: unknown): value is UiError {
  return typeof value === "object" && value !== null && "code" in value && "params" in value && "fields" in value;
}

import { isUiError, type UiError } from "./backend";

/** Anything thrown, as a `UiError` the UI can show. */
export function asUiError(caught: unknown): UiError {
  return isUiError(caught) ? caught : { code: "internal", message: String(caught), fields: [] };
}

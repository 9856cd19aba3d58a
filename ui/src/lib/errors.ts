import { isUiError, type FieldError, type UiError } from "./backend";
import { fieldLabel } from "./fields";
import { i18n } from "./i18n/index.svelte";

/** Anything thrown, as a `UiError` the UI can show. */
export function asUiError(caught: unknown): UiError {
  return isUiError(caught) ? caught : { code: "internal", params: {}, fields: [] };
}

/** What to tell the employee about `error`, in the current language. */
export function errorText(error: UiError): string {
  return i18n.error(error.code, error.params);
}

/** What is wrong with one field, in the current language, naming the field. */
export function fieldErrorText(error: FieldError): string {
  return i18n.problem(error.problem, i18n.t(fieldLabel(error.field)), error.limit);
}

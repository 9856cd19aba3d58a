// Unsent work as one short line: the counts, in the user's language.
import type { UnsentWork } from "./backend";
import { i18n } from "./i18n/index.svelte";

export function unsentText(work: UnsentWork | null | undefined): string {
  if (!work) return i18n.t("carry.unknown");
  return i18n.t("carry.unsent", { edits: i18n.count("edits", work.edits), drafts: i18n.count("drafts", work.drafts) });
}

export function hasUnsent(work: UnsentWork | null | undefined): boolean {
  return !work || work.edits > 0 || work.drafts > 0;
}

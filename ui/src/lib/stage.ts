// One status model for everything the employee sends (see the core's `stage.rs`): how each
// stage is worded for each kind, its tone (colours by meaning), and how the waiting items are
// counted for the status bar and the offline banner.
import type { Form, OutgoingItem, QualificationStatus, Stage } from "./backend";
import { i18n, type MessageKey } from "./i18n/index.svelte";
import type { Counted } from "./i18n/plurals";

/** Colours by meaning: success green, warning amber, error red, information neutral. */
export type Tone = "success" | "warning" | "danger" | "info";

export function stageTone(stage: Stage, kind: Form): Tone {
  switch (stage.stage) {
    case "saved":
    case "conflict":
      return "warning";
    case "sending":
      return "info";
    case "reached":
      // An edit of the profile is done once Masar has it; a request then waits for a decision.
      return kind === "qualification" || kind === "application" ? "info" : "success";
    case "verified":
    case "accepted":
      return "success";
    case "rejected":
    case "declined":
    case "refused":
    case "file_refused":
      return "danger";
  }
}

/** The stage in words; `offline` adds that it waits for the network. */
export function stageText(stage: Stage, kind: Form, offline = false): string {
  switch (stage.stage) {
    case "saved":
      return offline ? `${i18n.t("stage.saved")} · ${i18n.t("stage.noNetwork")}` : i18n.t("stage.saved");
    case "sending":
      return offline
        ? `${i18n.t("stage.sending", { percent: stage.percent })} · ${i18n.t("stage.noNetwork")}`
        : i18n.t("stage.sending", { percent: stage.percent });
    case "reached":
      if (kind === "qualification") return i18n.t("stage.reached.qualification");
      if (kind === "application") return i18n.t("stage.reached.application");
      return i18n.t("stage.reached");
    case "file_refused":
      return i18n.t("stage.file_refused", { name: stage.name });
    default:
      return i18n.t(`stage.${stage.stage}` as MessageKey);
  }
}

/** Whether the item is still to go from this workstation. */
export function waits(stage: Stage): boolean {
  return stage.stage === "saved" || stage.stage === "sending";
}

const countedAs: Record<Form, Counted> = {
  contact: "edits",
  personal: "edits",
  employment: "edits",
  qualification: "qualifications",
  application: "applications",
};

/** What waits, counted by kind in the words that fit each: «تعديل واحد، مؤهل واحد». Empty
 * when nothing waits. */
export function waitingText(items: OutgoingItem[]): string {
  const counts = new Map<Counted, number>();
  for (const item of items.filter((i) => waits(i.stage))) {
    const what = countedAs[item.kind];
    counts.set(what, (counts.get(what) ?? 0) + 1);
  }
  const order: Counted[] = ["edits", "qualifications", "applications"];
  return order
    .filter((what) => (counts.get(what) ?? 0) > 0)
    .map((what) => i18n.count(what, counts.get(what) ?? 0))
    .join(i18n.t("list.separator"));
}

/** The kind in words («تعديل بيانات التواصل», «توثيق مؤهل», «طلب تدريب»). */
export function kindText(kind: Form): string {
  return i18n.t(`outgoing.kind.${kind}` as MessageKey);
}

/** A qualification on the record in the same model: under review has reached Masar and waits for
 *  HR; verified and rejected are HR's decisions. */
export function recordStage(status: QualificationStatus, reason: string | null): Stage {
  if (status === "verified") return { stage: "verified" };
  if (status === "rejected") return { stage: "rejected", reason: reason ?? "" };
  return { stage: "reached" };
}

/** An application as HR's list holds it, in the same model: received has reached Masar and waits
 *  for the administration; accepted and declined are its decisions. */
export function applicationStage(state: string, reason: string | null): Stage {
  if (state === "accepted") return { stage: "accepted" };
  if (state === "declined") return { stage: "declined", reason: reason ?? "" };
  return { stage: "reached" };
}

import { QUALIFICATION_STATES } from "../../lib/backend";
import type { PersonName, Qualification_Serialize as Qualification, QualificationDetails_Serialize as QualificationDetails, QualificationLevel, QualificationStatus, ReviewItem_Serialize as ReviewItem, UiError } from "../../lib/backend";
import type { MessageKey } from "../../lib/i18n/index.svelte";

export const LEVELS: QualificationLevel[] = ["secondary", "diploma", "bachelor", "higher_diploma", "master", "doctorate"];

/** The four-part Arabic name as it is written. */
export function fullName(name: PersonName): string {
  return [name.first, name.father, name.grandfather, name.family].filter((part) => part.trim() !== "").join(" ");
}

/** One detail an update changes: its label, as on the record, as in the request. */
export interface Change {
  label: MessageKey;
  before: string;
  after: string;
}

type Text = (key: MessageKey) => string;

/** What an update (تحديث المؤهل) changes against the qualification on the record, detail by
 *  detail, written for the officer (dates in both calendars, choices in words). */
export function changes(request: QualificationDetails, onRecord: Qualification, t: Text, date: (iso: string) => string, country: (code: string) => string): Change[] {
  const scale = (n: number | string) => String(n);
  const equivalency = (e: { number: string; date: string } | null) => (e ? `${e.number} — ${date(e.date)}` : "—");
  const rows: Change[] = [
    { label: "qual.level", before: t(`qual.level.${onRecord.level}` as MessageKey), after: t(`qual.level.${request.level}` as MessageKey) },
    { label: "qual.major", before: onRecord.major, after: request.major },
    { label: "qual.institution", before: onRecord.institution, after: request.institution },
    { label: "qual.country", before: country(onRecord.country), after: country(request.country) },
    { label: "qual.studyMode", before: t(`qual.studyMode.${onRecord.studyMode}` as MessageKey), after: t(`qual.studyMode.${request.studyMode}` as MessageKey) },
    { label: "qual.startDate", before: date(onRecord.startDate), after: date(request.startDate) },
    { label: "qual.graduationDate", before: date(onRecord.graduationDate), after: date(request.graduationDate) },
    { label: "qual.gpa", before: `${onRecord.gpa ?? "—"} / ${scale(onRecord.gpaScale)}`, after: `${Number(request.gpa)} / ${scale(request.gpaScale)}` },
    { label: "qual.grade", before: t(`qual.grade.${onRecord.grade}` as MessageKey), after: t(`qual.grade.${request.grade}` as MessageKey) },
    { label: "qual.equivalencyNumber", before: equivalency(onRecord.equivalency), after: equivalency(request.equivalency) },
  ];
  return rows.filter((row) => row.before !== row.after);
}

type Answer<T> = { status: "ok"; data: T } | { status: "error"; error: UiError };

/** HR's queue in every state at once, so the filter can say how many each holds. */
export type QueueByState = Record<QualificationStatus, ReviewItem[]>;

/** Asks for each state side by side (the level and words read before the first wait, so a
 *  resource follows them) and answers with all three, or the first failure. */
export async function byState(ask: (state: QualificationStatus) => Promise<Answer<ReviewItem[]>>): Promise<Answer<QueueByState>> {
  const answers = await Promise.all(QUALIFICATION_STATES.map((state) => ask(state)));
  const queue: QueueByState = { under_review: [], verified: [], rejected: [] };
  for (const [index, answer] of answers.entries()) {
    if (answer.status === "error") return { status: "error", error: answer.error };
    queue[QUALIFICATION_STATES[index]] = answer.data;
  }
  return { status: "ok", data: queue };
}

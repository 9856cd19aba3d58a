import type { PersonName, QualificationLevel } from "../../lib/backend";

export const LEVELS: QualificationLevel[] = ["secondary", "diploma", "bachelor", "higher_diploma", "master", "doctorate"];

/** The four-part Arabic name as it is written. */
export function fullName(name: PersonName): string {
  return [name.first, name.father, name.grandfather, name.family].filter((part) => part.trim() !== "").join(" ");
}

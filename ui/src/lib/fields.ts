// The profile's editable fields come from one registry in Rust (`FIELDS`: wire name, form, who
// may edit). Wire names are the values' paths in the profile, so reading a value needs no
// per-field code; only the labels are the UI's own, and TypeScript checks there is one for each.
import { FIELDS, type EmployeeProfile, type Section } from "./bindings";
import type { MessageKey } from "./i18n/index.svelte";

export type Wire = (typeof FIELDS)[number]["wire"];

const labels: Record<Wire, MessageKey> = {
  mobile: "field.mobile",
  email: "field.email",
  "address.buildingNumber": "field.buildingNumber",
  "address.street": "field.street",
  "address.district": "field.district",
  "address.city": "field.city",
  "address.postalCode": "field.postalCode",
  "address.additionalNumber": "field.additionalNumber",
  "nameEn.first": "field.nameEnFirst",
  "nameEn.father": "field.nameEnFather",
  "nameEn.grandfather": "field.nameEnGrandfather",
  "nameEn.family": "field.nameEnFamily",
  entity: "overview.entity",
  jobTitle: "overview.jobTitle",
};

/** The label of a field by its wire name (a name the registry does not know reads «الحقل»). */
export function fieldLabel(wire: string): MessageKey {
  return (labels as Record<string, MessageKey>)[wire] ?? "conflict.field";
}

/** The wire names of one form, in the registry's order. */
export function sectionFields(section: Section): Wire[] {
  return FIELDS.filter((field) => field.section === section).map((field) => field.wire);
}

/** A value as the form shows it: the mobile in the local 05… form Saudi users type. */
function shown(wire: string, value: string): string {
  return wire === "mobile" && value.startsWith("+966") ? `0${value.slice(4)}` : value;
}

/** Any field's value, read by its wire name (its path in the profile). */
export function valueOf(p: EmployeeProfile, wire: string): string {
  let value: unknown = p;
  for (const key of wire.split(".")) {
    value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  }
  return typeof value === "string" ? shown(wire, value) : "";
}

/** One form's values by wire name. */
export function sectionValues(p: EmployeeProfile, section: Section): Record<string, string> {
  return Object.fromEntries(sectionFields(section).map((wire) => [wire, valueOf(p, wire)]));
}

export function contactValues(p: EmployeeProfile): Record<string, string> {
  return sectionValues(p, "contact");
}

export function personalValues(p: EmployeeProfile): Record<string, string> {
  return sectionValues(p, "personal");
}

/** Fields typed in Latin script (numbers, e-mail, the English name): shown left to right. */
const latin: ReadonlySet<Wire> = new Set<Wire>([
  "mobile",
  "email",
  "address.buildingNumber",
  "address.postalCode",
  "address.additionalNumber",
  "nameEn.first",
  "nameEn.father",
  "nameEn.grandfather",
  "nameEn.family",
]);

/** The format a field expects, shown under its label before anything goes wrong. */
const hints: Partial<Record<Wire, MessageKey>> = {
  mobile: "hint.mobile",
  "address.buildingNumber": "hint.fourDigits",
  "address.postalCode": "hint.fiveDigits",
  "address.additionalNumber": "hint.fourDigits",
  "nameEn.first": "hint.latin",
  "nameEn.father": "hint.latin",
  "nameEn.grandfather": "hint.latin",
  "nameEn.family": "hint.latin",
};

export interface FormFieldSpec {
  name: string;
  label: MessageKey;
  hint?: MessageKey;
  ltr?: boolean;
  /** How many characters the value holds at most, so the box is as wide as its content. */
  chars?: number;
}

/** Fields whose values are short and of a known length: their boxes are sized to them (with
 *  room for the +966 form of the mobile), the others take the column's width. */
const widths: Partial<Record<Wire, number>> = {
  mobile: 13,
  "address.buildingNumber": 4,
  "address.postalCode": 5,
  "address.additionalNumber": 4,
};

/** A form's fields as the shared edit form takes them. */
export function formFields(section: Section): FormFieldSpec[] {
  return sectionFields(section).map((wire) => ({ name: wire, label: labels[wire], hint: hints[wire], ltr: latin.has(wire), chars: widths[wire] }));
}

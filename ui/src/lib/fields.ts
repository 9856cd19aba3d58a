// A profile's editable fields by their wire names (the names the server's errors use).
import type { EmployeeProfile } from "./backend";
import type { MessageKey } from "./i18n/index.svelte";

/** The label of each field, by wire name. */
const labels: Record<string, MessageKey> = {
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

export function fieldLabel(wire: string): MessageKey {
  return labels[wire] ?? "conflict.field";
}

export function contactValues(p: EmployeeProfile): Record<string, string> {
  return {
    mobile: p.mobile.startsWith("+966") ? `0${p.mobile.slice(4)}` : p.mobile,
    email: p.email,
    "address.buildingNumber": p.address.buildingNumber,
    "address.street": p.address.street,
    "address.district": p.address.district,
    "address.city": p.address.city,
    "address.postalCode": p.address.postalCode,
    "address.additionalNumber": p.address.additionalNumber,
  };
}

export function personalValues(p: EmployeeProfile): Record<string, string> {
  return {
    "nameEn.first": p.nameEn.first,
    "nameEn.father": p.nameEn.father,
    "nameEn.grandfather": p.nameEn.grandfather,
    "nameEn.family": p.nameEn.family,
  };
}

/** Any field's value, for the conflict panel. */
export function valueOf(p: EmployeeProfile, field: string): string {
  return contactValues(p)[field] ?? personalValues(p)[field] ?? "";
}

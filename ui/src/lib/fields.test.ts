import { describe, expect, it } from "vitest";
import type { EmployeeProfile } from "./bindings";
import { fieldLabel, formFields, sectionValues, valueOf } from "./fields";

const profile = {
  mobile: "+966591544275",
  email: "m@mof.gov.sa",
  nameEn: { first: "Munira", father: "Omar", grandfather: "Ibrahim", family: "Alshammari" },
  address: {
    buildingNumber: "4719",
    street: "شارع التخصصي",
    district: "العليا",
    city: "الرياض",
    postalCode: "11738",
    additionalNumber: "9574",
  },
  entity: "وزارة المالية",
  jobTitle: "محاسب",
} as unknown as EmployeeProfile;

describe("the field registry in the UI", () => {
  it("reads each value by its wire name, the mobile in the 05… form", () => {
    expect(valueOf(profile, "mobile")).toBe("0591544275");
    expect(valueOf(profile, "address.postalCode")).toBe("11738");
    expect(valueOf(profile, "nameEn.family")).toBe("Alshammari");
    expect(valueOf(profile, "no.such.field")).toBe("");
    expect(Object.keys(sectionValues(profile, "personal"))).toEqual([
      "nameEn.first",
      "nameEn.father",
      "nameEn.grandfather",
      "nameEn.family",
    ]);
  });

  it("builds each form from the registry, with a label for every field", () => {
    const contact = formFields("contact");
    expect(contact.map((f) => f.name)).toEqual([
      "mobile",
      "email",
      "address.buildingNumber",
      "address.street",
      "address.district",
      "address.city",
      "address.postalCode",
      "address.additionalNumber",
    ]);
    expect(contact.find((f) => f.name === "address.street")?.ltr).toBe(false);
    expect(contact.find((f) => f.name === "mobile")?.ltr).toBe(true);
    expect(formFields("employment").map((f) => f.label)).toEqual(["overview.entity", "overview.jobTitle"]);
    expect(fieldLabel("unknown")).toBe("conflict.field");
  });
});

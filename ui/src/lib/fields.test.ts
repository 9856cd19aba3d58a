import { describe, expect, it } from "vitest";
import { fieldLabel, formFields, sectionValues, valueOf } from "./fields";
import { sampleProfile } from "./test-profile";

const profile = sampleProfile;

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

  it("sizes the boxes of short values to them and leaves the others the column's width", () => {
    const chars = Object.fromEntries(formFields("contact").map((field) => [field.name, field.chars]));
    expect(chars["address.postalCode"]).toBe(5);
    expect(chars["address.buildingNumber"]).toBe(4);
    // Room for the +966 form of the mobile too.
    expect(chars.mobile).toBeGreaterThanOrEqual("+966591544275".length);
    expect(chars.email).toBeUndefined();
    expect(chars["address.street"]).toBeUndefined();
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

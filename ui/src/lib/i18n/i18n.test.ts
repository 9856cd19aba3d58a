import { afterEach, describe, expect, it } from "vitest";
import { applyLanguage, catalog, errorCatalog, i18n } from "./index.svelte";
import { countOf } from "./plurals";

describe("message catalogs", () => {
  it("have the same keys in Arabic and English, none empty", () => {
    const ar = catalog("ar");
    const en = catalog("en");
    expect(Object.keys(en).sort()).toEqual(Object.keys(ar).sort());
    for (const [key, text] of [...Object.entries(ar), ...Object.entries(en)]) {
      expect(text.trim(), key).not.toBe("");
    }
  });

  it("write Arabic without tanween or kasra, which WebKitGTK draws displaced with the UI font", () => {
    // Seen in the window: «جارٍ» and «جزيلًا» leave the line. Unvocalised forms read the same.
    const texts = [...Object.values(catalog("ar")), ...Object.values(errorCatalog("ar").errors), ...Object.values(errorCatalog("ar").details)];
    for (const text of texts) expect(text).not.toMatch(/[\u064B-\u064D\u0650]/u);
    expect(countOf("ar", "edits", 11)).not.toMatch(/[\u064B-\u064D\u0650]/u);
  });

  it("keep the same placeholders in both languages", () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const ar = catalog("ar");
    const en = catalog("en");
    for (const key of Object.keys(ar) as (keyof typeof ar)[]) {
      expect(placeholders(en[key]), key).toEqual(placeholders(ar[key]));
    }
  });
});

describe("applyLanguage", () => {
  afterEach(() => applyLanguage("ar"));

  it("flips the document direction, language and title", () => {
    applyLanguage("en");
    expect(document.documentElement.dir).toBe("ltr");
    expect(document.documentElement.lang).toBe("en");
    expect(document.title).toBe("My employment data — Masar");
    applyLanguage("ar");
    expect(document.documentElement.dir).toBe("rtl");
    expect(document.documentElement.lang).toBe("ar");
    expect(document.title).toBe("بياناتي الوظيفية — مسار");
  });

  it("fills placeholders and leaves unknown ones visible", () => {
    applyLanguage("ar");
    expect(i18n.t("overview.rankStepValue", { rank: 8, step: 3 })).toBe("المرتبة 8 — الدرجة 3");
    expect(i18n.t("overview.rankStepValue", { rank: 8 })).toBe("المرتبة 8 — الدرجة {step}");
  });
});

describe("error catalogs", () => {
  it("have a sentence for every code in both languages, with the same placeholders", () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    const ar = errorCatalog("ar");
    const en = errorCatalog("en");
    for (const part of ["errors", "details", "problems"] as const) {
      expect(Object.keys(en[part]).sort()).toEqual(Object.keys(ar[part]).sort());
      for (const [key, text] of Object.entries(ar[part])) {
        const english = (en[part] as Record<string, string>)[key];
        expect(text.trim(), key).not.toBe("");
        expect(english.trim(), key).not.toBe("");
        expect(placeholders(english), key).toEqual(placeholders(text));
        expect(/[\u0600-\u06FF]/.test(text), `${key} is Arabic`).toBe(true);
        expect(/[\u0600-\u06FF]/.test(english), `${key} has no Arabic`).toBe(false);
      }
    }
  });

  it("fill the numbers and name the field, in the language chosen", () => {
    applyLanguage("en");
    expect(i18n.error("code_incorrect", { remaining: 2 })).toBe("The verification code is not correct. Tries left: 2.");
    expect(i18n.problem("digits", "Postal code", 5)).toBe("Postal code has 5 digits.");
    expect(i18n.error("invalid_server_url", { detail: "url_scheme" })).toBe("The server address must start with https://");
    applyLanguage("ar");
    expect(i18n.error("code_incorrect", { remaining: 2 })).toBe("رمز التحقق غير صحيح. المحاولات المتبقية: 2.");
    expect(i18n.problem("required", "الشارع", null)).toBe("أدخل الشارع.");
  });
});

describe("navigation and headings", () => {
  // Each page's entry in the navigation says what its heading says: a clerk who picks one finds
  // the same words at the top of the page.
  const pairs = [
    ["nav.overview", "overview.heading"],
    ["nav.qualifications", "qual.heading"],
    ["nav.career", "career.heading"],
    ["nav.sick", "sick.heading"],
    ["nav.transactions", "tx.heading"],
    ["nav.opportunities", "opp.heading"],
    ["nav.trainingHr", "trainingHr.heading"],
    ["nav.activity", "activity.heading"],
    ["nav.review", "review.heading"],
    ["nav.hr", "hr.heading"],
    ["nav.settings", "settings.heading"],
  ] as const;

  it.each(["ar", "en"] as const)("match in %s", (lang) => {
    const messages = catalog(lang);
    for (const [nav, heading] of pairs) expect(messages[nav], nav).toBe(messages[heading]);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import { applyLanguage, catalog, i18n } from "./index.svelte";

describe("message catalogs", () => {
  it("have the same keys in Arabic and English, none empty", () => {
    const ar = catalog("ar");
    const en = catalog("en");
    expect(Object.keys(en).sort()).toEqual(Object.keys(ar).sort());
    for (const [key, text] of [...Object.entries(ar), ...Object.entries(en)]) {
      expect(text.trim(), key).not.toBe("");
    }
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

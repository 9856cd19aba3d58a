import { describe, expect, it } from "vitest";
import { countOf, plurals } from "./plurals";

describe("plural forms", () => {
  it("pick the Arabic form by Intl.PluralRules: zero, one, two, few, many, other", () => {
    const edits = [0, 1, 2, 3, 10, 11, 99, 100, 101, 102, 103].map((n) => countOf("ar", "edits", n));
    expect(edits).toEqual([
      "لا تعديلات",
      "تعديل واحد",
      "تعديلان",
      "3 تعديلات",
      "10 تعديلات",
      "11 تعديلا",
      "99 تعديلا",
      "100 تعديل",
      "101 تعديل",
      "102 تعديل",
      "103 تعديلات",
    ]);
  });

  it("pick the English form, with zero said in words", () => {
    expect([0, 1, 2, 21].map((n) => countOf("en", "waiting", n))).toEqual([
      "nothing waiting to sync",
      "1 edit waiting to sync",
      "2 edits waiting to sync",
      "21 edits waiting to sync",
    ]);
  });

  it("have every form the language's rules can pick, with the number where it is more than two", () => {
    for (const [lang, counted] of Object.entries(plurals)) {
      const rules = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
      for (const [what, forms] of Object.entries(counted)) {
        for (const rule of rules) {
          expect(forms[rule] ?? forms.other, `${lang} ${what} ${rule}`).toBeTruthy();
        }
        expect(forms.other, `${lang} ${what}`).toContain("{count}");
      }
    }
  });
});

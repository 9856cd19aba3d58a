// Counted things, in the plural forms of each language (Arabic has six: zero, one, two, few,
// many, other; English two), chosen by Intl.PluralRules. `{count}` is the number.
import type { Language } from "../bindings";

export type Counted = "edits" | "drafts" | "waiting" | "qualifications" | "files" | "years" | "months" | "days" | "pages" | "reports" | "transactions" | "opportunities" | "applications";
type Forms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };

export const plurals: Record<Language, Record<Counted, Forms>> = {
  ar: {
    edits: {
      zero: "لا تعديلات",
      one: "تعديل واحد",
      two: "تعديلان",
      few: "{count} تعديلات",
      many: "{count} تعديلا",
      other: "{count} تعديل",
    },
    drafts: {
      zero: "لا مسودات",
      one: "مسودة واحدة",
      two: "مسودتان",
      few: "{count} مسودات",
      many: "{count} مسودة",
      other: "{count} مسودة",
    },
    waiting: {
      zero: "لا شيء بانتظار المزامنة",
      one: "تعديل واحد بانتظار المزامنة",
      two: "تعديلان بانتظار المزامنة",
      few: "{count} تعديلات بانتظار المزامنة",
      many: "{count} تعديلا بانتظار المزامنة",
      other: "{count} تعديل بانتظار المزامنة",
    },
    qualifications: {
      zero: "لا مؤهلات",
      one: "مؤهل واحد",
      two: "مؤهلان",
      few: "{count} مؤهلات",
      many: "{count} مؤهلا",
      other: "{count} مؤهل",
    },
    files: {
      zero: "لا ملفات",
      one: "ملف واحد",
      two: "ملفان",
      few: "{count} ملفات",
      many: "{count} ملفا",
      other: "{count} ملف",
    },
    years: { zero: "0 سنة", one: "سنة واحدة", two: "سنتان", few: "{count} سنوات", many: "{count} سنة", other: "{count} سنة" },
    months: { zero: "0 شهر", one: "شهر واحد", two: "شهران", few: "{count} أشهر", many: "{count} شهرا", other: "{count} شهر" },
    days: { zero: "0 يوم", one: "يوم واحد", two: "يومان", few: "{count} أيام", many: "{count} يوما", other: "{count} يوم" },
    pages: { zero: "لا صفحات", one: "صفحة واحدة", two: "صفحتان", few: "{count} صفحات", many: "{count} صفحة", other: "{count} صفحة" },
    reports: { zero: "لا تقارير", one: "تقرير واحد", two: "تقريران", few: "{count} تقارير", many: "{count} تقريرا", other: "{count} تقرير" },
    transactions: { zero: "لا معاملات", one: "معاملة واحدة", two: "معاملتان", few: "{count} معاملات", many: "{count} معاملة", other: "{count} معاملة" },
    opportunities: { zero: "لا فرص", one: "فرصة واحدة", two: "فرصتان", few: "{count} فرص", many: "{count} فرصة", other: "{count} فرصة" },
    applications: { zero: "لا طلبات", one: "طلب واحد", two: "طلبان", few: "{count} طلبات", many: "{count} طلبا", other: "{count} طلب" },
  },
  en: {
    edits: { zero: "no edits", one: "1 edit", other: "{count} edits" },
    drafts: { zero: "no drafts", one: "1 draft", other: "{count} drafts" },
    waiting: { zero: "nothing waiting to sync", one: "1 edit waiting to sync", other: "{count} edits waiting to sync" },
    qualifications: { zero: "no qualifications", one: "1 qualification", other: "{count} qualifications" },
    files: { zero: "no files", one: "1 file", other: "{count} files" },
    years: { zero: "0 years", one: "1 year", other: "{count} years" },
    months: { zero: "0 months", one: "1 month", other: "{count} months" },
    days: { zero: "0 days", one: "1 day", other: "{count} days" },
    pages: { zero: "no pages", one: "1 page", other: "{count} pages" },
    reports: { zero: "no reports", one: "1 report", other: "{count} reports" },
    transactions: { zero: "no transactions", one: "1 transaction", other: "{count} transactions" },
    opportunities: { zero: "no opportunities", one: "1 opportunity", other: "{count} opportunities" },
    applications: { zero: "no applications", one: "1 application", other: "{count} applications" },
  },
};

const locales: Record<Language, string> = { ar: "ar", en: "en" };

/** `count` things of `what`, in `lang`'s plural form (0 has its own wording in both). */
export function countOf(lang: Language, what: Counted, count: number): string {
  const forms = plurals[lang][what];
  const rule = count === 0 ? "zero" : new Intl.PluralRules(locales[lang]).select(count);
  return (forms[rule] ?? forms.other).replace("{count}", String(count));
}

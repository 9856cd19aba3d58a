// The UI's language: Arabic by default (right to left), English as a switch (left to right).
import type { ErrorCode, ErrorDetail, ErrorParams, FieldProblem, Language } from "../bindings";
import { ar } from "./ar";
import { en } from "./en";
import { detailsAr, errorsAr, problemsAr } from "./errors.ar";
import { detailsEn, errorsEn, problemsEn } from "./errors.en";
import { countOf, type Counted } from "./plurals";

export type MessageKey = keyof typeof ar;
export type Messages = Record<MessageKey, string>;
/** A notice kept as its key and values (not its words), so that it follows a change of language. */
export type Message = { key: MessageKey; vars?: Record<string, string | number> };

const catalogs: Record<Language, Messages> = { ar, en };

/** The sentences of errors, by their codes (see `errors.ar.ts`). */
export interface ErrorCatalog {
  errors: Record<ErrorCode, string>;
  details: Record<ErrorDetail, string>;
  problems: Record<FieldProblem, string>;
}

const errorCatalogs: Record<Language, ErrorCatalog> = {
  ar: { errors: errorsAr, details: detailsAr, problems: problemsAr },
  en: { errors: errorsEn, details: detailsEn, problems: problemsEn },
};

function fill(text: string, vars: Record<string, string | number | null | undefined>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name];
    return value === undefined || value === null ? whole : String(value);
  });
}

/** The `Intl` locale of each language; Western digits, as Masar shows them. */
export const locales: Record<Language, string> = {
  ar: "ar-SA-u-nu-latn",
  en: "en-GB",
};

class I18n {
  lang = $state<Language>("ar");

  get dir(): "rtl" | "ltr" {
    return this.lang === "ar" ? "rtl" : "ltr";
  }

  get locale(): string {
    return locales[this.lang];
  }

  /** The message `key`, with `{name}` placeholders filled from `vars`. */
  t(key: MessageKey, vars: Record<string, string | number> = {}): string {
    return fill(catalogs[this.lang][key], vars);
  }

  /** A message kept to be shown later, in the language shown then. */
  say(message: Message): string {
    return this.t(message.key, message.vars);
  }

  /** `count` things, in the plural form the language asks for. */
  count(what: Counted, count: number): string {
    return countOf(this.lang, what, count);
  }

  /** An error's sentence: the rule that failed when the code has several, else the code's. */
  error(code: ErrorCode, params: Partial<ErrorParams> = {}): string {
    const catalog = errorCatalogs[this.lang];
    if (params.detail) return catalog.details[params.detail];
    return fill(catalog.errors[code], { ...params });
  }

  /** A field's problem, with the field's label in it. */
  problem(problem: FieldProblem, label: string, limit: number | null | undefined): string {
    return fill(errorCatalogs[this.lang].problems[problem], { label, limit });
  }
}

export const i18n = new I18n();

/** Switches the language and flips the document's direction with it. */
export function applyLanguage(lang: Language): void {
  i18n.lang = lang;
  const root = document.documentElement;
  root.lang = lang;
  root.dir = i18n.dir;
  document.title = i18n.t("app.windowTitle");
}

export function catalog(lang: Language): Messages {
  return catalogs[lang];
}

export function errorCatalog(lang: Language): ErrorCatalog {
  return errorCatalogs[lang];
}

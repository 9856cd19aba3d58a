// The UI's language: Arabic by default (right to left), English as a switch (left to right).
import type { Language } from "../bindings";
import { ar } from "./ar";
import { en } from "./en";

export type MessageKey = keyof typeof ar;
export type Messages = Record<MessageKey, string>;

const catalogs: Record<Language, Messages> = { ar, en };

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
    return catalogs[this.lang][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in vars ? String(vars[name]) : whole,
    );
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

// Dates as Masar shows them: Gregorian and Hijri (Umm al-Qura) side by side.
import { formatHijri } from "./hijri";

/** `YYYY-MM-DD` as a date at noon UTC, so no time zone can move it to another day. */
function parseIsoDate(iso: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return null;
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 12));
}

function formatIn(date: Date, locale: string, calendar: "gregory" | "islamic-umalqura"): string {
  return new Intl.DateTimeFormat(locale, {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
    calendar,
    numberingSystem: "latn",
  }).format(date);
}

export interface DualDate {
  gregorian: string;
  hijri: string;
}

/** Both calendars of an ISO date; the raw text twice when it is not a date. */
export function dualDate(iso: string, locale: string): DualDate {
  const date = parseIsoDate(iso);
  if (!date) return { gregorian: iso, hijri: iso };
  return {
    gregorian: formatIn(date, locale, "gregory"),
    // The official table (shared with the core); the webview's calendar only outside it.
    hijri: formatHijri(iso, locale) ?? formatIn(date, locale, "islamic-umalqura"),
  };
}

/** Both calendars in one line, Gregorian first: «12 مارس 2024 — 2 رمضان 1445 هـ». */
export function bothCalendars(iso: string, locale: string): string {
  const { gregorian, hijri } = dualDate(iso, locale);
  return gregorian === hijri ? gregorian : `${gregorian} — ${hijri}`;
}

/** The local calendar day of an instant (`2024-03-12T22:30:00Z` is the 13th in Riyadh). */
export function localDay(isoDateTime: string): string {
  const date = new Date(isoDateTime);
  if (Number.isNaN(date.getTime())) return isoDateTime.slice(0, 10);
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** `+966512345678` as `0512345678`, the way people read their own number. */
export function localMobile(e164: string): string {
  return e164.startsWith("+966") ? `0${e164.slice(4)}` : e164;
}

/** A time of day on the 24-hour clock (no «ص / م», which could be read as ميلادي), with seconds
 * when `seconds`. */
export function timeOfDay(isoDateTime: string, locale: string, seconds = true): string {
  const date = new Date(isoDateTime);
  if (Number.isNaN(date.getTime())) return isoDateTime;
  return new Intl.DateTimeFormat(locale, {
    hour: "2-digit",
    minute: "2-digit",
    ...(seconds ? { second: "2-digit" } : {}),
    hourCycle: "h23",
    numberingSystem: "latn",
  }).format(date);
}

export interface DateTimeParts {
  gregorian: string;
  hijri: string;
  time: string;
}

/** A moment as the app shows it everywhere: its local day in both calendars and its time. */
export function dateTimeParts(isoDateTime: string, locale: string): DateTimeParts {
  const { gregorian, hijri } = dualDate(localDay(isoDateTime), locale);
  return { gregorian, hijri, time: timeOfDay(isoDateTime, locale, false) };
}

/** Left-to-right text (a number with hyphens) isolated inside a sentence of either direction. */
export function isolatedLtr(text: string): string {
  return `${String.fromCodePoint(0x2066)}${text}${String.fromCodePoint(0x2069)}`;
}

/** A message split at its `isolatedLtr` parts, for drawing each as its own element. */
export function ltrParts(text: string): { text: string; ltr: boolean }[] {
  const parts: { text: string; ltr: boolean }[] = [];
  for (const piece of text.split(/(\u2066[^\u2069]*\u2069)/u)) {
    if (piece === "") continue;
    const ltr = piece.startsWith("\u2066");
    parts.push({ text: ltr ? piece.slice(1, -1) : piece, ltr });
  }
  return parts;
}

/**
 * Text without the marks WebKitGTK draws displaced with the UI font (tanween and kasra: the word
 * itself moves off the line). The catalogs are written without them (a unit test checks); this is
 * for what `Intl` writes («5 ثوانٍ»).
 */
export function withoutMarks(text: string): string {
  return text.replace(/[\u064B-\u064D\u0650]/gu, "");
}

/**
 * The direction a value reads in: right to left when it holds Arabic letters, else left to right
 * («4.95 / 5», an e-mail, a number with hyphens). For a value shown alone (a table cell, a
 * before / after pair), where `dir="auto"` would leave a line of only numbers and signs to the
 * page's direction and turn «4.95 / 5» into «5 / 4.95».
 */
export function directionOf(text: string): "rtl" | "ltr" {
  return /[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]/u.test(text) ? "rtl" : "ltr";
}

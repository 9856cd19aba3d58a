import { withoutMarks } from "../../lib/format";

// Countries a degree commonly comes from (Saudi Arabia first), named in the UI's language by the
// webview's own region names (Intl.DisplayNames), so no list of names is kept here.
export const COUNTRIES = [
  "SA", "AE", "BH", "KW", "OM", "QA", "EG", "JO", "LB", "MA", "TN", "SD", "PK", "IN", "MY",
  "TR", "GB", "IE", "US", "CA", "AU", "NZ", "DE", "FR", "NL", "ES", "IT", "CN", "JP", "KR",
] as const;

export function labelOf(code: string, locale: string): string {
  try {
    return new Intl.DisplayNames([locale], { type: "region" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** Bytes as the employee reads them: «1.2 ميغابايت», «350 كيلوبايت». */
export function sizeText(bytes: number, locale: string): string {
  const unit = bytes >= 1024 * 1024 ? "megabyte" : "kilobyte";
  const value = unit === "megabyte" ? bytes / (1024 * 1024) : Math.max(1, Math.round(bytes / 1024));
  return withoutMarks(new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "long", maximumFractionDigits: 1 }).format(value));
}

/** A transfer speed: «2.4 ميغابايت/ث», «350 كيلوبايت/ث». */
export function speedText(bytesPerSecond: number, locale: string): string {
  const mega = bytesPerSecond >= 1024 * 1024;
  const value = mega ? bytesPerSecond / (1024 * 1024) : Math.max(1, Math.round(bytesPerSecond / 1024));
  const unit = mega ? "megabyte-per-second" : "kilobyte-per-second";
  return withoutMarks(new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "short", maximumFractionDigits: 1 }).format(value));
}

/** Time left, rounded up: «3 دقائق», «40 ثانية» (under ten seconds: «5 ثوان»). */
export function timeLeftText(seconds: number, locale: string): string {
  const long = (value: number, unit: "minute" | "second" | "hour"): string =>
    withoutMarks(new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "long" }).format(value));
  if (seconds >= 3600) return long(Math.ceil(seconds / 3600), "hour");
  if (seconds >= 90) return long(Math.ceil(seconds / 60), "minute");
  return long(Math.max(1, Math.ceil(seconds)), "second");
}

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
  return new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "long", maximumFractionDigits: 1 }).format(value);
}

// Hijri dates by the official Umm al-Qura table: the same table the Rust side converts with
// (`UMM_AL_QURA`, generated from it), so a date reads the same in every screen and on the service
// statement. The webview's own Islamic calendar drifts by a day outside about 1420–1450 AH.
import { UMM_AL_QURA } from "./bindings";

export interface HijriDate {
  year: number;
  month: number;
  day: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function utcDay(iso: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / DAY_MS : null;
}

const FIRST_DAY = utcDay(UMM_AL_QURA.firstDay) ?? 0;

/** The Hijri date of `YYYY-MM-DD`; null outside the table (before 1924-08-01, after 2077). */
export function toHijri(iso: string): HijriDate | null {
  const day = utcDay(iso);
  if (day === null) return null;
  let left = day - FIRST_DAY;
  if (left < 0) return null;
  for (let index = 0; index < UMM_AL_QURA.months.length; index++) {
    const months = UMM_AL_QURA.months[index];
    for (let month = 0; month < 12; month++) {
      if (left < months[month]) return { year: UMM_AL_QURA.firstYear + index, month: month + 1, day: left + 1 };
      left -= months[month];
    }
  }
  return null;
}

/** The Gregorian `YYYY-MM-DD` of a Hijri date; null when the day is not in that month or the
 * date is outside the table. */
export function fromHijri(year: number, month: number, day: number): string | null {
  const index = year - UMM_AL_QURA.firstYear;
  const months = UMM_AL_QURA.months[index];
  if (!months || month < 1 || month > 12 || day < 1 || day > (months[month - 1] ?? 0)) return null;
  let days = 0;
  for (let y = 0; y < index; y++) days += (UMM_AL_QURA.months[y] ?? []).reduce((a, b) => a + b, 0);
  for (let m = 0; m < month - 1; m++) days += months[m] ?? 0;
  const date = new Date((FIRST_DAY + days + day - 1) * DAY_MS);
  return date.toISOString().slice(0, 10);
}

export const MONTHS: Record<"ar" | "en", string[]> = {
  ar: ["محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة", "رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة"],
  en: ["Muharram", "Safar", "Rabi’ I", "Rabi’ II", "Jumada I", "Jumada II", "Rajab", "Sha’ban", "Ramadan", "Shawwal", "Dhu’l-Qi’dah", "Dhu’l-Hijjah"],
};

/** «18 جمادى الآخرة 1448 هـ» / «18 Jumada II 1448 AH»; null outside the table. */
export function formatHijri(iso: string, locale: string): string | null {
  const hijri = toHijri(iso);
  if (!hijri) return null;
  const arabic = locale.startsWith("ar");
  const month = MONTHS[arabic ? "ar" : "en"][hijri.month - 1];
  // A no-break space keeps «هـ» / «AH» with its year: never alone at the start of a line.
  return arabic ? `${hijri.day} ${month} ${hijri.year}\u00a0هـ` : `${hijri.day} ${month} ${hijri.year}\u00a0AH`;
}

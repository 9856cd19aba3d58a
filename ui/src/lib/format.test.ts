import { describe, expect, it } from "vitest";
import { bothCalendars, directionOf, dualDate, isolatedLtr, localDay, localMobile, ltrParts } from "./format";

describe("dualDate", () => {
  // Expected Hijri dates are the official Umm al-Qura table's (as published by the King
  // Abdulaziz City for Science and Technology; read here through the `hijridate` package, which
  // carries that table), not what the runtime's own calendar returns: outside about 1420–1450 AH
  // that is a day off on some days (1984-12-26 is 4 Rabi’ II 1405 in the table, 3 in the
  // runtime). The conversion is the table's, shared with the core.
  const table: [string, string, string][] = [
    ["2026-11-28", "18 جمادى الآخرة 1448\u00a0هـ", "18 Jumada II 1448\u00a0AH"],
    ["2000-01-01", "24 رمضان 1420\u00a0هـ", "24 Ramadan 1420\u00a0AH"],
    ["2006-09-14", "21 شعبان 1427\u00a0هـ", "21 Sha’ban 1427\u00a0AH"],
    ["2020-05-24", "1 شوال 1441\u00a0هـ", "1 Shawwal 1441\u00a0AH"],
    ["2024-03-11", "1 رمضان 1445\u00a0هـ", "1 Ramadan 1445\u00a0AH"],
    ["1984-12-26", "4 ربيع الآخر 1405\u00a0هـ", "4 Rabi’ II 1405\u00a0AH"],
    ["1955-07-20", "30 ذو القعدة 1374\u00a0هـ", "30 Dhu’l-Qi’dah 1374\u00a0AH"],
    ["1926-12-06", "31 جمادى الأولى 1345\u00a0هـ", "31 Jumada I 1345\u00a0AH"],
  ];
  it.each(table)("gives %s as the Umm al-Qura table does: %s", (iso, arabic, english) => {
    expect(dualDate(iso, "ar-SA-u-nu-latn").hijri).toBe(arabic);
    expect(dualDate(iso, "en-GB").hijri).toBe(english);
  });

  it("gives the Gregorian date beside it in the user's language", () => {
    expect(dualDate("2026-11-28", "en-GB").gregorian).toBe("28 November 2026");
    expect(dualDate("2026-11-28", "ar-SA-u-nu-latn").gregorian).toBe("28 نوفمبر 2026");
  });

  it("never moves a date to the day before, whatever the time zone", () => {
    expect(dualDate("2000-01-01", "en-GB").gregorian).toBe("1 January 2000");
  });

  it("shows text that is not a date as it is", () => {
    expect(dualDate("not a date", "en-GB")).toEqual({ gregorian: "not a date", hijri: "not a date" });
  });
});

describe("localMobile", () => {
  it("shows a Saudi number the way people write it", () => {
    expect(localMobile("+966512345678")).toBe("0512345678");
    expect(localMobile("+441234567890")).toBe("+441234567890");
  });
});

describe("bothCalendars", () => {
  it("puts the Hijri date beside the Gregorian one", () => {
    expect(bothCalendars("2024-03-11", "en-GB")).toBe("11 March 2024 — 1 Ramadan 1445\u00a0AH");
  });

  it("shows text that is not a date once", () => {
    expect(bothCalendars("soon", "en-GB")).toBe("soon");
  });
});

describe("localDay", () => {
  it("is the calendar day where the workstation is", () => {
    const late = new Date(2024, 2, 12, 23, 30);
    expect(localDay(late.toISOString())).toBe("2024-03-12");
  });

  it("keeps the date part of text it cannot read", () => {
    expect(localDay("2024-13-45Tnonsense")).toBe("2024-13-45");
  });
});

describe("isolatedLtr", () => {
  it("wraps the text in a left-to-right isolate", () => {
    expect([...isolatedLtr("20261129-0001")].map((c) => c.codePointAt(0))).toEqual([
      0x2066, ...[..."20261129-0001"].map((c) => c.codePointAt(0)), 0x2069,
    ]);
  });
});

describe("left-to-right parts of a message", () => {
  it("splits a sentence at its isolated numbers, without the marks", () => {
    const text = `احتفظ برقم الإيصال: ${isolatedLtr("20261129-0001")} الآن`;
    expect(ltrParts(text)).toEqual([
      { text: "احتفظ برقم الإيصال: ", ltr: false },
      { text: "20261129-0001", ltr: true },
      { text: " الآن", ltr: false },
    ]);
    expect(ltrParts("بلا أرقام")).toEqual([{ text: "بلا أرقام", ltr: false }]);
  });
});

describe("the direction of a value shown alone", () => {
  it("is left to right for numbers and signs, right to left with Arabic letters", () => {
    expect(directionOf("4.95 / 5")).toBe("ltr");
    expect(directionOf("munira@mof.gov.sa")).toBe("ltr");
    expect(directionOf("ممتاز")).toBe("rtl");
    expect(directionOf("5 / 4.06 — جيد جدا")).toBe("rtl");
  });
});

import { describe, expect, it } from "vitest";
import { dualDate, localMobile } from "./format";

describe("dualDate", () => {
  it("gives the Umm al-Qura Hijri date next to the Gregorian one", () => {
    // 2026-11-28 is 18 Jumada al-Akhirah 1448 in the Umm al-Qura calendar.
    const arabic = dualDate("2026-11-28", "ar-SA-u-nu-latn");
    expect(arabic.gregorian).toContain("2026");
    expect(arabic.gregorian).toContain("28");
    expect(arabic.hijri).toContain("1448");
    expect(arabic.hijri).toContain("18");
    expect(arabic.hijri).toContain("جمادى");
    const english = dualDate("2026-11-28", "en-GB");
    expect(english.gregorian).toBe("28 November 2026");
    expect(english.hijri).toMatch(/18 Jumada II 1448/);
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

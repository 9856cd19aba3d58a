import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { fromHijri, toHijri } from "../hijri";
import DateFieldHarness from "./DateFieldHarness.test.svelte";

async function type(day: string, month: string, year: string): Promise<void> {
  await fireEvent.input(screen.getByTestId("when-day"), { target: { value: day } });
  await fireEvent.change(screen.getByTestId("when-month"), { target: { value: month } });
  await fireEvent.input(screen.getByTestId("when-year"), { target: { value: year } });
}

describe("the date field", () => {
  it("takes day, month and year in that order and gives the ISO date, with both calendars said", async () => {
    render(DateFieldHarness, { initial: "" });
    await type("١٥", "6", "2016");
    expect(screen.getByTestId("value").textContent).toBe("2016-06-15");
    expect(screen.getByTestId("when-both").textContent).toBe("15 يونيو 2016 — 10 رمضان 1437\u00a0هـ");
  });

  it("takes a Hijri date typed as such and converts it with the Umm al-Qura table", async () => {
    render(DateFieldHarness, { initial: "" });
    await fireEvent.click(screen.getByTestId("when-calendar-hijri"));
    await type("10", "9", "1437");
    expect(screen.getByTestId("value").textContent).toBe("2016-06-15");
    // A 30th of Sha’ban 1437 (29 days in the table) is no date: passed on for the form's check to name.
    await type("30", "8", "1437");
    expect(screen.getByTestId("value").textContent).not.toMatch(/^\d{4}-\d{2}-\d{2}$/u);
  });

  it("shows a date given from outside in its parts, and the same day when the calendar changes", async () => {
    render(DateFieldHarness, { initial: "2012-09-01" });
    expect((screen.getByTestId("when-day") as HTMLInputElement).value).toBe("1");
    expect((screen.getByTestId("when-month") as HTMLSelectElement).value).toBe("9");
    expect((screen.getByTestId("when-year") as HTMLInputElement).value).toBe("2012");
    await fireEvent.click(screen.getByTestId("when-calendar-hijri"));
    expect((screen.getByTestId("when-day") as HTMLInputElement).value).toBe("14");
    expect((screen.getByTestId("when-month") as HTMLSelectElement).value).toBe("10");
    expect((screen.getByTestId("when-year") as HTMLInputElement).value).toBe("1433");
    expect(screen.getByTestId("value").textContent).toBe("2012-09-01");
  });

  it("converts every day of the table both ways alike", () => {
    for (let t = Date.UTC(1930, 0, 1); t < Date.UTC(2070, 0, 1); t += 86_400_000 * 7) {
      const iso = new Date(t).toISOString().slice(0, 10);
      const hijri = toHijri(iso);
      expect(hijri, iso).not.toBeNull();
      if (hijri) expect(fromHijri(hijri.year, hijri.month, hijri.day)).toBe(iso);
    }
  });
});

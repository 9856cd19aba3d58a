import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { reportInput } from "./idle";

describe("reportInput", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const press = () => window.dispatchEvent(new KeyboardEvent("keydown", { key: "a" }));

  it("reports the first input at once and later ones at most every interval", () => {
    const report = vi.fn();
    const stop = reportInput(report, 5000);
    press();
    expect(report).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1000);
    press();
    press();
    expect(report).toHaveBeenCalledTimes(1);
    // Input inside the interval is reported at its end, once: the lock never comes early.
    vi.advanceTimersByTime(4000);
    expect(report).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(20000);
    expect(report).toHaveBeenCalledTimes(2);
    stop();
  });

  it("reports nothing without input or after it stopped", () => {
    const report = vi.fn();
    const stop = reportInput(report, 5000);
    vi.advanceTimersByTime(60000);
    expect(report).not.toHaveBeenCalled();
    stop();
    press();
    expect(report).not.toHaveBeenCalled();
  });
});

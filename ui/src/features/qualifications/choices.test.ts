import { describe, expect, it } from "vitest";
import { secondsLeft } from "../../lib/uploads.svelte";
import { fullName } from "../review/review";
import { speedText, timeLeftText } from "./choices";

describe("upload speed and time left", () => {
  it("shows megabytes per second above one, kilobytes below", () => {
    expect(speedText(2.5 * 1024 * 1024, "en")).toBe("2.5 MB/s");
    expect(speedText(300 * 1024, "en")).toBe("300 kB/s");
  });

  it("rounds the time left up, in hours, minutes or seconds", () => {
    expect(timeLeftText(4.2, "en")).toBe("5 seconds");
    expect(timeLeftText(200, "en")).toBe("4 minutes");
    expect(timeLeftText(7300, "en")).toBe("3 hours");
    expect(timeLeftText(200, "ar")).toContain("دقائق");
  });

  it("knows the time left only once a speed is measured", () => {
    const progress = { active: true, sha256: "a", sentBytes: 0, remainingBytes: 10_000_000, bytesPerSecond: null };
    expect(secondsLeft(progress)).toBeNull();
    expect(secondsLeft({ ...progress, bytesPerSecond: 2_000_000 })).toBe(5);
  });
});

describe("names in the review queue", () => {
  it("writes the four parts in order and skips empty ones", () => {
    expect(fullName({ first: "منيرة", father: "عبدالله", grandfather: "", family: "القحطاني" })).toBe("منيرة عبدالله القحطاني");
  });
});

import { describe, expect, it } from "vitest";
import type { UploadProgress_Serialize as Progress } from "./backend";
import { uploads, withLiveProgress } from "./uploads.svelte";

const waiting = {
  state: "waiting" as const,
  sentBytes: 1_000,
  totalBytes: 30_000,
  files: [
    { sha256: "a".repeat(64), name: "certificate.pdf", sentBytes: 1_000, totalBytes: 10_000 },
    { sha256: "b".repeat(64), name: "transcript.pdf", sentBytes: 0, totalBytes: 20_000 },
  ],
};

const chunk = (sha256: string | null, sentBytes: number, active = true): Progress => ({
  active,
  sha256,
  sentBytes,
  remainingBytes: 0,
  bytesPerSecond: 50_000,
});

describe("withLiveProgress", () => {
  it("moves the file going up and its submission by the bytes the list has not read yet", () => {
    const live = withLiveProgress(waiting, chunk("b".repeat(64), 6_000));
    expect(live.files[1].sentBytes).toBe(6_000);
    expect(live.files[0].sentBytes).toBe(1_000);
    expect(live.sentBytes).toBe(7_000);
  });

  it("never goes past the file's size, nor back to fewer bytes than the list read", () => {
    expect(withLiveProgress(waiting, chunk("a".repeat(64), 12_000)).sentBytes).toBe(10_000);
    expect(withLiveProgress(waiting, chunk("a".repeat(64), 500))).toBe(waiting);
  });

  it("leaves the submission as read for another file, or when nothing is going up", () => {
    expect(withLiveProgress(waiting, chunk("c".repeat(64), 5_000))).toBe(waiting);
    expect(withLiveProgress(waiting, chunk("b".repeat(64), 5_000, false))).toBe(waiting);
  });
});

describe("uploads.heard", () => {
  it("marks a new moment when a file starts or stops, not on each chunk", () => {
    uploads.heard(chunk("a".repeat(64), 1_000));
    const started = uploads.moment;
    uploads.heard(chunk("a".repeat(64), 2_000));
    expect(uploads.moment).toBe(started);
    expect(uploads.progress.sentBytes).toBe(2_000);
    uploads.heard(chunk("b".repeat(64), 1_000));
    expect(uploads.moment).not.toBe(started);
    const next = uploads.moment;
    uploads.heard(chunk(null, 0, false));
    expect(uploads.moment).not.toBe(next);
  });
});

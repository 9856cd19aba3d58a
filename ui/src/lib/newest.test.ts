import { describe, expect, it } from "vitest";
import { newestOnly, superseded } from "./newest";

/** A promise settled from outside, to choose the order answers arrive in. */
function later<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

describe("newestOnly", () => {
  it("drops an older answer that arrives after a newer one", async () => {
    const newest = newestOnly();
    const first = later<string>();
    const second = later<string>();
    const older = newest(first.promise);
    const newer = newest(second.promise);
    second.resolve("declined");
    first.resolve("waiting");
    expect(await newer).toBe("declined");
    expect(await older).toBe(superseded);
  });

  it("keeps answers that arrive in order and passes the newest failure on", async () => {
    const newest = newestOnly();
    expect(await newest(Promise.resolve(1))).toBe(1);
    expect(await newest(Promise.resolve(2))).toBe(2);
    const failing = later<number>();
    const asked = newest(failing.promise);
    failing.reject(new Error("offline"));
    await expect(asked).rejects.toThrow("offline");
  });

  it("drops an older failure once a newer load was asked for", async () => {
    const newest = newestOnly();
    const first = later<number>();
    const older = newest(first.promise);
    const newer = newest(Promise.resolve(7));
    first.reject(new Error("server error"));
    expect(await older).toBe(superseded);
    expect(await newer).toBe(7);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import type { UiError } from "./backend";
import { forgetResources, Resource } from "./resource.svelte";

type Answer<T> = Promise<{ status: "ok"; data: T } | { status: "error"; error: UiError }>;
const ok = <T>(data: T): Answer<T> => Promise.resolve({ status: "ok", data });
const failed = (code: UiError["code"]): Answer<never> => Promise.resolve({ status: "error", error: { code, params: {}, fields: [] } });

describe("Resource", () => {
  afterEach(() => forgetResources());

  it("shows the kept answer at once when a page opens again, then the fresh one", async () => {
    const first = new Resource(() => "sickLeaves", () => ok(["LV-1"]));
    expect(first.value).toBeNull();
    await first.reload();
    expect(first.value).toEqual(["LV-1"]);

    const again = new Resource(() => "sickLeaves", () => ok(["LV-1", "LV-2"]));
    expect(again.value).toEqual(["LV-1"]);
    await again.reload();
    expect(again.value).toEqual(["LV-1", "LV-2"]);
  });

  it("keeps answers apart by key, and forgets them all at sign-out", async () => {
    await new Resource(() => "opportunities:riyadh", () => ok(["OPP-1"])).reload();
    expect(new Resource(() => "opportunities:jeddah", () => ok([])).value).toBeNull();
    expect(new Resource(() => "opportunities:riyadh", () => ok([])).value).toEqual(["OPP-1"]);
    forgetResources();
    expect(new Resource(() => "opportunities:riyadh", () => ok([])).value).toBeNull();
  });

  it("says it is loading while asked; a failure keeps what was shown and is not kept", async () => {
    let answer: Answer<string[]> = ok(["TX-1"]);
    const loaded = new Resource(() => "transactions", () => answer);
    const asked = loaded.reload();
    expect(loaded.loading).toBe(true);
    await asked;
    expect(loaded.loading).toBe(false);

    answer = failed("server_unreachable");
    await loaded.reload();
    expect(loaded.loading).toBe(false);
    expect(loaded.failure?.code).toBe("server_unreachable");
    expect(loaded.value).toEqual(["TX-1"]);

    answer = ok(["TX-1", "TX-2"]);
    await loaded.reload();
    expect(loaded.failure).toBeNull();
    expect(new Resource(() => "transactions", () => answer).value).toEqual(["TX-1", "TX-2"]);
  });

  it("lets only the newest of two overlapping questions count", async () => {
    let release!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const answers: Answer<string>[] = [slow.then(() => ({ status: "ok" as const, data: "older" })), ok("newer")];
    const loaded = new Resource(() => "career", () => answers.shift() as Answer<string>);
    const first = loaded.reload();
    await loaded.reload();
    release();
    await first;
    expect(loaded.value).toBe("newer");
    expect(loaded.loading).toBe(false);
  });
});

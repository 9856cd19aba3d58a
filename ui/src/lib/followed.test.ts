import { describe, expect, it } from "vitest";
import { Followed } from "./followed";

describe("Followed", () => {
  it("keeps an event that arrived while an older answer was on its way", async () => {
    let shown = "checking";
    const followed = new Followed<string>((value) => (shown = value));
    let answer: (value: string) => void = () => undefined;
    const asked = followed.asked(new Promise<string>((resolve) => (answer = resolve)));
    followed.heard("online");
    answer("checking");
    await asked;
    expect(shown).toBe("online");
  });

  it("uses the answer when no event came meanwhile, and events after it", async () => {
    let shown = "checking";
    const followed = new Followed<string>((value) => (shown = value));
    await followed.asked(Promise.resolve("online"));
    expect(shown).toBe("online");
    followed.heard("offline");
    expect(shown).toBe("offline");
    await followed.asked(Promise.resolve("online"));
    expect(shown).toBe("online");
  });
});

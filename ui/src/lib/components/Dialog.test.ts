import { fireEvent, render, screen } from "@testing-library/svelte";
import { tick } from "svelte";
import { describe, expect, it, vi } from "vitest";
import Harness from "./DialogHarness.test.svelte";

describe("Dialog", () => {
  it("takes focus, keeps Tab inside, makes the page behind inert, and gives focus back", async () => {
    const opener = document.createElement("button");
    document.body.append(opener);
    opener.focus();
    const onEscape = vi.fn();
    const view = render(Harness, { open: true, onEscape });
    await tick();
    expect(document.activeElement).toBe(screen.getByTestId("stay"));
    expect(screen.getByTestId("behind").inert).toBe(true);
    expect(opener.inert).toBe(true);

    screen.getByTestId("last").focus();
    await fireEvent.keyDown(screen.getByTestId("last"), { key: "Tab" });
    expect(document.activeElement).toBe(screen.getByTestId("first"));
    await fireEvent.keyDown(screen.getByTestId("first"), { key: "Tab", shiftKey: true });
    expect(document.activeElement).toBe(screen.getByTestId("last"));

    await fireEvent.keyDown(screen.getByTestId("last"), { key: "Escape" });
    expect(onEscape).toHaveBeenCalledOnce();

    await view.rerender({ open: false, onEscape });
    await tick();
    expect(screen.queryByTestId("dialog")).toBeNull();
    expect(screen.getByTestId("behind").inert).toBe(false);
    expect(opener.inert).toBe(false);
    expect(document.activeElement).toBe(opener);
    opener.remove();
  });
});

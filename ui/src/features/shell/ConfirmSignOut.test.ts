import { fireEvent, render, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import ConfirmSignOut from "./ConfirmSignOut.svelte";

describe("ConfirmSignOut", () => {
  it("says how much waits, starts on «البقاء», and Escape keeps the employee signed in", async () => {
    let confirmed = 0;
    let cancelled = 0;
    render(ConfirmSignOut, {
      work: { edits: 2, drafts: 1 },
      onConfirm: () => (confirmed += 1),
      onCancel: () => (cancelled += 1),
    });
    const dialog = screen.getByRole("alertdialog");
    expect(dialog.getAttribute("aria-modal")).toBe("true");
    expect(screen.getByTestId("confirm-sign-out-note").textContent).toContain("لم يُرسل بعد: تعديلان · مسودة واحدة");
    expect(document.activeElement).toBe(screen.getByTestId("sign-out-stay"));
    await fireEvent.keyDown(dialog, { key: "Escape" });
    expect(cancelled).toBe(1);
    await fireEvent.click(screen.getByTestId("sign-out-confirm"));
    expect(confirmed).toBe(1);
  });

  it("warns that work may wait when the count is not known", () => {
    render(ConfirmSignOut, { work: null, onConfirm: () => {}, onCancel: () => {} });
    expect(screen.getByTestId("confirm-sign-out-note").textContent).toContain("قد تحتوي النسخة المحلية");
  });
});

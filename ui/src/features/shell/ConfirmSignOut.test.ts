import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import ConfirmSignOut from "./ConfirmSignOut.svelte";

describe("ConfirmSignOut", () => {
  afterEach(() => clearMocks());

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

  it("carries the unsent work out in a sealed file before leaving, and says where it went", async () => {
    let exports = 0;
    mockIPC((command) => {
      if (command !== "export_unsent") return null;
      exports += 1;
      return { fileName: "masar-unsent-1xxxxxxxx1-20261207-1432.masar", folder: "/media/usb", items: 1, files: 0, bytes: 900 };
    });
    let confirmed = 0;
    render(ConfirmSignOut, { work: { edits: 1, drafts: 0 }, onConfirm: () => (confirmed += 1), onCancel: () => {} });
    await fireEvent.click(screen.getByTestId("sign-out-export"));
    const notice = await waitFor(() => screen.getByTestId("sign-out-exported"));
    expect(exports).toBe(1);
    expect(notice.textContent).toContain("masar-unsent-1xxxxxxxx1-20261207-1432.masar");
    expect(notice.textContent).toContain("وفيه ما لم يُرسل.");
    expect(notice.textContent).not.toContain("ملفات");
    await waitFor(() => expect(document.activeElement).toBe(notice));
    // Exported once: the offer goes; signing out stays the employee's choice.
    expect(screen.queryByTestId("sign-out-export")).toBeNull();
    expect(confirmed).toBe(0);
    await fireEvent.click(screen.getByTestId("sign-out-confirm"));
    expect(confirmed).toBe(1);
  });

  it("says why no file was written, and offers no export when only unsaved forms wait", async () => {
    mockIPC((command) => {
      if (command === "export_unsent") throw { code: "export_needs_connection", params: {}, fields: [] };
      return null;
    });
    const { unmount } = render(ConfirmSignOut, { work: { edits: 2, drafts: 0 }, onConfirm: () => {}, onCancel: () => {} });
    await fireEvent.click(screen.getByTestId("sign-out-export"));
    const failure = await waitFor(() => screen.getByTestId("sign-out-export-failure"));
    expect(failure.textContent?.length).toBeGreaterThan(10);
    unmount();
    render(ConfirmSignOut, { work: { edits: 0, drafts: 1 }, onConfirm: () => {}, onCancel: () => {} });
    expect(screen.queryByTestId("sign-out-export")).toBeNull();
  });
});

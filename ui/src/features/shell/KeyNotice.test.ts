import { fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import { applyLanguage } from "../../lib/i18n/index.svelte";
import KeyNotice from "./KeyNotice.svelte";

describe("KeyNotice", () => {
  afterEach(() => applyLanguage("ar"));

  it("says plainly that the password alone protects the copy on a workstation without a keychain", async () => {
    const onSeen = vi.fn();
    render(KeyNotice, { notice: "noKeychain", onSeen });
    const notice = screen.getByTestId("key-notice");
    expect(notice.getAttribute("role")).toBe("status");
    expect(notice.textContent).toContain("لا توجد سلسلة مفاتيح في النظام على هذا الجهاز");
    expect(notice.textContent).toContain("كلمة مرورك وحدها");
    await fireEvent.click(screen.getByRole("button", { name: "فهمت" }));
    expect(onSeen).toHaveBeenCalledOnce();
  });

  it("says when the copy moved to the keychain, in English too", () => {
    applyLanguage("en");
    render(KeyNotice, { notice: "movedToKeychain", onSeen: () => {} });
    expect(screen.getByTestId("key-notice").textContent).toContain("now protected by the system keychain");
    expect(screen.getByTestId("key-notice").classList.contains("success")).toBe(true);
  });
});

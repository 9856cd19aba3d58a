import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { Auth, UiError } from "../../lib/backend";
import ChoosePassphrase from "./ChoosePassphrase.svelte";

const signedIn: Auth = {
  step: "signedIn",
  session: { profileId: "p", nationalId: "1000000008", maskedId: "1********8", displayName: "منيرة", online: true, previous: [], role: "employee", keyProtection: "keychain", keyNotice: null },
};

describe("ChoosePassphrase", () => {
  afterEach(() => clearMocks());

  it("says what waits after a forgotten one, shows each refusal at its field, then goes on", async () => {
    const tried: { passphrase: string; confirmation: string }[] = [];
    mockIPC((command, args) => {
      if (command !== "set_passphrase") return null;
      const input = (args as { input: { passphrase: string; confirmation: string } }).input;
      tried.push(input);
      const refuse = (code: UiError["code"]) => {
        throw { code, params: {}, fields: [] } satisfies UiError;
      };
      if (input.passphrase.length < 10) refuse("passphrase_too_weak");
      if (input.passphrase !== input.confirmation) refuse("passphrase_mismatch");
      return signedIn;
    });
    let next: Auth | null = null;
    render(ChoosePassphrase, { displayName: "منيرة", reason: "forgotten", unsent: { edits: 1, drafts: 0 }, onStep: (s: Auth) => (next = s) });
    expect(screen.getByRole("heading", { level: 2 }).textContent).toBe("اختر عبارة مرور جديدة");
    expect(screen.getByTestId("passphrase-kept").textContent).toContain("تعديل واحد");
    const passphrase = screen.getByTestId("new-passphrase") as HTMLInputElement;
    const confirmation = screen.getByTestId("confirm-passphrase") as HTMLInputElement;

    await fireEvent.input(passphrase, { target: { value: "short" } });
    await fireEvent.input(confirmation, { target: { value: "short" } });
    await fireEvent.click(screen.getByTestId("passphrase-submit"));
    await waitFor(() => expect(passphrase.getAttribute("aria-invalid")).toBe("true"));
    expect(screen.getByTestId("passphrase-error").textContent).toContain("10 أحرف على الأقل");

    await fireEvent.input(passphrase, { target: { value: "palm tree oasis" } });
    await fireEvent.input(confirmation, { target: { value: "palm tree oasiz" } });
    await fireEvent.click(screen.getByTestId("passphrase-submit"));
    await waitFor(() => expect(confirmation.getAttribute("aria-invalid")).toBe("true"));
    expect(passphrase.getAttribute("aria-invalid")).toBeNull();

    await fireEvent.input(confirmation, { target: { value: "palm tree oasis" } });
    await fireEvent.click(screen.getByTestId("passphrase-submit"));
    await waitFor(() => expect(next).toEqual(signedIn));
    expect(tried.length).toBe(3);
  });
});

import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { Auth, UiError } from "../../lib/backend";
import CarryAcross from "./CarryAcross.svelte";

const signedIn: Auth = {
  step: "signedIn",
  session: { profileId: "p", nationalId: "1000000008", maskedId: "1********8", displayName: "منيرة", online: true, previous: [], role: "employee", keyProtection: "keychain", keyNotice: null },
};

describe("CarryAcross", () => {
  afterEach(() => clearMocks());

  it("says what waits, keeps asking after a wrong previous password, then carries across", async () => {
    const wrong: UiError = { code: "previous_password_wrong", params: {}, fields: [] };
    const tried: string[] = [];
    mockIPC((command, args) => {
      if (command === "carry_across") {
        const previous = (args as { previousPassword: string }).previousPassword;
        tried.push(previous);
        if (previous !== "Masar@0008") throw wrong;
        return signedIn;
      }
      return null;
    });
    let next: Auth | null = null;
    render(CarryAcross, { unsent: { edits: 2, drafts: 1 }, onStep: (s: Auth) => (next = s) });
    expect(screen.getByTestId("carry-unsent").textContent).toBe("لم يُرسل بعد: تعديلان · مسودة واحدة");
    const input = screen.getByTestId("previous-password") as HTMLInputElement;
    await fireEvent.input(input, { target: { value: "guess" } });
    await fireEvent.click(screen.getByTestId("carry-submit"));
    await waitFor(() => expect(screen.getByTestId("carry-error").textContent).toBe(
      "كلمة المرور السابقة غير صحيحة. أدخل كلمة المرور التي كنت تستخدمها قبل تغييرها.",
    ));
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(next).toBeNull();

    await fireEvent.input(input, { target: { value: "Masar@0008" } });
    await fireEvent.click(screen.getByTestId("carry-submit"));
    await waitFor(() => expect(next).toEqual(signedIn));
    expect(tried).toEqual(["guess", "Masar@0008"]);
  });

  it("skipping keeps the copy aside through its own command", async () => {
    const calls: string[] = [];
    mockIPC((command) => {
      calls.push(command);
      return command === "skip_carry_across" ? signedIn : null;
    });
    let next: Auth | null = null;
    render(CarryAcross, { unsent: null, onStep: (s: Auth) => (next = s) });
    expect(screen.getByTestId("carry-unsent").textContent).toContain("قد تحتوي");
    await fireEvent.click(screen.getByTestId("carry-skip"));
    await waitFor(() => expect(next).toEqual(signedIn));
    expect(calls).toEqual(["skip_carry_across"]);
  });
});

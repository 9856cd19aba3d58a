import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { Auth, UiError } from "../../lib/backend";
import CodeStep from "./CodeStep.svelte";

const step = {
  step: "codeSent",
  maskedMobile: "05******75",
  expiresInSeconds: 300,
  resendAfterSeconds: 60,
  demoNationalId: null,
} as const;

function boxes(): HTMLInputElement[] {
  return [0, 1, 2, 3, 4, 5].map((i) => screen.getByTestId(`code-digit-${i}`) as HTMLInputElement);
}

describe("CodeStep", () => {
  afterEach(() => clearMocks());

  it("takes a pasted code (Eastern Arabic digits too) and sends it once complete", async () => {
    const sent: string[] = [];
    const signedIn: Auth = {
      step: "signedIn",
      session: { profileId: "p", nationalId: "1000000008", maskedId: "1********8", displayName: "منيرة", online: true, previous: [], role: "employee", keyProtection: "keychain", keyNotice: null },
    };
    mockIPC((command, args) => {
      if (command === "verify_code") {
        sent.push((args as { code: string }).code);
        return signedIn;
      }
      return null;
    });
    let next: Auth | null = null;
    render(CodeStep, { step, onStep: (s: Auth) => (next = s), onRestart: () => {} });
    const paste = new Event("paste", { bubbles: true, cancelable: true }) as Event & { clipboardData: unknown };
    paste.clipboardData = { getData: () => "١٢٣ 456" };
    boxes()[0].dispatchEvent(paste);
    await waitFor(() => expect(next).toEqual(signedIn));
    expect(sent).toEqual(["123456"]);
    expect(screen.getByTestId("masked-mobile").textContent).toBe("05******75");
  });

  it("shows a wrong code's message, clears the boxes and waits for resend", async () => {
    const wrong: UiError = { code: "code_incorrect", params: { remaining: 4 }, fields: [] };
    mockIPC((command) => {
      if (command === "verify_code") throw wrong;
      return null;
    });
    render(CodeStep, { step, onStep: () => {}, onRestart: () => {} });
    for (const [i, box] of boxes().entries()) await fireEvent.input(box, { target: { value: String(i + 1) } });
    await waitFor(() => expect(screen.getByTestId("code-error").textContent).toBe("رمز التحقق غير صحيح. المحاولات المتبقية: 4."));
    expect(boxes().map((b) => b.value)).toEqual(["", "", "", "", "", ""]);
    const resend = screen.getByTestId("code-resend") as HTMLButtonElement;
    expect(resend.disabled).toBe(true);
    expect(resend.textContent).toContain("60");
    expect(screen.getByTestId("code-timer").textContent).toContain("5:00");
  });

  it("goes back to the first step when the attempt is over", async () => {
    const over: UiError = { code: "too_many_attempts", params: {}, fields: [] };
    mockIPC((command) => {
      if (command === "verify_code") throw over;
      return null;
    });
    let why: UiError | null = null;
    render(CodeStep, { step, onStep: () => {}, onRestart: (e: UiError) => (why = e) });
    for (const [i, box] of boxes().entries()) await fireEvent.input(box, { target: { value: String(i) } });
    await waitFor(() => expect(why).toEqual(over));
  });

  it("goes back to the first step when wrong codes locked the ID", async () => {
    const locked: UiError = { code: "account_locked", params: { minutes: 15 }, fields: [] };
    mockIPC((command) => {
      if (command === "verify_code") throw locked;
      return null;
    });
    let why: UiError | null = null;
    render(CodeStep, { step, onStep: () => {}, onRestart: (e: UiError) => (why = e) });
    for (const [i, box] of boxes().entries()) await fireEvent.input(box, { target: { value: String(i) } });
    await waitFor(() => expect(why).toEqual(locked));
  });
});

import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { Auth, SignOnStarted, UiError } from "../../lib/backend";
import SignOn from "./SignOn.svelte";

const signedIn: Auth = {
  step: "signedIn",
  session: { profileId: "p", nationalId: "1000000008", maskedId: "1********8", displayName: "منيرة", online: true, previous: [], role: "employee", keyProtection: "keychain", keyNotice: null },
};
const notOpened: SignOnStarted = { url: "http://127.0.0.1:8787/oidc/authorize?client_id=masar-desktop", browserOpened: false, purpose: "signIn" };

describe("SignOn", () => {
  afterEach(() => clearMocks());

  it("waits for the browser with the address to copy, then hands on the signed-in state", async () => {
    let finish: (value: Auth) => void = () => {};
    const calls: string[] = [];
    mockIPC((command) => {
      calls.push(command);
      if (command === "begin_sign_on") return notOpened;
      if (command === "finish_sign_on") return new Promise<Auth>((resolve) => (finish = resolve));
      return null;
    });
    let next: Auth | null = null;
    render(SignOn, { purpose: "signIn", onStep: (s: Auth) => (next = s) });
    await fireEvent.click(screen.getByTestId("sign-on-start"));
    await waitFor(() => expect(screen.getByTestId("sign-on-waiting")).toBeTruthy());
    expect((screen.getByTestId("sign-on-url") as HTMLInputElement).value).toBe(notOpened.url);
    expect(screen.getByTestId("sign-on-waiting").textContent).toContain("تعذّر فتح المتصفح");
    expect(next).toBeNull();
    finish(signedIn);
    await waitFor(() => expect(next).toEqual(signedIn));
    expect(calls).toEqual(["begin_sign_on", "finish_sign_on"]);
  });

  it("cancelling goes back to the button without an error; a timeout is said", async () => {
    const timedOut: UiError = { code: "sign_on_timed_out", params: {}, fields: [] };
    const cancelled: UiError = { code: "sign_on_cancelled", params: {}, fields: [] };
    let fail: (error: UiError) => void = () => {};
    mockIPC((command) => {
      if (command === "begin_sign_on") return notOpened;
      if (command === "finish_sign_on") return new Promise<Auth>((_, reject) => (fail = reject));
      if (command === "cancel_sign_in") {
        fail(cancelled);
        return { step: "signedOut", profiles: [] };
      }
      return null;
    });
    let next: Auth | null = null;
    render(SignOn, { purpose: "signIn", onStep: (s: Auth) => (next = s) });
    await fireEvent.click(screen.getByTestId("sign-on-start"));
    await waitFor(() => expect(screen.getByTestId("sign-on-cancel")).toBeTruthy());
    await fireEvent.click(screen.getByTestId("sign-on-cancel"));
    await waitFor(() => expect(screen.getByTestId("sign-on-start")).toBeTruthy());
    expect(screen.queryByTestId("sign-on-error")).toBeNull();
    expect(next).toEqual({ step: "signedOut", profiles: [] });

    await fireEvent.click(screen.getByTestId("sign-on-start"));
    await waitFor(() => expect(screen.getByTestId("sign-on-waiting")).toBeTruthy());
    fail(timedOut);
    await waitFor(() => expect(screen.getByTestId("sign-on-error").textContent).toContain("انتهت مهلة انتظار الدخول"));
    expect(screen.getByTestId("sign-on-start")).toBeTruthy();
  });
});

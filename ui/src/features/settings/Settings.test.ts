import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { AppSettings, SettingsInput, UiError } from "../../lib/backend";
import Settings from "./Settings.svelte";

const saved: AppSettings = { serverUrl: "http://127.0.0.1:8787/", language: "ar", idleLockMinutes: 10, textSize: 100 };

describe("Settings", () => {
  afterEach(() => clearMocks());

  it("shows the server's refusal next to the field and keeps what was typed", async () => {
    const refusal: UiError = {
      code: "invalid_server_url",
      params: { detail: "url_insecure_remote" },
      fields: [],
    };
    let sent: SettingsInput | null = null;
    mockIPC((command, args) => {
      if (command === "save_settings") {
        sent = (args as { input: SettingsInput }).input;
        throw refusal;
      }
      return null;
    });
    let savedCalls = 0;
    render(Settings, { settings: saved, onSaved: () => (savedCalls += 1) });

    const input = screen.getByTestId("server-url-input") as HTMLInputElement;
    await fireEvent.input(input, { target: { value: "http://masar.example.com" } });
    await fireEvent.click(screen.getByTestId("settings-save"));

    await waitFor(() => expect(screen.getByTestId("server-url-input-error").textContent).toBe(
      "الاتصال غير المشفّر (\u2066http\u2069) مسموح للخادم المحلي فقط. استخدم \u2066https://\u2069",
    ));
    expect(input.value).toBe("http://masar.example.com");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    expect(sent).toEqual({ serverUrl: "http://masar.example.com", language: "ar", idleLockMinutes: 10, textSize: 100 });
    expect(savedCalls).toBe(0);
  });

  it("confirms a successful save", async () => {
    mockIPC((command, args) => {
      if (command === "save_settings") {
        const input = (args as { input: SettingsInput }).input;
        return { serverUrl: input.serverUrl, language: input.language, idleLockMinutes: 10 };
      }
      return null;
    });
    let result: AppSettings | null = null;
    render(Settings, { settings: saved, onSaved: (s: AppSettings) => (result = s) });
    await fireEvent.input(screen.getByTestId("server-url-input"), { target: { value: "https://masar.example.sa/" } });
    await fireEvent.click(screen.getByTestId("settings-save"));
    await waitFor(() => expect(screen.getByTestId("settings-saved").textContent).toBe("تم حفظ الإعدادات."));
    expect(result).toEqual({ serverUrl: "https://masar.example.sa/", language: "ar", idleLockMinutes: 10 });
  });
});

import { render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import { applyLanguage } from "../../lib/i18n/index.svelte";
import ConnectionIndicator from "./ConnectionIndicator.svelte";

describe("ConnectionIndicator", () => {
  afterEach(() => applyLanguage("ar"));

  it("says متصل with the server version on hover when online", () => {
    render(ConnectionIndicator, {
      status: { state: "online", serverVersion: "0.1.0", demo: true, checkedAt: "2026-11-28T09:00:00Z" },
    });
    expect(screen.getByTestId("connection-label").textContent).toBe("متصل");
    expect(screen.getByTestId("connection").getAttribute("data-state")).toBe("online");
    expect(screen.getByTestId("connection").getAttribute("title")).toContain("0.1.0");
  });

  it("says غير متصل and gives the reason on hover when offline", () => {
    const reason = "تعذّر الوصول إلى الخادم. تحقق من اتصال الشبكة ومن عنوان الخادم في الإعدادات.";
    render(ConnectionIndicator, {
      status: {
        state: "offline",
        reason: { code: "server_unreachable", params: {}, fields: [] },
        checkedAt: "2026-11-28T09:00:00Z",
      },
      onCheck: () => {},
    });
    expect(screen.getByTestId("connection-label").textContent).toBe("غير متصل");
    expect(screen.getByTestId("connection").getAttribute("title")).toContain(reason);
    expect(screen.getByRole("button").textContent).toBe("تحقق الآن");
  });

  it("speaks English after the switch", () => {
    applyLanguage("en");
    render(ConnectionIndicator, {
      status: {
        state: "offline",
        reason: { code: "server_timeout", params: {}, fields: [] },
        checkedAt: "2026-11-28T09:00:00Z",
      },
    });
    expect(screen.getByTestId("connection-label").textContent).toBe("Offline");
    expect(screen.getByTestId("connection").getAttribute("title")).toContain("The server did not answer in time.");
  });
});

import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { EmployeeProfile, UiError } from "../../lib/backend";
import Overview from "./Overview.svelte";

const profile: EmployeeProfile = {
  nationalId: "1000000008",
  employeeNumber: "410694",
  nameAr: { first: "منيرة", father: "عمر", grandfather: "إبراهيم", family: "الشمري" },
  nameEn: { first: "Munira", father: "Omar", grandfather: "Ibrahim", family: "Alshammari" },
  gender: "female",
  birthDate: "1984-12-26",
  nationality: "سعودية",
  entity: "وزارة المالية",
  jobTitle: "أخصائي موارد بشرية أول",
  jobNumber: "05666",
  rank: 10,
  step: 3,
  appointmentDate: "2006-09-14",
  mobile: "+966591544275",
  email: "munira.alshammari@mof.gov.sa",
  address: {
    buildingNumber: "4719",
    street: "شارع التخصصي",
    district: "العليا",
    city: "الرياض",
    postalCode: "11738",
    additionalNumber: "9574",
  },
};

const unreachable: UiError = {
  code: "server_unreachable",
  params: {},
  fields: [],
};

describe("Overview", () => {
  afterEach(() => clearMocks());

  it("shows the error with a retry, asks once, and shows the employee after the retry", async () => {
    let calls = 0;
    mockIPC((command) => {
      if (command !== "employee") return null;
      calls += 1;
      if (calls === 1) throw unreachable;
      return { profile, cachedAt: null };
    });
    vi.useFakeTimers({ shouldAdvanceTime: true });
    render(Overview);

    await waitFor(() => expect(screen.getByTestId("overview-error").textContent).toContain("تعذّر الوصول إلى الخادم."));
    // No retry storm: ten minutes pass on the clock and the failed load is not repeated by itself.
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(calls).toBe(1);
    vi.useRealTimers();

    await fireEvent.click(screen.getByRole("button", { name: "إعادة المحاولة" }));
    await waitFor(() => expect(screen.getByTestId("employee-name").textContent?.trim()).toBe("منيرة عمر إبراهيم الشمري"));
    expect(screen.queryByTestId("overview-error")).toBeNull();
    expect(screen.getByTestId("national-id").textContent?.trim()).toBe("1000000008");
    expect(screen.getByTestId("rank").textContent?.trim()).toBe("المرتبة 10 — الدرجة 3");
    expect(calls).toBe(2);
  });

  it("shows text from the server as text, never as markup", async () => {
    mockIPC((command) =>
      command === "employee"
        ? { profile: { ...profile, entity: '<img src=x onerror="alert(1)">' }, cachedAt: null }
        : null,
    );
    render(Overview);
    await waitFor(() => expect(screen.getByTestId("entity").textContent).toBe('<img src=x onerror="alert(1)">'));
    expect(document.querySelector("img")).toBeNull();
  });
});

describe("Overview from the local copy", () => {
  afterEach(() => clearMocks());

  it("says when the shown data was last fetched from the server", async () => {
    mockIPC((command) => (command === "employee" ? { profile, cachedAt: "2026-11-20T08:30:00Z" } : null));
    render(Overview);
    await waitFor(() => expect(screen.getByTestId("cached-at").textContent).toContain("آخر تحديث من الخادم"));
    expect(screen.getByTestId("cached-at").textContent).toContain("2026");
    expect(screen.getByTestId("employee-name").textContent?.trim()).toBe("منيرة عمر إبراهيم الشمري");
  });
});

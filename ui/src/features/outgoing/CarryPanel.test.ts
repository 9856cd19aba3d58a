import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { ImportReport, UiError } from "../../lib/backend";
import CarryPanel from "./CarryPanel.svelte";

const report: ImportReport = {
  employee: "1********1",
  createdAt: "2026-12-01T08:30:00Z",
  files: 1,
  items: [
    { id: 4, action: "update_contact", outcome: { outcome: "applied" }, alreadyApplied: false },
    { id: 5, action: "submit_qualification", outcome: { outcome: "applied" }, alreadyApplied: true },
    { id: 6, action: "apply_for_opportunity", outcome: { outcome: "rejected", errors: [{ field: "opportunityId", problem: "required", limit: null }] }, alreadyApplied: false },
  ],
};

describe("carrying unsent work in a sealed file", () => {
  afterEach(() => clearMocks());

  it("says where the export was saved and what is in it", async () => {
    mockIPC((command) => (command === "export_unsent" ? { fileName: "masar-unsent-1xxxxxxxx1-20261207-1432.masar", folder: "/media/usb", items: 2, files: 2, bytes: 4096 } : null));
    render(CarryPanel, { waiting: true });
    await fireEvent.click(screen.getByTestId("sealed-export"));
    const notice = await waitFor(() => screen.getByTestId("sealed-exported"));
    expect(notice.textContent).toContain("masar-unsent-1xxxxxxxx1-20261207-1432.masar");
    expect(notice.textContent).toContain("وملفان");
    expect(notice.textContent).toContain("/media/usb");
  });

  it("exports nothing when nothing waits, and says so", async () => {
    let asked = 0;
    mockIPC((command) => {
      if (command === "export_unsent") asked += 1;
      return null;
    });
    render(CarryPanel, { waiting: false });
    await fireEvent.click(screen.getByTestId("sealed-export"));
    expect(asked).toBe(0);
    expect(screen.getByTestId("sealed-nothing").textContent).toContain("لا شيء بانتظار الإرسال");
  });

  it("shows what the import did with each item, applied once only", async () => {
    mockIPC((command) => (command === "import_sealed" ? report : null));
    render(CarryPanel, { waiting: false });
    await fireEvent.click(screen.getByTestId("sealed-import"));
    const rows = await waitFor(() => screen.getAllByTestId("import-item"));
    expect(rows.map((row) => row.dataset.outcome)).toEqual(["applied", "already_applied", "rejected"]);
    expect(rows[0].textContent).toContain("طُبّق في مسار");
    expect(rows[1].textContent).toContain("فلم يُطبَّق مرة ثانية");
    expect(rows[2].textContent).toContain("لم يُقبل");
  });

  it("tells why a whole file was refused, in the user's language", async () => {
    const refused: UiError = { code: "import_refused", params: { detail: "import_other_employee" }, fields: [] } as unknown as UiError;
    mockIPC((command) => {
      if (command === "import_sealed") throw refused;
      return null;
    });
    render(CarryPanel, { waiting: false, door: "hr", testid: "hr-import" });
    expect(screen.queryByTestId("hr-import-export")).toBeNull();
    await fireEvent.click(screen.getByTestId("hr-import-import"));
    const alert = await waitFor(() => screen.getByTestId("hr-import-failure"));
    expect(alert.textContent).toContain("هذا الملف لموظف آخر");
  });
});

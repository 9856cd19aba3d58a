import { render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC, mockWindows } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { QualificationItem_Serialize as Item, UploadProgress_Serialize as Progress } from "../../lib/backend";
import { uploads } from "../../lib/uploads.svelte";
import { applyLanguage } from "../../lib/i18n/index.svelte";
import QualificationsPage from "./QualificationsPage.svelte";

const certificate = "a".repeat(64);
const transcript = "b".repeat(64);

const item: Item = {
  id: "0123456789abcdef0123456789abcdef",
  receipt: "20261206-0001",
  transactionNumber: null,
  form: {
    level: "bachelor", major: "نظم المعلومات", institution: "جامعة الملك سعود", country: "SA", studyMode: "regular",
    startDate: "2012-09-01", graduationDate: "2016-06-15", gpa: "4.2", gpaScale: "5", grade: null,
    equivalencyNumber: "", equivalencyDate: "", attachments: [], termsAccepted: true, updates: null,
  },
  state: {
    state: "waiting",
    sentBytes: 0,
    totalBytes: 40_000,
    files: [
      { sha256: certificate, name: "certificate.pdf", sentBytes: 0, totalBytes: 20_000 },
      { sha256: transcript, name: "transcript.pdf", sentBytes: 0, totalBytes: 20_000 },
    ],
  },
  stage: { stage: "saved" },
  updatedAt: "2026-12-06T09:00:00Z",
};

const chunk = (sha256: string | null, sentBytes: number): Progress => ({
  active: sha256 !== null,
  sha256,
  sentBytes,
  remainingBytes: 40_000 - sentBytes,
  bytesPerSecond: 10_000,
});

const onRecord = (id: string, major: string, status: "verified" | "under_review" | "rejected") => ({
  id, level: "bachelor", major, institution: "جامعة الملك سعود", country: "SA", studyMode: "regular",
  startDate: "2008-09-01", graduationDate: "2012-06-14", gpa: 4.5, gpaScale: 5, grade: "excellent",
  equivalency: null, status, rejectionReason: status === "rejected" ? "الشهادة غير واضحة" : null,
});

describe("QualificationsPage", () => {
  it("lists the record's qualifications, and offers an update only where none is open", async () => {
    const updating: Item = { ...item, form: { ...item.form, updates: "Q102" }, state: { state: "under_review" } };
    const started: string[] = [];
    // The editor listens for files dropped on the window.
    mockWindows("main");
    mockIPC((command, args) => {
      if (command === "record_qualifications") {
        return [onRecord("Q102", "نظم المعلومات", "verified"), onRecord("Q101", "العلوم الطبيعية", "rejected")];
      }
      if (command === "qualifications") return [updating];
      if (command === "start_qualification_update") {
        started.push((args as { id: string }).id);
        return { id: "f".repeat(32), form: { ...item.form, attachments: [], termsAccepted: false, updates: "Q101" } };
      }
      return command === "sync_status" ? { state: "idle" } : null;
    });
    render(QualificationsPage);
    await waitFor(() => expect(screen.getAllByTestId("record-qualification")).toHaveLength(2));
    const [first, second] = screen.getAllByTestId("record-qualification");
    expect(first.dataset.state).toBe("verified");
    expect(first.textContent).toContain("14 يونيو 2012 — 24 رجب 1433\u00a0هـ");
    expect(first.querySelector("[data-testid=record-qualification-pending]")).not.toBeNull();
    expect(first.querySelector("[data-testid=record-qualification-update]")).toBeNull();
    expect(second.textContent).toContain("الشهادة غير واضحة");
    expect(screen.getByTestId("qualification-updates").textContent).toBe("طلب تحديث لمؤهل في السجل");
    (second.querySelector("[data-testid=record-qualification-update]") as HTMLButtonElement).click();
    await waitFor(() => expect(screen.getByTestId("qualification-update-note")).toBeTruthy());
    expect(started).toEqual(["Q101"]);
    expect(screen.getByTestId("page-heading").textContent).toBe("تحديث المؤهل");
  });

  afterEach(() => {
    clearMocks();
    uploads.heard(chunk(null, 0));
  });

  it("reads its list when a file starts going up, and shows each chunk without reading it again", async () => {
    let reads = 0;
    mockIPC((command) => {
      if (command === "qualifications") {
        reads += 1;
        return [item];
      }
      return command === "sync_status" ? { state: "idle" } : null;
    });
    render(QualificationsPage);
    await waitFor(() => expect(screen.getByTestId("qualification-state").textContent).toBe("محفوظ على الجهاز"));
    const before = reads;

    uploads.heard(chunk(certificate, 2_000));
    await waitFor(() => expect(reads).toBe(before + 1));
    for (const sent of [6_000, 10_000, 14_000]) uploads.heard(chunk(certificate, sent));
    await waitFor(() => expect(screen.getByTestId("qualification-state").textContent).toBe("جاري الإرسال 35%"));
    const files = screen.getAllByTestId("file-progress").map((li) => li.textContent?.trim());
    expect(files).toEqual(["certificate.pdf — 70%", "transcript.pdf — 0%"]);
    expect(reads).toBe(before + 1);
  });
  it("asks to choose what is chosen from a list or a calendar, and to enter what is typed", async () => {
    mockWindows("main");
    mockIPC((command) => {
      if (command === "record_qualifications" || command === "qualifications") return [];
      if (command === "new_qualification") return { id: "f".repeat(32), form: { ...item.form, level: null, major: "", graduationDate: "", termsAccepted: false } };
      if (command === "send_qualification") {
        // A refusal as the core sends it: an object, not an exception of the page's own.
        throw {
          code: "invalid_input",
          params: {},
          fields: [
            { field: "level", problem: "required", limit: null },
            { field: "major", problem: "required", limit: null },
            { field: "graduationDate", problem: "required", limit: null },
          ],
        };
      }
      return command === "sync_status" ? { state: "idle" } : null;
    });
    render(QualificationsPage);
    (await screen.findByTestId("qualification-add")).click();
    (await screen.findByTestId("qualification-send")).click();
    await waitFor(() => expect(screen.getByText("اختر المستوى.", { selector: ".field-error, .field-error *" })).toBeTruthy());
    expect(screen.getAllByText("أدخل التخصص.").length).toBeGreaterThan(0);
    expect(screen.getAllByText("اختر تاريخ التخرج.").length).toBeGreaterThan(0);
  });
  it("words the notice of a sent request in the language the window is switched to", async () => {
    mockWindows("main");
    mockIPC((command) => {
      if (command === "record_qualifications" || command === "qualifications") return [];
      if (command === "new_qualification") return { id: "f".repeat(32), form: item.form };
      if (command === "send_qualification") return "20261207-0001";
      return command === "sync_status" ? { state: "idle" } : null;
    });
    render(QualificationsPage);
    (await screen.findByTestId("qualification-add")).click();
    (await screen.findByTestId("qualification-send")).click();
    const notice = await screen.findByTestId("qualification-notice");
    expect(notice.textContent).toContain("20261207-0001");
    expect(notice.textContent).toMatch(/[\u0600-\u06FF]/);
    applyLanguage("en");
    try {
      await waitFor(() => expect(screen.getByTestId("qualification-notice").textContent).not.toMatch(/[\u0600-\u06FF]/));
      expect(screen.getByTestId("qualification-notice").textContent).toContain("20261207-0001");
    } finally {
      applyLanguage("ar");
    }
  });
});

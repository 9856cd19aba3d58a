import { render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { QualificationItem_Serialize as Item, UploadProgress_Serialize as Progress } from "../../lib/backend";
import { uploads } from "../../lib/uploads.svelte";
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
    equivalencyNumber: "", equivalencyDate: "", attachments: [], termsAccepted: true,
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
  updatedAt: "2026-12-06T09:00:00Z",
};

const chunk = (sha256: string | null, sentBytes: number): Progress => ({
  active: sha256 !== null,
  sha256,
  sentBytes,
  remainingBytes: 40_000 - sentBytes,
  bytesPerSecond: 10_000,
});

describe("QualificationsPage", () => {
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
    await waitFor(() => expect(screen.getByTestId("qualification-state").textContent).toBe("بانتظار المزامنة"));
    const before = reads;

    uploads.heard(chunk(certificate, 2_000));
    await waitFor(() => expect(reads).toBe(before + 1));
    for (const sent of [6_000, 10_000, 14_000]) uploads.heard(chunk(certificate, sent));
    await waitFor(() => expect(screen.getByTestId("qualification-state").textContent).toBe("جاري الرفع 35%"));
    const files = screen.getAllByTestId("file-progress").map((li) => li.textContent?.trim());
    expect(files).toEqual(["certificate.pdf — 70%", "transcript.pdf — 0%"]);
    expect(reads).toBe(before + 1);
  });
});

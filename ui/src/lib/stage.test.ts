import { afterEach, describe, expect, it } from "vitest";
import type { Form, OutgoingItem, Stage } from "./backend";
import { applyLanguage } from "./i18n/index.svelte";
import { applicationStage, recordStage, stageText, stageTone, waitingText } from "./stage";

function item(key: string, kind: Form, stage: Stage): OutgoingItem {
  return {
    key,
    kind,
    subject: null,
    fields: [],
    stage,
    receipt: null,
    transactionNumber: null,
    savedAt: "2026-12-07T08:00:00Z",
    reachedAt: null,
    decidedAt: null,
  };
}

describe("one status model for everything sent", () => {
  afterEach(() => applyLanguage("ar"));

  it("counts what waits by kind, in the words that fit each, and leaves out what reached Masar", () => {
    const items = [
      item("edit:1", "contact", { stage: "saved" }),
      item("edit:2", "personal", { stage: "saved" }),
      item("edit:3", "contact", { stage: "reached" }),
      item("qualification:a", "qualification", { stage: "sending", percent: 40 }),
      item("application:b", "application", { stage: "saved" }),
      item("application:c", "application", { stage: "declined", reason: "اكتملت المقاعد" }),
    ];
    expect(waitingText(items)).toBe("تعديلان، مؤهل واحد، طلب واحد");
    applyLanguage("en");
    expect(waitingText(items)).toBe("2 edits, 1 qualification, 1 application");
    expect(waitingText(items.filter((i) => i.stage.stage === "reached"))).toBe("");
  });

  it("words each stage for its kind and says when it waits for the network", () => {
    expect(stageText({ stage: "saved" }, "contact")).toBe("محفوظ على الجهاز");
    expect(stageText({ stage: "saved" }, "contact", true)).toBe("محفوظ على الجهاز · بانتظار الاتصال");
    expect(stageText({ stage: "sending", percent: 35 }, "qualification")).toBe("جاري الإرسال 35%");
    expect(stageText({ stage: "reached" }, "contact")).toBe("وصل إلى مسار");
    expect(stageText({ stage: "reached" }, "qualification")).toBe("وصل إلى مسار، قيد المراجعة");
    expect(stageText({ stage: "reached" }, "application")).toBe("وصل إلى مسار، تم الاستلام");
    expect(stageText({ stage: "declined", reason: "x" }, "application")).toBe("معتذر");
    expect(stageText({ stage: "file_refused", name: "scan.png" }, "qualification")).toBe("ملف مرفوض: scan.png");
  });

  it("colours by meaning: waiting amber, on its way neutral, done green, refused red", () => {
    expect(stageTone({ stage: "saved" }, "contact")).toBe("warning");
    expect(stageTone({ stage: "conflict" }, "contact")).toBe("warning");
    expect(stageTone({ stage: "sending", percent: 1 }, "qualification")).toBe("info");
    expect(stageTone({ stage: "reached" }, "contact")).toBe("success");
    expect(stageTone({ stage: "reached" }, "qualification")).toBe("info");
    expect(stageTone({ stage: "verified" }, "qualification")).toBe("success");
    expect(stageTone({ stage: "rejected", reason: "x" }, "qualification")).toBe("danger");
    expect(stageTone({ stage: "refused", reasons: [] }, "application")).toBe("danger");
  });
});

describe("a qualification on the record in the same model", () => {
  it("is reached while HR reviews it, and HR's decision after", () => {
    expect(recordStage("under_review", null)).toEqual({ stage: "reached" });
    expect(recordStage("verified", null)).toEqual({ stage: "verified" });
    expect(recordStage("rejected", "صورة غير واضحة")).toEqual({ stage: "rejected", reason: "صورة غير واضحة" });
    expect(stageTone(recordStage("rejected", "x"), "qualification")).toBe("danger");
    expect(applicationStage("received", null)).toEqual({ stage: "reached" });
    expect(applicationStage("accepted", null)).toEqual({ stage: "accepted" });
    expect(applicationStage("declined", "اكتمل العدد")).toEqual({ stage: "declined", reason: "اكتمل العدد" });
    expect(stageTone(applicationStage("declined", "x"), "application")).toBe("danger");
    expect(stageTone(applicationStage("received", null), "application")).toBe("info");
  });
});

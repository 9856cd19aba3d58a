import { describe, expect, it } from "vitest";
import type { Qualification_Serialize as Qualification, QualificationDetails_Serialize as Details, ReviewItem_Serialize as ReviewItem, UiError } from "../../lib/backend";
import { byState, changes } from "./review";

const onRecord: Qualification = {
  id: "Q102", level: "bachelor", major: "المحاسبة", institution: "جامعة الملك سعود", country: "SA", studyMode: "regular",
  startDate: "2008-09-01", graduationDate: "2012-06-14", gpa: 4.1, gpaScale: 5, grade: "very_good", equivalency: null,
  status: "verified", rejectionReason: null,
};
const same: Details = {
  level: "bachelor", major: "المحاسبة", institution: "جامعة الملك سعود", country: "SA", studyMode: "regular",
  startDate: "2008-09-01", graduationDate: "2012-06-14", gpa: "4.1", gpaScale: "5", grade: "very_good", equivalency: null,
};
const words = (key: string) => key;

describe("what an update changes", () => {
  it("is nothing when the request repeats the record", () => {
    expect(changes(same, onRecord, words, (d) => d, (c) => c)).toEqual([]);
  });

  it("lists each changed detail as on the record and as requested, in the officer's words", () => {
    const request: Details = { ...same, gpa: "4.75", grade: "excellent", country: "GB", equivalency: { number: "م/123456", date: "2013-01-10" } };
    const found = changes(request, onRecord, words, (d) => `[${d}]`, (c) => `<${c}>`);
    expect(found).toEqual([
      { label: "qual.country", before: "<SA>", after: "<GB>" },
      { label: "qual.gpa", before: "4.1 / 5", after: "4.75 / 5" },
      { label: "qual.grade", before: "qual.grade.very_good", after: "qual.grade.excellent" },
      { label: "qual.equivalencyNumber", before: "—", after: "م/123456 — [2013-01-10]" },
    ]);
  });
});

describe("the queue by state", () => {
  const item = (id: string) => ({ qualification: { id } }) as unknown as ReviewItem;

  it("asks for each state and keeps each answer under its state", async () => {
    const asked: string[] = [];
    const answer = await byState(async (state) => {
      asked.push(state);
      return { status: "ok", data: state === "verified" ? [item("a"), item("b")] : [item(state)] };
    });
    expect(asked).toEqual(["under_review", "verified", "rejected"]);
    expect(answer.status).toBe("ok");
    if (answer.status !== "ok") return;
    expect(answer.data.verified.map((i) => i.qualification.id)).toEqual(["a", "b"]);
    expect(answer.data.rejected.map((i) => i.qualification.id)).toEqual(["rejected"]);
  });

  it("answers with the failure when one state cannot be asked", async () => {
    const error = { kind: "offline" } as unknown as UiError;
    const answer = await byState(async (state) => (state === "rejected" ? { status: "error", error } : { status: "ok", data: [] }));
    expect(answer).toEqual({ status: "error", error });
  });
});

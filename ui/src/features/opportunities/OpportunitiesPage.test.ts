import { fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import type { ApplicationView, Opportunity, OpportunityList, UiError } from "../../lib/backend";
import OpportunitiesPage from "./OpportunitiesPage.svelte";

function opportunity(id: string, title: string): Opportunity {
  return {
    id,
    kind: "training",
    title,
    provider: "معهد الإدارة العامة",
    location: "الرياض",
    startDate: "2027-01-10",
    durationDays: 5,
    applicationDeadline: "2026-12-20",
    seats: 20,
    minimumRank: 6,
  };
}

const waiting: ApplicationView = {
  id: "0123456789abcdef0123456789abcdef",
  receipt: "20261129-0002",
  transactionNumber: null,
  state: { state: "waiting" },
  stage: { stage: "saved" },
  appliedAt: "2026-11-29T09:00:00Z",
};

function list(applied: boolean): OpportunityList {
  return {
    items: [
      { opportunity: opportunity("OPP-001", "إدارة المشاريع الاحترافية"), ineligible: null, application: applied ? waiting : null },
      {
        opportunity: opportunity("OPP-002", "القيادة الإدارية"),
        ineligible: null,
        application: { ...waiting, id: "f".repeat(32), receipt: "20261120-0001", transactionNumber: "TR-2026-000004", state: { state: "declined", reason: "اكتملت المقاعد." }, stage: { stage: "declined", reason: "اكتملت المقاعد." } },
      },
      {
        opportunity: opportunity("OPP-003", "تحليل البيانات"),
        ineligible: null,
        application: { ...waiting, id: "e".repeat(32), receipt: "20261121-0001", state: { state: "refused", errors: [{ field: "opportunity", problem: "applications_closed", limit: null }] }, stage: { stage: "refused", reasons: [{ field: "opportunity", problem: "applications_closed", limit: null }] } },
      },
      { opportunity: opportunity("OPP-004", "الأمن السيبراني"), ineligible: "rank", application: null },
    ],
    cities: ["الرياض"],
    fresh: false,
  };
}

const card = (id: string): HTMLElement => screen.getAllByTestId("opportunity").find((li) => li.dataset.id === id) as HTMLElement;

describe("OpportunitiesPage", () => {
  afterEach(() => clearMocks());

  it("offers تقديم only where the employee may apply and shows each application's state", async () => {
    mockIPC((command) => (command === "opportunities" ? list(false) : command === "sync_status" ? { state: "idle" } : null));
    render(OpportunitiesPage);
    await waitFor(() => expect(screen.getAllByTestId("opportunity")).toHaveLength(4));
    expect(within(card("OPP-001")).getByTestId("opp-apply").textContent?.trim()).toBe("تقديم");
    const declined = card("OPP-002");
    expect(within(declined).getByTestId("opp-application-state").textContent).toBe("معتذر");
    expect(within(declined).getByTestId("opp-transaction").textContent).toBe("TR-2026-000004");
    expect(within(declined).getByTestId("opp-reason").textContent).toContain("اكتملت المقاعد.");
    expect(within(declined).queryByTestId("opp-apply")).toBeNull();
    const refused = card("OPP-003");
    expect(within(refused).getByTestId("opp-refusal").textContent).toContain("انتهى موعد التقديم");
    expect(within(refused).getByTestId("opp-apply").textContent?.trim()).toBe("التقديم مرة أخرى");
    expect(within(card("OPP-004")).queryByTestId("opp-apply")).toBeNull();
    expect(screen.getByTestId("opp-kept")).toBeTruthy();
  });

  it("an older answer that arrives after a newer one does not take the page back", async () => {
    let release: (value: OpportunityList) => void = () => undefined;
    let calls = 0;
    mockIPC((command) => {
      if (command === "sync_status") return { state: "idle" };
      if (command !== "opportunities") return null;
      calls += 1;
      // The first load (before the application) answers last.
      return calls === 1 ? new Promise<OpportunityList>((resolve) => (release = resolve)) : list(true);
    });
    render(OpportunitiesPage);
    await waitFor(() => expect(calls).toBe(1));
    await fireEvent.click(screen.getByTestId("opp-eligible"));
    await waitFor(() => expect(card("OPP-001").dataset.application).toBe("waiting"));
    release(list(false));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(card("OPP-001").dataset.application).toBe("waiting");
    expect(within(card("OPP-001")).getByTestId("opp-receipt").textContent).toBe("20261129-0002");
  });

  it("a refusal stays in the dialog's summary; confirmed, the receipt is announced and the card says محفوظ على الجهاز", async () => {
    const refusal: UiError = { code: "invalid_input", params: {}, fields: [{ field: "opportunity", problem: "applied_already", limit: null }] };
    let attempts = 0;
    let applied = false;
    mockIPC((command, args) => {
      if (command === "opportunities") return list(applied);
      if (command === "sync_status") return { state: "idle" };
      if (command === "apply_for_opportunity") {
        expect(args).toMatchObject({ opportunityId: "OPP-001" });
        attempts += 1;
        if (attempts === 1) throw refusal;
        applied = true;
        return waiting;
      }
      return null;
    });
    render(OpportunitiesPage);
    const apply = await waitFor(() => within(card("OPP-001")).getByTestId("opp-apply"));
    await fireEvent.click(apply);
    const dialog = screen.getByTestId("apply-dialog");
    expect(within(dialog).getByRole("heading").textContent).toContain("إدارة المشاريع الاحترافية");
    expect(document.activeElement).toBe(screen.getByTestId("apply-confirm"));
    await fireEvent.click(screen.getByTestId("apply-confirm"));
    await waitFor(() => expect(screen.getByTestId("apply-error").textContent).toContain("قدّمت على هذه الفرصة من قبل"));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId("apply-error")));

    await fireEvent.click(screen.getByTestId("apply-confirm"));
    await waitFor(() => expect(screen.queryByTestId("apply-dialog")).toBeNull());
    const notice = await waitFor(() => screen.getByTestId("opp-notice"));
    expect(notice.textContent).toContain("20261129-0002");
    expect(notice.querySelector("bdi[dir=ltr]")?.textContent).toBe("20261129-0002");
    await waitFor(() => expect(document.activeElement).toBe(notice));
    expect(within(card("OPP-001")).getByTestId("opp-application-state").textContent).toBe("محفوظ على الجهاز");
    expect(within(card("OPP-001")).queryByTestId("opp-apply")).toBeNull();
  });

  it("an end date before the start date is said at the field", async () => {
    mockIPC((command) => (command === "opportunities" ? list(false) : command === "sync_status" ? { state: "idle" } : null));
    render(OpportunitiesPage);
    const typeDate = async (id: string, day: string, month: string, year: string): Promise<void> => {
      await fireEvent.input(screen.getByTestId(`${id}-day`), { target: { value: day } });
      await fireEvent.change(screen.getByTestId(`${id}-month`), { target: { value: month } });
      await fireEvent.input(screen.getByTestId(`${id}-year`), { target: { value: year } });
    };
    await typeDate("opp-from", "1", "2", "2027");
    await typeDate("opp-until", "1", "1", "2027");
    expect(screen.getByTestId("opp-until-error").textContent).toBe("تاريخ النهاية قبل تاريخ البداية.");
  });
});

import { fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EmployeeData, UiError } from "../../lib/backend";
import { employee } from "../../lib/employee.svelte";
import { sampleProfile } from "../../lib/test-profile";
import ContactPage from "./ContactPage.svelte";

const data: EmployeeData = {
  cachedAt: null,
  forms: [],
  profile: sampleProfile,
};

describe("ContactPage", () => {
  beforeEach(() => employee.set(structuredClone(data)));
  afterEach(() => clearMocks());

  async function editPostalCode(value: string): Promise<void> {
    await fireEvent.click(screen.getByTestId("contact-edit"));
    const input = await waitFor(() => screen.getByTestId("contact-address.postalCode"));
    await fireEvent.input(input, { target: { value } });
  }

  it("asks for the terms first and sends nothing before", async () => {
    let calls = 0;
    mockIPC((command) => {
      if (command === "update_contact") calls += 1;
      return null;
    });
    render(ContactPage);
    await editPostalCode("12345");
    await fireEvent.click(screen.getByTestId("contact-submit"));
    expect(screen.getByTestId("contact-error").textContent).toContain("الشروط والأحكام");
    expect(calls).toBe(0);
  });

  it("links the terms: they open in a dialog whose «أوافق» ticks the box and gives the focus back", async () => {
    mockIPC(() => null);
    render(ContactPage);
    await editPostalCode("12345");
    const box = screen.getByTestId("contact-terms") as HTMLInputElement;
    expect(box.checked).toBe(false);
    const read = screen.getByTestId("contact-terms-read");
    read.focus();
    await fireEvent.click(read);
    const dialog = await waitFor(() => screen.getByTestId("contact-terms-dialog"));
    expect(dialog.textContent).toContain("أن البيانات التي أدخلتها صحيحة");
    await fireEvent.click(screen.getByTestId("contact-terms-accept"));
    await waitFor(() => expect(screen.queryByTestId("contact-terms-dialog")).toBeNull());
    expect(box.checked).toBe(true);
    expect(document.activeElement).toBe(read);
  });

  it("shows the field messages next to their fields and keeps what was typed", async () => {
    const refusal: UiError = {
      code: "invalid_input",
      params: {},
      fields: [{ field: "address.postalCode", problem: "digits", limit: 5 }],
    };
    let sent: unknown = null;
    mockIPC((command, args) => {
      if (command === "update_contact") {
        sent = args;
        throw refusal;
      }
      return null;
    });
    render(ContactPage);
    await editPostalCode("117380");
    await fireEvent.click(screen.getByTestId("contact-terms"));
    await fireEvent.click(screen.getByTestId("contact-submit"));
    await waitFor(() =>
      expect(screen.getByTestId("contact-address.postalCode-error").textContent).toBe("الرمز البريدي 5 أرقام."),
    );
    expect((screen.getByTestId("contact-address.postalCode") as HTMLInputElement).value).toBe("117380");
    expect(sent).toMatchObject({ edit: { changed: ["address.postalCode"], values: { mobile: "0591544275" } } });
  });

  it("after تحديث shows the queued value as محفوظ على الجهاز, and the notice says the same", async () => {
    mockIPC((command) => {
      if (command !== "update_contact") return null;
      const next = structuredClone(data);
      next.profile.address.postalCode = "12345";
      next.forms = [{ id: 1, form: "contact", fields: ["address.postalCode"], status: { state: "pending" }, stage: { stage: "saved" }, createdAt: "2026-11-28T09:00:00Z" }];
      return next;
    });
    render(ContactPage);
    await editPostalCode("12345");
    await fireEvent.click(screen.getByTestId("contact-terms"));
    await fireEvent.click(screen.getByTestId("contact-submit"));
    await waitFor(() => expect(screen.getByTestId("edit-status").textContent).toBe("محفوظ على الجهاز"));
    await waitFor(() =>
      expect(screen.getByTestId("contact-value-address.postalCode").textContent?.trim()).toBe("12345"),
    );
    expect(screen.getByTestId("contact-notice").textContent).toContain("حُفظ التعديل");
  });
});

describe("ContactPage drafts", () => {
  beforeEach(() => employee.set(structuredClone(data)));
  afterEach(() => clearMocks());

  it("brings back what was typed and not saved, and keeps what is typed now", async () => {
    const saved: unknown[] = [];
    mockIPC((command, args) => {
      if (command === "load_draft") return { values: { "address.district": "حي الورود" }, savedAt: "2026-11-28T08:00:00Z" };
      if (command === "save_draft") saved.push(args);
      return null;
    });
    render(ContactPage);
    await fireEvent.click(screen.getByTestId("contact-edit"));
    const district = (await waitFor(() => screen.getByTestId("contact-address.district"))) as HTMLInputElement;
    expect(district.value).toBe("حي الورود");
    expect(screen.getByTestId("contact-notice").textContent).toContain("استُعيد");
    await fireEvent.input(district, { target: { value: "حي النخيل" } });
    await waitFor(() => expect(saved.length).toBe(1), { timeout: 2000 });
    expect(saved[0]).toMatchObject({ form: "contact", values: { "address.district": "حي النخيل", mobile: "0591544275" } });
  });

  it("shows a refusal by the server as «لم يُقبل» (red) with the server's reasons, and dismisses it", async () => {
    const reason = "الشارع يحتوي على رموز غير مسموحة.";
    const refused: EmployeeData = {
      ...structuredClone(data),
      forms: [
        {
          id: 7,
          form: "contact",
          fields: ["address.street"],
          status: { state: "rejected", errors: [{ field: "address.street", problem: "control_characters", limit: null }] },
          stage: { stage: "refused", reasons: [{ field: "address.street", problem: "control_characters", limit: null }] },
          createdAt: "2026-11-28T08:00:00Z",
        },
      ],
    };
    employee.set(refused);
    const dismissed: number[] = [];
    mockIPC((command, args) => {
      if (command === "dismiss_edit") {
        dismissed.push((args as { id: number }).id);
        return structuredClone(data);
      }
      return null;
    });
    render(ContactPage);
    expect(screen.getByTestId("edit-status").textContent).toBe("لم يُقبل");
    expect(screen.getByTestId("edit-status").dataset.stage).toBe("refused");
    expect(screen.getByTestId("edit-status").dataset.tone).toBe("danger");
    expect(screen.getByTestId("contact-rejected").textContent).toContain(reason);
    const dismiss = screen.getByTestId("contact-rejected").querySelector("button");
    expect(dismiss).not.toBeNull();
    await fireEvent.click(dismiss as HTMLButtonElement);
    await waitFor(() => expect(dismissed).toEqual([7]));
  });
});

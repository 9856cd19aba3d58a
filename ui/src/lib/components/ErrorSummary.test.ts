import { fireEvent, render, screen } from "@testing-library/svelte";
import { tick } from "svelte";
import { describe, expect, it } from "vitest";
import ErrorSummary from "./ErrorSummary.svelte";

describe("ErrorSummary", () => {
  it("lists each problem and each link moves focus into its field", async () => {
    const field = document.createElement("input");
    field.id = "contact-mobile";
    document.body.append(field);
    render(ErrorSummary, {
      problems: [
        { target: "contact-mobile", text: "رقم الجوال غير صحيح." },
        { target: null, text: "تعذّر الوصول إلى الخادم." },
      ],
      testid: "summary",
    });
    const summary = screen.getByTestId("summary");
    expect(summary.getAttribute("role")).toBe("alert");
    expect(summary.textContent).toContain("يوجد ما يمنع الحفظ");
    const links = screen.getAllByTestId("summary-link");
    expect(links.map((a) => a.getAttribute("href"))).toEqual(["#contact-mobile"]);
    await fireEvent.click(links[0]);
    expect(document.activeElement).toBe(field);
    field.remove();
  });

  it("takes focus when announced, and shows nothing when there is no problem", async () => {
    const { component } = render(ErrorSummary, { problems: [{ target: null, text: "لم تغيّر شيئا بعد." }], testid: "s" });
    await component.announce();
    await tick();
    expect(document.activeElement).toBe(screen.getByTestId("s"));
    const empty = render(ErrorSummary, { problems: [], testid: "empty" });
    expect(empty.container.querySelector("[data-testid=empty]")).toBeNull();
  });
});

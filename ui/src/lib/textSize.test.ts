import { describe, expect, it } from "vitest";
import { applyTextSize, sizeForShortcut } from "./textSize";

describe("text size", () => {
  it("Ctrl+= and Ctrl+- step by 25 % between 100 and 200, Ctrl+0 goes back", () => {
    const ctrl = (key: string) => ({ ctrlKey: true, metaKey: false, key });
    expect(sizeForShortcut(ctrl("="), 100)).toBe(125);
    expect(sizeForShortcut(ctrl("+"), 175)).toBe(200);
    expect(sizeForShortcut(ctrl("="), 200)).toBe(200);
    expect(sizeForShortcut(ctrl("-"), 150)).toBe(125);
    expect(sizeForShortcut(ctrl("-"), 100)).toBe(100);
    expect(sizeForShortcut(ctrl("0"), 175)).toBe(100);
    expect(sizeForShortcut({ ctrlKey: false, metaKey: false, key: "=" }, 100)).toBeNull();
    expect(sizeForShortcut(ctrl("s"), 100)).toBeNull();
  });

  it("applies to the whole page, within the range", () => {
    applyTextSize(250);
    expect(document.documentElement.dataset.textSize).toBe("200");
    applyTextSize(150);
    expect(document.documentElement.dataset.textSize).toBe("150");
    applyTextSize(100);
  });
});

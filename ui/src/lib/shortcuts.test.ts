import { describe, expect, it } from "vitest";
import { actionFor, SHORTCUTS } from "./shortcuts";
import { ar } from "./i18n/ar";
import { en } from "./i18n/en";

const keys = (over: Partial<KeyboardEvent>) => ({
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  key: "",
  code: "",
  ...over,
});

describe("app shortcuts", () => {
  it("Ctrl+L locks, by the key's place, also with the Arabic layout", () => {
    expect(actionFor(keys({ ctrlKey: true, key: "l", code: "KeyL" }))).toBe("lock");
    expect(actionFor(keys({ ctrlKey: true, key: "م", code: "KeyL" }))).toBe("lock");
    expect(actionFor(keys({ key: "l", code: "KeyL" }))).toBeNull();
    expect(actionFor(keys({ ctrlKey: true, shiftKey: true, key: "L", code: "KeyL" }))).toBeNull();
  });

  it("F1 and Ctrl+/ open the list of shortcuts", () => {
    expect(actionFor(keys({ key: "F1", code: "F1" }))).toBe("help");
    expect(actionFor(keys({ ctrlKey: true, key: "/", code: "Slash" }))).toBe("help");
    expect(actionFor(keys({ key: "/", code: "Slash" }))).toBeNull();
    expect(actionFor(keys({ ctrlKey: true, altKey: true, key: "/", code: "Slash" }))).toBeNull();
  });

  it("every listed shortcut says what it does in both languages", () => {
    for (const shortcut of SHORTCUTS) {
      expect(ar[shortcut.does], shortcut.does).toBeTruthy();
      expect(en[shortcut.does], shortcut.does).toBeTruthy();
    }
  });
});

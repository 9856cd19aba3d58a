// The app's keyboard shortcuts, once: what the keys do (read by the window's key handler) and
// how the help dialog lists them. Keys are matched by their position (`event.code`), so they work
// the same with the Arabic keyboard layout, where Ctrl+L types «م».

import type { MessageKey } from "./i18n/index.svelte";

export type AppAction = "help" | "lock";

type Keys = Pick<KeyboardEvent, "ctrlKey" | "metaKey" | "altKey" | "shiftKey" | "key" | "code">;

/** The app-wide action the keys ask for, or null. */
export function actionFor(event: Keys): AppAction | null {
  if (event.key === "F1" && !event.ctrlKey && !event.altKey) return "help";
  const ctrl = event.ctrlKey || event.metaKey;
  if (!ctrl || event.altKey) return null;
  if (event.code === "Slash") return "help";
  if (event.code === "KeyL" && !event.shiftKey) return "lock";
  return null;
}

/** What the help dialog lists: the keys as printed on the keyboard, and the i18n key of what they do. */
export const SHORTCUTS: { keys: string; does: MessageKey }[] = [
  { keys: "Tab / Shift+Tab", does: "shortcuts.tab" },
  { keys: "Enter / Space", does: "shortcuts.activate" },
  { keys: "Ctrl+S", does: "shortcuts.save" },
  { keys: "Esc", does: "shortcuts.escape" },
  { keys: "Ctrl+= / Ctrl+-", does: "shortcuts.textSize" },
  { keys: "Ctrl+0", does: "shortcuts.textSizeReset" },
  { keys: "Ctrl+L", does: "shortcuts.lock" },
  { keys: "F1 / Ctrl+/", does: "shortcuts.help" },
];

// Text size: 100–200 % in steps of 25, applied to the whole page (the layout reflows, as browser
// zoom does), changed with Ctrl+= / Ctrl+- / Ctrl+0 or in Settings, and kept with the settings.

export const TEXT_SIZES = [100, 125, 150, 175, 200] as const;
export const MIN_TEXT_SIZE = 100;
export const MAX_TEXT_SIZE = 200;

export function applyTextSize(percent: number): void {
  const size = Math.min(MAX_TEXT_SIZE, Math.max(MIN_TEXT_SIZE, percent));
  document.documentElement.style.setProperty("zoom", `${size}%`);
  document.documentElement.dataset.textSize = String(size);
  // From 150 % the two columns (navigation beside the page) no longer fit side by side: the
  // layout stacks them (CSS zoom does not change media queries, so the page says so itself).
  document.documentElement.toggleAttribute("data-large-text", size >= 150);
}

/** The size a shortcut asks for, or null when the keys are not a text-size shortcut. */
export function sizeForShortcut(event: Pick<KeyboardEvent, "ctrlKey" | "metaKey" | "key">, current: number): number | null {
  if (!event.ctrlKey && !event.metaKey) return null;
  if (event.key === "=" || event.key === "+") return Math.min(MAX_TEXT_SIZE, current + 25);
  if (event.key === "-") return Math.max(MIN_TEXT_SIZE, current - 25);
  if (event.key === "0") return MIN_TEXT_SIZE;
  return null;
}

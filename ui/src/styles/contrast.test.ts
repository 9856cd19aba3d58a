// The theme's colours measured against WCAG 2.2: text 4.5:1 (1.4.3), the edges of controls, the
// focus ring and the icons that carry meaning 3:1 (1.4.11). Read from theme.css itself, so a
// colour changed there is measured again.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

// Vitest runs in the UI's folder (ui/).
const css = readFileSync(join(process.cwd(), "src", "styles", "theme.css"), "utf8");
const root = /:root\s*\{([^}]*)\}/u.exec(css)?.[1] ?? "";
const colours = new Map<string, string>(
  [...root.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{6})\s*;/gu)].map((m) => [m[1] ?? "", (m[2] ?? "").toLowerCase()]),
);

function colour(name: string): string {
  if (name.startsWith("#")) return name;
  const value = colours.get(name);
  if (!value) throw new Error(`theme.css has no --${name}`);
  return value;
}

function luminance(hex: string): number {
  const channel = (i: number): number => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

function contrast(a: string, b: string): number {
  const [x, y] = [luminance(colour(a)), luminance(colour(b))];
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

describe("the theme's contrast", () => {
  it("measures as WCAG does (black on white is 21:1, a colour on itself 1:1)", () => {
    expect(contrast("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrast("#1b8354", "#1b8354")).toBe(1);
  });

  // Text and its background: 4.5:1.
  it.each([
    ["color-text", "color-background"],
    ["color-text", "color-surface"],
    ["color-text-muted", "color-surface"],
    ["color-text-muted", "color-background"],
    ["color-danger", "color-danger-soft"],
    ["color-success-text", "color-success-soft"],
    ["color-warning-text", "color-warning-soft"],
    ["color-info-text", "color-info-soft"],
    ["#ffffff", "color-primary"],
    ["color-primary", "color-surface"],
    ["color-accent", "color-surface"],
  ])("text %s on %s is at least 4.5:1", (text, background) => {
    expect(contrast(text, background)).toBeGreaterThanOrEqual(4.5);
  });

  // Every control's edge, the focus ring, the checkboxes' colour and the status tags' outline
  // (drawn in their text colour) against what is around them: 3:1.
  it.each([
    ["color-control-border", "color-surface"],
    ["color-control-border", "color-background"],
    ["color-accent", "color-background"],
    ["color-primary", "color-background"],
    ["color-danger", "color-surface"],
    ["color-warning-edge", "color-warning-soft"],
    ["color-warning-text", "color-surface"],
    ["color-success-text", "color-surface"],
    ["color-info-text", "color-surface"],
  ])("the edge %s next to %s is at least 3:1", (edge, background) => {
    expect(contrast(edge, background)).toBeGreaterThanOrEqual(3);
  });
});

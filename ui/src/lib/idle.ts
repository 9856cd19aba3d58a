// Input in the window, reported to the core, which keeps the idle lock (it locks whatever the
// page is doing; the page only shows the lock screen when told). At most one report every few
// seconds; input inside that time is reported at its end, so the lock never comes early.
const EVENTS = ["pointerdown", "pointermove", "keydown", "wheel", "touchstart"] as const;
const EVERY_MS = 5000;

export function reportInput(report: () => void, everyMs: number = EVERY_MS): () => void {
  let last = -Infinity;
  let pending: ReturnType<typeof setTimeout> | undefined;
  const send = () => {
    pending = undefined;
    last = Date.now();
    report();
  };
  const seen = () => {
    const wait = last + everyMs - Date.now();
    if (wait <= 0) send();
    else pending ??= setTimeout(send, wait);
  };
  for (const name of EVENTS) window.addEventListener(name, seen, { passive: true });
  return () => {
    if (pending !== undefined) clearTimeout(pending);
    for (const name of EVENTS) window.removeEventListener(name, seen);
  };
}

// Calls `onIdle` after `seconds` without a key press, click, scroll or pointer move.
const EVENTS = ["pointerdown", "pointermove", "keydown", "wheel", "touchstart"] as const;

export function watchIdle(seconds: number, onIdle: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const reset = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(onIdle, seconds * 1000);
  };
  for (const name of EVENTS) window.addEventListener(name, reset, { passive: true });
  reset();
  return () => {
    if (timer !== undefined) clearTimeout(timer);
    for (const name of EVENTS) window.removeEventListener(name, reset);
  };
}

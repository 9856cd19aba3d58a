// How the uploads of sent qualifications go (speed, bytes left), kept current by the Rust
// side's `uploadsChanged` event; and HR's decisions as pulls bring them.
import { events, type DecisionNotice_Serialize as Decided, type UploadProgress_Serialize as Progress } from "./backend";

class UploadsStore {
  progress = $state<Progress>({ active: false, sha256: null, sentBytes: 0, remainingBytes: 0, bytesPerSecond: null });
  /** Bumped on every change, for views that reload the list with it. */
  ticks = $state(0);
  #listening = false;
  /** Called for each decision on what the employee sent (a qualification, an application). */
  onDecided: ((decided: Decided) => void) | null = null;

  async start(): Promise<void> {
    if (this.#listening) return;
    this.#listening = true;
    await events.uploadsChanged.listen((event) => {
      this.progress = event.payload;
      this.ticks++;
    });
    await events.decisionEvent.listen((event) => this.onDecided?.(event.payload));
  }
}

export const uploads = new UploadsStore();

/** Seconds left at the measured speed, or null before the first chunk. */
export function secondsLeft(progress: Progress): number | null {
  const speed = progress.bytesPerSecond ?? 0;
  return speed > 0 ? (progress.remainingBytes ?? 0) / speed : null;
}

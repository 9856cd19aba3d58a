// How the uploads of sent qualifications go (which file, how far, speed, bytes left), kept
// current by the Rust side's `uploadsChanged` event; and the decisions pulls bring.
import { events, type DecisionNotice_Serialize as Decided, type UploadProgress_Serialize as Progress } from "./backend";

class UploadsStore {
  progress = $state<Progress>({ active: false, sha256: null, sentBytes: 0, remainingBytes: 0, bytesPerSecond: null });
  /** Changes only when a file starts or stops going up: lists read again then, not per chunk
   * (a chunk's progress is laid over what they read, see {@link withLiveProgress}). */
  moment = $state("");
  #listening = false;
  /** Called for each decision on what the employee sent (a qualification, an application). */
  onDecided: ((decided: Decided) => void) | null = null;

  async start(): Promise<void> {
    if (this.#listening) return;
    this.#listening = true;
    await events.uploadsChanged.listen((event) => this.heard(event.payload));
    await events.decisionEvent.listen((event) => this.onDecided?.(event.payload));
  }

  heard(progress: Progress): void {
    this.progress = progress;
    const moment = `${progress.active}:${progress.sha256 ?? ""}`;
    if (moment !== this.moment) this.moment = moment;
  }
}

export const uploads = new UploadsStore();

/** Seconds left at the measured speed, or null before the first chunk. */
export function secondsLeft(progress: Progress): number | null {
  const speed = progress.bytesPerSecond ?? 0;
  return speed > 0 ? (progress.remainingBytes ?? 0) / speed : null;
}

type Waiting = { sentBytes: number | null; totalBytes: number | null; files: { sha256: string; sentBytes: number | null; totalBytes: number | null }[] };

/**
 * `state` with the file now going up at `progress`'s bytes, when they are ahead of what the list
 * read (the list is read when a file starts or ends, the progress comes with every chunk); the
 * submission's own bytes move by the same amount. Anything else is returned as it is.
 */
export function withLiveProgress<S extends Waiting>(state: S, progress: Progress): S {
  if (!progress.active || !progress.sha256) return state;
  const file = state.files.find((f) => f.sha256 === progress.sha256);
  const live = progress.sentBytes ?? 0;
  const read = file?.sentBytes ?? 0;
  if (!file || live <= read) return state;
  const ahead = Math.min(live, file.totalBytes ?? live) - read;
  return {
    ...state,
    sentBytes: (state.sentBytes ?? 0) + ahead,
    files: state.files.map((f) => (f === file ? { ...f, sentBytes: read + ahead } : f)),
  };
}

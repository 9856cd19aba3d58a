// The native window's title follows the UI language.
import { getCurrentWindow } from "@tauri-apps/api/window";

export async function setWindowTitle(title: string): Promise<void> {
  try {
    await getCurrentWindow().setTitle(title);
  } catch {
    // Outside the app (unit tests) there is no native window; the page title is enough there.
  }
}

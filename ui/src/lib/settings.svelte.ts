// The workstation's settings as the app runs with them: loaded once, applied (language, window
// title, text size), and kept when the header's switch or a text-size shortcut changes them.
// The settings page saves the whole form itself and hands the result to `saved`.
import { commands, isUiError, unwrap, type AppInfo, type AppSettings } from "./backend";
import { errorText } from "./errors";
import { applyLanguage, i18n } from "./i18n/index.svelte";
import { applyTextSize, sizeForShortcut } from "./textSize";
import { setWindowTitle } from "./window";

class SettingsStore {
  value = $state<AppSettings | null>(null);
  info = $state<AppInfo | null>(null);
  /** Said when a change made at once (language, text size) could not be kept for next time. */
  notKept = $state<string | null>(null);

  async load(): Promise<void> {
    const loaded = await commands.getSettings();
    this.info = await commands.appInfo();
    this.value = loaded;
    this.#apply(loaded);
  }

  /** The settings page saved `next`: applied; true when the server address changed. */
  saved(next: AppSettings): boolean {
    const serverChanged = next.serverUrl !== this.value?.serverUrl;
    this.value = next;
    this.#apply(next);
    void commands.appInfo().then((info) => (this.info = info));
    return serverChanged;
  }

  /** The header's switch: flips at once, then remembers the choice. */
  async toggleLanguage(): Promise<void> {
    if (!this.value) return;
    const language = i18n.lang === "ar" ? "en" : "ar";
    useLanguage(language);
    this.notKept = null;
    await this.#keep({ ...this.value, language });
  }

  /** Ctrl+= / Ctrl+- / Ctrl+0: the text size changes at once and is kept. False when the keys
   * are not a text-size shortcut. */
  textSizeKeys(event: KeyboardEvent): boolean {
    if (!this.value) return false;
    const size = sizeForShortcut(event, this.value.textSize);
    if (size === null) return false;
    event.preventDefault();
    applyTextSize(size);
    void this.#keep({ ...this.value, textSize: size });
    return true;
  }

  #apply(settings: AppSettings): void {
    useLanguage(settings.language);
    applyTextSize(settings.textSize);
  }

  async #keep(next: AppSettings): Promise<void> {
    try {
      this.value = await unwrap(
        commands.saveSettings({
          serverUrl: next.serverUrl,
          language: next.language,
          idleLockMinutes: next.idleLockMinutes,
          textSize: next.textSize,
        }),
      );
    } catch (caught) {
      const reason = isUiError(caught) ? errorText(caught) : String(caught);
      this.notKept = i18n.t("settings.languageNotSaved", { reason });
    }
  }
}

function useLanguage(language: AppSettings["language"]): void {
  applyLanguage(language);
  void setWindowTitle(i18n.t("app.windowTitle"));
}

export const settings = new SettingsStore();

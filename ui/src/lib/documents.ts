// Attached documents shown in the window: the employee's own (decrypted from the attachment
// store) and, for an HR officer, those of a qualification under review (fetched from the
// server). Both come through the app's `masar-document` scheme, held in memory only. PDF pages
// are drawn with pdf.js, loaded only when a PDF is shown.
import { convertFileSrc } from "@tauri-apps/api/core";
import { isUiError, type UiError } from "./backend";

export type DocumentSource = "own" | "review";

/** The address of a document for the webview. */
export function documentUrl(source: DocumentSource, sha256: string): string {
  return convertFileSrc(`${source}/${sha256}`, "masar-document");
}

/** A failed fetch, as the error the app reported (or "internal" when it said nothing usable). */
export class DocumentError extends Error {
  constructor(readonly error: UiError) {
    super(error.code);
  }
}

/** The document's bytes and type; throws a `DocumentError` with what the app said. */
export async function fetchDocument(source: DocumentSource, sha256: string): Promise<Blob> {
  let response: Response;
  try {
    response = await fetch(documentUrl(source, sha256), { cache: "no-store" });
  } catch {
    throw new DocumentError({ code: "internal", params: {}, fields: [] });
  }
  if (!response.ok) {
    const body: unknown = await response.json().catch(() => null);
    throw new DocumentError(isUiError(body) ? body : { code: "internal", params: {}, fields: [] });
  }
  return response.blob();
}

type PdfJs = typeof import("pdfjs-dist/legacy/build/pdf.mjs");
let pdfjs: Promise<PdfJs> | null = null;

/** pdf.js with its worker, loaded once. */
function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= Promise.all([
    import("pdfjs-dist/legacy/build/pdf.mjs"),
    import("pdfjs-dist/legacy/build/pdf.worker.min.mjs?url"),
  ]).then(([library, worker]) => {
    library.GlobalWorkerOptions.workerSrc = worker.default;
    return library;
  });
  return pdfjs;
}

/** Draws pages of a PDF, each on a canvas of `width` CSS pixels; returns the page count. */
export async function renderPdf(
  data: Blob,
  width: number,
  maxPages: number,
  onPage: (canvas: HTMLCanvasElement, page: number, pages: number) => void,
): Promise<number> {
  const library = await loadPdfJs();
  const document = await library.getDocument({ data: new Uint8Array(await data.arrayBuffer()), isEvalSupported: false }).promise;
  try {
    const count = Math.min(document.numPages, maxPages);
    for (let number = 1; number <= count; number++) {
      const page = await document.getPage(number);
      const unscaled = page.getViewport({ scale: 1 });
      const scale = (width / unscaled.width) * (window.devicePixelRatio || 1);
      const viewport = page.getViewport({ scale });
      const canvas = window.document.createElement("canvas");
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      canvas.style.inlineSize = `${width}px`;
      await page.render({ canvas, viewport }).promise;
      onPage(canvas, number, document.numPages);
    }
    return document.numPages;
  } finally {
    await document.destroy();
  }
}

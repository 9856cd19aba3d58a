// What the content security policy blocks is told to the app's log (the end-to-end run fails on
// it). The bindings are loaded only when something was blocked.
document.addEventListener("securitypolicyviolation", (event) => {
  const report = { directive: event.effectiveDirective, blocked: event.blockedURI, source: event.sourceFile, line: event.lineNumber };
  void import("./lib/backend").then(({ commands }) => commands.contentBlocked(report));
});

// index.html draws the window's frame (the header bar) straight away, from its own inline style. The
// app itself, most of the code with its style sheets and fonts (imported by App.svelte), is loaded
// once that first frame is on screen, then takes the frame's place: evaluating it before the first
// paint kept the window blank for a quarter of a second longer, and a style sheet in the page's head
// held the first frame until it and the header's fonts had loaded (`cargo xtask bench`).
// Two animation frames: the first frame has then been handed to the window, not just drawn.
requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => void start(), 0)));

async function start(): Promise<void> {
  const [{ mount }, { default: App }] = await Promise.all([import("svelte"), import("./App.svelte")]);
  const target = document.getElementById("app");
  if (!target) throw new Error("the page has no #app element");
  target.replaceChildren();
  mount(App, { target });
}

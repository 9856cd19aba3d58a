import "./styles/fonts.css";
import "./styles/theme.css";

// What the content security policy blocks is told to the app's log (the end-to-end run fails on
// it). The bindings are loaded only when something was blocked.
document.addEventListener("securitypolicyviolation", (event) => {
  const report = { directive: event.effectiveDirective, blocked: event.blockedURI, source: event.sourceFile, line: event.lineNumber };
  void import("./lib/backend").then(({ commands }) => commands.contentBlocked(report));
});

// index.html draws the window's frame (the header bar) straight away. The app itself, most of the
// code, is loaded once that first frame is on screen, then takes the frame's place: evaluating it
// before the first paint kept the window blank for a quarter of a second longer
// (`cargo xtask bench`).
requestAnimationFrame(() => setTimeout(() => void start(), 0));

async function start(): Promise<void> {
  const [{ mount }, { default: App }] = await Promise.all([import("svelte"), import("./App.svelte")]);
  const target = document.getElementById("app");
  if (!target) throw new Error("the page has no #app element");
  target.replaceChildren();
  mount(App, { target });
}

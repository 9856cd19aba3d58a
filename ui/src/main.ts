import "./styles/fonts.css";
import "./styles/theme.css";

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

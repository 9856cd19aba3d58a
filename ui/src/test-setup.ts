import { cleanup } from "@testing-library/svelte";
import { afterEach } from "vitest";

// Each test starts from an empty page.
afterEach(() => cleanup());

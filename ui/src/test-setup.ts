import { cleanup } from "@testing-library/svelte";
import { afterEach } from "vitest";
import { forgetResources } from "./lib/resource.svelte";

// Each test starts from an empty page, with nothing kept from the one before.
afterEach(() => {
  cleanup();
  forgetResources();
});

/**
 * Keeps bench/oci.bench.ts working at smoke size (a 1 MiB closure, one run) and checks the facts
 * its report states: a label change builds the image derivation alone, every store-path layer
 * of the closure is shared with the image that adds hello. No timing assertions.
 */
import { describe, expect, it } from "vitest";
import { measureOci, reportOci } from "../../bench/oci.bench.js";
import { requireNix } from "../support/nix.js";
import { requireTool } from "../support/tools.js";

describe("bench/oci at smoke size", () => {
  it("label change: only the image derivation; the closure's layers shared; same bytes in one or many layers", async () => {
    requireNix();
    requireTool("/usr/bin/time", "time");
    requireTool("gcc", "gcc");
    const result = await measureOci({ smoke: true });
    const [size] = result.sizes;
    expect(size?.relabelBuilt).toEqual(["oci-1mib-1.0-linux-amd64-oci"]);
    // 5 store paths of content + the root filesystem; with hello 3 more paths.
    expect(size?.layerCount).toBe(6);
    expect(size?.helloLayerCount).toBe(9);
    expect(size?.sharedLayers).toBe(5);
    expect(size?.aciBytes).toBeGreaterThan(0);
    expect(reportOci(result)).toMatch(/^## OCI images \(mkOCI\)/);
  });
});

const t0 = performance.now(); await import("../dist/lib/cli/nix2aci.js"); const t1 = performance.now(); await import("../dist/lib/cli/commands/run.js"); const t2 = performance.now();
console.log(`cli ${(t1-t0).toFixed(0)} run-cmd ${(t2-t1).toFixed(0)}`);

const t0 = performance.now(); await import("zod"); const t1 = performance.now(); await import("tar"); const t2 = performance.now(); await import("openpgp"); const t3=performance.now();
await import("../dist/lib/cli/commands/run.js"); const t4 = performance.now();
await import("../dist/lib/cli/nix2aci.js"); const t5 = performance.now();
console.log(`zod ${(t1-t0).toFixed(0)} tar ${(t2-t1).toFixed(0)} openpgp ${(t3-t2).toFixed(0)} run-cmd ${(t4-t3).toFixed(0)} cli ${(t5-t4).toFixed(0)}`);

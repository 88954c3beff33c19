/**
 * Issue 17: OCI images (mkOCI) of the fat benchmarks' closures (about 100 and 500 MiB): a full
 * build (layers and image) beside the fat ACI's floor (`tar --sort=name … | pigz -n` of the
 * extracted fat image) and the fat ACI's own nix-build; the rebuild after a one-label change (only
 * the config and manifest are made again); a single-layer image (maxLayers = 2: all store paths in
 * one layer) of the same closure; and how much of the image a second image that adds hello shares.
 */
import { readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import type { BenchOptions } from "./run.js";
import { buildContent, buildImage, extractedImage } from "./support/images.js";
import { floor } from "./support/floor.js";
import { measure, summarize, type Measured, type Summary } from "./support/measure.js";
import { bytes, ratio, spread, table } from "./support/format.js";
import { deleteStorePaths, freshLabel, nixBuildMeasured, nixEnv, repoRoot, workDir, type NixBuildRun } from "./support/nix.js";

const ociNix = path.join(repoRoot, "bench/fixtures/oci.nix");

interface Descriptor {
  readonly digest: string;
  readonly size: number;
}

interface OciBuild extends NixBuildRun {
  readonly out: string;
  readonly layers: readonly Descriptor[];
}

function buildOci(mib: number, options: { label?: string; layersSalt?: string; maxLayers?: number; withHello?: boolean } = {}): OciBuild {
  const args = [ociNix, "--arg", "mib", String(mib), "--argstr", "label", options.label ?? "0", "--argstr", "layersSalt", options.layersSalt ?? "0"];
  if (options.maxLayers !== undefined) args.push("--arg", "maxLayers", String(options.maxLayers));
  if (options.withHello === true) args.push("--arg", "withHello", "true");
  const run = nixBuildMeasured(args);
  const out = run.outs[0];
  if (out === undefined) throw new Error("nix-build gave no OCI image");
  const layout = path.join(out, `oci-${mib}mib${options.withHello === true ? "-hello" : ""}-1.0-linux-amd64.oci`);
  const index = JSON.parse(readFileSync(path.join(layout, "index.json"), "utf8")) as { manifests: Descriptor[] };
  const manifestDigest = index.manifests[0]?.digest ?? "";
  const manifest = JSON.parse(readFileSync(path.join(layout, "blobs", ...manifestDigest.split(":")), "utf8")) as { layers: Descriptor[] };
  return { ...run, out, layers: manifest.layers };
}

/** The layers derivation of an image (to delete it, so that the next build makes it again). */
const layersOf = (out: string): string => {
  const refs = measure(["nix-store", "--query", "--references", out], { env: nixEnv }).stdout.split("\n");
  const layers = refs.find((r) => r.endsWith("-oci-layers"));
  if (layers === undefined) throw new Error(`${out} refers to no layers derivation`);
  return layers;
};

export interface SizeResult {
  readonly mib: number;
  readonly layerCount: number;
  readonly imageBytes: number;
  readonly singleLayerBytes: number;
  readonly full: Summary;
  readonly relabel: Summary;
  readonly relabelBuilt: readonly string[];
  readonly singleLayer: Summary;
  readonly floorPigz: Summary;
  readonly aci: Summary;
  readonly aciBytes: number;
  readonly sharedLayers: number;
  readonly sharedBytes: number;
  readonly helloImageBytes: number;
  readonly helloLayerCount: number;
}

const total = (layers: readonly Descriptor[]): number => layers.reduce((sum, l) => sum + l.size, 0);

function measureSize(mib: number, runs: number): SizeResult {
  const work = workDir(`oci/${mib}mib`);
  buildContent({ mib });
  const aciFirst = buildImage("fat", { mib });
  const tree = extractedImage(aciFirst.aci, path.join(work, "extracted"));
  deleteStorePaths([aciFirst.out]);

  const full: Measured[] = [];
  const relabel: NixBuildRun[] = [];
  const single: Measured[] = [];
  const floors: Measured[] = [];
  const acis: Measured[] = [];
  let last: OciBuild | undefined;
  let singleLast: OciBuild | undefined;
  let aciBytes = 0;
  for (let i = 0; i < runs; i++) {
    const salt = freshLabel();
    const built = buildOci(mib, { layersSalt: salt });
    full.push(built);
    const relabelled = buildOci(mib, { layersSalt: salt, label: freshLabel() });
    relabel.push(relabelled);
    const singleLayer = buildOci(mib, { layersSalt: salt, maxLayers: 2 });
    single.push(singleLayer);
    floors.push(floor(tree, "pigz -n", path.join(work, "floor.pigz")));
    const aci = buildImage("fat", { mib });
    aciBytes = statSync(aci.aci).size;
    acis.push(aci);
    deleteStorePaths([aci.out]);
    // Images first, then their layers (a 500 MiB image is about 1 GiB in the store).
    const layers = [layersOf(built.out), layersOf(singleLayer.out)];
    deleteStorePaths([built.out, relabelled.out, singleLayer.out]);
    deleteStorePaths(layers);
    last = built;
    singleLast = singleLayer;
  }
  if (last === undefined || singleLast === undefined) throw new Error("no runs");
  const withHello = buildOci(mib, { layersSalt: "0", withHello: true });
  const plain = buildOci(mib, { layersSalt: "0" });
  const plainDigests = new Set(plain.layers.map((l) => l.digest));
  const shared = withHello.layers.filter((l) => plainDigests.has(l.digest));
  const sharingLayers = [layersOf(withHello.out), layersOf(plain.out)];
  deleteStorePaths([withHello.out, plain.out]);
  deleteStorePaths(sharingLayers);
  rmSync(path.join(work, "floor.pigz"), { force: true });
  return {
    mib,
    layerCount: last.layers.length,
    imageBytes: total(last.layers),
    singleLayerBytes: total(singleLast.layers),
    full: summarize(full),
    relabel: summarize(relabel),
    relabelBuilt: relabel[relabel.length - 1]?.built ?? [],
    singleLayer: summarize(single),
    floorPigz: summarize(floors),
    aci: summarize(acis),
    aciBytes,
    sharedLayers: shared.length,
    sharedBytes: total(shared),
    helloImageBytes: total(withHello.layers),
    helloLayerCount: withHello.layers.length,
  };
}

export interface OciResult {
  readonly runs: number;
  readonly sizes: readonly SizeResult[];
}

export async function measureOci({ smoke }: BenchOptions): Promise<OciResult> {
  const runs = smoke ? 1 : 3;
  return { runs, sizes: (smoke ? [1] : [100, 500]).map((mib) => measureSize(mib, runs)) };
}

export function reportOci({ runs, sizes }: OciResult): string {
  const rows = sizes.map((s) => [
    `${s.mib} MiB`,
    `${s.layerCount} layers, ${bytes(s.imageBytes)}`,
    spread(s.full),
    spread(s.floorPigz),
    `**${ratio(s.full.medianSeconds / s.floorPigz.medianSeconds)}**`,
    `${spread(s.aci)} (${bytes(s.aciBytes)})`,
    `${spread(s.relabel)} (**${((100 * s.relabel.medianSeconds) / s.full.medianSeconds).toFixed(0)}%**)`,
    `${spread(s.singleLayer)} (${bytes(s.singleLayerBytes)})`,
  ]);
  const shareRows = sizes.map((s) => [
    `${s.mib} MiB`,
    `${s.helloLayerCount} layers, ${bytes(s.helloImageBytes)}`,
    `${s.sharedLayers} layers, ${bytes(s.sharedBytes)} (${((100 * s.sharedBytes) / s.helloImageBytes).toFixed(1)}%)`,
  ]);
  const relabelBuilt = sizes[0]?.relabelBuilt.join(", ") ?? "";
  const largest = sizes[sizes.length - 1];
  const where =
    largest === undefined
      ? ""
      : "Where the time goes: the layers derivation packs the same bytes as the floor (one `tar | pigz -n` per layer, plus a sha256 of each tar for its diff ID); " +
        "the image derivation writes the `.oci.tar` archive (the compressed bytes once more, uncompressed tar); Nix sets up two sandboxes and hashes both outputs. " +
        `At ${largest.mib} MiB the OCI build is ${ratio(largest.full.medianSeconds / largest.floorPigz.medianSeconds)} the floor (the fat ACI in the same runs: ${ratio(largest.aci.medianSeconds / largest.floorPigz.medianSeconds)}); for small closures the fixed costs dominate. ` +
        `A label change re-runs only the image derivation: ${spread(largest.relabel)} at ${largest.mib} MiB, nearly all of it writing and hashing the ${bytes(largest.imageBytes)} archive. ` +
        "A single layer costs about as much as several: the bytes compressed are the same; what layering buys is the sharing below.";
  return [
    "## OCI images (mkOCI): full build, rebuild after a label change, single layer",
    "",
    `Content: the fat benchmarks' \`bench/fixtures/closure.nix\` (5 store paths), built before timing; \`bench/fixtures/oci.nix\`. Median of ${runs} run(s) (min–max). ` +
      "**OCI build**: `nix-build` of the image with a new `extraCommands` comment each run, so the layers derivation (a tar per store path, `pigz -n`) and the image derivation (config, manifest, index, the `.oci.tar` archive) both run. " +
      "**floor**: the fat ACI's floor, `tar --sort=name … manifest rootfs | pigz -n` of the extracted fat image (the same bytes, one stream, no Nix). " +
      "**fat ACI**: `nix-build` of the fat `.aci` of the same closure (new label each run). " +
      "**one label changed**: the same image with another label: only the image derivation runs (the layers are the same store path). " +
      "**single layer**: `maxLayers = 2`: all store paths in one layer, the root filesystem in the other (a full build too).",
    "",
    table(["closure", "image (layers, compressed size)", "OCI build", "floor (tar, pigz -n)", "OCI / floor", "fat ACI build", "one label changed (% of full)", "single layer"], rows),
    "",
    `Rebuilt after the label change: ${relabelBuilt} (nothing else).`,
    "",
    where,
    "",
    "Sharing: an image of the same closure plus `hello` (and its libraries) next to the image of the closure alone: the layers (and bytes) with the same digest, which a registry or `podman` stores once.",
    "",
    table(["closure", "closure + hello", "shared with the closure's image"], shareRows),
    "",
  ].join("\n");
}

export default async function ociBench(options: BenchOptions): Promise<string> {
  return reportOci(await measureOci(options));
}

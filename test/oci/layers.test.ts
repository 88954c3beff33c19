/**
 * Layers by store path: each store path of a small closure in a layer of its own, the root
 * filesystem on top, at most maxLayers layers, deterministic tars (read member by member here),
 * and images that share a store path share that layer's digest. A label change only makes a new
 * config and manifest: the layers derivation stays the same store path.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { createGunzip } from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { forEachAciEntry, type AciEntry } from "../support/image.js";
import { nixEvalJson } from "../support/nix.js";
import { blobPath, buildOci, fixtureFile, readLayout, type BuiltOci, type Descriptor } from "./support.js";

const names = ["hello", "helloRelabelled", "helloAndBusybox", "helloAndBusyboxInThree", "helloUncompressed", "busybox"] as const;
type Name = (typeof names)[number];
let images: Record<Name, BuiltOci>;

beforeAll(async () => {
  images = await buildOci(names);
});

async function entriesOf(layout: string, layer: Descriptor): Promise<AciEntry[]> {
  const entries: AciEntry[] = [];
  await forEachAciEntry(blobPath(layout, layer.digest), (entry) => {
    entries.push(entry);
  });
  return entries;
}

/** The store paths a layer holds (entries right under nix/store). */
const storePathsOf = (entries: readonly AciEntry[]): string[] =>
  entries.filter((e) => /^nix\/store\/[^/]+$/.test(e.path)).map((e) => `/${e.path}`);

const layersOf = (name: Name): readonly Descriptor[] => readLayout(images[name].layout).manifest.layers;

describe("layers by store path", () => {
  it("each store path of hello's closure has a layer of its own, the root filesystem is on top", async () => {
    const layers = layersOf("hello");
    const contents = await Promise.all(layers.map((l) => entriesOf(images.hello.layout, l)));
    const perLayer = contents.map(storePathsOf);
    // hello, libgreeting and glibc (host-pkgs), one per layer; the top layer has none.
    expect(perLayer.slice(0, -1).map((paths) => paths.length)).toEqual([1, 1, 1]);
    const packageNames = perLayer.slice(0, -1).flat().map((p) => p.replace(/^\/nix\/store\/[a-z0-9]{32}-/, "")).sort();
    expect(packageNames).toEqual([expect.stringMatching(/^glibc-/), expect.stringMatching(/^hello-/), expect.stringMatching(/^libgreeting-/)]);
    const top = contents.at(-1) ?? [];
    expect(storePathsOf(top)).toEqual([]);
    expect(top.map((e) => e.path)).toEqual(["bin", "etc", "etc/group", "etc/passwd", "nix", "nix/store", "tmp"]);
    // /bin is hello's own (buildEnv links a folder only one package has): a link into its layer.
    const bin = top.find((e) => e.path === "bin");
    expect(bin?.type).toBe("SymbolicLink");
    expect(perLayer.flat().some((p) => bin?.linkpath === `${p}/bin`)).toBe(true);
  });

  it("every layer is a deterministic tar: sorted members, mtime 1, owner 0:0, nix/ and nix/store/ alike", async () => {
    for (const name of ["hello", "helloAndBusyboxInThree"] as const) {
      for (const layer of layersOf(name)) {
        const entries = await entriesOf(images[name].layout, layer);
        const paths = entries.map((e) => e.path);
        expect(paths).toEqual([...paths].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : Buffer.from(a) > Buffer.from(b) ? 1 : 0)));
        for (const e of entries) {
          expect([e.path, e.mtime, e.uid, e.gid]).toEqual([e.path, 1, 0, 0]);
          expect([e.path, e.mode & 0o7000]).toEqual([e.path, e.path === "tmp" ? 0o1000 : 0]);
        }
        const dirs = entries.filter((e) => e.path === "nix" || e.path === "nix/store").map((e) => [e.path, e.type, e.mode]);
        expect(dirs).toEqual([
          ["nix", "Directory", 0o755],
          ["nix/store", "Directory", 0o755],
        ]);
      }
    }
  });

  it("at most maxLayers layers: the best-scored path alone, the rest together, then the root", async () => {
    const layers = layersOf("helloAndBusyboxInThree");
    expect(layers.length).toBe(3);
    const perLayer = (await Promise.all(layers.map((l) => entriesOf(images.helloAndBusyboxInThree.layout, l)))).map(storePathsOf);
    const all = (await Promise.all(layersOf("helloAndBusybox").map((l) => entriesOf(images.helloAndBusybox.layout, l)))).map(storePathsOf);
    expect(all.length).toBe(5);
    expect(perLayer[0]?.length).toBe(1);
    expect(perLayer[1]?.length).toBe(3);
    expect(perLayer[2]).toEqual([]);
    // The same four paths, and the lone one is the first of the unconstrained plan.
    expect([...(perLayer[0] ?? []), ...(perLayer[1] ?? [])].sort()).toEqual(all.flat().sort());
    expect(perLayer[0]).toEqual(all[0]);
  });

  it("images sharing a store path share that layer's digest and diff_id", async () => {
    const digestsByPath = async (name: Name): Promise<Map<string, [string, string]>> => {
      const { manifest, config } = readLayout(images[name].layout);
      const map = new Map<string, [string, string]>();
      for (const [i, layer] of manifest.layers.entries()) {
        const paths = storePathsOf(await entriesOf(images[name].layout, layer));
        if (paths.length === 1 && paths[0] !== undefined) map.set(paths[0], [layer.digest, config.rootfs.diff_ids[i] ?? ""]);
      }
      return map;
    };
    const hello = await digestsByPath("hello");
    const both = await digestsByPath("helloAndBusybox");
    const busybox = await digestsByPath("busybox");
    expect(hello.size).toBe(3);
    for (const [path, ids] of hello) expect(both.get(path)).toEqual(ids);
    expect(busybox.size).toBe(1);
    for (const [path, ids] of busybox) expect(both.get(path)).toEqual(ids);
    // Different images all the same: their top layers (root filesystems) differ.
    expect(layersOf("hello").at(-1)?.digest).not.toBe(layersOf("helloAndBusybox").at(-1)?.digest);
  });

  it("a label change keeps the layers derivation: only the config and the manifest change", () => {
    const layersDrv = (name: Name): unknown => nixEvalJson(`(import ${fixtureFile} {}).${name}.layers.outPath`);
    expect(layersDrv("helloRelabelled")).toBe(layersDrv("hello"));
    const a = readLayout(images.hello.layout);
    const b = readLayout(images.helloRelabelled.layout);
    expect(b.manifest.layers).toEqual(a.manifest.layers);
    expect(b.manifest.config.digest).not.toBe(a.manifest.config.digest);
    expect(b.config.config.Labels?.["channel"]).toBe("beta");
  });

  it("compression none: plain tar layers whose digest is their diff_id", async () => {
    const { manifest, config } = readLayout(images.helloUncompressed.layout);
    expect(manifest.layers.map((l) => l.mediaType)).toEqual(manifest.layers.map(() => "application/vnd.oci.image.layer.v1.tar"));
    expect(manifest.layers.map((l) => l.digest)).toEqual(config.rootfs.diff_ids);
    // The gzip layers of `hello` hold the same tars: their diff_ids are the plain layers' digests.
    const gz = readLayout(images.hello.layout);
    expect(gz.manifest.layers.map((l) => l.mediaType)).toEqual(gz.manifest.layers.map(() => "application/vnd.oci.image.layer.v1.tar+gzip"));
    expect(gz.config.rootfs.diff_ids).toEqual(config.rootfs.diff_ids);
    // And a diff_id is the sha256 of the decompressed blob.
    const first = gz.manifest.layers[0] as Descriptor;
    const hash = createHash("sha256");
    await new Promise<void>((resolve, reject) => {
      createReadStream(blobPath(images.hello.layout, first.digest)).pipe(createGunzip()).on("data", (d: Buffer) => hash.update(d)).on("end", resolve).on("error", reject);
    });
    expect(`sha256:${hash.digest("hex")}`).toBe(gz.config.rootfs.diff_ids[0]);
  });
});

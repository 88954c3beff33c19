/**
 * mkOCI end to end with Debian's containers tools: every example's OCI image (the generated files
 * called with mkOCI) is read by `skopeo inspect` and unpacked by `umoci unpack`, whose runtime
 * config must carry the fields mapped from the appc manifest; `skopeo copy` takes the layout and
 * the archive to local `oci:` and `dir:` destinations (the README's commands).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nixEvalJson } from "../support/nix.js";
import { buildOci, fixtureFile, readLayout, requireContainerTools, run, type BuiltOci } from "./support.js";

const examples = ["busybox", "busyboxStatic", "toolbox", "httpd"] as const;
const names = [...examples, "full"] as const;
type Name = (typeof names)[number];

let images: Record<Name, BuiltOci>;
const scratch = mkdtempSync(join(tmpdir(), "nix2aci-oci-images-"));

beforeAll(async () => {
  requireContainerTools();
  images = await buildOci(names);
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface AppcManifest {
  name: string;
  labels: { name: string; value: string }[];
  annotations?: { name: string; value: string }[];
  app: {
    exec: string[];
    user: string;
    group: string;
    environment?: { name: string; value: string }[];
    workingDirectory?: string;
    ports?: { name: string; protocol: string; port: number; count: number }[];
    mountPoints?: { name: string; path: string; readOnly: boolean }[];
    isolators?: unknown[];
  };
}
const appcManifest = (name: Name): AppcManifest =>
  nixEvalJson(`(import ${fixtureFile} {}).${name}.appcManifest`) as AppcManifest;

/** uid or gid of a name in an /etc/passwd or /etc/group text (field 3), or the number itself. */
function idIn(etcFile: string, principal: string): number {
  if (/^[0-9]+$/.test(principal)) return Number(principal);
  const line = etcFile.split("\n").find((l) => l.split(":")[0] === principal);
  if (line === undefined) throw new Error(`${principal} is not in the image's /etc`);
  return Number(line.split(":")[2]);
}

describe("every example's OCI image", () => {
  it.each(examples)("%s: skopeo inspect oci:DIR reads it", (name) => {
    const { manifestDescriptor, manifest, config } = readLayout(images[name].layout);
    const inspected = JSON.parse(run("skopeo", ["inspect", `oci:${images[name].layout}`])) as Record<string, unknown>;
    expect(inspected["Digest"]).toBe(manifestDescriptor.digest);
    expect(inspected["Layers"]).toEqual(manifest.layers.map((l) => l.digest));
    expect(inspected["Architecture"]).toBe(config.architecture);
    expect(inspected["Os"]).toBe(config.os);
    const inspectedConfig = JSON.parse(run("skopeo", ["inspect", "--config", `oci:${images[name].layout}`])) as unknown;
    expect(inspectedConfig).toEqual(config);
  });

  it.each(examples)("%s: umoci unpack gives a bundle whose config has the appc fields", (name) => {
    const bundle = join(scratch, `bundle-${name}`);
    const { index } = readLayout(images[name].layout);
    const ref = index.manifests[0]?.annotations?.["org.opencontainers.image.ref.name"];
    expect(ref).toBeDefined();
    run("umoci", ["unpack", "--image", `${images[name].layout}:${String(ref)}`, bundle]);
    const runtime = JSON.parse(readFileSync(join(bundle, "config.json"), "utf8")) as {
      process: { args: string[]; env: string[]; cwd: string; user: { uid: number; gid: number } };
      annotations?: Record<string, string>;
    };
    const appc = appcManifest(name);
    const rootfs = join(bundle, "rootfs");
    expect(runtime.process.args).toEqual(appc.app.exec);
    for (const { name: variable, value } of appc.app.environment ?? []) expect(runtime.process.env).toContain(`${variable}=${value}`);
    expect(runtime.process.cwd).toBe(appc.app.workingDirectory ?? "/");
    expect(runtime.process.user.uid).toBe(idIn(readFileSync(join(rootfs, "etc/passwd"), "utf8"), appc.app.user));
    expect(runtime.process.user.gid).toBe(idIn(readFileSync(join(rootfs, "etc/group"), "utf8"), appc.app.group));
    // umoci passes the image's labels on as the bundle's annotations.
    const version = appc.labels.find((l) => l.name === "version")?.value;
    expect(runtime.annotations?.["org.opencontainers.image.version"]).toBe(version);
    // The root filesystem is the image's: exec[0] is there, and the store paths under /nix/store.
    expect(readdirSync(rootfs).sort()).toEqual(expect.arrayContaining(["etc", "nix", "tmp"]));
    expect(readdirSync(join(rootfs, "nix/store")).length).toBeGreaterThan(0);
    rmSync(bundle, { recursive: true, force: true });
  });

  it.each(examples)("%s: the image config is the appc manifest mapped by docs/oci.md's table", (name) => {
    const { config } = readLayout(images[name].layout);
    const appc = appcManifest(name);
    const c = config.config;
    expect(c.Entrypoint).toEqual(appc.app.exec);
    expect(c.Cmd).toBeUndefined();
    expect(c.Env ?? []).toEqual((appc.app.environment ?? []).map((e) => `${e.name}=${e.value}`));
    expect(c.WorkingDir).toBe(appc.app.workingDirectory);
    expect(Object.keys(c.ExposedPorts ?? {}).sort()).toEqual(
      (appc.app.ports ?? []).flatMap((p) => Array.from({ length: p.count }, (_, i) => `${p.port + i}/${p.protocol}`)).sort(),
    );
    expect(Object.keys(c.Volumes ?? {}).sort()).toEqual((appc.app.mountPoints ?? []).map((m) => m.path).sort());
    // Nothing lost: what has no OCI place is in a nix2aci.appc.* label as its appc JSON.
    const labels = c.Labels ?? {};
    if (appc.app.mountPoints) expect(JSON.parse(labels["nix2aci.appc.mountPoints"] ?? "null")).toEqual(appc.app.mountPoints);
    if (appc.app.ports) expect(JSON.parse(labels["nix2aci.appc.ports"] ?? "null")).toEqual(appc.app.ports);
    if (appc.app.isolators) expect(JSON.parse(labels["nix2aci.appc.isolators"] ?? "null")).toEqual(appc.app.isolators);
    expect(labels["org.opencontainers.image.title"]).toBe(appc.name);
  });

  it("httpd runs as the www user's numbers, with its port, volume and isolators kept", () => {
    const { config } = readLayout(images.httpd.layout);
    expect(config.config.User).toBe("1000:1000");
    expect(config.config.ExposedPorts).toEqual({ "8080/tcp": {} });
    expect(config.config.Volumes).toEqual({ "/srv/www": {} });
    expect(JSON.parse(config.config.Labels?.["nix2aci.appc.mountPoints"] ?? "null")).toEqual([
      { name: "www", path: "/srv/www", readOnly: true },
    ]);
  });
});

describe("the config mapping, every field (fixture `full`)", () => {
  const openContainersAnnotations = {
    "org.opencontainers.image.version": "2.0.1+build~1",
    "org.opencontainers.image.title": "nix2aci.test/full~service",
    "org.opencontainers.image.created": "2024-05-06T07:08:09Z",
    "org.opencontainers.image.authors": "nix2aci tests",
    "org.opencontainers.image.url": "https://example.invalid/x?a=1&b='2'",
    "org.opencontainers.image.documentation": "https://example.invalid/doc",
  };

  it("maps every appc field with an OCI place, and keeps the others in nix2aci.appc.* labels", () => {
    const { config, manifest, index } = readLayout(images.full.layout);
    expect(config.created).toBe("2024-05-06T07:08:09Z");
    expect(config.architecture).toBe("amd64");
    expect(config.os).toBe("linux");
    expect(config.config).toEqual({
      Entrypoint: ["/bin/sh", "-c", "echo \"$GREETING\" 'quotes' \\ $$"],
      User: "1000:50",
      Env: ["GREETING=hi \"there\" $HOME `x` \\ \n end", "PATH=/bin"],
      WorkingDir: "/srv",
      ExposedPorts: { "8080/tcp": {}, "53/udp": {}, "54/udp": {} },
      Volumes: { "/srv/data": {}, "/etc/app": {} },
      Labels: {
        channel: "stable",
        tier: "test",
        ...openContainersAnnotations,
        "nix2aci.appc.annotations": JSON.stringify([{ name: "example.org/reviewed", value: "yes" }]),
        "nix2aci.appc.ports": JSON.stringify([
          { count: 1, name: "http", port: 8080, protocol: "tcp", socketActivated: false },
          { count: 2, name: "dns", port: 53, protocol: "udp", socketActivated: true },
        ]),
        "nix2aci.appc.mountPoints": JSON.stringify([
          { name: "data", path: "/srv/data", readOnly: false },
          { name: "config", path: "/etc/app", readOnly: true },
        ]),
        "nix2aci.appc.supplementaryGIDs": "[100,2000]",
        "nix2aci.appc.eventHandlers": JSON.stringify([{ exec: ["/bin/true"], name: "pre-start" }]),
        "nix2aci.appc.isolators": JSON.stringify([
          { name: "resource/memory", value: { limit: "256M" } },
          { name: "os/linux/no-new-privileges", value: true },
        ]),
        "nix2aci.appc.userAnnotations": JSON.stringify({ note: "a: b, c" }),
        "nix2aci.appc.dependencies": JSON.stringify([{ imageName: "nix2aci.test/base", labels: [{ name: "version", value: "1" }] }]),
        "nix2aci.appc.pathWhitelist": JSON.stringify(["/bin", "/etc", "/nix", "/srv", "/tmp"]),
      },
    });
    // The same in the manifest's annotations.
    expect(manifest.annotations).toEqual(openContainersAnnotations);
    expect(index.manifests[0]?.annotations).toEqual({ "org.opencontainers.image.ref.name": "nix2aci.test/full-service:2.0.1-build-1" });
    // One history entry per layer, as the image spec asks.
    expect(config.history?.length).toBe(config.rootfs.diff_ids.length);
    expect(manifest.layers.length).toBe(config.rootfs.diff_ids.length);
  });
});

describe("skopeo copy (the README's commands)", () => {
  it("copies the layout to local oci: and dir: destinations, and the archive as oci-archive:", () => {
    const { manifestDescriptor, manifest } = readLayout(images.busybox.layout);
    const ociCopy = join(scratch, "copy-oci");
    run("skopeo", ["copy", `oci:${images.busybox.layout}`, `oci:${ociCopy}:busybox`]);
    const copied = readLayout(ociCopy);
    expect(copied.manifestDescriptor.digest).toBe(manifestDescriptor.digest);

    const dirCopy = join(scratch, "copy-dir");
    run("skopeo", ["copy", `oci:${images.busybox.layout}`, `dir:${dirCopy}`]);
    const dirManifest = JSON.parse(readFileSync(join(dirCopy, "manifest.json"), "utf8")) as typeof manifest;
    expect(dirManifest.layers.map((l) => l.digest)).toEqual(manifest.layers.map((l) => l.digest));

    const fromArchive = join(scratch, "copy-archive");
    run("skopeo", ["copy", `oci-archive:${images.busybox.archive}`, `oci:${fromArchive}:busybox`]);
    expect(readLayout(fromArchive).manifestDescriptor.digest).toBe(manifestDescriptor.digest);
  });
});

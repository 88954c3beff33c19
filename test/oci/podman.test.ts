/**
 * podman runs the OCI images (as root, runc, cgroupfs, no network: what works on these machines),
 * in a storage of its own: the busybox example prints its banner, a dynamically linked program
 * finds its libraries in the other layers, and the user mapping holds.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOci, Podman, type BuiltOci } from "./support.js";

const names = ["busybox", "httpd", "helloAndBusybox"] as const;
type Name = (typeof names)[number];
let images: Record<Name, BuiltOci>;
let podman: Podman;

beforeAll(async () => {
  podman = new Podman();
  images = await buildOci(names);
});
afterAll(() => podman.dispose());

/** podman load of the image's archive; returns the name podman gave it (its reference name). */
function load(image: BuiltOci): string {
  const loaded = podman.run(["load", "--input", image.archive]);
  expect(loaded.status, loaded.stderr).toBe(0);
  return /Loaded image: (\S+)/.exec(loaded.stdout)?.[1] ?? "";
}

describe("podman", () => {
  it("loads the busybox example's archive and runs it: the BusyBox banner", () => {
    const image = load(images.busybox);
    expect(image).toMatch(/^nix2aci\.example\/busybox:/);
    // The example's exec is an interactive shell: it reads the command from stdin.
    const result = podman.run(["run", ...Podman.runFlags, "--interactive", image], "busybox | head -n 1\n");
    expect(result.stdout).toMatch(/^BusyBox v\d+\.\d+\.\d+ .*multi-call binary\.$/m);
    expect(result.status).toBe(0);
  });

  it("pulls a layout with oci: and runs a dynamically linked program across layers", () => {
    // (podman names an oci: image after its folder, and refuses capitals there: busyboxOci-….)
    const pull = podman.run(["pull", "--quiet", `oci:${images.helloAndBusybox.layout}`]);
    expect(pull.status).toBe(0);
    const id = pull.stdout.trim();
    const result = podman.run(["run", ...Podman.runFlags, id, "from", "podman"]);
    expect([result.status, result.stdout]).toEqual([0, "Hello, world!\narg: from\narg: podman\n"]);
  });

  it("runs httpd as the www user's numbers, in its working directory, with its environment", () => {
    const id = load(images.httpd);
    expect(id).toBe("nix2aci.example/httpd:1.35.0");
    const result = podman.run(["run", ...Podman.runFlags, "--entrypoint", "/bin/busybox", id, "sh", "-c", 'id -u; id -g; pwd; echo "$HOME $LANG"']);
    expect([result.status, result.stdout]).toEqual([0, "1000\n1000\n/srv/www\n/srv/www C.UTF-8\n"]);
  });
});

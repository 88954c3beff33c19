/** Trees shaped like the generator's output, for the golden layout tests. */
import {
  attrs,
  bind,
  call,
  type Expr,
  id,
  ifThenElse,
  indentedStr,
  inherit,
  inheritFrom,
  lambda,
  letIn,
  pattern,
  path,
  sel,
  str,
} from "../../lib/nix/index.js";

/** `{ pkgs, mkACI, static ? false, ... }: mkACI { ... }` — a callPackage-able image file. */
export function busyboxFile(): Expr {
  const busybox = id("busybox");
  return lambda(
    pattern(["pkgs", "mkACI", ["static", false]], { ellipsis: true }),
    letIn(
      {
        busybox: ifThenElse(id("static"), sel(id("pkgs"), "pkgsStatic", "busybox"), sel(id("pkgs"), "busybox")),
        shell: str`${busybox}/bin/sh`,
      },
      call(
        id("mkACI"),
        attrs({
          name: "example.com/busybox",
          version: "1.36.1",
          packages: [busybox, call(sel(id("pkgs"), "cacert", "override"), { static: id("static") })],
          exec: [id("shell"), "-c", 'echo "hello from ${HOSTNAME:-aci}"'],
          user: "0",
          group: "0",
          environment: { PATH: "/bin:/usr/bin", "LC_ALL": "C.UTF-8" },
          ports: [
            { name: "http", protocol: "tcp", port: 8080 },
            { name: "dns", protocol: "udp", port: 53, count: 1, socketActivated: false },
          ],
          mountPoints: [{ name: "data", path: "/var/lib/data", readOnly: false }],
          isolators: [{ name: "resource/memory", value: { limit: "256M", request: "128M" } }],
          labels: {},
          annotations: { authors: "Jane Doe <jane@example.com>", "created": "1970-01-01T00:00:00Z" },
          etc: {
            users: [{ name: "www", uid: 1000, gid: 1000, home: "/var/www" }],
            groups: [{ name: "www", gid: 1000, members: ["www"] }],
          },
          extraCommands: indentedStr("mkdir -p tmp var/lib/data\nchmod 1777 tmp\necho '${not interpolated}' > etc/motd\n"),
          thin: false,
        }),
      ),
    ),
  );
}

/** A default.nix frame: images sharing one mkACI, with `inherit (from)` and a default argument. */
export function defaultFile(): Expr {
  const image = (file: string, extra: Record<string, boolean> = {}): Expr =>
    call(sel(id("pkgs"), "callPackage"), path(file), attrs([inherit("mkACI"), ...Object.entries(extra).map(([k, v]) => bind(k, v))]));
  return lambda(
    pattern([["pkgs", call(id("import"), path("<nixpkgs>"), attrs())]]),
    letIn(
      [bind("nix2aci", call(id("import"), path("./nix"), attrs([inherit("pkgs")]))), inheritFrom(id("nix2aci"), "mkACI")],
      attrs({
        busybox: image("./busybox.nix"),
        "busybox-static": image("./busybox.nix", { static: true }),
        "2048": image("./2048.nix"),
      }),
    ),
  );
}

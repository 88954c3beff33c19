import { describe, expect, it } from "vitest";
import { parseMount, parseRunArgs, parseVolume, RunError } from "../../lib/run/index.js";

describe("run flags (rkt syntax)", () => {
  it("parses host and empty volumes", () => {
    expect(parseVolume("data,kind=host,source=/srv/data,readOnly=true")).toEqual({ name: "data", kind: "host", source: "/srv/data", readOnly: true });
    expect(parseVolume("data,kind=host,source=/srv/data")).toEqual({ name: "data", kind: "host", source: "/srv/data", readOnly: false });
    expect(parseVolume("tmp,kind=empty,mode=1777,uid=5,gid=6")).toEqual({ name: "tmp", kind: "empty", readOnly: false, mode: 0o1777, uid: 5, gid: 6 });
    expect(parseMount("volume=data,target=/mnt/x")).toEqual({ volume: "data", target: "/mnt/x" });
  });

  const bad: [string, RegExp][] = [
    ["Data,kind=host,source=/x", /'Data' is not a valid AC Name/],
    ["data,kind=host", /kind=host needs source=ABSOLUTE-PATH/],
    ["data,kind=host,source=rel", /kind=host needs source=ABSOLUTE-PATH/],
    ["data,kind=nfs,source=/x", /kind must be 'host' or 'empty', not 'nfs'/],
    ["data,kind=host,source=/x,readOnly=yes", /readOnly must be true or false, not 'yes'/],
    ["data,kind=host,source=/x,color=red", /unknown option 'color'/],
    ["data,kind=host,source=/x,source=/y", /'source' given twice/],
    ["data,kind=host,source=/x,recursive=false", /recursive=false is not supported/],
    ["data,kind=empty,mode=999", /mode '999' is not a valid octal mode/],
  ];
  for (const [text, message] of bad) {
    it(`refuses --volume ${text}`, () => {
      expect(() => parseVolume(text)).toThrow(RunError);
      expect(() => parseVolume(text)).toThrow(message);
    });
  }

  it("accepts a thin image's .mounts file pasted as words, in both flag forms, before or after the image", () => {
    const mounts = [
      "--volume nix-store-abc-busybox-1-36,kind=host,source=/nix/store/abc-busybox-1.36,readOnly=true",
      "--volume=nix-store-def-glibc-2-39,kind=host,source=/nix/store/def-glibc-2.39,readOnly=true",
    ].join("\n");
    const words = mounts.split(/\s+/).filter((w) => w.length > 0); // what $(cat x.mounts) gives the shell
    const options = parseRunArgs([...words, "--insecure-options=image", "x.aci", "--interactive"]);
    expect(options.image).toBe("x.aci");
    expect(options.interactive).toBe(true);
    expect(options.skipSignatureCheck).toBe(true);
    expect(options.volumes.map((v) => v.name)).toEqual(["nix-store-abc-busybox-1-36", "nix-store-def-glibc-2-39"]);
    expect(options.volumes.every((v) => v.readOnly)).toBe(true);
  });

  it("appends everything after -- to exec, dropping rkt's closing ---", () => {
    expect(parseRunArgs(["x.aci", "--", "--volume", "a b", "---"]).args).toEqual(["--volume", "a b"]);
    expect(parseRunArgs(["x.aci"]).args).toEqual([]);
  });

  it("parses the other rkt options", () => {
    const options = parseRunArgs(["--set-env", "A=1=2", "--set-env=B=", "--inherit-env", "--net=none", "--exec", "/bin/echo", "--user=bob", "--group", "staff", "--working-dir=/tmp", "x.aci"]);
    expect([...options.setEnv]).toEqual([["A", "1=2"], ["B", ""]]);
    expect(options).toMatchObject({ inheritEnv: true, net: "none", exec: "/bin/echo", user: "bob", group: "staff", workingDir: "/tmp", skipSignatureCheck: false });
  });

  const badArgs: [string[], RegExp][] = [
    [[], /no image given/],
    [["a.aci", "b.aci"], /only one image can be run/],
    [["--frobnicate", "x.aci"], /unknown option '--frobnicate'/],
    [["--volume"], /--volume needs a value/],
    [["--insecure-options=everything", "x.aci"], /unknown value 'everything'/],
    [["--set-env", "1A=x", "x.aci"], /--set-env '1A=x'/],
    [["--net=bridge", "x.aci"], /only 'host' and 'none'/],
    [["--interactive=maybe", "x.aci"], /expected true or false/],
    [["--volume", "a,kind=empty", "--volume", "a,kind=empty", "x.aci"], /'a' is given twice/],
  ];
  for (const [argv, message] of badArgs) {
    it(`refuses ${JSON.stringify(argv)}`, () => {
      expect(() => parseRunArgs(argv)).toThrow(message);
    });
  }
});

/**
 * Record keys JavaScript or Nix read specially, in every record of a spec: each one is either in
 * the manifest Nix computes, exactly, or refused by validateSpec with a reason (and then refused
 * by mkACI's checks too, never a raw Nix error); never dropped.
 */
import { describe, expect, it } from "vitest";
import { renderSpecFile } from "../../lib/render/index.js";
import { attrPath, ownRecord, validateSpec, type ACISpec, type NixValue } from "../../lib/spec/index.js";
import { nixVerdicts } from "./nix-verdicts.js";

const KEYS = ["__proto__", "constructor", "outPath", "type", "__toString", "__functor", "recurseForDerivations", "_type"] as const;
const base = { name: "example.org/keys", packages: [attrPath("busybox")], exec: ["/bin/sh"] };
const one = (key: string, value: NixValue = "v"): Record<string, NixValue> => ownRecord([[key, value], ["plain", "p"]]);

type Manifest = { labels?: { name: string; value: string }[]; annotations?: { name: string; value: string }[]; app: Record<string, unknown>; dependencies?: { labels: { name: string; value: string }[] }[] };
const byName = (list: { name: string; value: unknown }[] | undefined, key: string): unknown => list?.find((e) => e.name === key)?.value;
const own = (o: unknown, key: string): unknown => (typeof o === "object" && o !== null && Object.hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined);

/** Where each record puts a key in the spec, and where it finds it again in the manifest. */
const PLACES: readonly { readonly where: string; readonly spec: (key: string) => Record<string, unknown>; readonly found: (m: Manifest, key: string) => unknown }[] = [
  { where: "labels", spec: (k) => ({ labels: one(k) }), found: (m, k) => byName(m.labels, k) },
  { where: "annotations", spec: (k) => ({ annotations: one(k) }), found: (m, k) => byName(m.annotations, k) },
  { where: "environment", spec: (k) => ({ environment: one(k) }), found: (m, k) => byName(m.app["environment"] as { name: string; value: string }[], k) },
  { where: "userAnnotations", spec: (k) => ({ userAnnotations: one(k) }), found: (m, k) => own(m.app["userAnnotations"], k) },
  { where: "userLabels", spec: (k) => ({ userLabels: one(k) }), found: (m, k) => own(m.app["userLabels"], k) },
  { where: "dependencies[0].labels", spec: (k) => ({ dependencies: [{ imageName: "example.org/base", labels: one(k) }] }), found: (m, k) => byName(m.dependencies?.[0]?.labels, k) },
  {
    where: "sysctl isolator value",
    spec: (k) => ({ isolators: [{ name: "os/unix/sysctl", value: one(k) }] }),
    found: (m, k) => own((m.app["isolators"] as { value: unknown }[])[0]?.value, k),
  },
  {
    where: "custom isolator value",
    spec: (k) => ({ customIsolators: [{ name: "vendor.example/x", value: { nested: one(k) } }] }),
    found: (m, k) => own(own((m.app["isolators"] as { value: unknown }[])[0]?.value, "nested"), k),
  },
];

describe("special record keys", () => {
  it("arrive in the manifest exactly, or are refused with the reason, by validateSpec and by mkACI alike", async () => {
    const cases = PLACES.flatMap((place) => KEYS.map((key) => ({ place, key, spec: { ...base, ...place.spec(key) } })));
    const verdicts = await nixVerdicts(cases.map((c) => renderSpecFile(c.spec as unknown as ACISpec)));
    const outcomes: string[] = [];
    cases.forEach(({ place, key, spec }, i) => {
      const problems = validateSpec(spec);
      const nix = verdicts[i];
      if (problems.length > 0) {
        // Refused: one problem, about this key, with a reason; Nix refuses it too, by the same rule.
        expect(problems, `${place.where} ${key}`).toHaveLength(1);
        const [problem] = problems;
        expect(problem?.path[problem.path.length - 1], `${place.where} ${key}`).toBe(key);
        expect(nix?.kind, `${place.where} ${key}`).toBe("problems");
        if (nix?.kind === "problems") expect(nix.problems.map((p) => p.rule)).toContain(problem?.rule);
        outcomes.push(`${place.where} ${key}: refused (${problem?.rule})`);
      } else {
        expect(nix?.kind, `${place.where} ${key}: ${JSON.stringify(nix)}`).toBe("manifest");
        if (nix?.kind !== "manifest") return;
        expect(place.found(nix.manifest as Manifest, key), `${place.where} ${key}`).toBe("v");
        expect(place.found(nix.manifest as Manifest, "plain"), `${place.where} ${key}: the other key`).toBe("p");
        outcomes.push(`${place.where} ${key}: carried`);
      }
    });
    // What is refused, and why: names that must be AC identifiers cannot be these keys, and
    // builtins.toJSON cannot write an object holding outPath or __toString.
    expect(outcomes.filter((o) => o.includes("refused"))).toEqual([
      "labels __proto__: refused (ac-identifier)",
      "labels outPath: refused (ac-identifier)",
      "labels __toString: refused (ac-identifier)",
      "labels __functor: refused (ac-identifier)",
      "labels recurseForDerivations: refused (ac-identifier)",
      "labels _type: refused (ac-identifier)",
      "annotations __proto__: refused (ac-identifier)",
      "annotations outPath: refused (ac-identifier)",
      "annotations __toString: refused (ac-identifier)",
      "annotations __functor: refused (ac-identifier)",
      "annotations recurseForDerivations: refused (ac-identifier)",
      "annotations _type: refused (ac-identifier)",
      "userAnnotations outPath: refused (json-key)",
      "userAnnotations __toString: refused (json-key)",
      "userLabels outPath: refused (json-key)",
      "userLabels __toString: refused (json-key)",
      "dependencies[0].labels __proto__: refused (ac-identifier)",
      "dependencies[0].labels outPath: refused (ac-identifier)",
      "dependencies[0].labels __toString: refused (ac-identifier)",
      "dependencies[0].labels __functor: refused (ac-identifier)",
      "dependencies[0].labels recurseForDerivations: refused (ac-identifier)",
      "dependencies[0].labels _type: refused (ac-identifier)",
      "sysctl isolator value outPath: refused (json-key)",
      "sysctl isolator value __toString: refused (json-key)",
      "custom isolator value outPath: refused (json-key)",
      "custom isolator value __toString: refused (json-key)",
    ]);
    expect(outcomes.filter((o) => o.endsWith("carried"))).toHaveLength(PLACES.length * KEYS.length - 26);
  }, 120_000);

  it("say why a key is refused", () => {
    const [problem] = validateSpec({ ...base, userAnnotations: ownRecord([["outPath", "k"], ["note", "n"]]) });
    expect(problem?.message).toBe("name must not be outPath or __toString: Nix's builtins.toJSON writes a set holding either as a string, not as an object");
  });
});

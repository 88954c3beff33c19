/**
 * Documentation printed from the argument table: the README's spec reference (the spec's view)
 * and the reference part of docs/mkaci-arguments.md (mkACI's view, its rules, and what only the
 * generator checks).
 */
import { fromJS, print } from "../../lib/nix/index.js";
import type { Default, Field, Shape } from "../../lib/spec/arguments/shape.js";
import { STRING_RULES } from "../../lib/spec/arguments/string-rules.js";
import { CODED_RULES, GENERATOR_ONLY, MKACI_ARGUMENTS, RESERVED_PARAMS } from "../../lib/spec/arguments/table.js";
import { fieldDoc, namedShapes, specFields, typeText } from "./types.js";

/** Text for one table cell. */
const cell = (text: string): string => text.replace(/\s+/g, " ").replace(/\|/g, "\\|").trim();
const code = (text: string): string => `\`${text}\``;

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [`| ${header.join(" | ")} |`, `|${header.map(() => "---").join("|")}|`, ...rows.map((row) => `| ${row.map(cell).join(" | ")} |`)].join("\n");
}

/** The README's spec reference: the spec fields, then each record type. */
export function renderSpecReference(): string {
  const out: string[] = [];
  out.push("#### Spec fields (`defineACI({ … })`)", "");
  out.push(table(["field", "type", "meaning"], specFields().map((f) => [`${code(f.name)}${f.optional ? "" : " (required)"}`, code(f.type), f.doc])), "");
  for (const shape of namedShapes()) {
    if (shape.kind !== "record") continue;
    out.push(`#### \`${shape.typeName}\``, "", shape.doc, "");
    out.push(
      table(
        ["field", "type", "meaning"],
        shape.fields.map((f) => [`${code(f.name)}${f.default === undefined ? " (required)" : ""}`, code(typeText(f.shape)), fieldDoc(f)]),
      ),
      "",
    );
  }
  return out.join("\n");
}

/** How a shape reads as a Nix type. */
function nixType(shape: Shape): string {
  const rules = (ids: readonly string[]): string => (ids.length === 0 ? "" : ` (${ids.map(code).join(", ")})`);
  switch (shape.kind) {
    case "string":
      return `string${rules(shape.rules)}`;
    case "bool":
      return "bool";
    case "int":
      return `int, ${shape.min}–${shape.max}`;
    case "enum":
      return shape.values.map((v) => code(JSON.stringify(v))).join(" or ");
    case "list": {
      const extras = [
        ...(shape.nonEmpty ? ["non-empty"] : []),
        ...shape.unique.map((k) => `${code(k)} unique`),
        ...(shape.first.length > 0 ? [`first item${rules(shape.first)}`] : []),
      ];
      return `list of ${nixType(shape.of)}${extras.length === 0 ? "" : `; ${extras.join(", ")}`}`;
    }
    case "strings":
      return `attrset of strings, names${rules(shape.keys) || " any"}`;
    case "record":
      return `\`${shape.typeName}\` (below)`;
    case "package":
      return "derivation";
    case "json":
      return "JSON data (no functions, paths or derivations; floats that `builtins.toJSON` keeps exact)";
  }
}

function nixDefault(value: Default | undefined): string {
  if (value === undefined) return "required";
  if (value.kind === "computed") return value.doc;
  if (value.kind === "absent") return "not set";
  return code(print(fromJS(value.value)));
}

function argumentRows(fields: readonly Field[]): string[][] {
  return fields.map((f) => [code(f.name), nixType(f.shape), nixDefault(f.default), f.becomes === undefined ? f.doc : `${f.doc} → ${f.becomes}`]);
}

/** The reference part of docs/mkaci-arguments.md. */
export function renderMkACIReference(): string {
  const out: string[] = [];
  out.push(table(["argument", "type", "default", "meaning → where it goes"], argumentRows(MKACI_ARGUMENTS)), "");
  for (const shape of namedShapes()) {
    if (shape.kind !== "record") continue;
    out.push(`### \`${shape.typeName}\``, "", shape.doc, "", table(["field", "type", "default", "meaning"], argumentRows(shape.fields)), "");
  }
  const isolator = MKACI_ARGUMENTS.find((f) => f.name === "isolators")?.shape;
  if (isolator?.kind === "list" && isolator.of.kind === "record") {
    out.push("### `isolators[]`", "", isolator.of.doc, "", table(["field", "type", "default", "meaning"], argumentRows(isolator.of.fields)), "");
  }
  out.push("### String rules", "", "Each is one regular expression the whole string must match (or must not, where it says so), read the same way by JavaScript and by `builtins.match`.", "");
  out.push(
    table(
      ["rule", "requirement", "regular expression"],
      Object.entries(STRING_RULES).map(([id, rule]) => [code(id), rule.message, `${"negate" in rule ? "not " : ""}${code(rule.regex.replace(/\n/g, "\\n"))}`]),
    ),
    "",
  );
  out.push("### Coded rules", "", "Checked by both sides, each implemented by its id (`lib/spec/rules.ts`, `nix/lib/check.nix`).", "");
  out.push(table(["rule", "requirement"], CODED_RULES.map((r) => [code(r.id), r.doc])), "");
  out.push("### Only the generator checks", "", `Param names cannot be ${RESERVED_PARAMS.map(code).join(", ")}.`, "");
  out.push(table(["rules", "why mkACI does not"], GENERATOR_ONLY.map((g) => [g.rules.map(code).join(", "), g.why])), "");
  return out.join("\n");
}

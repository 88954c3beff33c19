/**
 * The package DSL: typed references to Nix values that a spec holds as plain data.
 *
 * `pkgs.pkgsStatic.busybox` is not a string: it is a reference whose data
 * (`{ kind: "attrPath", path: ["pkgsStatic", "busybox"] }`) sits under the {@link REF} symbol.
 * lib/render turns references into lib/nix AST with {@link refNode}; nothing here prints Nix.
 */
import { inspect } from "node:util";
import type { Expr } from "../nix/index.js";
import type { JsonValue } from "./json.js";

/**
 * The key under which every reference keeps its data. `Symbol.for` so that two copies of this
 * module (a spec loaded through jiti, the CLI from dist/) still recognise each other's references.
 */
export const REF: unique symbol = Symbol.for("nix2aci.ref");

/** A nixpkgs attribute path, e.g. `["python3Packages", "requests"]`. */
export interface AttrPathNode {
  readonly kind: "attrPath";
  readonly path: readonly string[];
}
/** `base.override { args }`. */
export interface OverrideNode {
  readonly kind: "override";
  readonly base: PackageRef;
  readonly args: Readonly<Record<string, NixValue>>;
}
/** A spec parameter (a function argument of the generated .nix file). */
export interface ParamNode {
  readonly kind: "param";
  readonly name: string;
}
/** `if cond then … else …`. */
export interface WhenNode {
  readonly kind: "when";
  readonly cond: Condition;
  readonly then: NixValue;
  readonly else: NixValue;
}
/** A raw lib/nix expression, embedded as is (the escape hatch). */
export interface RawNixNode {
  readonly kind: "rawNix";
  readonly expr: Expr;
}
export type RefNode = AttrPathNode | OverrideNode | ParamNode | WhenNode | RawNixNode;

/** Any reference: an object carrying its data under {@link REF}. */
export interface Ref<N extends RefNode = RefNode> {
  readonly [REF]: N;
}

/** `pkgs.a.b…`: a reference to a nixpkgs attribute; further attributes and `.override` chain on. */
export type AttrPathRef = Ref<AttrPathNode> & {
  /** `drv.override { … }`: arguments are JSON-like data or references. */
  override(args: Readonly<Record<string, NixValue>>): OverrideRef;
} & { readonly [attr: string]: AttrPathRef };

/** The result of `.override(…)`; may be overridden again. */
export type OverrideRef = Ref<OverrideNode> & {
  override(args: Readonly<Record<string, NixValue>>): OverrideRef;
};
export type ParamRef = Ref<ParamNode>;
export type RawNixRef = Ref<RawNixNode>;

declare const whenResult: unique symbol;
/** `when(cond, a, b)`; `T` records what both branches are, for type checking only. */
export interface WhenRef<T extends NixValue = NixValue> extends Ref<WhenNode> {
  readonly [whenResult]?: T;
}

/** What `when` may test: a declared boolean param, or a raw Nix expression. */
export type Condition = ParamRef | RawNixRef;

/** A value that ends up as a derivation in `packages`. */
export type PackageRef = AttrPathRef | OverrideRef | RawNixRef | WhenRef<PackageRef>;

/** Data given to Nix: JSON-like values, possibly holding references. */
export type NixValue =
  | JsonValue
  | Ref
  | readonly NixValue[]
  | { readonly [key: string]: NixValue };

/** Property names of `pkgs.…` references that are not nixpkgs attributes (use `attrPath` for those). */
export const RESERVED_ATTRS: readonly string[] = ["override", "then", "toJSON", "toString", "valueOf"];

export function isRef(value: unknown): value is Ref {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
  const node: unknown = (value as { [REF]?: unknown })[REF];
  return typeof node === "object" && node !== null && typeof (node as { kind?: unknown }).kind === "string";
}

/** The plain data of a reference. */
export function refNode<R extends Ref>(ref: R): R[typeof REF] {
  return ref[REF];
}

/** True for references that may stand in `packages` (attribute paths, overrides, `when`, `rawNix`). */
export function isPackageRef(value: unknown): value is PackageRef {
  if (!isRef(value)) return false;
  const node = refNode(value);
  return node.kind !== "param";
}

/** A readable form for messages and the REPL, e.g. `pkgs.pkgsStatic.busybox`. */
export function describeRef(ref: Ref): string {
  const node = refNode(ref);
  switch (node.kind) {
    case "attrPath":
      return ["pkgs", ...node.path].join(".");
    case "override":
      return `${describeRef(node.base)}.override({${Object.keys(node.args).join(", ")}})`;
    case "param":
      return `param(${JSON.stringify(node.name)})`;
    case "when":
      return `when(${describeRef(node.cond)}, …)`;
    case "rawNix":
      return "rawNix(…)";
  }
}

function notAString(this: Ref): never {
  throw new TypeError(
    `${describeRef(this)} is a Nix reference, not a string: it cannot be pasted into text (use it in packages or override arguments)`,
  );
}

/** Extra non-enumerable members every reference object has. */
function decorate<T extends object>(target: T, ref: () => Ref): T {
  // configurable: a proxy target may then leave them out of its own keys
  const hidden = (value: unknown): PropertyDescriptor => ({ value, enumerable: false, configurable: true });
  Object.defineProperties(target, {
    [inspect.custom]: hidden(() => describeRef(ref())),
    [Symbol.toPrimitive]: hidden(function (this: Ref) {
      return notAString.call(ref());
    }),
    toJSON: hidden(() => refNode(ref())),
  });
  return target;
}

function makeOverride(base: PackageRef, args: Readonly<Record<string, NixValue>>): OverrideRef {
  const node: OverrideNode = Object.freeze({ kind: "override", base, args: Object.freeze({ ...args }) });
  const ref = { [REF]: node } as OverrideRef;
  Object.defineProperty(ref, "override", {
    value: (more: Readonly<Record<string, NixValue>>) => makeOverride(ref, more),
    enumerable: false,
  });
  return Object.freeze(decorate(ref, () => ref));
}

function makeAttrPath(path: readonly string[]): AttrPathRef {
  const node: AttrPathNode = Object.freeze({ kind: "attrPath", path: Object.freeze([...path]) });
  // util.inspect looks at the target itself (not through the traps): it holds the hidden members
  const members: Record<PropertyKey, unknown> = {};
  const proxy: AttrPathRef = new Proxy(members, {
    get(_target, key) {
      if (key === REF) return node;
      if (key === "override") return (args: Readonly<Record<string, NixValue>>) => makeOverride(proxy, args);
      if (key === "then") return undefined; // never look like a Promise
      if (typeof key === "symbol" || RESERVED_ATTRS.includes(key)) return members[key];
      return makeAttrPath([...path, key]);
    },
    has: (_target, key) => key === REF,
    ownKeys: () => [REF],
    getOwnPropertyDescriptor: (_target, key) =>
      key === REF ? { value: node, enumerable: true, configurable: true, writable: false } : undefined,
    set: () => false,
  }) as unknown as AttrPathRef;
  decorate(members, () => proxy);
  return proxy;
}

/**
 * nixpkgs as typed references: `pkgs.busybox`, `pkgs.pkgsStatic.busybox`,
 * `pkgs.python3Packages.requests`, `pkgs.nginx.override({ withDebug: true })`.
 */
export const pkgs: { readonly [attr: string]: AttrPathRef } = new Proxy(
  {},
  {
    get: (_target, key) => (typeof key === "string" && key !== "then" ? makeAttrPath([key]) : undefined),
    set: () => false,
  },
);

/**
 * The same reference as `pkgs.a.b`, for attribute names `pkgs.…` cannot spell (`override`,
 * `toString`, …) and for projects with `noUncheckedIndexedAccess`: `attrPath("pkgsStatic", "busybox")`.
 */
export function attrPath(first: string, ...rest: string[]): AttrPathRef {
  return makeAttrPath([first, ...rest]);
}

/** A reference to a param declared in the spec's `params` (checked by validation). */
export function param(name: string): ParamRef {
  const node: ParamNode = Object.freeze({ kind: "param", name });
  const ref: ParamRef = { [REF]: node };
  return Object.freeze(decorate(ref, () => ref));
}

/** `if cond then whenTrue else whenFalse` in Nix; `cond` is a boolean param or a raw expression. */
export function when<A extends NixValue, B extends NixValue>(cond: Condition, whenTrue: A, whenFalse: B): WhenRef<A | B> {
  const node: WhenNode = Object.freeze({ kind: "when", cond, then: whenTrue, else: whenFalse });
  const ref: WhenRef<A | B> = { [REF]: node };
  return Object.freeze(decorate(ref, () => ref));
}

/**
 * Embeds a Nix expression built with lib/nix (exported as the `nix` namespace) as is: the escape
 * hatch for what the DSL cannot say, e.g. `rawNix(nix.sel(nix.id("pkgs"), "hello"))`.
 */
export function rawNix(expr: Expr): RawNixRef {
  const node: RawNixNode = Object.freeze({ kind: "rawNix", expr });
  const ref: RawNixRef = { [REF]: node };
  return Object.freeze(decorate(ref, () => ref));
}

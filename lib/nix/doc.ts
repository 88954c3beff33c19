/**
 * A small Wadler-style layout engine: a group is printed on one line when it fits the width and
 * holds no hard line break, otherwise its lines break. Indentation is written lazily, so empty
 * lines carry no trailing blanks (indented-string content depends on that).
 */

export type Doc = string | Concat | Line | Hard | Nest | Group | IfBreak;
interface Concat {
  readonly t: "concat";
  readonly parts: readonly Doc[];
  readonly hard: boolean;
}
interface Line {
  readonly t: "line";
  /** Text when the enclosing group is flat: " " for line, "" for softline. */
  readonly flat: string;
}
interface Hard {
  readonly t: "hard";
}
interface Nest {
  readonly t: "nest";
  readonly doc: Doc;
  readonly hard: boolean;
}
interface Group {
  readonly t: "group";
  readonly doc: Doc;
  readonly hard: boolean;
}
interface IfBreak {
  readonly t: "ifBreak";
  readonly broken: string;
  readonly flat: string;
}

function hasHard(doc: Doc): boolean {
  if (typeof doc === "string") return false;
  switch (doc.t) {
    case "hard":
      return true;
    case "concat":
    case "nest":
    case "group":
      return doc.hard;
    default:
      return false;
  }
}

export const line: Doc = { t: "line", flat: " " };
export const softline: Doc = { t: "line", flat: "" };
export const hardline: Doc = { t: "hard" };

/** Parts one after another. Takes an array: spreading a huge list into arguments overflows. */
export function concatAll(parts: readonly Doc[]): Doc {
  let hard = false;
  for (const part of parts) if (hasHard(part)) hard = true;
  return { t: "concat", parts, hard };
}
export function concat(...parts: Doc[]): Doc {
  return concatAll(parts);
}
/** Indents the lines that start inside `doc` by two more columns. */
export function nest(doc: Doc): Doc {
  return { t: "nest", doc, hard: hasHard(doc) };
}
/** One line if it fits (and holds no hard line break), else broken. */
export function group(...parts: Doc[]): Doc {
  const doc = parts.length === 1 ? (parts[0] as Doc) : concatAll(parts);
  return { t: "group", doc, hard: hasHard(doc) };
}
/** `line, a, line, b, ...`: the body of a bracketed block. */
export function linesBefore(docs: readonly Doc[]): Doc {
  const parts: Doc[] = [];
  for (const doc of docs) parts.push(line, doc);
  return concatAll(parts);
}
/** `broken` when the enclosing group breaks, else `flat` (e.g. trailing commas). */
export function ifBreak(broken: string, flat = ""): Doc {
  return { t: "ifBreak", broken, flat };
}
export function join(separator: Doc, docs: readonly Doc[]): Doc {
  const parts: Doc[] = [];
  docs.forEach((doc, i) => {
    if (i > 0) parts.push(separator);
    parts.push(doc);
  });
  return concatAll(parts);
}

/** A pending piece of work: a doc at an indentation, flat or broken; `i` walks a concat. */
interface Cmd {
  readonly indent: number;
  readonly flat: boolean;
  readonly doc: Doc;
  i?: number;
}

/** Whether `next` (flat) and what follows it up to the next line break fit in `room` columns. */
function fits(next: Cmd, rest: readonly Cmd[], room: number): boolean {
  const todo: Cmd[] = [next];
  let restIndex = rest.length - 1;
  while (room >= 0) {
    const cmd = todo.pop() ?? (restIndex >= 0 ? { ...(rest[restIndex--] as Cmd) } : undefined);
    if (cmd === undefined) return true;
    const { doc, flat, indent } = cmd;
    if (typeof doc === "string") {
      room -= doc.length;
      continue;
    }
    switch (doc.t) {
      case "concat": {
        const i = cmd.i ?? 0;
        if (i < doc.parts.length) {
          todo.push({ indent, flat, doc, i: i + 1 }, { indent, flat, doc: doc.parts[i] as Doc });
        }
        break;
      }
      case "nest":
        todo.push({ indent: indent + 2, flat, doc: doc.doc });
        break;
      case "group":
        todo.push({ indent, flat: flat && !doc.hard, doc: doc.doc });
        break;
      case "line":
        if (!flat) return true;
        room -= doc.flat.length;
        break;
      case "hard":
        return true;
      case "ifBreak":
        room -= (flat ? doc.flat : doc.broken).length;
        break;
    }
  }
  return false;
}

/** Lays `doc` out within `width` columns. */
export function render(doc: Doc, width: number): string {
  const out: string[] = [];
  let column = 0;
  let pendingIndent = -1; // indentation owed to the current line, written before its first text
  const stack: Cmd[] = [{ indent: 0, flat: false, doc }];
  const write = (text: string): void => {
    if (text.length === 0) return;
    if (pendingIndent >= 0) {
      if (pendingIndent > 0) out.push(" ".repeat(pendingIndent));
      column = pendingIndent;
      pendingIndent = -1;
    }
    out.push(text);
    column += text.length;
  };
  const newline = (indent: number): void => {
    out.push("\n");
    column = 0;
    pendingIndent = indent;
  };
  for (let cmd = stack.pop(); cmd !== undefined; cmd = stack.pop()) {
    const { doc, flat, indent } = cmd;
    if (typeof doc === "string") {
      write(doc);
      continue;
    }
    switch (doc.t) {
      case "concat":
        for (let i = doc.parts.length - 1; i >= 0; i--) stack.push({ indent, flat, doc: doc.parts[i] as Doc });
        break;
      case "nest":
        stack.push({ indent: indent + 2, flat, doc: doc.doc });
        break;
      case "group": {
        if (flat) {
          stack.push({ indent, flat: true, doc: doc.doc });
          break;
        }
        const here = pendingIndent >= 0 ? pendingIndent : column;
        const flatCmd: Cmd = { indent, flat: true, doc: doc.doc };
        stack.push(!doc.hard && fits(flatCmd, stack, width - here) ? flatCmd : { indent, flat: false, doc: doc.doc });
        break;
      }
      case "line":
        if (flat) write(doc.flat);
        else newline(indent);
        break;
      case "hard":
        newline(indent);
        break;
      case "ifBreak":
        write(flat ? doc.flat : doc.broken);
        break;
    }
  }
  return out.join("");
}

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

/*
 * The layout loop keeps its work on two parallel stacks (docs, and indent * 2 + flat bit) rather
 * than one object per step: printing large trees is then mostly free of garbage.
 */

/** Whether the doc on top of `docs`/`modes` (flat) and what follows it, up to the next line
 * break, fits in `room` columns. `restTop` is the index below it where the rest begins. */
function fits(first: Doc, firstIndent: number, docs: readonly Doc[], modes: readonly number[], restTop: number, room: number): boolean {
  const todo: Doc[] = [first];
  const todoModes: number[] = [firstIndent * 2 + 1];
  let restIndex = restTop;
  while (room >= 0) {
    let doc: Doc;
    let mode: number;
    if (todo.length > 0) {
      doc = todo.pop() as Doc;
      mode = todoModes.pop() as number;
    } else if (restIndex >= 0) {
      doc = docs[restIndex] as Doc;
      mode = modes[restIndex] as number;
      restIndex--;
    } else {
      return true;
    }
    if (typeof doc === "string") {
      room -= doc.length;
      continue;
    }
    const flat = (mode & 1) === 1;
    switch (doc.t) {
      case "concat":
        for (let i = doc.parts.length - 1; i >= 0; i--) {
          todo.push(doc.parts[i] as Doc);
          todoModes.push(mode);
        }
        break;
      case "nest":
        todo.push(doc.doc);
        todoModes.push(mode + 4);
        break;
      case "group":
        todo.push(doc.doc);
        todoModes.push(doc.hard ? mode & ~1 : mode);
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

const spaces: string[] = [];
function indentation(width: number): string {
  return (spaces[width] ??= " ".repeat(width));
}

/** Lays `doc` out within `width` columns. */
export function render(doc: Doc, width: number): string {
  let out = "";
  let column = 0;
  let pendingIndent = -1; // indentation owed to the current line, written before its first text
  const docs: Doc[] = [doc];
  const modes: number[] = [0]; // indent * 2 + (flat ? 1 : 0)
  const write = (text: string): void => {
    if (text.length === 0) return;
    if (pendingIndent >= 0) {
      out += indentation(pendingIndent);
      column = pendingIndent;
      pendingIndent = -1;
    }
    out += text;
    column += text.length;
  };
  while (docs.length > 0) {
    const current = docs.pop() as Doc;
    const mode = modes.pop() as number;
    if (typeof current === "string") {
      write(current);
      continue;
    }
    const flat = (mode & 1) === 1;
    switch (current.t) {
      case "concat":
        for (let i = current.parts.length - 1; i >= 0; i--) {
          docs.push(current.parts[i] as Doc);
          modes.push(mode);
        }
        break;
      case "nest":
        docs.push(current.doc);
        modes.push(mode + 4);
        break;
      case "group": {
        if (!flat) {
          const here = pendingIndent >= 0 ? pendingIndent : column;
          const indent = mode >> 1;
          const fitsFlat = !current.hard && fits(current.doc, indent, docs, modes, docs.length - 1, width - here);
          docs.push(current.doc);
          modes.push(fitsFlat ? mode | 1 : mode);
        } else {
          docs.push(current.doc);
          modes.push(mode);
        }
        break;
      }
      case "line":
        if (flat) write(current.flat);
        else {
          out += "\n";
          column = 0;
          pendingIndent = mode >> 1;
        }
        break;
      case "hard":
        out += "\n";
        column = 0;
        pendingIndent = mode >> 1;
        break;
      case "ifBreak":
        write(flat ? current.flat : current.broken);
        break;
    }
  }
  return out;
}

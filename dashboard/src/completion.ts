import journeySchema from "../../schemas/journey.schema.json";

// Completion for the draft editor, driven by schemas/journey.schema.json (bundled at build time): the property names
// allowed where the cursor is (for a step, those of its type) and the values of an enum or const there.

type Schema = {
  $ref?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  title?: string;
  description?: string;
};

const root = journeySchema as unknown as Schema & { $defs: Record<string, Schema> };

function resolve(s: Schema | undefined): Schema | undefined {
  let node = s;
  for (let i = 0; node?.$ref && i < 20; i++) node = root.$defs[node.$ref.replace("#/$defs/", "")];
  return node;
}

/** The branches of a oneOf/anyOf (flattened), or the schema itself. */
function branches(s: Schema | undefined): Schema[] {
  const node = resolve(s);
  if (!node) return [];
  // An object with its own properties is one branch; its anyOf only says which of them are required together.
  if (node.properties) return [node];
  const alts = [...(node.oneOf ?? []), ...(node.anyOf ?? []), ...(node.allOf ?? [])];
  return alts.length === 0 ? [node] : alts.flatMap(branches);
}

/** The branches that fit the document's value there: for a step, the one whose type const is the step's type. */
function fitting(s: Schema | undefined, value: unknown): Schema[] {
  const all = branches(s);
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    const typed = all.filter((b) => {
      const t = resolve(b.properties?.type);
      return t?.const !== undefined && t.const === v.type;
    });
    if (typed.length > 0) return typed;
  }
  return all;
}

function child(s: Schema, segment: string | number): Schema | undefined {
  if (typeof segment === "number") return s.items;
  if (s.properties?.[segment]) return s.properties[segment];
  return typeof s.additionalProperties === "object" ? s.additionalProperties : undefined;
}

function at(value: unknown, segment: string | number): unknown {
  return value && typeof value === "object" ? (value as Record<string | number, unknown>)[segment] : undefined;
}

/** The schemas that describe the value at a path of the document. */
export function schemasAt(path: (string | number)[], doc: unknown): Schema[] {
  let current: Schema[] = fitting(root, doc);
  let value = doc;
  for (const segment of path) {
    value = at(value, segment);
    current = current.flatMap((s) => fitting(child(s, segment), value));
  }
  return current;
}

export interface Suggestion {
  /** What is inserted. */
  text: string;
  label: string;
  detail?: string;
}

/** Where the cursor stands: inside which containers, and whether a key or a value of which key is expected. */
export interface CursorContext {
  path: (string | number)[];
  expects: "key" | "value";
  key: string | null;
  keysPresent: string[];
}

/** Reads the text up to the cursor with a small JSON scanner (tolerant of an unfinished document). */
export function contextAt(text: string, cursor: number): CursorContext {
  type Frame = { kind: "object" | "array"; segment: string | number | null; key: string | null; afterColon: boolean; index: number; keys: string[] };
  const stack: Frame[] = [];
  let lastString: string | null = null;
  let i = 0;
  while (i < cursor) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      let s = "";
      while (j < cursor && text[j] !== '"') {
        if (text[j] === "\\") j++;
        s += text[j] ?? "";
        j++;
      }
      if (j >= cursor) break; // the cursor is inside this string
      lastString = s;
      i = j + 1;
      continue;
    }
    const top = stack[stack.length - 1];
    if (c === "{" || c === "[") {
      const segment = top ? (top.kind === "array" ? top.index : top.key) : null;
      stack.push({ kind: c === "{" ? "object" : "array", segment, key: null, afterColon: false, index: 0, keys: [] });
    } else if (c === "}" || c === "]") {
      stack.pop();
    } else if (c === ":" && top?.kind === "object") {
      top.key = lastString;
      if (lastString !== null) top.keys.push(lastString);
      top.afterColon = true;
    } else if (c === "," && top) {
      if (top.kind === "array") top.index++;
      else top.afterColon = false;
    }
    i++;
  }
  const path = stack.slice(1).map((f) => f.segment as string | number);
  const top = stack[stack.length - 1];
  if (!top) return { path: [], expects: "key", key: null, keysPresent: [] };
  if (top.kind === "array") return { path: [...path, top.index], expects: "value", key: null, keysPresent: [] };
  return top.afterColon
    ? { path, expects: "value", key: top.key, keysPresent: top.keys }
    : { path, expects: "key", key: null, keysPresent: top.keys };
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The suggestions for the cursor: property names not yet present, or the allowed values of the key being written. */
export function suggest(text: string, cursor: number): Suggestion[] {
  const ctx = contextAt(text, cursor);
  const doc = tryParse(text);
  const out = new Map<string, Suggestion>();
  if (ctx.expects === "key") {
    // Keys written before the cursor, and, when the document parses, those after it too.
    const here = ctx.path.reduce<unknown>((v, segment) => at(v, segment), doc);
    const present = new Set([...ctx.keysPresent, ...(here && typeof here === "object" ? Object.keys(here) : [])]);
    for (const s of schemasAt(ctx.path, doc)) {
      for (const [name, p] of Object.entries(s.properties ?? {})) {
        if (present.has(name) || out.has(name)) continue;
        const r = resolve(p);
        out.set(name, { text: `"${name}": `, label: name, detail: r?.title ?? r?.description });
      }
    }
  } else if (ctx.key !== null) {
    for (const s of schemasAt([...ctx.path, ctx.key], undefined)) {
      for (const b of branches(s)) {
        const values = b.enum ?? (b.const !== undefined ? [b.const] : []);
        for (const v of values) {
          const t = JSON.stringify(v);
          if (!out.has(t)) out.set(t, { text: t, label: t, detail: b.title });
        }
      }
    }
  }
  return [...out.values()];
}

/**
 * JSON trees that JSON.stringify cannot write: own "__proto__" keys, bytes that are not UTF-8, nesting deeper
 * than a recursive serialiser survives. A tree is plain JSON whose leaves may also be Raw bytes.
 */

/** Bytes written into the body exactly as given, in place of a value. */
export class Raw {
  constructor(readonly bytes: Buffer) {}
}

export type Tree = null | boolean | number | string | Raw | Tree[] | { [key: string]: Tree };
export type Path = (string | number)[];

const isObject = (value: Tree): value is { [key: string]: Tree } =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Raw);

/** Serialises a tree; iterative over its parts, so depth costs nothing but bytes. */
export function encodeTree(tree: Tree): Buffer {
  const parts: Buffer[] = [];
  const write = (value: Tree): void => {
    if (value instanceof Raw) parts.push(value.bytes);
    else if (Array.isArray(value)) {
      parts.push(Buffer.from('['));
      value.forEach((item, i) => {
        if (i) parts.push(Buffer.from(','));
        write(item);
      });
      parts.push(Buffer.from(']'));
    } else if (isObject(value)) {
      parts.push(Buffer.from('{'));
      Object.keys(value).forEach((key, i) => {
        parts.push(Buffer.from(`${i ? ',' : ''}${JSON.stringify(key)}:`));
        write(value[key]!);
      });
      parts.push(Buffer.from('}'));
    } else {
      parts.push(Buffer.from(JSON.stringify(value)));
    }
  };
  write(tree);
  return Buffer.concat(parts);
}

/** A copy of an object that keeps an own "__proto__" key as a key (spread would too; assignment would not). */
function copyObject(source: { [key: string]: Tree }): { [key: string]: Tree } {
  const copy: { [key: string]: Tree } = {};
  for (const key of Object.keys(source)) defineKey(copy, key, source[key]!);
  return copy;
}

function defineKey(target: { [key: string]: Tree }, key: string, value: Tree): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function update(tree: Tree, path: Path, change: (parent: Tree, key: string | number) => Tree): Tree {
  const [head, ...rest] = path;
  if (head === undefined) throw new Error('An empty path has no parent.');
  if (!rest.length) return change(tree, head);
  if (Array.isArray(tree)) return tree.map((item, i) => (i === head ? update(item, rest, change) : item));
  if (isObject(tree)) {
    const copy = copyObject(tree);
    defineKey(copy, String(head), update(tree[String(head)]!, rest, change));
    return copy;
  }
  throw new Error(`No container at ${String(head)}.`);
}

export function getAt(tree: Tree, path: Path): Tree | undefined {
  let node: Tree | undefined = tree;
  for (const key of path) {
    if (Array.isArray(node)) node = node[key as number];
    else if (node !== undefined && isObject(node)) node = Object.prototype.hasOwnProperty.call(node, key) ? node[String(key)] : undefined;
    else return undefined;
  }
  return node;
}

/** The tree with the value at path replaced (path [] replaces the whole tree). */
export function setAt(tree: Tree, path: Path, value: Tree): Tree {
  if (!path.length) return value;
  return update(tree, path, (parent, key) => {
    if (Array.isArray(parent)) return parent.map((item, i) => (i === key ? value : item));
    const copy = copyObject(parent as { [key: string]: Tree });
    defineKey(copy, String(key), value);
    return copy;
  });
}

export function deleteAt(tree: Tree, path: Path): Tree {
  return update(tree, path, (parent, key) => {
    if (Array.isArray(parent)) return parent.filter((_, i) => i !== key);
    const copy = copyObject(parent as { [key: string]: Tree });
    delete copy[String(key)];
    return copy;
  });
}

/** Adds key (any key, "__proto__" included, as an own key) to the object at path. */
export function addKeyAt(tree: Tree, path: Path, key: string, value: Tree): Tree {
  const add = (target: Tree): Tree => {
    if (!isObject(target)) throw new Error('Keys are added to objects only.');
    const copy = copyObject(target);
    defineKey(copy, key, value);
    return copy;
  };
  if (!path.length) return add(tree);
  return update(tree, path, (parent, last) => setAt(parent, [last], add(getAt(parent, [last])!)));
}

export interface Slot {
  path: Path;
  value: Tree;
}

/** Every value in the tree with its path, containers included, the root excluded. */
export function slotsOf(tree: Tree, path: Path = []): Slot[] {
  const children: [string | number, Tree][] = Array.isArray(tree)
    ? tree.map((item, i) => [i, item])
    : isObject(tree) ? Object.keys(tree).map((key) => [key, tree[key]!]) : [];
  return children.flatMap(([key, value]) => [{ path: [...path, key], value }, ...slotsOf(value, [...path, key])]);
}

export const isPlainObject = isObject;

/** Nesting far past anything real, written as bytes: "[[[…]]]" or {"a":{"a":…}}. */
export function deeplyNested(depth: number, shape: 'array' | 'object'): Raw {
  return new Raw(Buffer.from(shape === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`));
}

/** A JSON string whose content has bytes that are not UTF-8 after its first `at` characters. */
export function stringWithBytes(text: string, at: number, bytes: readonly number[]): Raw {
  const points = Array.from(text);
  const cut = Math.min(Math.max(0, at), points.length);
  const head = JSON.stringify(points.slice(0, cut).join('')).slice(0, -1);
  const tail = JSON.stringify(points.slice(cut).join('')).slice(1);
  return new Raw(Buffer.concat([Buffer.from(head), Buffer.from(bytes), Buffer.from(tail)]));
}

import { isMap, isSeq } from 'yaml';
import type { Document } from 'yaml';

type Path = (string | number)[];
const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Edits a parsed YAML document in place so that it holds `next`, touching only what differs:
 * comments, key order, quoting and flow style of everything unchanged stay as the file had
 * them. `cur` is the document's current value (doc.toJS()).
 */
export function patchDocument(doc: Document, cur: unknown, next: unknown, path: Path = []): void {
  if (same(cur, next)) return;
  if (isObject(cur) && isObject(next) && (path.length === 0 || isMap(doc.getIn(path, true)))) {
    for (const k of Object.keys(cur)) if (!(k in next)) doc.deleteIn([...path, k]);
    for (const [k, v] of Object.entries(next)) {
      if (k in cur) patchDocument(doc, cur[k], v, [...path, k]);
      else doc.setIn([...path, k], v);
    }
    return;
  }
  if (Array.isArray(cur) && Array.isArray(next) && isSeq(doc.getIn(path, true))) {
    const common = Math.min(cur.length, next.length);
    for (let i = 0; i < common; i++) patchDocument(doc, cur[i], next[i], [...path, i]);
    for (let i = cur.length - 1; i >= next.length; i--) doc.deleteIn([...path, i]);
    for (let i = common; i < next.length; i++) doc.addIn(path, next[i]);
    return;
  }
  if (path.length === 0) {
    doc.contents = doc.createNode(next) as typeof doc.contents;
    return;
  }
  doc.setIn(path, next);
}

import { readFileSync } from 'node:fs';

/** What one kind of heap object adds up to in a V8 heap snapshot. */
export interface HeapGroup {
  count: number;
  bytes: number;
}

interface SnapshotFile {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

/**
 * Self sizes of a `.heapsnapshot` (V8's JSON format) grouped by what a leak hunt needs: objects,
 * closures and native objects by constructor name; strings, code, arrays and the rest by type.
 */
export function heapGroups(file: string): Map<string, HeapGroup> {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as SnapshotFile;
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const width = fields.length;
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  if (iType! < 0 || iName! < 0 || iSize! < 0) throw new Error(`${file}: not a V8 heap snapshot`);
  const named = new Set(['object', 'closure', 'native', 'regexp']);
  const groups = new Map<string, HeapGroup>();
  for (let i = 0; i < snap.nodes.length; i += width) {
    const type = types[snap.nodes[i + iType!]!] ?? '?';
    const key = named.has(type) ? snap.strings[snap.nodes[i + iName!]!]! : `(${type})`;
    const g = groups.get(key) ?? { count: 0, bytes: 0 };
    g.count += 1;
    g.bytes += snap.nodes[i + iSize!]!;
    groups.set(key, g);
  }
  return groups;
}

/** The groups that grew most in bytes from `before` to `after`, largest first. */
export function heapGrowth(
  before: Map<string, HeapGroup>,
  after: Map<string, HeapGroup>,
  top = 12,
): { name: string; countDelta: number; bytesDelta: number }[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names]
    .map((name) => ({
      name,
      countDelta: (after.get(name)?.count ?? 0) - (before.get(name)?.count ?? 0),
      bytesDelta: (after.get(name)?.bytes ?? 0) - (before.get(name)?.bytes ?? 0),
    }))
    .sort((a, b) => b.bytesDelta - a.bytesDelta)
    .slice(0, top);
}

export function heapTotalBytes(groups: Map<string, HeapGroup>): number {
  let sum = 0;
  for (const g of groups.values()) sum += g.bytes;
  return sum;
}

import type { Zone } from './types.js';

/** What differs between the saved zones and the edited ones, in words. */
export function zoneDifferences(before: readonly Zone[], after: readonly Zone[]): string[] {
  const out: string[] = [];
  for (const z of after) {
    const b = before.find((x) => x.id === z.id);
    if (!b) out.push(`adds zone ${z.name || z.id}`);
    else if (JSON.stringify(b) !== JSON.stringify(z))
      out.push(`changes ${z.name || z.id}: ${changed(b, z)}`);
  }
  for (const b of before)
    if (!after.some((z) => z.id === b.id)) out.push(`removes zone ${b.name || b.id}`);
  return out;
}

/** What changed in one zone. */
function changed(b: Zone, z: Zone): string {
  const what = [];
  if (JSON.stringify(b.polygon) !== JSON.stringify(z.polygon))
    what.push(`its shape (${b.polygon.length} → ${z.polygon.length} corners)`);
  if (b.name !== z.name) what.push(`its name`);
  if (b.kind !== z.kind) what.push(`its kind (${b.kind} → ${z.kind})`);
  if (JSON.stringify(b.loitering) !== JSON.stringify(z.loitering))
    what.push('its loitering thresholds');
  return what.join(', ') || 'settings';
}

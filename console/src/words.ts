import type { Alert } from './types.js';

const REGION: Record<string, string> = {
  torso: 'the torso',
  waist: 'the waist',
  pocket: 'a pocket',
};

/** What happened, in words a clerk reads at a glance. */
export function whatHappened(a: Alert): string {
  const zone = a.zoneName || a.zone;
  const secs = Math.round(a.durationSeconds);
  if (a.rule === 'loitering') {
    if (a.type === 'end') return `stayed ${secs} s at the ${zone}, then left`;
    return `has stayed ${secs} s at the ${zone}`;
  }
  if (a.rule === 'concealment') {
    const steps = a.evidence?.steps ?? [];
    const to = steps.find((s) => s.region)?.region;
    const hold = steps.some((s) => s.step === 'hold');
    return `reached the ${zone}, then hand to ${to ? (REGION[to] ?? to) : 'the body'}${hold ? ' and kept it there' : ''}`;
  }
  if (a.rule === 'intrusion')
    return a.type === 'end' ? `left the restricted ${zone}` : `entered the restricted ${zone}`;
  if (a.rule === 'walkout') return `concealed goods and reached the ${zone} without paying`;
  if (a.rule === 'anomaly' || a.evidence?.steps.some((s) => s.step === 'unusual-pose-sequence'))
    return `moved unusually near the ${zone}`;
  return a.summary;
}

const TITLES: Record<string, string> = {
  loitering: 'Loitering',
  concealment: 'Concealment',
  intrusion: 'Intrusion',
  walkout: 'Walkout',
};

export function ruleTitle(rule: string): string {
  return TITLES[rule] ?? rule;
}

export function ago(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 10) return 'just now';
  if (s < 60) return `${s} s ago`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const hrs = Math.round(m / 60);
  return hrs < 24 ? `${hrs} h ago` : new Date(iso).toLocaleString();
}

export function verdictWords(v: string): string {
  return v === 'confirmed' ? 'confirmed' : 'a false alarm';
}

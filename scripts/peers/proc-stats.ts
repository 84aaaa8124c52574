import { readFileSync, readdirSync } from 'node:fs';

/** Resident memory of a process, MB (0 when it is gone). */
export function rssMB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Proportional memory of a process, MB: private pages plus its share of pages shared with others
 * (libraries mapped by every ffmpeg count once in total). The fair per-camera memory figure.
 */
export function pssMB(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

const TICKS_PER_S = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far, its threads included; 0 when gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
  } catch {
    return 0;
  }
}

/** Direct children of a process (the daemon's ffmpeg processes). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

/**
 * A process and its children: CPU seconds used so far (per pid, so exits can be accounted), RSS
 * and PSS in total, and the root process's own share.
 */
export function treeSample(pid: number): {
  cpu: Map<number, number>;
  rssMB: number;
  pssMB: number;
  rootPssMB: number;
} {
  const pids = [pid, ...childPids(pid)];
  return {
    cpu: new Map(pids.map((p) => [p, cpuSeconds(p)])),
    rssMB: pids.reduce((a, p) => a + rssMB(p), 0),
    pssMB: pids.reduce((a, p) => a + pssMB(p), 0),
    rootPssMB: pssMB(pid),
  };
}

/** CPU seconds used between two samples by the processes alive in both or born in between. */
export function cpuBetween(a: Map<number, number>, b: Map<number, number>): number {
  let total = 0;
  for (const [pid, end] of b) total += end - (a.get(pid) ?? 0);
  return total;
}

/** CPU seconds the whole machine spent busy (all cores, everything but idle and iowait). */
export function machineBusySeconds(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const [user, nice, system, , , irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
    return (
      ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) /
      TICKS_PER_S
    );
  } catch {
    return 0;
  }
}

import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statfsSync } from 'node:fs';
import { resolveFfmpeg } from '../camera/ffmpeg-binary';
import type { FfmpegBinary } from '../camera/ffmpeg-binary';
import { error, ok, warning } from './check';
import type { CheckResult } from './check';

const MIN_NODE = [20, 9];

export function checkNode(version = process.versions.node): CheckResult {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const good = major > MIN_NODE[0]! || (major === MIN_NODE[0] && minor >= MIN_NODE[1]!);
  return good
    ? ok('node', `v${version}`)
    : error('node', `v${version} is too old`, `install Node ${MIN_NODE.join('.')} or newer`);
}

/** ffmpeg runs here (its `-hwaccels` list answers); which hardware decoders it offers. */
export function checkFfmpeg(
  bin: Pick<FfmpegBinary, 'path' | 'version' | 'origin'> = resolveFfmpeg(),
): CheckResult {
  const r = spawnSync(bin.path, ['-hide_banner', '-hwaccels'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (r.error || r.status !== 0) {
    const why =
      r.error?.message ?? (r.stderr || '').trim().split('\n').at(-1) ?? `exit ${r.status}`;
    return error(
      'ffmpeg',
      `${bin.path} does not run: ${why || `exit ${r.status}`}`,
      'apt-get install ffmpeg, or set VIGIL_FFMPEG to a working ffmpeg',
    );
  }
  const accels = (r.stdout ?? '')
    .split('\n')
    .slice(1)
    .map((l) => l.trim())
    .filter(Boolean);
  return ok(
    'ffmpeg',
    `${bin.version} (${bin.origin}: ${bin.path}); hwaccels: ${accels.join(', ') || 'none'}`,
  );
}

/** NVIDIA devices visible to this process (container runtimes expose /dev/nvidia*). */
export function checkGpu(devDir = '/dev'): CheckResult {
  const devices = existsSync(devDir)
    ? readdirSync(devDir).filter((d) => /^nvidia\d+$/.test(d))
    : [];
  if (devices.length > 0)
    return ok('gpu', `${devices.length} NVIDIA device(s): ${devices.join(', ')}`);
  if (existsSync('/dev/nvhost-ctrl') || existsSync('/etc/nv_tegra_release'))
    return ok(
      'gpu',
      'Jetson (Tegra) GPU present; tfjs has no GPU build for arm64, inference runs on CPU/wasm',
    );
  return warning(
    'gpu',
    'no NVIDIA GPU visible',
    'fine for CPU/wasm inference; for the GPU image run the container with --gpus all',
  );
}

/** Free space where snapshots and the outbox are written. */
export function checkDisk(dataDir: string, minFreeBytes = 1 << 30): CheckResult {
  mkdirSync(dataDir, { recursive: true });
  const s = statfsSync(dataDir);
  const free = s.bavail * s.bsize;
  const gb = (free / 2 ** 30).toFixed(1);
  if (free < minFreeBytes / 10)
    return error(
      'disk',
      `${gb} GiB free in ${dataDir}`,
      'free space or point dataDir at a larger volume',
    );
  if (free < minFreeBytes)
    return warning(
      'disk',
      `${gb} GiB free in ${dataDir}`,
      'snapshots fill disks: keep at least 1 GiB free',
    );
  return ok('disk', `${gb} GiB free in ${dataDir}`);
}

/** True when the ffmpeg Vigil runs has the libx264 encoder (clips.codec: h264). */
export function hasLibx264(bin: Pick<FfmpegBinary, 'path'> = resolveFfmpeg()): boolean {
  const r = spawnSync(bin.path, ['-hide_banner', '-encoders'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  return r.status === 0 && /\blibx264\b/.test(r.stdout ?? '');
}

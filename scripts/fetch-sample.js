#!/usr/bin/env node
// Puts the demo clip vtest.avi (PETS 2009 S2.L1 view 1, from Debian's opencv-doc package) into
// data/samples/, a git-ignored folder. Nothing is committed; nothing but Debian's archive is used.
'use strict';
const { execFileSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const SHA256 = '45cddc9490be69345cbdab64ca583be65987e864ca408038e648db99e10516cf';
const IN_PACKAGE = 'usr/share/doc/opencv-doc/examples/data/vtest.avi';
const target = path.resolve(__dirname, '..', 'data', 'samples', 'vtest.avi');

function sha256(file) {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/**
 * `apt-get download opencv-doc` into `dir`. A fresh Debian machine (a container image) may have no
 * package lists yet: then, as root, they are fetched once (`apt-get update`) and the download tried
 * again; otherwise the error says what to run.
 */
function downloadDeb(dir) {
  const download = () =>
    execFileSync('apt-get', ['download', 'opencv-doc'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  try {
    download();
  } catch (err) {
    const why = String(err.stderr ?? err.message).trim();
    if (process.getuid?.() !== 0)
      throw new Error(
        `apt-get download opencv-doc failed (${why}); run 'sudo apt-get update' first`,
        { cause: err },
      );
    process.stderr.write('no package lists for opencv-doc: running apt-get update once...\n');
    execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'] });
    download();
  }
}

function copyFromDebian(dest) {
  const installed = path.join('/', IN_PACKAGE);
  if (fs.existsSync(installed)) return fs.copyFileSync(installed, dest);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-sample-'));
  process.stderr.write('fetching vtest.avi from Debian package opencv-doc (about 96 MB)...\n');
  downloadDeb(tmp);
  const deb = fs.readdirSync(tmp).find((f) => f.startsWith('opencv-doc') && f.endsWith('.deb'));
  if (!deb) throw new Error('apt-get download opencv-doc produced no .deb (run apt-get update?)');
  try {
    execFileSync('dpkg', ['-x', path.join(tmp, deb), path.join(tmp, 'x')]);
    fs.copyFileSync(path.join(tmp, 'x', IN_PACKAGE), dest);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function main() {
  if (fs.existsSync(target) && sha256(target) === SHA256) return;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  copyFromDebian(target);
  const got = sha256(target);
  if (got !== SHA256) {
    fs.rmSync(target);
    throw new Error(`vtest.avi has sha256 ${got}, expected ${SHA256}`);
  }
  process.stderr.write(`sample ready: ${target}\n`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`VIGIL_ERR_INPUT_MISSING: cannot fetch the sample clip: ${err.message}\n`);
  process.exit(1);
}

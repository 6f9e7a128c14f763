// The container backend's host image: built by the harness, cached by the hash of its recipe. `docker build`
// where a registry answers; otherwise a debootstrap rootfs + `docker import` (no registry needed, only Debian's
// package mirror). Progress is printed while it builds.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { HarnessSetupError } from '../setup-error.ts';
import { progress } from '../progress.ts';

const RECIPE_DIR = resolve(import.meta.dirname, '../../fixtures/host-image');
const SUITE = 'bookworm';
const BASE_IMAGE = `debian:${SUITE}-slim`;
export const IMAGE_REPOSITORY = 'netns-conformance-host';
export const LABEL_RECIPE = 'netns-conformance.recipe';

export interface HostImage {
  tag: string;
  /** how it was obtained this time */
  origin: 'cached' | 'docker build' | 'debootstrap';
}

export async function recipeHash(): Promise<string> {
  const hash = createHash('sha256').update(SUITE);
  for (const file of ['packages.txt', 'Dockerfile']) hash.update(await readFile(join(RECIPE_DIR, file)));
  return hash.digest('hex').slice(0, 12);
}

async function imageExists(tag: string): Promise<boolean> {
  return (await execa('docker', ['image', 'inspect', tag], { reject: false })).exitCode === 0;
}

/** Returns the host image, building it when its recipe changed or it was never built. */
export async function ensureHostImage(): Promise<HostImage> {
  const hash = await recipeHash();
  const tag = `${IMAGE_REPOSITORY}:${hash}`;
  if (await imageExists(tag)) return { tag, origin: 'cached' };
  const task = `host image ${tag}`;
  progress(task, 'not built yet; building');
  const pulled = (await imageExists(BASE_IMAGE)) || (await execa('docker', ['pull', BASE_IMAGE], { reject: false, timeout: 120_000 })).exitCode === 0;
  let origin: HostImage['origin'] = 'docker build';
  if (pulled) {
    await stream(task, execa('docker', ['build', '--label', `${LABEL_RECIPE}=${hash}`, '--tag', tag, RECIPE_DIR], { all: true }));
  } else {
    progress(task, `no registry answers (docker pull ${BASE_IMAGE} failed): building from a debootstrap rootfs`);
    await buildWithDebootstrap(task, tag, hash);
    origin = 'debootstrap';
  }
  await removeSupersededImages(tag);
  return { tag, origin };
}

/** Images of earlier recipes are never used again: remove them (a running container keeps its image). */
async function removeSupersededImages(current: string): Promise<void> {
  const listed = await execa('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', IMAGE_REPOSITORY]);
  const old = listed.stdout.split('\n').filter((tag) => tag && tag !== current);
  if (old.length === 0) return;
  await execa('docker', ['image', 'rm', ...old], { reject: false });
  progress(`host image ${current}`, `removed the images of earlier recipes: ${old.join(' ')}`);
}

async function buildWithDebootstrap(task: string, tag: string, hash: string): Promise<void> {
  if ((await execa('debootstrap', ['--version'], { reject: false })).exitCode !== 0) {
    throw new HarnessSetupError(`cannot build the host image: no container registry answers and debootstrap is missing; install it (apt-get install debootstrap debian-archive-keyring) or run the README's set-up`);
  }
  const packages = (await readFile(join(RECIPE_DIR, 'packages.txt'), 'utf8')).split(/\s+/).filter(Boolean);
  const mirror = process.env.NETNS_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
  const rootfs = await mkdtemp(join(tmpdir(), 'netns-conformance-rootfs-'));
  // Ctrl-C ends the process without running `finally`: remove the half-built rootfs on exit too.
  const removeOnExit = () => removeRootfs(rootfs);
  process.on('exit', removeOnExit);
  try {
    await stream(task, execa('debootstrap', ['--variant=minbase', `--include=${packages.join(',')}`, SUITE, rootfs, mirror], { all: true }));
    await rm(join(rootfs, 'var/cache/apt/archives'), { recursive: true, force: true });
    await rm(join(rootfs, 'var/lib/apt/lists'), { recursive: true, force: true });
    progress(task, 'importing the rootfs into docker');
    // buffer: false, or execa would hold (and cap at maxBuffer) the whole tar stream it pipes
    await execa('tar', ['-C', rootfs, '-c', '.'], { buffer: false }).pipe('docker', ['import', '--change', 'CMD ["sleep", "infinity"]', '--change', `LABEL ${LABEL_RECIPE}=${hash}`, '-', tag]);
    progress(task, 'ready');
  } finally {
    process.off('exit', removeOnExit);
    removeRootfs(rootfs);
  }
}

/**
 * Removes a debootstrap target. An interrupted debootstrap may leave /proc or /sys mounted inside it: unmount
 * those first, and never cross into another filesystem, so no file outside the target can be touched.
 */
function removeRootfs(rootfs: string): void {
  const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n').map((line) => line.split(' ')[1] ?? '');
  for (const mount of mounts.filter((path) => path.startsWith(`${rootfs}/`)).reverse()) {
    spawnSync('umount', ['--lazy', mount]);
  }
  spawnSync('rm', ['-rf', '--one-file-system', rootfs]);
}

/** Waits for a build command, printing a progress line for each line it writes (at most one a second). */
async function stream(task: string, command: ReturnType<typeof execa>): Promise<void> {
  let last = 0;
  command.all?.on('data', (chunk: Buffer) => {
    const line = chunk.toString().trim().split('\n').pop() ?? '';
    if (Date.now() - last < 1000 || !line) return;
    last = Date.now();
    progress(task, line.slice(0, 100));
  });
  const result = await command.catch((error: { all?: string; shortMessage?: string }) => {
    throw new HarnessSetupError(`building the host image failed: ${error.shortMessage}: ${String(error.all ?? '').trim().split('\n').slice(-3).join(' | ')}`);
  });
  progress(task, `done (${result.command.split(' ')[0]})`);
}

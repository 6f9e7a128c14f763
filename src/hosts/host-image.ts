// The container backend's images (the host image; Docker-in-Docker hosts, one per Docker version): built by
// the harness from a recipe, cached by the hash of it. `docker build` where a registry answers; otherwise a
// debootstrap rootfs + `docker import` (no registry needed, only Debian's package mirror). Progress is printed
// while one builds.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { HarnessSetupError } from '../setup-error.ts';
import { progress } from '../progress.ts';
import { inCheckout } from '../checkout.ts';

/**
 * An image recipe: a folder with packages.txt (Debian packages, # comments), and the Debian suite to take them
 * from.
 */
export interface ImageRecipe {
  /** the image is netns-conformance-<name>:<hash of the recipe> */
  name: string;
  /** the Debian suite it is built from: bookworm, trixie, sid */
  suite: string;
  dir: string;
}

const IMAGES = inCheckout('fixtures/images');
/** the one Dockerfile of every recipe, for machines where a registry answers */
const DOCKERFILE = join(IMAGES, 'Dockerfile');
/** The recipe in fixtures/images/<name>, built from a Debian suite. */
export const recipeOf = (name: string, suite: string): ImageRecipe => ({ name, suite, dir: join(IMAGES, name) });
export const HOST_RECIPE = recipeOf('host', 'bookworm');
export const LABEL_RECIPE = 'netns-conformance.recipe';
const repository = (recipe: ImageRecipe) => `netns-conformance-${recipe.name}`;

export interface HostImage {
  tag: string;
  /** how it was obtained this time */
  origin: 'cached' | 'docker build' | 'debootstrap';
}

export async function recipeHash(recipe: ImageRecipe): Promise<string> {
  const hash = createHash('sha256').update(recipe.suite);
  for (const file of [join(recipe.dir, 'packages.txt'), DOCKERFILE]) hash.update(await readFile(file));
  return hash.digest('hex').slice(0, 12);
}

async function imageExists(tag: string): Promise<boolean> {
  return (await execa('docker', ['image', 'inspect', tag], { reject: false })).exitCode === 0;
}

/** Returns the recipe's image, building it when the recipe changed or it was never built. */
export async function ensureImage(recipe: ImageRecipe = HOST_RECIPE): Promise<HostImage> {
  const hash = await recipeHash(recipe);
  const tag = `${repository(recipe)}:${hash}`;
  if (await imageExists(tag)) return { tag, origin: 'cached' };
  const task = `${recipe.name} image ${tag}`;
  progress(task, 'not built yet; building');
  const base = `debian:${recipe.suite}-slim`;
  const pulled =
    (await imageExists(base)) ||
    (await execa('docker', ['pull', base], { reject: false, timeout: 120_000 })).exitCode === 0;
  let origin: HostImage['origin'] = 'docker build';
  if (pulled) {
    await stream(
      task,
      execa(
        'docker',
        [
          'build',
          '--build-arg',
          `SUITE=${recipe.suite}`,
          '--file',
          DOCKERFILE,
          '--label',
          `${LABEL_RECIPE}=${hash}`,
          '--tag',
          tag,
          recipe.dir,
        ],
        { all: true },
      ),
    );
  } else {
    progress(
      task,
      `no registry answers (docker pull ${base} failed): building from a debootstrap rootfs of ${recipe.suite}`,
    );
    await buildWithDebootstrap(task, recipe, tag, hash);
    origin = 'debootstrap';
  }
  await removeSupersededImages(recipe, tag);
  return { tag, origin };
}

/** Images of earlier recipes are never used again: remove them (a running container keeps its image). */
async function removeSupersededImages(recipe: ImageRecipe, current: string): Promise<void> {
  const listed = await execa('docker', ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', repository(recipe)]);
  const old = listed.stdout.split('\n').filter((tag) => tag && tag !== current);
  if (old.length === 0) return;
  await execa('docker', ['image', 'rm', ...old], { reject: false });
  progress(`${recipe.name} image ${current}`, `removed the images of earlier recipes: ${old.join(' ')}`);
}

async function buildWithDebootstrap(task: string, recipe: ImageRecipe, tag: string, hash: string): Promise<void> {
  if ((await execa('debootstrap', ['--version'], { reject: false })).exitCode !== 0) {
    throw new HarnessSetupError(
      `cannot build the ${recipe.name} image: no container registry answers and debootstrap is missing; ` +
        `install it (apt-get install debootstrap debian-archive-keyring) or run the README's set-up`,
    );
  }
  const packages = (await readFile(join(recipe.dir, 'packages.txt'), 'utf8'))
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .join(' ')
    .split(/\s+/)
    .filter(Boolean);
  const mirror = process.env.NETNS_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
  const rootfs = await mkdtemp(join(tmpdir(), 'netns-conformance-rootfs-'));
  // Ctrl-C ends the process without running `finally`: remove the half-built rootfs on exit too.
  const removeOnExit = () => removeRootfs(rootfs);
  process.on('exit', removeOnExit);
  try {
    await stream(
      task,
      execa('debootstrap', ['--variant=minbase', `--include=${packages.join(',')}`, recipe.suite, rootfs, mirror], {
        all: true,
      }),
    );
    await rm(join(rootfs, 'var/cache/apt/archives'), { recursive: true, force: true });
    await rm(join(rootfs, 'var/lib/apt/lists'), { recursive: true, force: true });
    progress(task, 'importing the rootfs into docker');
    // buffer: false, or execa would hold (and cap at maxBuffer) the whole tar stream it pipes
    await execa('tar', ['-C', rootfs, '-c', '.'], { buffer: false }).pipe('docker', [
      'import',
      '--change',
      'CMD ["sleep", "infinity"]',
      '--change',
      `LABEL ${LABEL_RECIPE}=${hash}`,
      '-',
      tag,
    ]);
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
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[1] ?? '');
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
    throw new HarnessSetupError(
      `building an image failed: ${error.shortMessage}: ${String(error.all ?? '')
        .trim()
        .split('\n')
        .slice(-3)
        .join(' | ')}`,
    );
  });
  progress(task, `done (${result.command.split(' ')[0]})`);
}

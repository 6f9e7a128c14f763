// Debian kernels for the VM hosts: the newest generic -amd64 package of each series, fetched with a private apt
// configuration inside the cache folder (the machine's apt is untouched) and unpacked there, never installed.
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { HarnessSetupError } from '../../setup-error.ts';
import { progress } from '../../progress.ts';
import { checkTools, newestImage, privateApt, tool, updateLists, type KernelOrigin } from './debian-packages.ts';
import { inCheckout } from '../../checkout.ts';

export const KERNEL_SERIES = ['6.1', '6.12', '6.18', '7.3'] as const;
export type KernelSeries = (typeof KERNEL_SERIES)[number];

const DEBIAN = process.env.NETNS_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
/** Each series comes from its suite only: bookworm-security also carries 6.12 builds (+deb12), not the ones meant. */
export const KERNEL_ORIGINS: Record<KernelSeries, KernelOrigin> = {
  '6.1': { suite: 'bookworm-security', archive: 'http://deb.debian.org/debian-security' },
  '6.12': { suite: 'trixie', archive: DEBIAN },
  '6.18': { suite: 'trixie-backports', archive: DEBIAN },
  '7.3': { suite: 'trixie-backports', archive: DEBIAN },
};

export interface Kernel {
  series: KernelSeries;
  /** what `uname -r` prints in the guest, e.g. 6.18.15+deb13-amd64 */
  release: string;
  /** the Debian package version */
  version: string;
  /** the .deb package names it was unpacked from */
  packages: string[];
  vmlinuz: string;
  /** the folder holding kernel/, modules.dep …: …/lib/modules/<release> */
  modules: string;
  /** the kernel's build configuration (config-<release>, or `config` beside the modules from 6.19 on) */
  config: string;
}

export const KERNEL_CACHE = resolve(process.env.NETNS_KERNEL_CACHE || inCheckout('.cache/kernels'));
/**
 * prefix of the folders a kernel is built in: renamed into place when complete, so a half-built one never looks
 * cached
 */
const BUILDING = '.building-';

export function kernelSeries(text: string): KernelSeries {
  const series = KERNEL_SERIES.find((known) => known === text.trim());
  if (!series)
    throw new HarnessSetupError(
      `"${text}" is not a kernel series the vm backend knows; use one of ${KERNEL_SERIES.join(', ')}`,
    );
  return series;
}

const configs = new Map<string, Map<string, string>>();

/** 'y' built in, 'm' a module, undefined unset; `option` with or without its CONFIG_ prefix. */
export function kernelHasOption(kernel: Kernel, option: string): 'y' | 'm' | undefined {
  let values = configs.get(kernel.config);
  if (!values) {
    values = new Map(
      readFileSync(kernel.config, 'utf8')
        .split('\n')
        .map((line) => line.split('=', 2) as [string, string])
        .filter(([, value]) => value !== undefined),
    );
    configs.set(kernel.config, values);
  }
  const value = values.get(option.startsWith('CONFIG_') ? option : `CONFIG_${option}`);
  return value === 'y' || value === 'm' ? value : undefined;
}

const inFlight = new Map<string, Promise<Kernel>>();

/** The series' kernel if the cache has it (no network), else undefined. */
export function cachedKernel(series: KernelSeries, cacheDir = KERNEL_CACHE): Kernel | undefined {
  return readCached(series, join(resolve(cacheDir), series));
}

/** The series' kernel from the cache; downloaded and unpacked first when it is not there. */
export async function ensureKernel(series: KernelSeries, cacheDir = KERNEL_CACHE): Promise<Kernel> {
  const cached = cachedKernel(series, cacheDir);
  if (cached) return cached;
  const dir = join(resolve(cacheDir), series);
  // two callers asking for the same series at once share one download
  let building = inFlight.get(dir);
  if (!building) {
    building = fetchKernel(series, resolve(cacheDir), dir).finally(() => inFlight.delete(dir));
    inFlight.set(dir, building);
  }
  return building;
}

/** kernel.json holds the Kernel and the folder it was written for, so a moved cache still resolves. */
function readCached(series: KernelSeries, dir: string): Kernel | undefined {
  let saved: Kernel & { dir: string };
  try {
    saved = JSON.parse(readFileSync(join(dir, 'kernel.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const moved = (path: string) => join(dir, relative(saved.dir, path));
  const kernel: Kernel = {
    series,
    release: saved.release,
    version: saved.version,
    packages: saved.packages,
    vmlinuz: moved(saved.vmlinuz),
    modules: moved(saved.modules),
    config: moved(saved.config),
  };
  return existsSync(kernel.vmlinuz) && existsSync(kernel.config) ? kernel : undefined;
}

async function fetchKernel(series: KernelSeries, cacheDir: string, dir: string): Promise<Kernel> {
  const task = `kernel ${series}`;
  checkTools();
  await mkdir(cacheDir, { recursive: true });
  await removeAbandonedBuilds(cacheDir);
  const build = await mkdtemp(join(cacheDir, `${BUILDING}${series}-${process.pid}-`));
  // Ctrl-C ends the process without running `finally`: the next run removes this folder (its process is gone)
  try {
    const apt = privateApt(cacheDir, KERNEL_ORIGINS[series]);
    await updateLists(task, apt);
    const image = await newestImage(task, series, apt);
    const debs = join(build, 'debs');
    const root = join(build, 'root');
    await mkdir(debs);
    await mkdir(root);
    for (const pkg of image.packages) {
      progress(
        task,
        `downloading ${pkg.name} ` +
          `(${pkg.size < 1e6 ? `${Math.ceil(pkg.size / 1e3)} kB` : `${(pkg.size / 1e6).toFixed(1)} MB`})`,
      );
      await tool(
        'apt-get',
        [...apt.options, 'download', `${pkg.name}=${pkg.version}`],
        { cwd: debs },
        `cannot download ${pkg.name} ${pkg.version} from ${apt.origin.archive}`,
        'check the network reaches it and run again',
      );
    }
    progress(task, 'unpacking');
    for (const deb of (await readdir(debs)).filter((name) => name.endsWith('.deb'))) {
      await tool(
        'dpkg-deb',
        ['-x', join(debs, deb), root],
        {},
        `cannot unpack ${deb}`,
        `check the free space in ${cacheDir}`,
      );
      await rm(join(debs, deb)); // the cache keeps only the unpacked tree
    }
    await rm(debs, { recursive: true });
    const tree = await findTree(
      root,
      image.packages.map((pkg) => pkg.name),
    );
    progress(task, 'depmod');
    await depmod(build, tree);
    const final = (path: string) => join(dir, relative(build, path));
    const kernel: Kernel = {
      series,
      release: tree.release,
      version: image.version,
      packages: image.packages.map((pkg) => pkg.name),
      vmlinuz: final(tree.vmlinuz),
      modules: final(tree.modules),
      config: final(tree.config),
    };
    await chmod(build, 0o755); // mkdtemp made it private; the cached kernel is readable like any installed one
    // last: it marks the folder complete
    await writeFile(join(build, 'kernel.json'), `${JSON.stringify({ ...kernel, dir }, null, 2)}\n`);
    const placed = await moveIntoPlace(series, build, dir);
    progress(task, `ready ${kernel.release}`);
    return placed;
  } finally {
    await rm(build, { recursive: true, force: true });
  }
}

/** Renames the built folder into place; another process may have placed the same series meanwhile. */
async function moveIntoPlace(series: KernelSeries, build: string, dir: string): Promise<Kernel> {
  try {
    await rename(build, dir);
  } catch (error) {
    if (!['EEXIST', 'ENOTEMPTY'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    const theirs = readCached(series, dir);
    if (theirs) return theirs;
    await rm(dir, { recursive: true, force: true }); // a broken folder (no kernel.json): ours replaces it
    await rename(build, dir);
  }
  return readCached(series, dir)!;
}

/** Build folders whose process is gone (killed mid-download) or that are older than a day. */
export async function removeAbandonedBuilds(cacheDir: string): Promise<void> {
  for (const name of await readdir(cacheDir)) {
    const pid = Number(/^\.building-[^-]+-(\d+)-/.exec(name)?.[1]);
    if (!pid || (processAlive(pid) && Date.now() - (await stat(join(cacheDir, name))).mtimeMs < 86_400_000)) continue;
    // a tool the killed process started may still be writing there: then the next run removes it
    await rm(join(cacheDir, name), { recursive: true, force: true }).catch(() => undefined);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Tree {
  release: string;
  vmlinuz: string;
  modules: string;
  config: string;
}

/** Where the unpacked packages put the kernel: /boot (up to 6.18) or beside the modules (from 6.19 on). */
async function findTree(root: string, packages: string[]): Promise<Tree> {
  const missing = (what: string, where: string[]) =>
    new HarnessSetupError(
      `the packages ${packages.join(' ')} hold no ${what} ` +
        `(looked for ${where.map((path) => relative(root, path)).join(', ')}): ` +
        `Debian changed its kernel packages; teach findTree in src/hosts/vm/kernels.ts the new layout`,
    );
  const found: string[] = [];
  for (const base of ['usr/lib/modules', 'lib/modules']) {
    const dir = join(root, base);
    if (!existsSync(dir)) continue;
    for (const release of await readdir(dir))
      if (existsSync(join(dir, release, 'kernel'))) found.push(join(dir, release));
  }
  if (found.length !== 1)
    throw missing('single modules folder', [
      join(root, 'usr/lib/modules/<release>/kernel'),
      join(root, 'lib/modules/<release>/kernel'),
    ]);
  const modules = found[0]!;
  const release = relative(join(modules, '..'), modules);
  const first = (what: string, paths: string[]) => {
    const path = paths.find((candidate) => existsSync(candidate));
    if (!path) throw missing(what, paths);
    return path;
  };
  return {
    release,
    modules,
    vmlinuz: first('vmlinuz', [join(root, 'boot', `vmlinuz-${release}`), join(modules, 'vmlinuz')]),
    config: first('kernel config', [join(root, 'boot', `config-${release}`), join(modules, 'config')]),
  };
}

/**
 * Debian's packages carry no modules.dep (their postinst runs depmod), and the machine may have no kmod: busybox
 * depmod writes it. It reads <base>/lib/modules/<release>, so a base folder links that to the unpacked modules.
 */
async function depmod(build: string, tree: Tree): Promise<void> {
  const base = join(build, 'depmod-base');
  await mkdir(join(base, 'lib/modules'), { recursive: true });
  await symlink(tree.modules, join(base, 'lib/modules', tree.release));
  try {
    await tool(
      'busybox',
      ['depmod', '-b', base, tree.release],
      {},
      `busybox depmod failed for ${tree.release}`,
      'install busybox-static (its busybox has depmod)',
    );
  } finally {
    await rm(base, { recursive: true, force: true });
  }
  const dep = join(tree.modules, 'modules.dep');
  if (!existsSync(dep) || (await stat(dep)).size === 0)
    throw new HarnessSetupError(
      `busybox depmod wrote no modules.dep in ${tree.modules}; install busybox-static (its busybox has depmod)`,
    );
}

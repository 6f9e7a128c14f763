// Debian kernels for the VM hosts: the newest generic -amd64 package of each series, fetched with a private apt
// configuration inside the cache folder (the machine's apt is untouched) and unpacked there, never installed.
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { execa, type Options } from 'execa';
import { HarnessSetupError } from '../../setup-error.ts';
import { progress } from '../../progress.ts';

export const KERNEL_SERIES = ['6.1', '6.12', '6.18', '7.3'] as const;
export type KernelSeries = (typeof KERNEL_SERIES)[number];

export interface KernelOrigin {
  suite: string;
  archive: string;
}

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

export const KERNEL_CACHE = resolve(process.env.NETNS_KERNEL_CACHE || join(import.meta.dirname, '../../../.cache/kernels'));
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
/** the Debian package that provides each tool, for the fix in the error */
const TOOLS = { 'apt-get': 'apt', 'apt-cache': 'apt', 'dpkg-deb': 'dpkg', busybox: 'busybox-static' } as const;
type Tool = keyof typeof TOOLS;
/** prefix of the folders a kernel is built in: renamed into place when complete, so a half-built one never looks cached */
const BUILDING = '.building-';

export function kernelSeries(text: string): KernelSeries {
  const series = KERNEL_SERIES.find((known) => known === text.trim());
  if (!series) throw new HarnessSetupError(`"${text}" is not a kernel series the vm backend knows; use one of ${KERNEL_SERIES.join(', ')}`);
  return series;
}

const configs = new Map<string, Map<string, string>>();

/** 'y' built in, 'm' a module, undefined unset; `option` with or without its CONFIG_ prefix. */
export function kernelHasOption(kernel: Kernel, option: string): 'y' | 'm' | undefined {
  let values = configs.get(kernel.config);
  if (!values) {
    values = new Map(readFileSync(kernel.config, 'utf8').split('\n').map((line) => line.split('=', 2) as [string, string]).filter(([, value]) => value !== undefined));
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
  const dir = join(resolve(cacheDir), series);
  const cached = readCached(series, dir);
  if (cached) return cached;
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
  const kernel: Kernel = { series, release: saved.release, version: saved.version, packages: saved.packages, vmlinuz: moved(saved.vmlinuz), modules: moved(saved.modules), config: moved(saved.config) };
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
      progress(task, `downloading ${pkg.name} (${pkg.size < 1e6 ? `${Math.ceil(pkg.size / 1e3)} kB` : `${(pkg.size / 1e6).toFixed(1)} MB`})`);
      await tool('apt-get', [...apt.options, 'download', `${pkg.name}=${pkg.version}`], { cwd: debs }, `cannot download ${pkg.name} ${pkg.version} from ${apt.origin.archive}`, 'check the network reaches it and run again');
    }
    progress(task, 'unpacking');
    for (const deb of (await readdir(debs)).filter((name) => name.endsWith('.deb'))) {
      await tool('dpkg-deb', ['-x', join(debs, deb), root], {}, `cannot unpack ${deb}`, `check the free space in ${cacheDir}`);
      await rm(join(debs, deb)); // the cache keeps only the unpacked tree
    }
    await rm(debs, { recursive: true });
    const tree = await findTree(root, image.packages.map((pkg) => pkg.name));
    progress(task, 'depmod');
    await depmod(build, tree);
    const final = (path: string) => join(dir, relative(build, path));
    const kernel: Kernel = { series, release: tree.release, version: image.version, packages: image.packages.map((pkg) => pkg.name), vmlinuz: final(tree.vmlinuz), modules: final(tree.modules), config: final(tree.config) };
    await chmod(build, 0o755); // mkdtemp made it private; the cached kernel is readable like any installed one
    await writeFile(join(build, 'kernel.json'), `${JSON.stringify({ ...kernel, dir }, null, 2)}\n`); // last: it marks the folder complete
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
async function removeAbandonedBuilds(cacheDir: string): Promise<void> {
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

function checkTools(): void {
  const path = (process.env.PATH ?? '').split(':').filter(Boolean);
  for (const [name, pkg] of Object.entries(TOOLS)) {
    if (!path.some((dir) => existsSync(join(dir, name)))) throw new HarnessSetupError(`fetching Debian kernels needs ${name}, which is missing; install it: apt-get install ${pkg}`);
  }
  if (!existsSync(KEYRING)) throw new HarnessSetupError(`fetching Debian kernels needs ${KEYRING} to check the archive's signatures; install it: apt-get install debian-archive-keyring`);
}

/** Runs a tool; its failure is a HarnessSetupError of `problem`, apt's or dpkg's own words, and `fix`. */
async function tool(name: Tool, args: string[], opts: Options, problem: string, fix: string): Promise<string> {
  const result = await execa(name, args, { ...opts, reject: false, all: true, timeout: 600_000 });
  if (result.code === 'ENOENT') throw new HarnessSetupError(`fetching Debian kernels needs ${name}, which is missing; install it: apt-get install ${TOOLS[name]}`);
  if (result.exitCode !== 0 || result.failed) throw new HarnessSetupError(`${problem}: ${lastWords(String(result.all ?? '')) || result.shortMessage}; ${fix}`);
  return String(result.stdout);
}

/** The line that says why a tool failed: apt's first E: line (its last one is a summary), else the last line. */
function lastWords(output: string): string {
  const lines = output.split('\n').map((line) => line.trim()).filter(Boolean);
  return lines.find((line) => line.startsWith('E: ')) ?? lines.at(-1) ?? '';
}

interface PrivateApt {
  origin: KernelOrigin;
  dir: string;
  options: string[];
}

/** apt pointed at lists, cache and sources of one suite under the cache folder; the machine's sources and pins are ignored. */
function privateApt(cacheDir: string, origin: KernelOrigin): PrivateApt {
  const dir = join(cacheDir, 'apt', origin.suite);
  const settings = {
    'Dir::State': join(dir, 'state'),
    'Dir::State::status': '/dev/null',
    'Dir::Cache': join(dir, 'cache'),
    'Dir::Etc::SourceList': join(dir, 'sources.list'),
    'Dir::Etc::SourceParts': '/dev/null',
    'Dir::Etc::Preferences': '/dev/null',
    'Dir::Etc::PreferencesParts': '/dev/null',
    'APT::Architecture': 'amd64',
    'APT::Architectures': 'amd64',
    'Acquire::Languages': 'none',
    // as root apt would drop to _apt for downloads and warn it cannot; as another user it never drops
    'APT::Sandbox::User': 'root',
  };
  return { origin, dir, options: Object.entries(settings).flatMap(([key, value]) => ['-o', `${key}=${value}`]) };
}

const updates = new Map<string, Promise<void>>();

/** `apt-get update` of a suite, once per process: series of the same suite share it. */
function updateLists(task: string, apt: PrivateApt): Promise<void> {
  let update = updates.get(apt.dir);
  if (!update) {
    update = runUpdate(task, apt);
    updates.set(apt.dir, update);
    update.catch(() => updates.delete(apt.dir)); // a failed update is tried again by the next caller
  }
  return update;
}

async function runUpdate(task: string, apt: PrivateApt): Promise<void> {
  const { suite, archive } = apt.origin;
  await mkdir(join(apt.dir, 'state/lists/partial'), { recursive: true });
  await mkdir(join(apt.dir, 'cache/archives/partial'), { recursive: true });
  await writeFile(join(apt.dir, 'sources.list'), `deb [arch=amd64 signed-by=${KEYRING}] ${archive} ${suite} main\n`);
  progress(task, `reading the package lists of ${suite} (${archive})`);
  // another process updating the same lists holds apt's lock: wait for it (up to 2 minutes)
  for (let attempt = 1; ; attempt++) {
    try {
      // --error-on=any: an unreachable mirror is otherwise only a warning, and the stale lists are used
      await tool('apt-get', [...apt.options, '--error-on=any', 'update'], {}, `cannot read the package lists of ${suite} from ${archive}`, 'check the machine reaches it (a proxy goes in /etc/apt/apt.conf.d)');
      return;
    } catch (error) {
      if (!(error instanceof HarnessSetupError && /Could not get lock/.test(error.message)) || attempt === 40) throw error;
      await new Promise((wake) => setTimeout(wake, 3000));
    }
  }
}

interface Package {
  name: string;
  version: string;
  size: number;
}

/** The series' newest generic image (not -cloud-, -rt-, -dbg, -unsigned) and the release's packages it depends on. */
async function newestImage(task: string, series: KernelSeries, apt: PrivateApt): Promise<{ version: string; packages: Package[] }> {
  progress(task, `resolving the newest linux-image-${series}.*-amd64 in ${apt.origin.suite}`);
  const escaped = series.replaceAll('.', '\\.');
  const listed = await tool('apt-cache', [...apt.options, 'search', '--names-only', `^linux-image-${escaped}\\.`], {}, `cannot search the package lists of ${apt.origin.suite}`, 'delete the cache folder and run again');
  // 6.1.0-56-amd64, 6.18.15+deb13-amd64: a flavour other than the generic one has another word before -amd64
  const generic = new RegExp(`^linux-image-${escaped}\\.[0-9][^-\\s]*(-[0-9]+)?-amd64$`);
  const names = listed.split('\n').map((line) => line.split(' - ')[0]!.trim()).filter((name) => generic.test(name));
  const newest = names.sort(compareVersions).at(-1);
  const image = newest && (await show(apt, newest));
  if (!image) throw new HarnessSetupError(`${apt.origin.suite} (${apt.origin.archive}) has no linux-image-${series}.*-amd64 package; Debian no longer carries kernel ${series} there: change its suite in KERNEL_ORIGINS (src/hosts/vm/kernels.ts) or leave it out of NETNS_KERNELS`);
  // from 6.19 on linux-image-<release> is a meta package: kernel, modules and config are in its linux-binary-,
  // linux-modules- and linux-base-<release> dependencies; older images name linux-base-<release> too, which no
  // package provides any more (show finds nothing, and it is skipped)
  const release = newest.slice('linux-image-'.length);
  const ofRelease = image.depends.filter((name) => name.startsWith('linux-') && name.endsWith(`-${release}`));
  const dependencies = (await Promise.all(ofRelease.map((name) => show(apt, name)))).filter((pkg) => pkg !== undefined);
  return { version: image.version, packages: [image, ...dependencies] };
}

/** The candidate version of a package (undefined for a name only depended on), with the names it depends on without alternatives. */
async function show(apt: PrivateApt, name: string): Promise<(Package & { depends: string[] }) | undefined> {
  const result = await execa('apt-cache', [...apt.options, 'show', '--no-all-versions', name], { reject: false });
  const fields = new Map<string, string>();
  for (const [, key, value] of result.stdout.split('\n\n')[0]!.matchAll(/^([\w-]+): (.*)$/gm)) fields.set(key!, value!);
  if (result.exitCode !== 0 || fields.get('Package') !== name) return undefined;
  const depends = (fields.get('Depends') ?? '').split(',').filter((group) => !group.includes('|')).map((group) => group.trim().split(/[\s(:]/)[0]!);
  return { name, version: fields.get('Version')!, size: Number(fields.get('Size') ?? 0), depends };
}

/** sort -V on release names: runs of digits compare as numbers, the rest as text. */
function compareVersions(a: string, b: string): number {
  const parts = (text: string) => text.match(/\d+|\D+/g) ?? [];
  const [left, right] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const [x, y] = [left[i] ?? '', right[i] ?? ''];
    const order = /^\d/.test(x) && /^\d/.test(y) ? Number(x) - Number(y) : x.localeCompare(y);
    if (order !== 0) return order;
  }
  return 0;
}

interface Tree {
  release: string;
  vmlinuz: string;
  modules: string;
  config: string;
}

/** Where the unpacked packages put the kernel: /boot (up to 6.18) or beside the modules (from 6.19 on). */
async function findTree(root: string, packages: string[]): Promise<Tree> {
  const missing = (what: string, where: string[]) => new HarnessSetupError(`the packages ${packages.join(' ')} hold no ${what} (looked for ${where.map((path) => relative(root, path)).join(', ')}): Debian changed its kernel packages; teach findTree in src/hosts/vm/kernels.ts the new layout`);
  const found: string[] = [];
  for (const base of ['usr/lib/modules', 'lib/modules']) {
    const dir = join(root, base);
    if (!existsSync(dir)) continue;
    for (const release of await readdir(dir)) if (existsSync(join(dir, release, 'kernel'))) found.push(join(dir, release));
  }
  if (found.length !== 1) throw missing('single modules folder', [join(root, 'usr/lib/modules/<release>/kernel'), join(root, 'lib/modules/<release>/kernel')]);
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
    await tool('busybox', ['depmod', '-b', base, tree.release], {}, `busybox depmod failed for ${tree.release}`, 'install busybox-static (its busybox has depmod)');
  } finally {
    await rm(base, { recursive: true, force: true });
  }
  const dep = join(tree.modules, 'modules.dep');
  if (!existsSync(dep) || (await stat(dep)).size === 0) throw new HarnessSetupError(`busybox depmod wrote no modules.dep in ${tree.modules}; install busybox-static (its busybox has depmod)`);
}

// Debian's packages through a private apt: lists, cache and sources of one suite under the kernel cache, so the
// machine's own apt (sources, pins, state) is never touched; the newest generic kernel image of a series in it.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa, type Options } from 'execa';
import { HarnessSetupError } from '../../setup-error.ts';
import { progress } from '../../progress.ts';

export interface KernelOrigin {
  suite: string;
  archive: string;
}

const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
/** the Debian package that provides each tool, for the fix in the error (busybox: depmod, for the kernel cache) */
const TOOLS = { 'apt-get': 'apt', 'apt-cache': 'apt', 'dpkg-deb': 'dpkg', busybox: 'busybox-static' } as const;
type Tool = keyof typeof TOOLS;

export function checkTools(): void {
  const path = (process.env.PATH ?? '').split(':').filter(Boolean);
  for (const [name, pkg] of Object.entries(TOOLS)) {
    if (!path.some((dir) => existsSync(join(dir, name))))
      throw new HarnessSetupError(
        `fetching Debian packages needs ${name}, which is missing; install it: apt-get install ${pkg}`,
      );
  }
  if (!existsSync(KEYRING))
    throw new HarnessSetupError(
      `fetching Debian packages needs ${KEYRING} to check the archive's signatures; ` +
        `install it: apt-get install debian-archive-keyring`,
    );
}

/** Runs a tool; its failure is a HarnessSetupError of `problem`, apt's or dpkg's own words, and `fix`. */
export async function tool(name: Tool, args: string[], opts: Options, problem: string, fix: string): Promise<string> {
  const result = await execa(name, args, { ...opts, reject: false, all: true, timeout: 600_000 });
  if (result.code === 'ENOENT')
    throw new HarnessSetupError(
      `fetching Debian packages needs ${name}, which is missing; install it: apt-get install ${TOOLS[name]}`,
    );
  if (result.exitCode !== 0 || result.failed)
    throw new HarnessSetupError(`${problem}: ${lastWords(String(result.all ?? '')) || result.shortMessage}; ${fix}`);
  return String(result.stdout);
}

/** The line that says why a tool failed: apt's first E: line (its last one is a summary), else the last line. */
function lastWords(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.find((line) => line.startsWith('E: ')) ?? lines.at(-1) ?? '';
}

export interface PrivateApt {
  origin: KernelOrigin;
  dir: string;
  options: string[];
}

/**
 * apt pointed at lists, cache and sources of one suite under the cache folder; the machine's sources and pins are
 * ignored.
 */
export function privateApt(cacheDir: string, origin: KernelOrigin): PrivateApt {
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
    // signatures are still checked; only a Release's expiry is not: a mirror frozen at a date (snapshot.debian.org,
    // a registry's copy) serves sid's and the security suites' Release past their Valid-Until by design, and what a
    // run fetches is a pinned test input, not an update of this machine
    'Acquire::Check-Valid-Until': 'false',
  };
  return { origin, dir, options: Object.entries(settings).flatMap(([key, value]) => ['-o', `${key}=${value}`]) };
}

const updates = new Map<string, Promise<void>>();

/** `apt-get update` of a suite, once per process: series of the same suite share it. */
export function updateLists(task: string, apt: PrivateApt): Promise<void> {
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
      await tool(
        'apt-get',
        [...apt.options, '--error-on=any', 'update'],
        {},
        `cannot read the package lists of ${suite} from ${archive}`,
        'check the machine reaches it (a proxy goes in /etc/apt/apt.conf.d)',
      );
      return;
    } catch (error) {
      if (!(error instanceof HarnessSetupError && /Could not get lock/.test(error.message)) || attempt === 40)
        throw error;
      await new Promise((wake) => setTimeout(wake, 3000));
    }
  }
}

export interface Package {
  name: string;
  version: string;
  size: number;
}

/** The series' newest generic image (not -cloud-, -rt-, -dbg, -unsigned) and the release's packages it depends on. */
export async function newestImage(
  task: string,
  series: string,
  apt: PrivateApt,
): Promise<{ version: string; packages: Package[] }> {
  progress(task, `resolving the newest linux-image-${series}.*-amd64 in ${apt.origin.suite}`);
  const escaped = series.replaceAll('.', '\\.');
  const listed = await tool(
    'apt-cache',
    [...apt.options, 'search', '--names-only', `^linux-image-${escaped}\\.`],
    {},
    `cannot search the package lists of ${apt.origin.suite}`,
    'delete the cache folder and run again',
  );
  // 6.1.0-56-amd64, 6.18.15+deb13-amd64: a flavour other than the generic one has another word before -amd64
  const generic = new RegExp(`^linux-image-${escaped}\\.[0-9][^-\\s]*(-[0-9]+)?-amd64$`);
  const names = listed
    .split('\n')
    .map((line) => line.split(' - ')[0]!.trim())
    .filter((name) => generic.test(name));
  const newest = names.sort(compareVersions).at(-1);
  const image = newest && (await show(apt, newest));
  if (!image)
    throw new HarnessSetupError(
      `${apt.origin.suite} (${apt.origin.archive}) has no linux-image-${series}.*-amd64 package; ` +
        `Debian no longer carries kernel ${series} there: ` +
        `change its suite in KERNEL_ORIGINS (src/hosts/vm/kernels.ts) or leave it out of NETNS_KERNELS`,
    );
  // from 6.19 on linux-image-<release> is a meta package: kernel, modules and config are in its linux-binary-,
  // linux-modules- and linux-base-<release> dependencies; older images name linux-base-<release> too, which no
  // package provides any more (show finds nothing, and it is skipped)
  const release = newest.slice('linux-image-'.length);
  const ofRelease = image.depends.filter((name) => name.startsWith('linux-') && name.endsWith(`-${release}`));
  const dependencies = (await Promise.all(ofRelease.map((name) => show(apt, name)))).filter((pkg) => pkg !== undefined);
  return { version: image.version, packages: [image, ...dependencies] };
}

/**
 * The candidate version of a package (undefined for a name only depended on), with the names it depends on without
 * alternatives.
 */
async function show(apt: PrivateApt, name: string): Promise<(Package & { depends: string[] }) | undefined> {
  const result = await execa('apt-cache', [...apt.options, 'show', '--no-all-versions', name], { reject: false });
  const fields = new Map<string, string>();
  for (const [, key, value] of result.stdout.split('\n\n')[0]!.matchAll(/^([\w-]+): (.*)$/gm)) fields.set(key!, value!);
  if (result.exitCode !== 0 || fields.get('Package') !== name) return undefined;
  const depends = (fields.get('Depends') ?? '')
    .split(',')
    .filter((group) => !group.includes('|'))
    .map((group) => group.trim().split(/[\s(:]/)[0]!);
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

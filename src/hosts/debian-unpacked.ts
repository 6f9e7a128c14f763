// Debian packages of one suite, unpacked (never installed) into the cache, for netns and VM hosts, which run the
// machine's own files (a VM sees the machine's root): CNI's plugins of the version a run judges, and the site's
// browser with what it needs. Fetched with the same private apt as the kernels, so the machine's own apt, sources
// and package state are never touched.
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { progress } from '../progress.ts';
import { checkTools, privateApt, tool, updateLists, type PrivateApt } from './vm/debian-packages.ts';
import { removeAbandonedBuilds } from './vm/kernels.ts';
import { inCheckout } from '../checkout.ts';

export const PACKAGE_CACHE = resolve(process.env.NETNS_PACKAGE_CACHE || inCheckout('.cache/packages'));
const DEBIAN = process.env.NETNS_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';

export interface DebianPackage {
  name: string;
  /** bookworm, trixie, sid: its newest version there */
  suite: string;
}

/** Packages unpacked side by side into one folder, known by one of them. */
export interface PackageSet {
  /** the package the set is for, whose version it is known by */
  main: DebianPackage;
  /** the folder under the suite's; a new name when what is unpacked there changes */
  folder: string;
  /** the packages to download (the main one among them), asked of the suite's private apt */
  packages: (apt: PrivateApt, task: string) => Promise<string[]>;
  /** files of the set's own, by path under the root, given the root they will end up in */
  files?: (root: string) => Record<string, string>;
}

export interface Unpacked {
  /** the folder the packages' files are under (their usr/lib/… as root-relative paths) */
  root: string;
  /** the Debian version of the main package: 1.1.1+ds1-3+b5 */
  version: string;
}

const inFlight = new Map<string, Promise<Unpacked>>();
const MARK = 'unpacked.json';

/** Where a package is unpacked, whether or not it is yet. */
export const unpackedDir = (pkg: DebianPackage, cacheDir = PACKAGE_CACHE) => join(cacheDir, pkg.suite, pkg.name);

/** The package from the cache; downloaded and unpacked first when it is not there. */
export const ensureUnpacked = (pkg: DebianPackage, cacheDir = PACKAGE_CACHE): Promise<Unpacked> =>
  ensureUnpackedSet({ main: pkg, folder: pkg.name, packages: async () => [pkg.name] }, cacheDir);

/** The set from the cache; downloaded and unpacked first when it is not there. */
export async function ensureUnpackedSet(set: PackageSet, cacheDir = PACKAGE_CACHE): Promise<Unpacked> {
  const dir = join(cacheDir, set.main.suite, set.folder);
  const unpacked = async (): Promise<Unpacked> => ({
    root: join(dir, 'root'),
    version: (JSON.parse(await readFile(join(dir, MARK), 'utf8')) as Pick<Unpacked, 'version'>).version,
  });
  if (existsSync(join(dir, MARK))) return unpacked();
  let unpacking = inFlight.get(dir);
  if (!unpacking) {
    unpacking = unpack(set, cacheDir, dir)
      .then(unpacked)
      .finally(() => inFlight.delete(dir));
    inFlight.set(dir, unpacking);
  }
  return unpacking;
}

async function unpack(set: PackageSet, cacheDir: string, dir: string): Promise<void> {
  const { name, suite } = set.main;
  const task = `${name} (${suite})`;
  checkTools();
  await mkdir(join(cacheDir, suite), { recursive: true });
  await removeAbandonedBuilds(join(cacheDir, suite));
  // named like the kernels' build folders (.building-<name>-<pid>-): a killed run's is removed by the next
  const build = await mkdtemp(join(cacheDir, suite, `.building-${set.folder.replaceAll('-', '')}-${process.pid}-`));
  try {
    const apt = privateApt(cacheDir, { suite, archive: DEBIAN });
    await updateLists(task, apt);
    const packages = await set.packages(apt, task);
    const others = packages.length > 1 ? ` and ${packages.length - 1} package(s) it needs here` : '';
    progress(task, `downloading the newest ${name} of ${suite}${others}`);
    await tool(
      'apt-get',
      [...apt.options, 'download', ...packages],
      { cwd: build },
      `cannot download ${packages.join(', ')} from ${suite}`,
      'check the machine reaches the mirror (NETNS_DEBIAN_MIRROR) and run again',
    );
    const root = join(build, 'root');
    let version = '';
    for (const deb of (await readdir(build)).filter((file) => file.endsWith('.deb'))) {
      const [debName, debVersion] = deb.split('_');
      if (debName === name) version = decodeURIComponent(debVersion!);
      await tool('dpkg-deb', ['-x', join(build, deb), root], {}, `cannot unpack ${deb}`, `check the free space there`);
      await rm(join(build, deb));
    }
    for (const [path, text] of Object.entries(set.files?.(join(dir, 'root')) ?? {})) {
      await writeFile(join(root, path), text);
    }
    await chmod(build, 0o755); // mkdtemp made it private; the files are read like installed ones
    await writeFile(join(build, MARK), `${JSON.stringify({ version })}\n`);
    try {
      await rename(build, dir);
    } catch (error) {
      // another run placed it meanwhile: theirs is as good
      if (!['EEXIST', 'ENOTEMPTY'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    }
    progress(task, `ready ${version}`);
  } finally {
    await rm(build, { recursive: true, force: true });
  }
}

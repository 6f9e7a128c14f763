// One Debian package of one suite, unpacked (never installed) into the cache, for netns and VM hosts, which run
// the machine's own files (a VM sees the machine's root): CNI's plugins of the version a run judges. Fetched with
// the same private apt as the kernels, so the machine's own apt, sources and package state are never touched.
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { progress } from '../progress.ts';
import { checkTools, privateApt, tool, updateLists, type KernelOrigin } from './vm/debian-packages.ts';
import { removeAbandonedBuilds } from './vm/kernels.ts';

export const PACKAGE_CACHE = resolve(
  process.env.NETNS_PACKAGE_CACHE || join(import.meta.dirname, '../../.cache/packages'),
);
const DEBIAN = process.env.NETNS_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';

export interface DebianPackage {
  name: string;
  /** bookworm, trixie, sid: its newest version there */
  suite: string;
}

export interface Unpacked {
  /** the folder the package's files are under (its usr/lib/… as root-relative paths) */
  root: string;
  /** the Debian version unpacked: 1.1.1+ds1-3+b5 */
  version: string;
}

const inFlight = new Map<string, Promise<Unpacked>>();
const MARK = 'unpacked.json';

/** Where a package is unpacked, whether or not it is yet. */
export const unpackedDir = (pkg: DebianPackage, cacheDir = PACKAGE_CACHE) => join(cacheDir, pkg.suite, pkg.name);

/** The package from the cache; downloaded and unpacked first when it is not there. */
export async function ensureUnpacked(pkg: DebianPackage, cacheDir = PACKAGE_CACHE): Promise<Unpacked> {
  const dir = unpackedDir(pkg, cacheDir);
  if (existsSync(join(dir, MARK))) return JSON.parse(await readFile(join(dir, MARK), 'utf8')) as Unpacked;
  let unpacking = inFlight.get(dir);
  if (!unpacking) {
    unpacking = unpack(pkg, cacheDir, dir).finally(() => inFlight.delete(dir));
    inFlight.set(dir, unpacking);
  }
  return unpacking;
}

async function unpack(pkg: DebianPackage, cacheDir: string, dir: string): Promise<Unpacked> {
  const task = `${pkg.name} (${pkg.suite})`;
  checkTools();
  await mkdir(join(cacheDir, pkg.suite), { recursive: true });
  await removeAbandonedBuilds(join(cacheDir, pkg.suite));
  // named like the kernels' build folders (.building-<name>-<pid>-): a killed run's is removed by the next
  const build = await mkdtemp(join(cacheDir, pkg.suite, `.building-${pkg.name.replaceAll('-', '')}-${process.pid}-`));
  try {
    const apt = privateApt(cacheDir, { suite: pkg.suite, archive: DEBIAN } satisfies KernelOrigin);
    await updateLists(task, apt);
    progress(task, `downloading the newest ${pkg.name} of ${pkg.suite}`);
    await tool(
      'apt-get',
      [...apt.options, 'download', pkg.name],
      { cwd: build },
      `cannot download ${pkg.name} from ${pkg.suite}`,
      'check the machine reaches the mirror (NETNS_DEBIAN_MIRROR) and run again',
    );
    const deb = (await readdir(build)).find((name) => name.endsWith('.deb'))!;
    const version = decodeURIComponent(deb.split('_')[1]!);
    const root = join(build, 'root');
    await tool('dpkg-deb', ['-x', join(build, deb), root], {}, `cannot unpack ${deb}`, `check the free space there`);
    await rm(join(build, deb));
    await chmod(build, 0o755); // mkdtemp made it private; the files are read like installed ones
    await writeFile(join(build, MARK), `${JSON.stringify({ root: join(dir, 'root'), version })}\n`);
    try {
      await rename(build, dir);
    } catch (error) {
      // another run placed it meanwhile: theirs is as good
      if (!['EEXIST', 'ENOTEMPTY'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    }
    progress(task, `ready ${version}`);
    return JSON.parse(await readFile(join(dir, MARK), 'utf8')) as Unpacked;
  } finally {
    await rm(build, { recursive: true, force: true });
  }
}

// Debian's Chromium for the site's browser test, unpacked (never installed) into the package cache with the
// libraries this machine lacks for it: apt is asked, with a private state and this machine's package list read
// (never written), which packages installing it would add; those are downloaded and unpacked side by side, and
// Chromium runs from there with their libraries first. The machine's apt, /etc and /var stay as they were.
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { progress } from '../progress.ts';
import { PACKAGE_CACHE } from '../hosts/debian-unpacked.ts';
import { checkTools, privateApt, tool, updateLists } from '../hosts/vm/debian-packages.ts';
import { removeAbandonedBuilds } from '../hosts/vm/kernels.ts';

const DEBIAN = process.env.NETNS_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
const SUITES = ['bookworm', 'trixie', 'sid'];
const MARK = 'unpacked.json';
/** the folder's layout: a new one when what is unpacked there changes (2: fonts and their configuration) */
const FOLDER = 'chromium-2';
/** what is asked for: the browser, and a font for its text (a bare system, a fresh box, has none) */
const WANTED = ['chromium', 'fonts-dejavu-core'];

export interface Chromium {
  executable: string;
  /** the environment it runs with: the unpacked libraries first, a font configuration that finds their fonts */
  env: Record<string, string>;
  /**
   * how it is started: without its sandbox (the harness runs as root, which Chromium's sandbox refuses) and with
   * its shared memory in /tmp (a container's /dev/shm is 64 MB)
   */
  args: string[];
  version: string;
}

/** the suite of this machine's own libraries, which the unpacked ones must fit; trixie on another system */
function machineSuite(): string {
  const release = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  const codename = /^VERSION_CODENAME=(\w+)/m.exec(release)?.[1] ?? '';
  return SUITES.includes(codename) ? codename : 'trixie';
}

/** the unpacked libraries' folders: bookworm still puts some under /lib (libdbus-1), the rest under /usr/lib */
const LIBRARY_DIRS = ['lib/x86_64-linux-gnu', 'usr/lib/x86_64-linux-gnu', 'usr/lib/x86_64-linux-gnu/pulseaudio'];

const chromiumOf = (root: string, version: string): Chromium => ({
  executable: join(root, 'usr/lib/chromium/chromium'),
  env: {
    LD_LIBRARY_PATH: LIBRARY_DIRS.map((dir) => join(root, dir)).join(':'),
    FONTCONFIG_FILE: join(root, 'fonts.conf'),
  },
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
  version,
});

/** fontconfig's configuration: the machine's fonts and aliases where it has them, and the unpacked fonts */
const fontsConf = (root: string) => `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <dir>/usr/share/fonts</dir>
  <dir>${join(root, 'usr/share/fonts')}</dir>
  <cachedir>${join(root, 'var/cache/fontconfig')}</cachedir>
  <include ignore_missing="yes">/etc/fonts/conf.d</include>
</fontconfig>
`;

/** Chromium from the cache; fetched and unpacked first (about 100 MB) when it is not there. */
export async function ensureChromium(cacheDir = PACKAGE_CACHE): Promise<Chromium> {
  const suite = machineSuite();
  const dir = join(cacheDir, suite, FOLDER);
  if (existsSync(join(dir, MARK))) {
    const { version } = JSON.parse(readFileSync(join(dir, MARK), 'utf8')) as { version: string };
    return chromiumOf(join(dir, 'root'), version);
  }
  const task = `chromium (${suite})`;
  checkTools();
  await mkdir(join(cacheDir, suite), { recursive: true });
  await removeAbandonedBuilds(join(cacheDir, suite));
  const build = await mkdtemp(join(cacheDir, suite, `.building-chromium-${process.pid}-`));
  try {
    const apt = privateApt(cacheDir, { suite, archive: DEBIAN });
    await updateLists(task, apt);
    // what installing it here would add: apt's plan against this machine's package list, read only
    const plan = await tool(
      'apt-get',
      [
        ...apt.options,
        '-o',
        'Dir::State::status=/var/lib/dpkg/status',
        'install',
        '-s',
        '--no-install-recommends',
        'chromium',
      ],
      {},
      `cannot plan chromium of ${suite}`,
      'check the machine reaches the mirror (NETNS_DEBIAN_MIRROR)',
    );
    const packages = [...plan.matchAll(/^Inst (\S+) (?:\[\S+\] )?\((\S+)/gm)].map(([, name, version]) => ({
      name: name!,
      version: version!,
    }));
    const version = packages.find((pkg) => pkg.name === 'chromium')?.version ?? 'as installed';
    progress(task, `downloading chromium ${version} and ${packages.length - 1} package(s) it needs here`);
    await tool(
      'apt-get',
      [...apt.options, 'download', ...packages.map((pkg) => pkg.name)],
      { cwd: build },
      `cannot download chromium of ${suite}`,
      'check the machine reaches the mirror (NETNS_DEBIAN_MIRROR) and run again',
    );
    for (const deb of (await readdir(build)).filter((name) => name.endsWith('.deb'))) {
      await tool(
        'dpkg-deb',
        ['-x', join(build, deb), join(build, 'root')],
        {},
        `cannot unpack ${deb}`,
        'check the free space there',
      );
      await rm(join(build, deb));
    }
    await writeFile(join(build, 'root', 'fonts.conf'), fontsConf(join(dir, 'root')));
    await chmod(build, 0o755);
    await writeFile(join(build, MARK), `${JSON.stringify({ version })}\n`);
    try {
      await rename(build, dir);
    } catch (error) {
      if (!['EEXIST', 'ENOTEMPTY'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    }
    progress(task, `ready ${version}`);
    return chromiumOf(join(dir, 'root'), version);
  } finally {
    await rm(build, { recursive: true, force: true });
  }
}

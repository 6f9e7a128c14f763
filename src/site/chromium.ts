// Debian's Chromium for the site's browser test, unpacked (never installed) into the package cache with the
// libraries this machine lacks for it: apt is asked, with a private state and this machine's package list read
// (never written), which packages installing it would add; those are downloaded and unpacked side by side, and
// Chromium runs from there with their libraries first. The machine's apt, /etc and /var stay as they were.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureUnpackedSet, PACKAGE_CACHE } from '../hosts/debian-unpacked.ts';
import { tool, type PrivateApt } from '../hosts/vm/debian-packages.ts';

const SUITES = ['bookworm', 'trixie', 'sid'];
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

/** what installing the wanted packages here would add: apt's plan against this machine's package list, read only */
async function planned(apt: PrivateApt, task: string): Promise<string[]> {
  const status = ['-o', 'Dir::State::status=/var/lib/dpkg/status'];
  const plan = await tool(
    'apt-get',
    [...apt.options, ...status, 'install', '-s', '--no-install-recommends', ...WANTED],
    {},
    `cannot plan ${task}`,
    'check the machine reaches the mirror (NETNS_DEBIAN_MIRROR)',
  );
  // the wanted ones always, also where the machine has them: the browser runs from the unpacked folder
  return [...new Set([...WANTED, ...[...plan.matchAll(/^Inst (\S+) /gm)].map(([, name]) => name!)])];
}

/** Chromium from the cache; fetched and unpacked first (about 100 MB) when it is not there. */
export async function ensureChromium(cacheDir = PACKAGE_CACHE): Promise<Chromium> {
  const { root, version } = await ensureUnpackedSet(
    {
      main: { name: 'chromium', suite: machineSuite() },
      folder: FOLDER,
      packages: planned,
      files: (root) => ({ 'fonts.conf': fontsConf(root) }),
    },
    cacheDir,
  );
  return chromiumOf(root, version);
}

// The initramfs of a VM host: static busybox, init.sh, and the few modules the kernel needs before it can mount
// the machine's root (9p over virtio, overlay), with what they depend on. Built once per kernel, kept beside it.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { HarnessSetupError } from '../../setup-error.ts';
import type { Kernel } from './kernels.ts';
import { oncePerKernel, placeWhole } from './made-once.ts';

const INIT = join(import.meta.dirname, 'init.sh');
export const BUSYBOX = '/usr/bin/busybox';
/** what mounting the root needs; each is skipped where the kernel has it built in (no .ko file) */
const BOOT_MODULES = ['virtio_pci', 'virtio_console', '9pnet_virtio', '9p', 'overlay'];

const moduleName = (file: string) => file.replace(/\.ko(\.xz|\.zst|\.gz)?$/, '').replaceAll('-', '_');

async function moduleFiles(dir: string, found = new Map<string, string>()): Promise<Map<string, string>> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await moduleFiles(path, found);
    else if (/\.ko(\.xz|\.zst|\.gz)?$/.test(entry.name)) found.set(moduleName(entry.name), path);
  }
  return found;
}

/** A module's bytes, uncompressed: busybox insmod takes plain ELF. */
async function moduleBytes(path: string): Promise<Buffer> {
  if (path.endsWith('.ko')) return readFile(path);
  const tool = path.endsWith('.xz') ? 'xz' : path.endsWith('.zst') ? 'zstd' : 'gzip';
  const { stdout } = await execa(tool, ['-dc', path], { encoding: 'buffer', stripFinalNewline: false });
  return Buffer.from(stdout);
}

/** The `depends=` entry of a module's .modinfo section. */
function dependsOf(bytes: Buffer): string[] {
  const at = bytes.indexOf('\0depends=');
  if (at < 0) return [];
  const value = bytes.subarray(at + '\0depends='.length, bytes.indexOf(0, at + 1)).toString();
  return value
    .split(',')
    .filter(Boolean)
    .map((name) => name.replaceAll('-', '_'));
}

/** The boot modules and their dependencies, each after what it depends on. */
async function bootModules(kernel: Kernel): Promise<Array<{ name: string; bytes: Buffer }>> {
  const files = await moduleFiles(join(kernel.modules, 'kernel'));
  const ordered: Array<{ name: string; bytes: Buffer }> = [];
  const visit = async (name: string, seen: Set<string>) => {
    const file = files.get(name);
    if (!file || seen.has(name)) return; // built in, or already placed
    seen.add(name);
    const bytes = await moduleBytes(file);
    for (const dependency of dependsOf(bytes)) await visit(dependency, seen);
    ordered.push({ name, bytes });
  };
  const seen = new Set<string>();
  for (const name of BOOT_MODULES) await visit(name, seen);
  return ordered;
}

/**
 * The initramfs for this kernel: built on first use, then taken from beside the kernel. A process finds it once
 * (every boot asks) and shares that.
 */
export const initramfsFor = oncePerKernel(buildInitramfs);

async function buildInitramfs(kernel: Kernel): Promise<string> {
  if (!existsSync(BUSYBOX))
    throw new HarnessSetupError(
      `VM hosts need a static busybox at ${BUSYBOX}; install it: apt-get install busybox-static`,
    );
  const init = await readFile(INIT);
  const busybox = await readFile(BUSYBOX);
  const hash = createHash('sha256').update(init).update(busybox).update(kernel.release).digest('hex').slice(0, 12);
  const target = join(dirname(kernel.vmlinuz), `initramfs-${hash}.cpio`);
  if (existsSync(target)) return target;
  const staging = await mkdtemp(join(dirname(kernel.vmlinuz), '.initramfs-'));
  try {
    await mkdir(join(staging, 'bin'));
    await mkdir(join(staging, 'modules'));
    await copyFile(BUSYBOX, join(staging, 'bin/busybox'));
    await writeFile(join(staging, 'init'), init, { mode: 0o755 });
    const modules = await bootModules(kernel);
    for (const { name, bytes } of modules) await writeFile(join(staging, 'modules', `${name}.ko`), bytes);
    await writeFile(join(staging, 'modules/order'), modules.map(({ name }) => name).join('\n'));
    const list = [
      'init',
      'bin',
      'bin/busybox',
      'modules',
      'modules/order',
      ...modules.map(({ name }) => `modules/${name}.ko`),
    ];
    await placeWhole(target, async (path) => {
      await execa(BUSYBOX, ['cpio', '-o', '-H', 'newc'], {
        cwd: staging,
        input: list.join('\n'),
        stdout: { file: path },
      });
      return true;
    });
    return target;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

// The image a VM host boots: the kernel's own ELF (vmlinux), entered by its PVH entry point, decompressed once from
// the packaged vmlinuz and kept beside it. Under TCG the guest's own decompressor took about 3 s of every boot
// (Debian's images are XZ; measured: /init reached 5.4 s after qemu started from vmlinuz, 2.1 s from vmlinux).
// A kernel built without CONFIG_PVH, or compressed with a tool the machine lacks, boots its vmlinuz as before.
import { existsSync, readFileSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { execa } from 'execa';
import type { Kernel } from './kernels.ts';
import { oncePerKernel, placeWhole } from './made-once.ts';

/** the compressed payload's first bytes, and the command that decompresses it */
const COMPRESSIONS = [
  // the build appends the uncompressed size (4 bytes) to every stream but gzip's, which carries it itself
  { magic: Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), argv: ['xz', '-dc'], sizeAppended: true },
  { magic: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), argv: ['zstd', '-dc'], sizeAppended: true },
  { magic: Buffer.from([0x1f, 0x8b]), argv: ['gzip', '-dc'], sizeAppended: false },
] as const;
const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

async function isElf(path: string): Promise<boolean> {
  const file = await open(path);
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(ELF.length), 0, ELF.length, 0);
    return bytesRead === ELF.length && buffer.equals(ELF);
  } finally {
    await file.close();
  }
}

/**
 * The compressed kernel inside a bzImage, as its boot protocol header places it: the protected-mode code starts
 * after setup_sects + 1 sectors (0 meaning 4), and payload_offset/payload_length (0x248, 0x24c) are relative to it.
 */
export function bzImagePayload(image: Buffer): Buffer | undefined {
  if (image.length < 0x250 || image.toString('latin1', 0x202, 0x206) !== 'HdrS') return undefined;
  const setupSectors = image[0x1f1] || 4;
  const start = (setupSectors + 1) * 512 + image.readUInt32LE(0x248);
  const payload = image.subarray(start, start + image.readUInt32LE(0x24c));
  return payload.length ? payload : undefined;
}

const pvhBuilt = (kernel: Kernel) =>
  existsSync(kernel.config) && /^CONFIG_PVH=y$/m.test(readFileSync(kernel.config, 'utf8'));

/** What qemu's -kernel gets for this kernel: its vmlinux where it can boot by PVH, else its vmlinuz. */
export const bootImageFor = oncePerKernel(decompressed);

async function decompressed(kernel: Kernel): Promise<string> {
  const target = join(dirname(kernel.vmlinuz), basename(kernel.vmlinuz).replace(/^vmlinuz/, 'vmlinux'));
  if (existsSync(target)) return target;
  if (!pvhBuilt(kernel)) return kernel.vmlinuz;
  const payload = bzImagePayload(await readFile(kernel.vmlinuz));
  const compression = payload && COMPRESSIONS.find(({ magic }) => payload.subarray(0, magic.length).equals(magic));
  if (!payload || !compression) return kernel.vmlinuz;
  const [tool, ...args] = compression.argv;
  const stream = compression.sizeAppended ? payload.subarray(0, -4) : payload;
  const placed = await placeWhole(target, async (path) => {
    const result = await execa(tool!, args, { input: stream, stdout: { file: path }, reject: false });
    return result.exitCode === 0 && (await isElf(path));
  });
  // a missing tool or a payload it cannot read: the packaged image still boots, only slower
  return placed ? target : kernel.vmlinuz;
}

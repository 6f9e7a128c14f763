// What a VM host makes from a kernel and keeps beside it (its initramfs, its decompressed image): made once per
// process, whoever asks first, and written so that two runs making it at once never see half a file.
import { mkdtemp, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Kernel } from './kernels.ts';

/** make(kernel) once per kernel in this process: every caller shares the first one's promise; a failure is not kept */
export function oncePerKernel<T>(make: (kernel: Kernel) => Promise<T>): (kernel: Kernel) => Promise<T> {
  const made = new Map<string, Promise<T>>();
  return (kernel) => {
    let found = made.get(kernel.vmlinuz);
    if (!found) {
      found = make(kernel);
      made.set(kernel.vmlinuz, found);
      found.catch(() => made.delete(kernel.vmlinuz)); // tried again by the next caller
    }
    return found;
  };
}

/**
 * Makes target through a file of its own beside it (write fills the path it is given; false: nothing to place):
 * of two writers at once, the rename makes either one the target, and nobody reads half a file.
 */
export async function placeWhole(target: string, write: (path: string) => Promise<boolean>): Promise<boolean> {
  // named by this process: a test that compares the cache can tell another live run's from a leftover
  const staging = await mkdtemp(join(dirname(target), `.staging-${process.pid}-`));
  try {
    const path = join(staging, 'file');
    if (!(await write(path))) return false;
    await rename(path, target);
    return true;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

// What the VM self-tests share: the cached kernel they boot (the first series in the cache), or why they skip,
// and that kernel's boot files, made here before any test compares the cache.
import { missingTools, VM_TOOLS } from '../src/harness/backend-choice.ts';
import { bootImageFor } from '../src/hosts/vm/boot-image.ts';
import { initramfsFor } from '../src/hosts/vm/initramfs.ts';
import { cachedKernel, KERNEL_CACHE, KERNEL_SERIES, type Kernel } from '../src/hosts/vm/kernels.ts';

const found = KERNEL_SERIES.map((series) => cachedKernel(series)).find((each) => each !== undefined);
const missing = await missingTools(VM_TOOLS);

/** why VM hosts cannot run here (a SKIP), or undefined */
export const cannotBoot = missing.length
  ? `VM hosts need ${missing.join(', ')} (scripts/setup installs them)`
  : !found
    ? `no kernel in ${KERNEL_CACHE}; fetch one with npm run kernels -- 6.1`
    : undefined;

/** the kernel the VM self-tests boot; read it only when cannotBoot is undefined */
export const vmKernel = found as Kernel;

// made once per kernel on first use, and kept: made here, before the cache is compared
const [, image] = cannotBoot ? [] : await Promise.all([initramfsFor(vmKernel), bootImageFor(vmKernel)]);
/** the image qemu boots for it (boot-image.ts) */
export const vmBootImage = image ?? '';

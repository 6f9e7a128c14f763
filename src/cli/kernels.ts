// `npm run kernels -- 6.1,7.3`: fetches the VM hosts' Debian kernels into the cache (default: NETNS_KERNELS, else
// all series), one line per kernel with what the suites care about.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { exitOnSetupError } from '../harness/exit-on-setup-error.ts';
import { kernelsOf } from '../harness/config.ts';
import { ensureKernel, kernelHasOption, type Kernel } from '../hosts/vm/kernels.ts';

const OPTIONS = ['CONFIG_IP_NF_IPTABLES_LEGACY', 'CONFIG_NF_TABLES'];

// Ctrl-C: exit rather than die on the signal; the next run removes the half-built folder
process.once('SIGINT', () => process.exit(130));

function describe(kernel: Kernel, seconds: number): string {
  const modules = readFileSync(join(kernel.modules, 'modules.dep'), 'utf8').split('\n').filter(Boolean).length;
  const options = OPTIONS.map(
    (option) => `${option.replace(/^CONFIG_/, '')}=${kernelHasOption(kernel, option) ?? 'unset'}`,
  );
  const vmlinuz = `${(statSync(kernel.vmlinuz).size / 1e6).toFixed(1)} MB`;
  return [
    kernel.series.padEnd(5),
    kernel.release.padEnd(22),
    `vmlinuz ${vmlinuz}`,
    `${modules} modules`,
    ...options,
    `(${seconds.toFixed(1)} s)`,
  ].join('  ');
}

try {
  // one after another: each download is fast, depmod takes a core, and the timings stay readable
  for (const series of kernelsOf({ NETNS_KERNELS: process.argv[2] ?? process.env.NETNS_KERNELS })) {
    const started = Date.now();
    const kernel = await ensureKernel(series);
    console.log(describe(kernel, (Date.now() - started) / 1000));
  }
} catch (error) {
  exitOnSetupError(error);
}

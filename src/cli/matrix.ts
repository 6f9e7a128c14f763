// `npm run matrix`: the property suite on VM hosts, for each kernel (NETNS_KERNELS, default all) and firewall
// backend (NETNS_FIREWALLS, default all three), for the implementations NETNS_IMPL names (default the guide).
// One vitest run: one reports/conformance.json, one table (cells as rows), Allure parameters per cell.
import { spawn } from 'node:child_process';
import { FIREWALLS } from '../net/firewall.ts';
import { CHECKOUT } from '../checkout.ts';
import { VITEST } from './usage.ts';

const env = {
  ...process.env,
  NETNS_HOST: 'vm',
  NETNS_FIREWALLS: process.env.NETNS_FIREWALLS || FIREWALLS.join(','),
};
const vitest = spawn(process.execPath, [VITEST, 'run', 'suites/conformance.test.ts', ...process.argv.slice(2)], {
  stdio: 'inherit',
  cwd: CHECKOUT,
  env,
});
// Ctrl-C reaches vitest from the terminal; a SIGTERM to this process is passed on, so its cleanup runs
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => vitest.kill(signal));
vitest.on('close', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 143)));

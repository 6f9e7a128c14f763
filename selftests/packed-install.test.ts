// The harness as a project installs it: this checkout packed (`npm pack`), installed into an empty project (from
// npm's cache, which the set-up filled) and run there as `npx netns-conformance`. Node refuses to strip types
// under node_modules, so this is where the bin's hook is proven; and the reports must land in the project, not in
// node_modules. A run whose script forwards nothing must fail there as it does in the checkout (exit 1).
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ResultsFile } from '../src/results/results-file.ts';
import { runTempDir } from '../src/run-temp.ts';
import { takeSlot } from '../src/slots.ts';

const ROOT = resolve(import.meta.dirname, '..');
const dir = runTempDir('netns-conformance-packed-');
const project = join(dir, 'project');
const installed = join(project, 'node_modules/netns-conformance');
// the outer run's settings stay out: the installed harness is driven by its flags alone
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('NETNS_')));
const npx = (args: string[]) =>
  execa('npx', ['--no-install', 'netns-conformance', ...args], {
    cwd: project,
    env,
    extendEnv: false,
    all: true,
    reject: false,
  });

beforeAll(async () => {
  const packed = await execa('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: ROOT });
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), '{ "name": "a-project", "private": true }\n');
  const tarball = join(dir, packed.stdout.trim().split('\n').at(-1)!);
  await execa('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: project });
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the packed harness, installed into a project', () => {
  test('npx netns-conformance --help runs from node_modules', async () => {
    const help = await npx(['--help']);
    expect(help.exitCode, help.all).toBe(0);
    expect(help.stdout).toContain('--impl VALUE');
  });

  test('judges a script on netns hosts, writes its reports in the project, and fails a broken one', async () => {
    const release = await takeSlot(); // a vitest run of its own, as the self-tests' nested runs are
    try {
      const run = (script: string) =>
        npx([
          ...['--impl', `script:${script}`, '--host', 'netns', '--firewalls', 'iptables-nft'],
          ...['--families', 'ipv4', '--properties', '3-egress'],
        ]);
      const good = await run(join(installed, 'examples/bridge.sh'));
      expect(good.exitCode, good.all).toBe(0);
      const results = JSON.parse(readFileSync(join(project, 'reports/conformance.json'), 'utf8')) as ResultsFile;
      const egress = results.results.filter((row) => row.property === '3-egress');
      expect(egress.length).toBeGreaterThan(0);
      expect(egress.map((row) => row.verdict)).toEqual(egress.map(() => 'pass'));
      expect(existsSync(join(installed, 'reports')), 'reports inside node_modules').toBe(false);

      // the same script without forwarding: egress cannot hold, and the exit code says so
      const broken = join(dir, 'no-forwarding.sh');
      const source = readFileSync(join(installed, 'examples/bridge.sh'), 'utf8');
      expect(source).toContain('sysctl -qw net.ipv4.ip_forward=1\n');
      writeFileSync(broken, source.replace('sysctl -qw net.ipv4.ip_forward=1\n', ''), { mode: 0o755 });
      const bad = await run(broken);
      expect(bad.exitCode, bad.all).toBe(1);
      const failed = (
        JSON.parse(readFileSync(join(project, 'reports/conformance.json'), 'utf8')) as ResultsFile
      ).results.filter((row) => row.property === '3-egress' && row.verdict === 'fail');
      expect(failed.length).toBeGreaterThan(0);
    } finally {
      release();
    }
  }, 600_000);
});

// NETNS_KEEP=on-failure leaves a failed implementation's host up after the run: the printed command gets into
// it, its reproduce lines still reach the live setup, and `npm run sweep` removes it. On netns hosts, which end
// with the run's process, asking for it is one line that says so.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, inject, test } from 'vitest';
import { KEPT_PREFIX } from '../src/hosts/keep.ts';
import { runTempDir } from '../src/run-temp.ts';
import { NESTED_RUN_TIMEOUT_MS, startNestedRun } from './nested-run.ts';

const ROOT = resolve(import.meta.dirname, '..');
const dir = runTempDir('netns-conformance-keep-');
const kept: string[] = [];
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  // only if a check failed midway
  for (const name of kept) execFileSync('docker', ['rm', '--force', name], { stdio: 'ignore' });
});

const containerExists = (name: string) =>
  execFileSync('docker', ['ps', '--all', '--quiet', '--filter', `name=^${name}$`], { encoding: 'utf8' }).trim() !== '';

describe.concurrent('keeping a failed host (NETNS_KEEP)', () => {
  test(
    'on-failure keeps the failed host; its enter command and reproduce lines work; npm run sweep removes it',
    async ({ skip }) => {
      if (inject('harness').backend !== 'container')
        return skip('NETNS_KEEP needs container hosts; this run has netns hosts');
      const script = join(dir, 'no-masquerade.sh');
      writeFileSync(script, readFileSync(join(ROOT, 'examples/bridge.sh'), 'utf8').replace(/^.*MASQUERADE\n/m, ''));
      const run = await startNestedRun(['suites/conformance.test.ts'], {
        NETNS_HOST: 'container',
        NETNS_IMPL: `script:${script}`,
        NETNS_KEEP: 'on-failure',
      });
      const result = await run.subprocess;
      expect(result.exitCode, result.all).toBe(1);
      const [host, ...others] = run.kept();
      kept.push(...run.kept().map((k) => k.name));
      expect(others).toEqual([]);
      expect(host).toMatchObject({
        what: `script:${script}`,
        name: expect.stringMatching(new RegExp(`^${KEPT_PREFIX}`)),
      });
      expect(containerExists(host!.name)).toBe(true);

      // the printed way in reaches the live setup the script built
      const enter = host!.enter.split(' ').filter((word) => word !== '-it');
      const inside = await execa(enter[0]!, [...enter.slice(1, -1), 'ip', 'netns', 'list'], { reject: false });
      expect(inside.stdout, inside.stderr).toContain('nc-a');
      // a failed probe's reproduce line runs again in it: the probe fails as before, not for want of a host
      const failed = run
        .tests()
        .flatMap((t) => t.rows)
        .find((row) => row.verdict === 'fail' && row.reproduce)!;
      // the diagnosis names the cause on container hosts too
      expect(failed.why).toMatch(
        new RegExp(
          String.raw`^no MASQUERADE or SNAT rule in nat POSTROUTING; seen on every point of its path ` +
            String.raw`\([ab]\/eth0 \d, nc0 \d, eth0 \d, internet\/isp0 \d\)$`,
        ),
      );
      const again = await execa('sh', ['-c', failed.reproduce!], { reject: false });
      expect(again.stderr).not.toMatch(/No such container|is not running/);
      expect(again.exitCode, `${failed.reproduce}\n${again.stdout}${again.stderr}`).toBe(1); // ping: no reply

      const sweep = await execa('node', ['src/cli/sweep.ts'], { cwd: ROOT, reject: false });
      expect(sweep.stdout, sweep.stderr).toMatch(/removed \d+ leftover or kept container/);
      expect(containerExists(host!.name)).toBe(false);
    },
    NESTED_RUN_TIMEOUT_MS,
  );

  test(
    'on netns hosts, NETNS_KEEP is one line that says it needs container hosts',
    async () => {
      const run = await startNestedRun(['selftests/backend-choice.test.ts'], {
        NETNS_HOST: 'netns',
        NETNS_KEEP: 'on-failure',
      });
      const result = await run.subprocess;
      expect(result.exitCode).not.toBe(0);
      expect(result.all).toMatch(
        new RegExp(
          String.raw`^netns-conformance: NETNS_KEEP=on-failure needs container hosts ` +
            String.raw`\(a netns host ends with the run's process\); run with NETNS_HOST=container$`,
          'm',
        ),
      );
    },
    NESTED_RUN_TIMEOUT_MS,
  );
});

// `npm run soak-tests` stopped mid-run — Ctrl-C at a terminal (SIGINT to its process group) or `kill`, a CI
// runner's SIGTERM, a closed terminal's SIGHUP (to it alone) — ends the `npm test` it runs as a Ctrl-C would,
// says so, and leaves nothing behind: no process of that run, no temporary folder.
import { readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, inject, test } from 'vitest';
import { RESPONDER_NAME } from '../src/probes/responder.ts';
import { RUN_TEMP_ENV, runTempDir } from '../src/run-temp.ts';
import { takeSlot } from '../src/slots.ts';
import { expectNothingRunning, whenRunning } from './interrupt.ts';
import { NESTED_RUN_TIMEOUT_MS } from './nested-run.ts';

const ROOT = resolve(import.meta.dirname, '..');
const STOPS = [
  { signal: 'SIGINT', to: 'its process group, as a terminal does', group: true, exitCode: 130 },
  { signal: 'SIGTERM', to: 'it alone, as kill and CI runners do', group: false, exitCode: 143 },
] as const;

describe.concurrent('a stopped soak', () => {
  test.each(STOPS)(
    '$signal to $to ends its npm test, says so and leaves no process and no temporary folder',
    async ({ signal, group, exitCode }) => {
      const release = await takeSlot(); // a whole npm test runs below it, as a nested run does
      // its own temporary folder: what the soak and the run below it make there must all be gone at the end
      const tmp = runTempDir('netns-conformance-soak-stop-');
      try {
        const marker = `NETNS_SOAK_STOP_TEST=${tmp}`;
        const soak = execa(
          'setpriv',
          ['--pdeathsig', 'INT', process.execPath, 'src/cli/soak-tests.ts', '--runs', '2', 'selftests/held'],
          {
            cwd: ROOT,
            // NETNS_NESTED_RUN: the held responder's file is a test there
            env: {
              NETNS_HOST: inject('harness').backend,
              NETNS_NESTED_RUN: '1',
              TMPDIR: tmp,
              [RUN_TEMP_ENV]: tmp, // the run below makes its folder here, not in this run's
              [marker.split('=')[0]!]: tmp,
            },
            detached: true,
            reject: false,
            all: true,
          },
        );
        const pid = soak.pid!;
        let ended = false;
        void soak.finally(() => (ended = true));
        const tree = await whenRunning(
          pid,
          [RESPONDER_NAME],
          () => ended,
          async () => (await soak).all,
        );

        process.kill(group ? -pid : pid, signal);
        const result = await soak;
        expect(result.exitCode, result.all).toBe(exitCode);
        expect(result.all).toContain(`run 1/2: stopped by ${signal}`);
        expect(result.all).not.toContain('run 2/2');
        await expectNothingRunning(tree, marker);
        expect(readdirSync(tmp).filter((name) => name.startsWith('netns-conformance-'))).toEqual([]);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
        release();
      }
    },
    NESTED_RUN_TIMEOUT_MS,
  );
});

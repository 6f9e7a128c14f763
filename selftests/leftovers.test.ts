// What earlier runs left is gone: containers of a killed run are swept by the next run whatever its backend, a
// nested run dies with the process that started it, and the Allure results hold this run's tests only.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, inject, test } from 'vitest';
import { LABEL_OWNER, LABEL_RUN, ownerOf } from '../src/hosts/run-labels.ts';
import { waitUntil } from '../src/wait.ts';
import { SLOW_BUILD, slowBuild, NESTED_RUN_TIMEOUT_MS, startNestedRun } from './nested-run.ts';
import { runProcesses, stillRunning } from './process-tree.ts';

const ROOT = resolve(import.meta.dirname, '..');
const engineAnswers = () => execa('docker', ['info'], { reject: false }).then((result) => result.exitCode === 0);

/** The pid of a process that has ended: an owner label naming it marks a killed run's container. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((done) => child.once('exit', done));
  return child.pid!;
}

describe.concurrent('leftovers of earlier runs', () => {
  test(
    'a netns run sweeps the containers a killed container run left',
    async ({ skip }) => {
      if (!(await engineAnswers())) return skip('no Docker engine answers here: there can be no container to sweep');
      const { image } = inject('harness');
      const images = execFileSync(
        'docker',
        ['image', 'ls', '--quiet', '--filter', 'reference=netns-conformance-host'],
        { encoding: 'utf8' },
      )
        .split('\n')
        .filter(Boolean);
      if (!image && images.length === 0) return skip('no host image here to make a container of');
      const owner = ownerOf(await deadPid());
      execFileSync('docker', [
        'create',
        '--network',
        'none',
        '--label',
        `${LABEL_RUN}=killed`,
        '--label',
        `${LABEL_OWNER}=${owner}`,
        image ?? images[0]!,
        'true',
      ]);
      const run = await startNestedRun(['selftests/backend-choice.test.ts'], { NETNS_HOST: 'netns' });
      const result = await run.subprocess;
      expect(result.exitCode, result.all).toBe(0);
      // gone once that netns run has set up (the log line may be another concurrent nested run's: the first sweeps)
      expect(
        execFileSync('docker', ['ps', '--all', '--quiet', '--filter', `label=${LABEL_OWNER}=${owner}`], {
          encoding: 'utf8',
        }).trim(),
      ).toBe('');
    },
    NESTED_RUN_TIMEOUT_MS,
  );

  test(
    'a nested run ends, leaving nothing, when the process that started it is killed',
    async ({ onTestFinished }) => {
      const { backend } = inject('harness');
      const build = slowBuild();
      onTestFinished(build.remove);
      // a stand-in for a self-test's worker: it starts a nested run, busy building until it is killed, prints the
      // run's folder and waits
      const starter = execa(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `
      const { startNestedRun } = await import('./selftests/nested-run.ts');
      const run = await startNestedRun(['suites/conformance.test.ts'], ` +
            `${JSON.stringify({ NETNS_HOST: backend, ...build.env })});
      console.log(run.dir);
      setInterval(() => {}, 1000);`,
        ],
        { cwd: ROOT, reject: false, buffer: false },
      );
      // killed, the starter cannot remove the nested run's folder: this test does
      const dir = await new Promise<string>((started) =>
        starter.stdout!.once('data', (chunk: Buffer) => started(chunk.toString().trim())),
      );
      onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
      // the starter's whole tree: the nested vitest, its workers, the host and the setup script building in it
      const tree = await waitUntil(
        async () => {
          const procs = runProcesses(starter.pid!);
          if (procs.length === 0)
            throw new Error('the nested run ended before its setup script started (no process below the starter)');
          return procs;
        },
        (procs) => procs.some((proc) => proc.cmdline.includes(SLOW_BUILD)),
        { what: 'the nested run to start its setup script', deadlineMs: 90_000, intervalMs: 50 },
      );
      starter.kill('SIGKILL');
      await starter;
      const left = await waitUntil(
        async () => stillRunning(tree),
        (procs) => procs.length === 0,
        { what: 'the orphaned nested run to end', deadlineMs: 15_000 },
      );
      expect(left).toEqual([]);
    },
    NESTED_RUN_TIMEOUT_MS,
  );

  test("the Allure results hold this run's tests only", () => {
    const { startedAt } = inject('harness');
    const dir = resolve(ROOT, 'reports/allure-results');
    // none yet is fine: the results are written as tests end
    const older = (existsSync(dir) ? readdirSync(dir) : []).filter(
      (name) => statSync(resolve(dir, name)).mtimeMs < startedAt,
    );
    expect(older).toEqual([]);
  });
});

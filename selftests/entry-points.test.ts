// Bad input at the command line ends in one line that names the problem and the fix (exit 2), never a stack:
// the wrong Node, a user who cannot write the checkout, an engine whose socket refuses the user, no engine.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { engineFix } from '../src/harness/backend-choice.ts';

const ROOT = resolve(import.meta.dirname, '..');
const NODE = process.execPath;
/** nobody, with no supplementary groups: neither root nor in the docker group */
const AS_NOBODY = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
/**
 * nobody's own environment, not this run's: root's HOME, npm's config and the CA file it names may be closed to
 * nobody (a container whose home is private, a read-only ~/.npmrc) and must not decide what the check shows
 */
const NOBODY_ENV = { env: { PATH: process.env.PATH, HOME: '/nonexistent', LANG: 'C.UTF-8' }, extendEnv: false };
const ONE_LINE = /^\n?netns-conformance: [^\n]+\n*$/;

describe('bad input at the command line', () => {
  const otherNode = ['/usr/bin/node', '/usr/local/bin/node'].find((path) => existsSync(path) && path !== NODE);

  test('vitest under a Node other than 24 (npx vitest run bypasses npm test) stops in one line', async ({ skip }) => {
    if (!otherNode) return skip('no Node other than 24 on this machine to run it with');
    const { stdout: version } = await execa(otherNode, ['-v']);
    if (version.startsWith('v24.')) return skip(`${otherNode} is Node 24 too`);
    const run = await execa(otherNode, ['node_modules/vitest/vitest.mjs', 'run', 'selftests/entry-points.test.ts'], {
      cwd: ROOT,
      reject: false,
      env: { NETNS_NESTED_RUN: '1' },
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(ONE_LINE);
    expect(run.stderr).toMatch(/needs Node 24, this is v\d+.*; put \.tools\/node\/bin first on PATH/);
  });

  test("a user who cannot write the checkout is told to run as root, before vite's EACCES", async ({ skip }) => {
    // a checkout in a private folder (root's home) cannot even be read by another user: nothing to show there
    const asNobody = (argv: string[]) =>
      execa(AS_NOBODY[0]!, [...AS_NOBODY.slice(1), ...argv], { cwd: ROOT, reject: false, ...NOBODY_ENV });
    const readable = await asNobody(['test', '-r', 'scripts/preflight.mjs', '-a', '-x', NODE]);
    if (readable.exitCode !== 0)
      return skip(
        `nobody cannot read this checkout or run ${NODE} (${ROOT} is in a private folder); ` +
          'the check needs a user who can read it but not write it',
      );
    const run = await asNobody([NODE, 'scripts/preflight.mjs']);
    expect(run.exitCode, `${run.stderr}${run.stdout}`).toBe(2);
    expect(run.stderr).toMatch(ONE_LINE);
    expect(run.stderr).toMatch(
      /uid 65534 cannot write node_modules \(scripts\/setup ran as root\); run the tests as root too: sudo -E env/,
    );
  });

  test('an engine whose socket refuses the user is named as that, not as a missing engine', async ({ skip }) => {
    if ((await execa('docker', ['info'], { reject: false })).exitCode !== 0)
      return skip('no Docker engine answers here');
    const asNobody = await execa(
      AS_NOBODY[0]!,
      [...AS_NOBODY.slice(1), 'docker', 'info', '--format', '{{.ServerVersion}}'],
      { reject: false },
    );
    if (asNobody.exitCode === 0) return skip("this engine's socket lets everyone in");
    expect(engineFix(asNobody.stderr)).toMatch(/socket refuses this user/);
  });

  test('npm run sweep with no engine says so in one line', async () => {
    const run = await execa(NODE, ['src/cli/sweep.ts'], {
      cwd: ROOT,
      reject: false,
      env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' },
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(ONE_LINE);
    expect(run.stderr).toMatch(
      /sweep cannot ask Docker for leftover containers \(.*\); no Docker engine answers: start dockerd/,
    );
  });

  test.each(['soak', 'bench', 'soak-tests'])(
    '%s --help says how it is used and exits 0 before it starts; an argument it does not take is exit 2',
    async (command) => {
      const script = `src/cli/${command}.ts`;
      const help = await execa(NODE, [script, '--help'], { cwd: ROOT, reject: false });
      expect(help.exitCode, help.all).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^usage: npm run ${command}`));
      const wrong = await execa(NODE, [script, '--bogus'], { cwd: ROOT, reject: false });
      expect(wrong.exitCode).toBe(2);
      expect(wrong.stderr).toMatch(ONE_LINE);
      expect(wrong.stderr).toContain('--bogus');
    },
  );
});

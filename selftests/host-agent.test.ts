// The agent that runs every command of a host (src/hosts/agent/agent.py) keeps the promises the harness relies on:
// a deadline ends the command's whole process group (SIGTERM, then SIGKILL 2 s later for one that ignores it),
// input that comes later reaches a command already started, exit statuses and signals read as a shell reads them,
// a command for a namespace runs in it (the agent enters it), a command that cannot start says why, and a
// background process's pid is the host's, its waits end when it says the text or when it ends first (or, at the
// hang guard, say what it was doing), and the agent signals it (a signal to a process that has ended says so).
import { describe, expect } from 'vitest';
import { test } from '../fixtures/guide-test.ts';

describe("a host's agent", () => {
  test('a deadline ends the command and everything it started, also what ignores SIGTERM', async ({ guide }) => {
    const { host } = guide;
    const late = await host.exec(['sh', '-c', 'sleep 31 & sleep 31'], { timeoutMs: 1_000, expectExit: 'any' });
    expect(late).toMatchObject({ exitCode: 124, timedOut: true });
    const stubborn = ['sh', '-c', 'trap "" TERM; sleep 32 & sleep 32'];
    const killed = await host.exec(stubborn, { timeoutMs: 1_000, expectExit: 'any' });
    expect(killed).toMatchObject({ exitCode: 124, timedOut: true });
    expect(killed.durationMs).toBeGreaterThanOrEqual(3_000); // TERM ignored: KILL came 2 s after it
    // nothing of either is left in the host
    const left = await host.exec(['pgrep', '-f', 'sleep 3[12]'], { expectExit: 'any' });
    expect(left.stdout).toBe('');
  });

  test('input that comes later reaches a command already running', async ({ guide }) => {
    const { host } = guide;
    let give: (text: string) => void = () => {};
    const input = new Promise<string>((resolve) => (give = resolve));
    const running = host.exec(['sh', '-c', 'echo started > /run/netns-conformance/agent-input; cat'], { stdin: input });
    await host.exec(['sh', '-c', 'until [ -s /run/netns-conformance/agent-input ]; do sleep 0.01; done']);
    give('the probes\n');
    expect((await running).stdout).toBe('the probes\n');
    await host.exec(['rm', '/run/netns-conformance/agent-input']);
  });

  test('exit statuses, signals and a command that cannot start', async ({ guide }) => {
    const { host } = guide;
    expect(await host.exec(['sh', '-c', 'exit 3'], { expectExit: 'any' })).toMatchObject({
      exitCode: 3,
      timedOut: false,
    });
    expect((await host.exec(['sh', '-c', 'kill -9 $$'], { expectExit: 'any' })).exitCode).toBe(137);
    const missing = await host.exec(['no-such-program-here'], { expectExit: 'any' });
    expect(missing.exitCode).toBe(-1);
    expect(missing.stderr).toContain('no-such-program-here');
  });

  test('a command for a namespace runs in it; a namespace that does not exist is named', async ({ guide }) => {
    const { host } = guide;
    const inode = async (ns?: string) =>
      (await host.exec(['readlink', '/proc/self/ns/net'], ns ? { ns } : {})).stdout.trim();
    await host.exec(['ip', 'netns', 'add', 'agent-probe']);
    try {
      const [own, inNamespace] = [await inode(), await inode('agent-probe')];
      expect(inNamespace).not.toBe(own);
      const listed = await host.exec(['ip', 'netns', 'exec', 'agent-probe', 'readlink', '/proc/self/ns/net']);
      expect(inNamespace).toBe(listed.stdout.trim());
      // later commands of the same agent are back in the host's own namespace
      expect(await inode()).toBe(own);
    } finally {
      await host.exec(['ip', 'netns', 'delete', 'agent-probe']);
    }
    const missing = await host.exec(['true'], { ns: 'no-such-namespace', expectExit: 'any' });
    expect(missing).toMatchObject({ exitCode: 255 });
    expect(missing.stderr).toBe('Cannot open network namespace "no-such-namespace": No such file or directory');
  });

  test('a background process: its pid, a wait it satisfies, and a wait it ends by exiting', async ({ guide }) => {
    const { host } = guide;
    // the pid is the process's in the host: the agent says it once exec has succeeded, so its command line is
    // the program's (read during sh's own exec, /proc/PID/cmdline was once seen empty: sh is not used here)
    const sleeper = await host.spawn(['sleep', '33']);
    expect((await host.exec(['cat', `/proc/${sleeper.pid}/cmdline`])).stdout).toBe('sleep\u000033\u0000');
    // signalled by the agent itself: ended by SIGTERM (128 + 15); a second signal says it has ended
    expect(await sleeper.stop()).toMatchObject({ exitCode: 143 });
    expect((await host.exec(['kill', '-0', String(sleeper.pid)], { expectExit: 'any' })).exitCode).not.toBe(0);
    expect(await host.signal(sleeper.pid, 'TERM')).toMatchObject({ exitCode: 1, stderr: `no process ${sleeper.pid}` });
    // a wait it satisfies ends; its output comes with its end
    const talker = await host.spawn(['sh', '-c', 'echo started >&2; exec sleep 33']);
    await talker.waitForStderr('started', 'the background process');
    expect(await talker.stop()).toMatchObject({ exitCode: 143, stderr: 'started\n' });
    const quitter = await host.spawn(['sh', '-c', 'echo "no such port" >&2; exit 2']);
    await expect(quitter.waitForStderr('listening on', 'the quitter')).rejects.toThrow(
      /^the quitter: it exited: no such port$/,
    );
    await quitter.stop();
    // a wait whose hang guard ends it says what the process was doing then: sleeping in the kernel's nanosleep
    const mute = await host.spawn(['sleep', '34']);
    await expect(mute.waitForStderr('listening on', 'the mute one', 0.2)).rejects.toThrow(
      new RegExp(`^the mute one: not within \\d+ s \\(pid ${mute.pid} in state S in \\w*nanosleep\\w*\\)$`),
    );
    await mute.stop();
  });
});

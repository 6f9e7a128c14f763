// NETNS_HOST picks the host backend; a machine that cannot run the one asked for gets one line naming the fix.
import { describe, expect, test } from 'vitest';
import { backendRequest, iptablesCommand } from '../src/harness/config.ts';
import { chooseBackend, missingTools } from '../src/harness/backend-choice.ts';

const engine = { engineProblem: undefined, root: false };
const noEngine = { engineProblem: 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock', root: false };

describe('host backend choice', () => {
  test('auto takes a container when an engine answers, else netns when root', () => {
    expect(chooseBackend('auto', engine)).toBe('container');
    expect(chooseBackend('auto', { ...noEngine, root: true })).toBe('netns');
    expect(chooseBackend('container', { ...engine, root: true })).toBe('container');
    expect(chooseBackend('netns', { ...engine, root: true })).toBe('netns');
  });

  test('a backend the machine cannot run is a one-line error with the fix', () => {
    expect(() => chooseBackend('auto', noEngine)).toThrow(
      new RegExp(
        String.raw`^no host backend: this is not root, and no Docker engine answers: start dockerd ` +
          String.raw`\(scripts\/start-dockerd, part of the README set-up\) \(Cannot connect .*\); or run as root$`,
      ),
    );
    expect(() => chooseBackend('container', noEngine)).toThrow(
      /^NETNS_HOST=container needs a Docker engine \(Cannot connect .*\); no Docker engine answers: start dockerd/,
    );
    expect(() => chooseBackend('netns', engine)).toThrow(
      /^NETNS_HOST=netns needs root .*; run as root or use NETNS_HOST=container$/,
    );
  });

  test('an engine whose socket refuses this user is named as such, not as a missing engine', () => {
    const refused = {
      engineProblem:
        'permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock',
      root: false,
    };
    expect(() => chooseBackend('auto', refused)).toThrow(
      new RegExp(
        String.raw`^no host backend: this is not root, and a Docker engine runs but its socket refuses this user: ` +
          String.raw`run as root \(sudo -E\) or join the docker group`,
      ),
    );
    expect(() => chooseBackend('container', refused)).toThrow(/socket refuses this user/);
  });

  test('unknown values of NETNS_HOST and NETNS_IPTABLES are rejected by name', () => {
    expect(backendRequest({})).toBe('auto');
    expect(() => backendRequest({ NETNS_HOST: 'docker' })).toThrow(
      /^NETNS_HOST=docker is not a host backend; use one of auto, container, netns/,
    );
    expect(iptablesCommand({ NETNS_IPTABLES: 'legacy' })).toBe('iptables-legacy');
    expect(() => iptablesCommand({ NETNS_IPTABLES: 'ipchains' })).toThrow(
      /^NETNS_IPTABLES=ipchains is not an iptables backend; use nft or legacy$/,
    );
  });

  test('missing tools are listed by name', async () => {
    expect(await missingTools(['sh', 'no-such-tool-here', '/usr/bin/no-such-either'], '/bin:/usr/bin')).toEqual([
      'no-such-tool-here',
      '/usr/bin/no-such-either',
    ]);
  });
});

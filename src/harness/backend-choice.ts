// Which host backend runs the suites: NETNS_HOST=container|netns|auto. auto takes a container when a Docker
// engine answers, else a private namespace when root, else stops with one line saying what is needed.
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { execa } from 'execa';
import { HarnessSetupError } from '../setup-error.ts';
import type { BackendRequest } from './config.ts';
import type { HostBackend } from '../hosts/host.ts';

export interface MachineAbilities {
  /** undefined when a Docker engine answers, else why not */
  engineProblem: string | undefined;
  root: boolean;
}

/** An engine that runs but whose socket refuses this user is not a missing engine: the fix differs. */
const SOCKET_REFUSED = /permission denied/i;

export async function machineAbilities(): Promise<MachineAbilities> {
  const info = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { reject: false, timeout: 15_000 });
  const engineProblem =
    info.exitCode === 0 && info.stdout.trim()
      ? undefined
      : info.failed && (info as { code?: string }).code === 'ENOENT'
        ? 'the docker command is not installed'
        : (String(info.stderr).trim().split('\n').pop() ?? `docker info exited ${info.exitCode}`);
  return { engineProblem, root: process.getuid?.() === 0 };
}

/** What to do about an engine problem: start one, or get the right to use the one that runs. */
export function engineFix(engineProblem: string): string {
  return SOCKET_REFUSED.test(engineProblem)
    ? 'a Docker engine runs but its socket refuses this user: run as root (sudo -E) or join the docker group'
    : 'no Docker engine answers: start dockerd (scripts/start-dockerd, part of the README set-up)';
}

export function chooseBackend(request: BackendRequest, abilities: MachineAbilities): HostBackend {
  const { engineProblem, root } = abilities;
  if (request === 'container') {
    if (engineProblem)
      throw new HarnessSetupError(
        `NETNS_HOST=container needs a Docker engine (${engineProblem}); ` +
          `${engineFix(engineProblem)}, or use NETNS_HOST=netns as root`,
      );
    return 'container';
  }
  if (request === 'vm') return 'vm'; // qemu needs no root; its tools are checked with the host's
  if (request === 'netns') {
    if (!root)
      throw new HarnessSetupError(
        'NETNS_HOST=netns needs root (unshare of a network, mount and PID namespace); ' +
          'run as root or use NETNS_HOST=container',
      );
    return 'netns';
  }
  if (!engineProblem) return 'container';
  if (root) return 'netns';
  throw new HarnessSetupError(
    `no host backend: this is not root, and ${engineFix(engineProblem)} (${engineProblem}); or run as root`,
  );
}

/** What the vm backend runs on the machine, beyond the tools its guests run (the netns backend's, seen over 9p). */
export const VM_TOOLS = ['qemu-system-x86_64', '/usr/bin/busybox', 'xz'];

/** The machine's own tools the netns backend runs (it has no image of its own). */
export const NETNS_TOOLS = [
  ...['ip', 'unshare', 'nsenter', 'setpriv', 'sysctl', 'ss'],
  ...['ping', 'curl', 'tcpdump', 'nft', 'conntrack', '/usr/bin/python3'],
];

export async function missingTools(tools: readonly string[], path = process.env.PATH ?? ''): Promise<string[]> {
  const dirs = path.split(delimiter).filter(Boolean);
  const found = await Promise.all(
    tools.map(async (tool) => {
      const candidates = tool.includes('/') ? [tool] : dirs.map((dir) => join(dir, tool));
      for (const candidate of candidates) {
        try {
          await access(candidate, constants.X_OK);
          return true;
        } catch {}
      }
      return false;
    }),
  );
  return tools.filter((_, index) => !found[index]);
}

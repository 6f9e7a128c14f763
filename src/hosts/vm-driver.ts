// The vm backend: a qemu guest booting a chosen Debian kernel on the machine's own root (read-only, under an
// overlay in guest memory), reached through an agent on a virtio-serial port. Killing qemu ends everything in it:
// nothing the guest did outlives it, and qemu itself dies with the harness.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Duplex } from 'node:stream';
import type { HostDriver } from './host.ts';
import { dieWithHarness } from './die-with-harness.ts';
import { progress } from '../progress.ts';
import { withinPaced } from '../wait.ts';
import { chooseAcceleration, type Acceleration } from './vm/accel.ts';
import { AgentChannel } from './agent/channel.ts';
import { AGENT_SCRIPT } from './agent/start-agent.ts';
import { bootImageFor } from './vm/boot-image.ts';
import { initramfsFor } from './vm/initramfs.ts';
import type { Kernel } from './vm/kernels.ts';
import { AGENT_FD, qemuArgv } from './vm/qemu-argv.ts';

/** what a boot may take on a quiet machine (4–6 s to the agent under TCG here): stretched with its load */
const BOOT_DEADLINE_MS = { kvm: 30_000, tcg: 120_000 };
const CONSOLE_LINES = 400;

/**
 * What a dead guest's console says, shortly: init's last traced lines and its own words, the kernel's panic line;
 * else the console's last lines (a panic's stack trace would hide the cause).
 */
function consoleCause(lines: readonly string[]): string {
  const said = lines.filter((line) => /netns-conformance:|Kernel panic|^\+ /.test(line));
  // not the trap's own
  const traced = said.filter((line) => line.startsWith('+ ') && !/status|-eq 0|netns-conformance/.test(line)).slice(-2);
  const chosen = [...traced, ...new Set(said.filter((line) => !line.startsWith('+ ')))];
  return (chosen.length ? chosen : lines.slice(-5)).join(' | ');
}

export interface VmHostOptions {
  kernel: Kernel;
  accel?: Acceleration;
  memoryMb?: number;
  cpus?: number;
}

/** A booted VM: its agent's channel (rooms are nested agents on it) and its end, with the cause. */
export interface VmDriver extends HostDriver {
  readonly transport: AgentChannel;
  readonly ended: Promise<string>;
}

/** A boot that ended before the agent answered: the guest's fault or the emulator's, not the implementation's. */
class BootFailure extends Error {}

/**
 * Boots the VM; a boot that fails (once in ~60 boots of 7.3 under TCG here, a panic that did not reproduce in 32
 * more) is said, with its console, and tried once more: a host that never came up has judged nothing.
 */
export async function startVmDriver(opts: VmHostOptions): Promise<VmDriver> {
  try {
    return await boot(opts);
  } catch (error) {
    if (!(error instanceof BootFailure)) throw error;
    progress(`vm ${opts.kernel.series}`, `${error.message}; booting once more`);
    return boot(opts);
  }
}

async function boot(opts: VmHostOptions): Promise<VmDriver> {
  const { kernel } = opts;
  const accel = opts.accel ?? chooseAcceleration();
  const task = `vm ${kernel.series}`;
  const argv = qemuArgv({
    kernelImage: await bootImageFor(kernel),
    initramfs: await initramfsFor(kernel),
    accel,
    agent: AGENT_SCRIPT,
    modules: kernel.modules,
    memoryMb: opts.memoryMb ?? 1024,
    cpus: opts.cpus ?? 2,
  });
  const [file, ...args] = [...dieWithHarness(), ...argv];
  const qemu = spawn(file!, args, { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] as const });
  const socket = qemu.stdio[AGENT_FD] as Duplex;
  const channel = new AgentChannel(socket, socket);
  const consoleTail: string[] = [];
  const keepConsole = (line: string) => {
    if (line.trim()) consoleTail.push(line.trim());
    consoleTail.splice(0, Math.max(0, consoleTail.length - CONSOLE_LINES));
  };
  // the guest's console (stdout) and qemu's own complaints (stderr): the last lines explain a failed boot
  createInterface({ input: qemu.stdout! }).on('line', keepConsole);
  createInterface({ input: qemu.stderr! }).on('line', keepConsole);
  let spawnFailed = false;
  const ended = new Promise<string>((resolveEnd) => {
    const end = (why: string) => {
      const cause =
        `the VM (kernel ${kernel.release}) ended: ${why}` +
        `${consoleTail.length ? `; its console: ${consoleCause(consoleTail)}` : ''}`;
      channel.end(cause);
      resolveEnd(cause);
    };
    qemu.once('error', (error) => {
      spawnFailed = true; // no qemu to try again with
      end(`${argv[0]}: ${error.message} (install qemu-system-x86)`);
    });
    qemu.once('close', (code, signal) => end(signal ? `qemu killed by ${signal}` : `qemu exited ${code}`));
  });
  const name = `vm-${kernel.series}-${qemu.pid}`;
  const destroy = async () => {
    qemu.kill('SIGKILL');
    await ended;
  };
  const started = Date.now();
  progress(task, `booting ${kernel.release} (${accel.kind}: ${accel.why})`);
  const agentOrEnd = Promise.race([
    channel.ready,
    ended.then((cause) => Promise.reject(new (spawnFailed ? Error : BootFailure)(cause))),
  ]);
  // a guard against a hang: an emulated guest on a busy machine gets a share of a core, and boots that much slower
  const booted = await withinPaced(agentOrEnd, BOOT_DEADLINE_MS[accel.kind]).catch(async (error: Error) => {
    await destroy();
    throw error;
  });
  if (!booted) {
    await destroy();
    throw new BootFailure(
      `the VM (kernel ${kernel.release}) did not start its agent in ${Math.round((Date.now() - started) / 1000)} s; ` +
        `its console: ${consoleCause(consoleTail)}`,
    );
  }
  progress(task, `agent ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return {
    backend: 'vm',
    name,
    transport: channel,
    // no command on the machine reaches into the VM: the line is what runs inside it
    reproduce: (command) => command,
    destroy,
    ended,
  };
}

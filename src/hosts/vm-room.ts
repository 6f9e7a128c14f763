// A room: a host inside a booted VM, in network, mount and PID namespaces of its own, prepared as a netns host is.
// Its agent is a nested one, relayed by the VM's agent. Rules, links, net.* sysctls and processes are the room's
// own and go with it, so cells judged one after another in one VM start from the same clean kernel state.
import { AgentChannel } from './agent/channel.ts';
import { AGENT_SCRIPT } from './agent/start-agent.ts';
import type { HostDriver } from './host.ts';
import { enterHolder, PREPARE_HOST, UNSHARE_HOST } from './namespace-holder.ts';
import { PYTHON } from './python.ts';
import type { VmDriver } from './vm-driver.ts';
import { within, withinPaced } from '../wait.ts';

/** python3 and its modules under TCG: ~1 s quiet; a guard against a hang, stretched with the machine's load */
const ROOM_DEADLINE_MS = 30_000;
/** its agent exits once its input ends; what it still runs dies with its PID namespace */
const ROOM_END_MS = 5_000;

export async function openRoom(vm: VmDriver, name: string): Promise<HostDriver> {
  // the shell stays the namespace's first process: the agent is its child, and the room ends when the agent does
  const agent = vm.transport.nest([...UNSHARE_HOST, 'sh', '-c', `${PREPARE_HOST}\n"${PYTHON}" -u "$0"`, AGENT_SCRIPT]);
  const ended = agent.ended.then(
    (end) => `the room ${name} ended (exit ${end.exitCode})${end.stderr.trim() ? `: ${lastLine(end.stderr)}` : ''}`,
  );
  let pid: number | undefined;
  void agent.started.then((started) => (pid = started));
  const channel = new AgentChannel(agent.output, agent.input);
  void ended.then((cause) => channel.end(cause));
  const started = Promise.race([
    Promise.all([agent.started, channel.ready]),
    ended.then((cause) => Promise.reject(new Error(cause))),
  ]);
  const destroy = async () => {
    agent.input.end();
    if ((await within(ended, ROOM_END_MS)) !== undefined) return;
    if (pid !== undefined) await vm.transport.signal(pid, 'KILL'); // unshare: its namespaces' processes go with it
    await ended;
  };
  const ready = await withinPaced(started, ROOM_DEADLINE_MS).catch(async (error: Error) => {
    await destroy();
    throw error;
  });
  if (!ready) {
    await destroy();
    throw new Error(`the room ${name} did not start its agent within ${ROOM_DEADLINE_MS / 1000} s (paced)`);
  }
  const enter = enterHolder(ready[0]);
  let destroyed: Promise<void> | undefined;
  return {
    backend: 'vm',
    name,
    transport: channel,
    // the line runs inside the VM, as the room's own commands do
    reproduce: (argv) => [...enter, ...argv],
    destroy: () => (destroyed ??= destroy()),
  };
}

const lastLine = (text: string): string => text.trim().split('\n').pop()!;

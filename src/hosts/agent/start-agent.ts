// Starts the agent (agent.py) inside a netns or container host, entered once through `enter` (nsenter …, docker
// exec …) by a process that dies with the harness, and hands back its channel once it has said it is ready.
// Python, because every host image has it.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { withinPaced } from '../../wait.ts';
import { dieWithHarness } from '../die-with-harness.ts';
import { PYTHON } from '../python.ts';
import { AgentChannel } from './channel.ts';

/** the agent, by its path on the machine (a VM's guest sees the machine's root) */
export const AGENT_SCRIPT = resolve(import.meta.dirname, 'agent.py');
const AGENT_SOURCE = readFileSync(AGENT_SCRIPT, 'utf8');
/** what the agent's start may take on a quiet machine (python3 and its modules: ~30 ms; a docker exec more) */
const AGENT_DEADLINE_MS = 10_000;

export interface HostAgent {
  channel: AgentChannel;
  /** ends its input: it exits, and what it still runs goes with the host */
  close(): void;
}

export async function startAgent(enter: readonly string[], host: string): Promise<HostAgent> {
  const [file, ...args] = [...dieWithHarness(), ...enter, PYTHON, '-u', '-c', AGENT_SOURCE];
  const agent = spawn(file!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const channel = new AgentChannel(agent.stdout, agent.stdin);
  let stderr = '';
  agent.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const ended = new Promise<string>((resolveEnd) => {
    const end = (why: string) => {
      const cause = `the agent in ${host} ${why}${stderr.trim() ? `: ${stderr.trim().split('\n').pop()}` : ''}`;
      channel.end(cause);
      resolveEnd(cause);
    };
    agent.once('error', (error) => end(`could not start: ${error.message}`));
    agent.once('close', (code, signal) => end(signal ? `was killed by ${signal}` : `exited ${code}`));
  });
  const ready = Promise.race([channel.ready, ended.then((cause) => Promise.reject(new Error(cause)))]);
  if ((await withinPaced(ready, AGENT_DEADLINE_MS)) === undefined) {
    agent.kill('SIGKILL');
    throw new Error(`the agent in ${host} did not say it was ready within ${AGENT_DEADLINE_MS / 1000} s (paced)`);
  }
  return { channel, close: () => void agent.stdin.end() };
}

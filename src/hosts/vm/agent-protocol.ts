// What the harness and the agent inside a VM host say to each other over the VM's virtio-serial port: one JSON
// object per line each way. A request runs one argv; its reply comes when it has ended (output is not streamed:
// a background process writes its output to files inside the host, as on every host kind).

/** the virtio-serial port's name: the guest finds its device under /sys/class/virtio-ports by it */
export const AGENT_PORT = 'netns-conformance.agent';

import type { RawResult, RunOptions } from '../host.ts';

/** one command: what the harness's transport is asked to run, with an id to match the reply */
export interface AgentRequest extends Omit<RunOptions, 'stdin'> {
  id: number;
  stdin?: string;
  argv: string[];
}

export type AgentMessage = { ready: true; release: string } | ({ id: number } & RawResult);

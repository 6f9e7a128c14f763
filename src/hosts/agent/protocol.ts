// What the harness and an agent inside a host (a VM's, a netns host's) say to each other: one JSON object per line
// each way. A request runs one argv; its reply comes when it has ended (output is not streamed: a background
// process writes its output to files inside the host, as on every host kind).
import type { RawResult, RunOptions } from '../host.ts';

/** one command: what the harness's transport is asked to run, with an id to match the reply */
export interface AgentRequest extends Omit<RunOptions, 'stdin'> {
  id: number;
  argv: string[];
  stdin?: string;
  /** the command starts now; its input comes later as an AgentInput (a prober that starts while a build runs) */
  stdinFollows?: true;
}

/** the input of a request sent with stdinFollows, once the harness knows it */
export interface AgentInput {
  id: number;
  input: string;
}

export type AgentMessage = { ready: true; release: string } | ({ id: number } & RawResult);

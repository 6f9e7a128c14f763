// What the harness and an agent inside a host (a VM's, a netns host's) say to each other: one JSON object per line
// each way. A request runs one argv, waits for a file inside the host to say something, reads a background
// process's output, signals a process or sends a marker frame; its reply comes when it has ended. A background
// process writes its output to files inside the host, as on every host kind, and its pid is announced as soon as
// it has started.
import type { FileWatch, HostSignal } from '../command.ts';
import type { NetnsRef, RawResult, RunOptions } from '../host.ts';

/** one command: what the harness's transport is asked to run, with an id to match the reply */
export interface CommandRequest extends Omit<RunOptions, 'stdin' | 'onStarted'> {
  id: number;
  argv: string[];
  stdin?: string;
  /** the command starts now; its input comes later as an AgentInput (a prober that starts while a build runs) */
  stdinFollows?: true;
}

export interface WatchRequest {
  id: number;
  watch: FileWatch;
  timeoutMs: number;
}

export interface ReadRequest {
  id: number;
  read: string;
  remove: boolean;
}

/** a signal to a process of the host (a background process's pid, as the agent said it) */
export interface SignalRequest {
  id: number;
  kill: number;
  signal: HostSignal;
}

/**
 * a frame of this ethertype, addressed to its sender, out of each interface that is up and running (a capture's
 * end marker); the reply's stdout lists the indexes it went out of, one per line
 */
export interface MarkRequest {
  id: number;
  mark: Array<[netns: NetnsRef | null, iface: string]>;
  ethertype: number;
}

/** a nested agent (a room of a VM) started by argv; its lines are relayed as Relayed, its end is the reply */
export interface NestRequest {
  id: number;
  nest: string[];
}

export type AgentRequest = CommandRequest | WatchRequest | ReadRequest | SignalRequest | MarkRequest | NestRequest;

/** a line to or from a nested agent, by its nest request's id; `end`: its input ends (it exits) */
export type Relayed = { via: number; line: string } | { via: number; end: true };

/** the input of a request sent with stdinFollows, once the harness knows it */
export interface AgentInput {
  id: number;
  input: string;
}

export type AgentMessage =
  | { ready: true; release: string }
  | { id: number; started: number }
  | ({ id: number } & RawResult)
  | { via: number; line: string };

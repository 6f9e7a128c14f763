// The harness's end of a host's agent: requests out and replies in, matched by id, over whatever carries them (the
// socket qemu hands to a VM's virtio-serial port, a netns agent's pipes). When the host ends, every request still
// waiting is answered with exit -1 and why.
import { createInterface } from 'node:readline';
import { PassThrough, Writable, type Readable } from 'node:stream';
import type { FileWatch, HostSignal } from '../command.ts';
import type { HostTransport, InterfaceRef, RawResult, RunOptions } from '../host.ts';
import type { AgentInput, AgentMessage, AgentRequest, CommandRequest, Relayed } from './protocol.ts';

/** a read of two small files or a signal takes milliseconds: this only catches an agent that no longer answers */
const AGENT_BACKSTOP_MS = 30_000;

/** A nested agent's two streams, as a child process's pipes would be, and its start and end. */
export interface NestedAgent {
  output: Readable;
  input: Writable;
  /** its process in the host, once started */
  started: Promise<number>;
  /** it ended (exit status, its stderr): its room is gone */
  ended: Promise<RawResult>;
}

interface Waiting {
  answer: (result: RawResult) => void;
  started?: (pid: number) => void;
}

export class AgentChannel implements HostTransport {
  readonly #output: Writable;
  readonly #waiting = new Map<number, Waiting>();
  /** nested agents' lines, by their nest request's id */
  readonly #nested = new Map<number, PassThrough>();
  #nextId = 0;
  #ended: string | undefined;
  /** resolves with the host's kernel release once the agent has said it is ready */
  readonly ready: Promise<string>;

  constructor(input: Readable, output: Writable) {
    this.#output = output;
    // a write after the agent has gone: its end is said by whoever watches it (qemu, the agent's process)
    output.on('error', () => {});
    let becameReady: (release: string) => void;
    this.ready = new Promise((resolve) => (becameReady = resolve));
    createInterface({ input }).on('line', (line) => {
      if (!line.startsWith('{')) return; // only the agent writes here: anything else is no reply
      const message = JSON.parse(line) as AgentMessage;
      if ('ready' in message) return becameReady(message.release);
      if ('via' in message) return void this.#nested.get(message.via)?.write(`${message.line}\n`);
      if ('started' in message) return this.#waiting.get(message.id)?.started?.(message.started);
      const { id, ...result } = message;
      this.#waiting.get(id)?.answer(result);
      this.#waiting.delete(id);
    });
  }

  run(argv: readonly string[], { stdin: input, onStarted, ...opts }: RunOptions): Promise<RawResult> {
    // input not known yet follows the request: the command starts now, as a local one does
    const follows = input !== undefined && typeof input !== 'string';
    const request = (id: number): CommandRequest => ({
      id,
      argv: [...argv],
      ...opts,
      ...(typeof input === 'string' ? { stdin: input } : {}),
      ...(follows ? { stdinFollows: true as const } : {}),
    });
    const { id, result } = this.#request(request, opts.backstopMs, onStarted);
    if (follows && id !== undefined) {
      const send = (text: string) => this.#send({ id, input: text } satisfies AgentInput);
      void Promise.resolve(input).then(send, () => send(''));
    }
    return result;
  }

  watch(watch: FileWatch, { timeoutMs, backstopMs }: { timeoutMs: number; backstopMs: number }): Promise<RawResult> {
    return this.#request((id) => ({ id, watch, timeoutMs }), backstopMs).result;
  }

  read(prefix: string, remove: boolean): Promise<RawResult> {
    return this.#request((id) => ({ id, read: prefix, remove }), AGENT_BACKSTOP_MS).result;
  }

  signal(pid: number, signal: HostSignal): Promise<RawResult> {
    return this.#request((id) => ({ id, kill: pid, signal }), AGENT_BACKSTOP_MS).result;
  }

  mark(points: ReadonlyArray<InterfaceRef>, ethertype: number): Promise<RawResult> {
    const mark = points.map(({ ns, iface }): [string | null, string] => [ns ?? null, iface]);
    return this.#request((id) => ({ id, mark, ethertype }), AGENT_BACKSTOP_MS).result;
  }

  /** Starts a nested agent by argv (a room of this host): its lines are relayed over this channel. */
  nest(argv: readonly string[]): NestedAgent {
    const output = new PassThrough();
    const started = Promise.withResolvers<number>();
    // a room lives as long as it is used: no backstop
    const { id, result } = this.#request((id) => ({ id, nest: [...argv] }), Infinity, started.resolve);
    // no id: this channel has ended, the request was answered at once and nothing is relayed
    const relay = (message: { line: string } | { end: true }) => {
      if (id !== undefined) this.#send({ via: id, ...message });
    };
    if (id !== undefined) this.#nested.set(id, output);
    const ended = result.then((end) => {
      if (id !== undefined) this.#nested.delete(id);
      output.end();
      return end;
    });
    const input = new Writable({
      write(chunk: Buffer, _encoding, done) {
        // the nested channel writes one message per line
        for (const line of chunk.toString().split('\n').filter(Boolean)) relay({ line });
        done();
      },
      final(done) {
        relay({ end: true });
        done();
      },
    });
    return { output, input, started: started.promise, ended };
  }

  /** The host is gone: every request still waiting, and every later one, gets exit -1 with this cause. */
  end(cause: string): void {
    this.#ended ??= cause;
    for (const id of [...this.#waiting.keys()]) this.#answer(id, cause);
  }

  #request(
    make: (id: number) => AgentRequest,
    backstopMs: number,
    started?: (pid: number) => void,
  ): { id?: number; result: Promise<RawResult> } {
    if (this.#ended) return { result: Promise.resolve({ exitCode: -1, stdout: '', stderr: this.#ended }) };
    const id = ++this.#nextId;
    const result = new Promise<RawResult>((resolve) => {
      const cause = `the host's agent gave no answer in ${backstopMs / 1000} s`;
      const backstop = Number.isFinite(backstopMs) ? setTimeout(() => this.#answer(id, cause), backstopMs) : undefined;
      const answer = (result: RawResult) => {
        clearTimeout(backstop);
        resolve(result);
      };
      this.#waiting.set(id, { answer, ...(started ? { started } : {}) });
    });
    this.#send(make(id));
    return { id, result };
  }

  #send(message: AgentRequest | AgentInput | Relayed): void {
    if (!this.#ended) this.#output.write(`${JSON.stringify(message)}\n`);
  }

  #answer(id: number, cause: string): void {
    this.#waiting.get(id)?.answer({ exitCode: -1, stdout: '', stderr: cause });
    this.#waiting.delete(id);
  }
}

// The harness's end of a host's agent: requests out and replies in, matched by id, over whatever carries them (the
// socket qemu hands to a VM's virtio-serial port, a netns agent's pipes). When the host ends, every command still
// waiting is answered with exit -1 and why.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type { RawResult, RunOptions } from '../host.ts';
import type { AgentInput, AgentMessage, AgentRequest } from './protocol.ts';

export class AgentChannel {
  readonly #output: Writable;
  readonly #waiting = new Map<number, (result: RawResult) => void>();
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
      const { id, ...result } = message;
      this.#waiting.get(id)?.(result);
      this.#waiting.delete(id);
    });
  }

  run(argv: readonly string[], { stdin: input, ...opts }: RunOptions): Promise<RawResult> {
    if (this.#ended) return Promise.resolve({ exitCode: -1, stdout: '', stderr: this.#ended });
    const id = ++this.#nextId;
    // input not known yet follows the request: the command starts now, as a local one does
    const follows = input !== undefined && typeof input !== 'string';
    const request: AgentRequest = {
      id,
      argv: [...argv],
      ...opts,
      ...(typeof input === 'string' ? { stdin: input } : {}),
      ...(follows ? { stdinFollows: true as const } : {}),
    };
    const result = new Promise<RawResult>((resolve) => {
      const cause = `the host's agent gave no answer in ${opts.backstopMs / 1000} s`;
      const backstop = setTimeout(() => this.#answer(id, cause), opts.backstopMs);
      this.#waiting.set(id, (answer) => {
        clearTimeout(backstop);
        resolve(answer);
      });
    });
    this.#send(request);
    if (follows) {
      const send = (text: string) => this.#send({ id, input: text } satisfies AgentInput);
      void Promise.resolve(input).then(send, () => send(''));
    }
    return result;
  }

  /** The host is gone: every command still waiting, and every later one, gets exit -1 with this cause. */
  end(cause: string): void {
    this.#ended ??= cause;
    for (const id of [...this.#waiting.keys()]) this.#answer(id, cause);
  }

  #send(message: AgentRequest | AgentInput): void {
    if (!this.#ended) this.#output.write(`${JSON.stringify(message)}\n`);
  }

  #answer(id: number, cause: string): void {
    this.#waiting.get(id)?.({ exitCode: -1, stdout: '', stderr: cause });
    this.#waiting.delete(id);
  }
}

// The harness's end of a VM host's agent: requests out and replies in on the socket qemu carries to the guest's
// virtio-serial port, matched by id. When the VM ends, every command still waiting is answered with exit -1 and why.
import { createInterface } from 'node:readline';
import type { Duplex } from 'node:stream';
import type { RawResult, RunOptions } from '../host.ts';
import type { AgentMessage, AgentRequest } from './agent-protocol.ts';

export class AgentChannel {
  readonly #socket: Duplex;
  readonly #waiting = new Map<number, (result: RawResult) => void>();
  #nextId = 0;
  #ended: string | undefined;
  /** resolves with the guest's kernel release once the agent has said it is ready */
  readonly ready: Promise<string>;

  constructor(socket: Duplex) {
    this.#socket = socket;
    let becameReady: (release: string) => void;
    this.ready = new Promise((resolve) => (becameReady = resolve));
    createInterface({ input: socket }).on('line', (line) => {
      if (!line.startsWith('{')) return; // only the agent writes here: anything else is no reply
      const message = JSON.parse(line) as AgentMessage;
      if ('ready' in message) return becameReady(message.release);
      const { id, ...result } = message;
      this.#waiting.get(id)?.(result);
      this.#waiting.delete(id);
    });
  }

  async run(argv: readonly string[], { stdin: input, ...opts }: RunOptions): Promise<RawResult> {
    // input that is not known yet is waited for here: the agent's requests carry it whole
    const stdin = await input;
    if (this.#ended) return { exitCode: -1, stdout: '', stderr: this.#ended };
    const request: AgentRequest = { id: ++this.#nextId, argv: [...argv], ...opts, ...(stdin === undefined ? {} : { stdin }) };
    return new Promise((resolve) => {
      const backstop = setTimeout(() => this.#answer(request.id, `the VM's agent gave no answer in ${opts.backstopMs / 1000} s`), opts.backstopMs);
      this.#waiting.set(request.id, (result) => {
        clearTimeout(backstop);
        resolve(result);
      });
      this.#socket.write(`${JSON.stringify(request)}\n`);
    });
  }

  /** The VM is gone: every command still waiting, and every later one, gets exit -1 with this cause. */
  end(cause: string): void {
    this.#ended ??= cause;
    for (const id of [...this.#waiting.keys()]) this.#answer(id, cause);
  }

  #answer(id: number, cause: string): void {
    this.#waiting.get(id)?.({ exitCode: -1, stdout: '', stderr: cause });
    this.#waiting.delete(id);
  }
}

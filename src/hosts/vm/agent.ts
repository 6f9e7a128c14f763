// The agent inside a VM host (it runs in the guest, under the machine's own node, seen over 9p): it reads one
// request per line from the virtio-serial port, runs its argv, and writes one reply per line when it has ended.
// Requests run side by side, as commands do on the other host kinds.
import { spawn } from 'node:child_process';
import { createReadStream, createWriteStream, openSync, readdirSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { createInterface } from 'node:readline';
import { AGENT_PORT, type AgentMessage, type AgentRequest } from './agent-protocol.ts';

function portDevice(name: string): string {
  const ports = '/sys/class/virtio-ports';
  const port = readdirSync(ports).find((entry) => readFileSync(`${ports}/${entry}/name`, 'utf8').trim() === name);
  if (!port) throw new Error(`no virtio-serial port named ${name} under ${ports}`);
  return `/dev/${port}`;
}

// A virtio-serial port opens once: one descriptor serves both directions.
const fd = openSync(portDevice(AGENT_PORT), 'r+');
const output = createWriteStream('', { fd, autoClose: false });
const send = (message: AgentMessage) => output.write(`${JSON.stringify(message)}\n`);

function run({ id, argv, stdin }: AgentRequest): void {
  const [file, ...args] = argv;
  const child = spawn(file!, args, { stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  child.stdin?.end(stdin);
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
  let answered = false;
  const answer = (exitCode: number, failure = '') => {
    if (answered) return;
    answered = true;
    send({ id, exitCode, stdout: Buffer.concat(stdout).toString(), stderr: Buffer.concat(stderr).toString() + failure });
  };
  child.once('error', (error) => answer(127, `${file}: ${error.message}`));
  child.once('close', (code, signal) => answer(code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)));
}

send({ ready: true, release: release(), startedMs: Math.round(performance.now()) });
for await (const line of createInterface({ input: createReadStream('', { fd, autoClose: false }) })) {
  if (line.trim()) run(JSON.parse(line) as AgentRequest);
}

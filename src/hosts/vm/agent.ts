// The agent inside a VM host (it runs in the guest, under the machine's own node, seen over 9p): it reads one
// request per line from the virtio-serial port, runs its argv, and writes one reply per line when it has ended.
// Requests run side by side, as commands do on the other host kinds, and each the way a local transport runs one.
import { createReadStream, createWriteStream, openSync, readdirSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { createInterface } from 'node:readline';
import { runLocally } from '../local-transport.ts';
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

send({ ready: true, release: release() });
for await (const line of createInterface({ input: createReadStream('', { fd, autoClose: false }) })) {
  if (!line.trim()) continue;
  const { id, argv, ...opts } = JSON.parse(line) as AgentRequest;
  void runLocally([], argv, opts).then((result) => send({ id, ...result }));
}

// What the harness and the agent inside a VM host say to each other over the VM's virtio-serial port: one JSON
// object per line each way. A request runs one argv; its reply comes when it has ended (output is not streamed:
// a background process writes its output to files inside the host, as on every host kind).

/** the virtio-serial port's name: the guest finds its device under /sys/class/virtio-ports by it */
export const AGENT_PORT = 'netns-conformance.agent';

export interface AgentRequest {
  id: number;
  argv: string[];
  stdin?: string;
}

export type AgentMessage =
  | { ready: true; release: string; startedMs: number }
  | { id: number; exitCode: number; stdout: string; stderr: string };

// A conflist run as a CNI runtime runs it (libcni's AddNetworkList, CheckNetworkList and DelNetworkList; the
// spec's "Network configuration lists"): each plugin gets its own entry with the list's name and cniVersion,
// the runtime's capability arguments it declares as runtimeConfig, and a prevResult (ADD: the previous
// plugin's result; CHECK and DEL: the result the ADD ended with). DEL runs the plugins in reverse order.
import type { Host } from '../../hosts/host.ts';
import type { Conflist, PluginConf } from './conflist.ts';

export interface Attachment {
  containerId: string;
  /** the namespace's path inside the host: /run/netns/web */
  netns: string;
  ifname: string;
  /** the runtime's capability arguments, by capability: { portMappings: [...] } */
  capabilityArgs: Record<string, unknown>;
}

/** Where the plugins are, and the PATH they run with (the cell's iptables first). */
export interface Runtime {
  host: Host;
  pluginDir: string;
  path: string;
}

type Command = 'ADD' | 'CHECK' | 'DEL';
export type CniResult = Record<string, unknown>;

/** A plugin that refused: its own error (SPEC.md "Error"), as it said it. */
export class CniError extends Error {
  readonly plugin: string;
  constructor(plugin: string, command: Command, said: string) {
    super(`${plugin} ${command}: ${said}`);
    this.name = 'CniError';
    this.plugin = plugin;
  }
}

/** The entry as the plugin reads it on stdin. */
export function pluginInput(
  plugin: PluginConf,
  conflist: Conflist,
  attachment: Attachment,
  prevResult: CniResult | undefined,
): Record<string, unknown> {
  const runtimeConfig = Object.fromEntries(
    Object.entries(plugin.capabilities ?? {})
      .filter(([capability, asked]) => asked && capability in attachment.capabilityArgs)
      .map(([capability]) => [capability, attachment.capabilityArgs[capability]]),
  );
  return {
    ...plugin,
    name: conflist.name,
    cniVersion: conflist.cniVersion,
    ...(prevResult ? { prevResult } : {}),
    ...(Object.keys(runtimeConfig).length ? { runtimeConfig } : {}),
  };
}

async function invoke(
  runtime: Runtime,
  command: Command,
  input: Record<string, unknown>,
  attachment: Attachment,
): Promise<CniResult | undefined> {
  const type = String(input.type);
  const env = {
    CNI_COMMAND: command,
    CNI_CONTAINERID: attachment.containerId,
    CNI_NETNS: attachment.netns,
    CNI_IFNAME: attachment.ifname,
    CNI_PATH: runtime.pluginDir,
    PATH: runtime.path,
  };
  const run = await runtime.host.exec(
    ['env', ...Object.entries(env).map(([key, value]) => `${key}=${value}`), `${runtime.pluginDir}/${type}`],
    { stdin: JSON.stringify(input), expectExit: 'any' },
  );
  if (run.exitCode !== 0) throw new CniError(type, command, errorOf(run.stdout, run.stderr, run.exitCode));
  return command === 'ADD' ? (JSON.parse(run.stdout) as CniResult) : undefined;
}

/** The plugin's error object in its words (msg, details), else what it printed. */
function errorOf(stdout: string, stderr: string, exitCode: number): string {
  try {
    const { msg, details } = JSON.parse(stdout) as { msg?: string; details?: string };
    if (msg) return details ? `${msg}: ${details}` : msg;
  } catch {
    // not the spec's error object: its own words follow
  }
  return (stderr || stdout).trim().split('\n').slice(-2).join(' | ') || `exit ${exitCode} and nothing printed`;
}

/** ADD through the chain; the last plugin's result is the attachment's. */
export async function add(runtime: Runtime, conflist: Conflist, attachment: Attachment): Promise<CniResult> {
  let result: CniResult | undefined;
  for (const plugin of conflist.plugins)
    result = await invoke(runtime, 'ADD', pluginInput(plugin, conflist, attachment, result), attachment);
  return result!;
}

/** CHECK through the chain, each plugin given the ADD's result. */
export async function check(
  runtime: Runtime,
  conflist: Conflist,
  attachment: Attachment,
  result: CniResult,
): Promise<void> {
  for (const plugin of conflist.plugins)
    await invoke(runtime, 'CHECK', pluginInput(plugin, conflist, attachment, result), attachment);
}

/** DEL through the chain in reverse; like libcni, the first plugin that fails ends it. */
export async function del(
  runtime: Runtime,
  conflist: Conflist,
  attachment: Attachment,
  result: CniResult | undefined,
): Promise<void> {
  for (const plugin of [...conflist.plugins].reverse())
    await invoke(runtime, 'DEL', pluginInput(plugin, conflist, attachment, result), attachment);
}

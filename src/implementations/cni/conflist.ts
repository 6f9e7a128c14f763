// A CNI network configuration list (SPEC.md of containernetworking/cni, "Network configuration lists"), read
// and checked once, when NETNS_IMPL names it: what the harness needs of it to run its chain as a runtime would.
import { readFileSync } from 'node:fs';
import { HarnessSetupError } from '../../setup-error.ts';

export interface PluginConf {
  type: string;
  /** the runtime's capability arguments it asks for: portMappings */
  capabilities?: Record<string, boolean>;
  [key: string]: unknown;
}

export interface Conflist {
  name: string;
  cniVersion: string;
  plugins: PluginConf[];
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The conflist at path; one line naming what is wrong with it otherwise. */
export function readConflist(path: string, id: string): Conflist {
  const wrong = (problem: string) =>
    new HarnessSetupError(`NETNS_IMPL=${id}: ${path} ${problem}; see examples/cni/bridge.conflist`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw wrong(`is not JSON (${(error as Error).message})`);
  }
  if (!isObject(parsed)) throw wrong('is not a JSON object');
  if (typeof parsed.name !== 'string' || !parsed.name) throw wrong('has no "name"');
  if (typeof parsed.cniVersion !== 'string') throw wrong('has no "cniVersion"');
  if (!Array.isArray(parsed.plugins) || parsed.plugins.length === 0) throw wrong('has no "plugins" list');
  for (const [index, plugin] of (parsed.plugins as unknown[]).entries()) {
    if (!isObject(plugin) || typeof plugin.type !== 'string' || !/^[\w.-]+$/.test(plugin.type))
      throw wrong(`plugins[${index}] has no plugin "type"`);
  }
  if (!(parsed.plugins as PluginConf[]).some((plugin) => plugin.type === 'bridge'))
    throw wrong('has no "bridge" plugin: the harness judges bridge networking');
  return parsed as unknown as Conflist;
}

/** The bridge plugin's entry: its bridge's name (the plugin's default, cni0, when it names none). */
export function bridgeOf(conflist: Conflist): string {
  const bridge = conflist.plugins.find((plugin) => plugin.type === 'bridge')!;
  return typeof bridge.bridge === 'string' ? bridge.bridge : 'cni0';
}

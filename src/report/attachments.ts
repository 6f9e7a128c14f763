// What each guide step attaches to the report: the commands that ran (with exit status and output) and the
// host's state after it: addresses and routes per namespace, and the firewall as iptables-save and nft show it.
import * as allure from 'allure-js-commons';
import type { CommandResult } from '../hosts/command.ts';
import type { Host } from '../hosts/host.ts';
import type { StepContext } from '../topology/step.ts';

export function formatCommands(commands: readonly CommandResult[]): string {
  return commands
    .map((c) => {
      const output = [c.stdout.trimEnd(), c.stderr.trimEnd()].filter(Boolean).join('\n');
      return `${c.ns ? `[${c.ns}] ` : ''}$ ${c.display}\n# exit ${c.exitCode}${c.timedOut ? ' (timed out)' : ''}, ${c.durationMs} ms${output ? `\n${output}` : ''}`;
    })
    .join('\n\n');
}

export async function attachCommands(commands: readonly CommandResult[]): Promise<void> {
  if (commands.length) await allure.attachment('commands', formatCommands(commands), 'text/plain');
}

/** One attachment per command, each section headed by the namespace it ran in. */
async function attachPerNamespace(host: Host, name: string, argv: string[], namespaces: Array<string | undefined>): Promise<void> {
  const sections = await Promise.all(
    namespaces.map(async (ns) => {
      const result = await host.exec(argv, { ns, expectExit: 'any' });
      return `## ${ns ?? 'host'}\n${(result.exitCode === 0 ? result.stdout : result.stderr).trimEnd() || '(empty)'}`;
    }),
  );
  await allure.attachment(name, sections.join('\n\n'), 'text/plain');
}

export async function attachHostState({ host, topology, iptables }: StepContext): Promise<void> {
  const namespaces = [undefined, ...topology.namespaces.map((ns) => ns.name), topology.internet.namespace];
  await Promise.all([
    attachPerNamespace(host, 'ip -br addr', ['ip', '-br', 'addr'], namespaces),
    attachPerNamespace(host, 'ip route', ['ip', 'route'], namespaces),
    attachPerNamespace(host, `${iptables}-save -c`, [`${iptables}-save`, '-c'], [undefined]),
    attachPerNamespace(host, 'nft list ruleset', ['nft', 'list', 'ruleset'], [undefined]),
  ]);
}

// What each guide step attaches to the report: the commands that ran (with exit status and output) and the
// host's state after it: addresses and routes per namespace, and the firewall as iptables-save and nft show it.
import { readFileSync } from 'node:fs';
import * as allure from 'allure-js-commons';
import type { CommandResult } from '../hosts/command.ts';
import type { StepContext } from '../implementations/guide/step.ts';
import { checksCsv, type CheckLine } from './rows-table.ts';

export function formatCommands(commands: readonly CommandResult[]): string {
  return commands
    .map((c) => {
      const output = [c.stdout.trimEnd(), c.stderr.trimEnd()].filter(Boolean).join('\n');
      return (
        `${c.ns ? `[${c.ns}] ` : ''}$ ${c.display}\n# exit ${c.exitCode}${c.timedOut ? ' (timed out)' : ''}, ` +
        `${c.durationMs} ms${output ? `\n${output}` : ''}`
      );
    })
    .join('\n\n');
}

/** Checks as a table in the report (CSV, which Allure shows as one), under `name`. */
export async function attachChecks(name: string, rows: readonly CheckLine[]): Promise<void> {
  await allure.attachment(name, checksCsv(rows), 'text/csv');
}

export async function attachCommands(commands: readonly CommandResult[]): Promise<void> {
  if (commands.length) await allure.attachment('commands', formatCommands(commands), 'text/plain');
}

const HOST_STATE = readFileSync(new URL('./host-state.sh', import.meta.url), 'utf8');

/** One attachment per kind of state; the per-namespace ones have a section for each namespace. */
export async function attachHostState({ host, topology, iptables }: StepContext): Promise<void> {
  const namespaces = ['host', ...topology.namespaces.map((ns) => ns.name), topology.internet.namespace];
  const { stdout } = await host.exec(['sh', '-c', HOST_STATE, 'host-state', iptables, ...namespaces], {
    expectExit: 'any',
  });
  const attachments = new Map<string, string[]>();
  for (const section of stdout.split(/^@@ /m).slice(1)) {
    const [heading, ...body] = section.split('\n');
    const [, title, ns] = /^(.*?) @@ ?(.*)$/.exec(heading!) ?? [];
    const text = body.join('\n').trimEnd() || '(empty)';
    attachments.set(title!, [...(attachments.get(title!) ?? []), ns ? `## ${ns}\n${text}` : text]);
  }
  for (const [title, sections] of attachments) await allure.attachment(title, sections.join('\n\n'), 'text/plain');
}

// Another program's firewall on the host, as property 10 puts it beside an implementation (moby's
// TestDropInForwardChain; a host firewall such as ufw or firewalld): a DROP rule appended to FORWARD, FORWARD's
// policy set to DROP, or an nft table of its own whose chain on the forward hook drops. Each is put in place in
// every family of the world after the implementation is set up, judged, and taken out again as it was; what it
// dropped meanwhile is counted.
import type { Host } from '../hosts/host.ts';
import { countedTable } from '../evidence/counters.ts';
import { nftCountedRules } from '../evidence/nft-counters.ts';
import { iptablesIn, iptablesOf, type Firewall, type Ip6tablesCommand, type IptablesCommand } from '../net/firewall.ts';
import type { Family } from './world.ts';

export const FOREIGN_FIREWALLS = ['forward-drop-rule', 'forward-drop-policy', 'nft-forward-drop'] as const;
export type ForeignFirewall = (typeof FOREIGN_FIREWALLS)[number];

/** another program's nft table (a name no implementation uses, so the diagnosis can tell it apart) */
export const FOREIGN_TABLE = 'another_program';

/** What another program did, in words. */
export const FOREIGN_TEXT: Record<ForeignFirewall, string> = {
  'forward-drop-rule': 'another program appended a DROP rule to FORWARD (iptables -A FORWARD -j DROP)',
  'forward-drop-policy': "another program set FORWARD's policy to DROP (iptables -P FORWARD DROP)",
  'nft-forward-drop': `another program's nft table (inet ${FOREIGN_TABLE}) drops on the forward hook (policy drop)`,
};

/**
 * Why one cannot be judged in a cell, or undefined. In an nft cell the harness cannot yet tell another program's
 * nft table from the implementation's own, nor read an iptables rule beside them: only iptables cells judge 10.
 */
export function foreignSkip(firewall: Firewall): string | undefined {
  return firewall === 'nft'
    ? "judged in iptables cells only: in an nft cell the diagnosis cannot yet tell another program's tables apart"
    : undefined;
}

/** What `action` gave, and how many packets the other program's firewall dropped meanwhile: the evidence. */
export interface BesideForeign<T> {
  result: T;
  dropped: number;
}

/**
 * Runs `action` with another program's firewall in place in every family, and takes it out afterwards. Each kind
 * is counted: its DROP rule's counter, FORWARD's policy counter (moved while the policy was DROP), and a counter
 * rule that every packet passes on its way to the nft chain's policy drop.
 */
export async function withForeignFirewall<T>(
  host: Host,
  firewall: Firewall,
  families: readonly Family[],
  foreign: ForeignFirewall,
  action: () => Promise<T>,
): Promise<BesideForeign<T>> {
  const undo: string[][] = [];
  const iptables = families.map((family) => iptablesIn(iptablesOf(firewall), family));
  try {
    if (foreign === 'nft-forward-drop') {
      const chain = `{ type filter hook forward priority 0; policy drop; }`;
      await host.exec(['nft', 'add', 'table', 'inet', FOREIGN_TABLE]);
      undo.push(['nft', 'delete', 'table', 'inet', FOREIGN_TABLE]);
      await host.exec(['nft', 'add', 'chain', 'inet', FOREIGN_TABLE, 'forward', chain]);
      await host.exec(['nft', 'add', 'rule', 'inet', FOREIGN_TABLE, 'forward', 'counter']);
      const result = await action();
      return { result, dropped: await nftDropped(host) };
    }
    for (const command of iptables) {
      if (foreign === 'forward-drop-rule') {
        await host.exec([command, '-A', 'FORWARD', '-j', 'DROP']);
        undo.push([command, '-D', 'FORWARD', '-j', 'DROP']);
      } else {
        const policy = await forwardPolicy(host, command);
        await host.exec([command, '-P', 'FORWARD', 'DROP']);
        undo.push([command, '-P', 'FORWARD', policy]);
      }
    }
    // counted from here: setting a policy may reset its counter, and until now it counted what it accepted
    const before = await forwardCounts(host, iptables, foreign);
    const result = await action();
    return { result, dropped: (await forwardCounts(host, iptables, foreign)) - before };
  } finally {
    for (const command of undo.reverse()) await host.exec(command);
  }
}

/** FORWARD's policy as it is (ACCEPT, DROP), from the table's counted lines, where a policy is position 0. */
async function forwardPolicy(host: Host, iptables: IptablesCommand | Ip6tablesCommand): Promise<string> {
  const policy = (await countedTable(host, iptables, 'filter')).find(
    (line) => line.chain === 'FORWARD' && line.position === 0,
  );
  if (!policy) throw new Error(`${iptables}-save -c -t filter gave no policy for FORWARD`);
  return policy.text;
}

/** Packets counted so far, in every family: by FORWARD's last plain DROP rule, or by its policy. */
async function forwardCounts(
  host: Host,
  iptables: ReadonlyArray<IptablesCommand | Ip6tablesCommand>,
  foreign: ForeignFirewall,
): Promise<number> {
  let packets = 0;
  for (const command of iptables) {
    const forward = (await countedTable(host, command, 'filter')).filter((line) => line.chain === 'FORWARD');
    const counted =
      foreign === 'forward-drop-policy'
        ? forward.find((line) => line.position === 0)
        : forward.findLast((line) => line.position > 0 && line.text === '-j DROP');
    packets += counted?.packets ?? 0;
  }
  return packets;
}

/** The packets the nft chain's counter saw on their way to its policy drop. */
async function nftDropped(host: Host): Promise<number> {
  const rules = await nftCountedRules(host);
  return rules.find((rule) => rule.table === `inet ${FOREIGN_TABLE}` && rule.chain === 'forward')?.packets ?? 0;
}

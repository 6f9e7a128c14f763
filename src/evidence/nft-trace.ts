// Which nft chain decided a probe's packets, from the kernel's own trace (nftrace): a chain's policy drop is
// counted nowhere, so the trace is its evidence. A table of the harness's own marks the packets to or from the
// probe's addresses while the action runs, and is deleted with it: the user's ruleset is left as it was.
import type { Host } from '../hosts/host.ts';

export const TRACE_TABLE = 'netns_conformance_trace';

/** A drop the trace saw: by a chain's policy (no rule) or by one rule, with how many packets it took. */
export interface TracedDrop {
  family: string;
  table: string;
  chain: string;
  /** the rule as the trace prints it, counters left out; undefined: the chain's policy */
  rule?: string;
  packets: number;
}

/**
 * Runs `action` with every packet to or from `addresses` (one family's: a probe's) traced; returns its result and
 * the drops seen.
 */
export async function traced<T>(host: Host, addresses: string[], action: () => Promise<T>): Promise<Traced<T>> {
  // the table's family is the addresses': an ip table cannot match an IPv6 address, nor hook IPv6 packets
  const family = addresses.every((address) => address.includes(':')) ? 'ip6' : 'ip';
  const monitor = await host.spawn(['nft', 'monitor']);
  let armed = false;
  try {
    // listening before the table is added (started is not listening: a fast host raced it, and the table's
    // "add table" never came); the event then also says the table is in place
    await monitor.waitForNetlinkSubscription('nft monitor');
    // one transaction, as one argument: `-f -` cannot open /dev/stdin when it is a socket
    await host.exec(['nft', '-j', JSON.stringify(traceRuleset(family, addresses))]);
    armed = true;
    await monitor.waitForStdout(`add table ${family} ${TRACE_TABLE}`, 'nft monitor');
    const result = await action();
    // trace events come before the table's deletion on the monitor's one socket: once that is printed, all are
    await host.exec(['nft', 'delete', 'table', family, TRACE_TABLE]);
    armed = false;
    await monitor.waitForStdout(`delete table ${family} ${TRACE_TABLE}`, 'nft monitor');
    return { result, drops: tracedDrops((await monitor.stop('INT')).stdout) };
  } finally {
    if (armed) await host.exec(['nft', 'delete', 'table', family, TRACE_TABLE], { expectExit: 'any' });
    await monitor.stop('INT');
  }
}

export interface Traced<T> {
  result: T;
  drops: TracedDrop[];
}

/** One chain per hook a packet enters the host's stack of that family by (from a link, or from the host itself). */
function traceRuleset(family: 'ip' | 'ip6', addresses: string[]): object {
  const table = TRACE_TABLE;
  const mark = (field: 'saddr' | 'daddr') => [
    { match: { op: '==', left: { payload: { protocol: family, field } }, right: { set: addresses } } },
    { mangle: { key: { meta: { key: 'nftrace' } }, value: 1 } },
  ];
  const chains = ['prerouting', 'output'].flatMap((hook) => [
    { add: { chain: { family, table, name: hook, type: 'filter', hook, prio: -500, policy: 'accept' } } },
    { add: { rule: { family, table, chain: hook, expr: mark('saddr') } } },
    { add: { rule: { family, table, chain: hook, expr: mark('daddr') } } },
  ]);
  return { nftables: [{ add: { table: { family, name: table } } }, ...chains] };
}

// "trace id 66958882 inet foreign forward policy drop"
// "trace id 66958882 ip filter_x forward rule ip daddr 8.8.8.8 counter packets 0 bytes 0 drop (verdict drop)"
const TRACE_LINE = /^trace id (?<id>\S+) (?<family>\S+) (?<table>\S+) (?<chain>\S+) (?<verdict>.*)$/;
const DROP = /^(?:policy drop|rule (?<rule>.*) \(verdict drop\))$/;

/** The drops in `nft monitor` output, each with the number of packets (trace ids) it took. */
export function tracedDrops(output: string): TracedDrop[] {
  const drops = new Map<string, { drop: Omit<TracedDrop, 'packets'>; ids: Set<string> }>();
  for (const line of output.split('\n')) {
    const found = TRACE_LINE.exec(line.trim())?.groups;
    const dropped = found && DROP.exec(found.verdict!.trim());
    if (!found || !dropped) continue;
    const { id, family, table, chain } = found as Record<'id' | 'family' | 'table' | 'chain', string>;
    // the counter a rule has is its state at trace time, not part of what the rule says
    const rule = dropped.groups?.rule?.replace(/\bcounter packets \d+ bytes \d+\s*/, '').trim();
    const key = JSON.stringify([family, table, chain, rule]);
    const drop = { family, table, chain, ...(rule === undefined ? {} : { rule }) };
    if (!drops.has(key)) drops.set(key, { drop, ids: new Set() });
    drops.get(key)!.ids.add(id);
  }
  return [...drops.values()].map(({ drop, ids }) => ({ ...drop, packets: ids.size }));
}

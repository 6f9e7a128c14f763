// Rule counters of a native nft ruleset, for cells whose rules are one. What each rule is — its table, chain and
// position, its counter, whether it drops or translates and to where — comes from `nft -j list ruleset`; its
// words, to name it in a `why`, from `nft -a list ruleset`, joined by its handle. A rule without a counter
// cannot prove anything and is left out.
import type { Host } from '../hosts/host.ts';
import type { Counted, NatTarget, RuleMeaning } from './counters.ts';
import { listRuleset, rulesetItems } from './nft-ruleset.ts';

type Expr = Record<string, unknown>;
interface JsonRule {
  family: string;
  table: string;
  chain: string;
  handle: number;
  expr: Expr[];
}

/** Every counted rule of the host's ruleset (none when nft cannot be read), in its chain's order. */
export async function nftCountedRules(host: Host): Promise<Array<Counted & RuleMeaning>> {
  const [json, text] = await Promise.all([
    listRuleset(host),
    host.exec(['nft', '-a', 'list', 'ruleset'], { expectExit: 'any' }),
  ]);
  return json ? nftCounted(json, text.stdout) : [];
}

/** The counted rules of `nft -j list ruleset`, each with its words from `nft -a list ruleset`. */
export function nftCounted(json: string, text: string): Array<Counted & RuleMeaning> {
  const words = ruleWords(text);
  const positions = new Map<string, number>();
  return rulesetItems<{ rule?: JsonRule }>(json).flatMap(({ rule }) => {
    if (!rule) return [];
    const table = `${rule.family} ${rule.table}`;
    const position = (positions.get(`${table} ${rule.chain}`) ?? 0) + 1;
    positions.set(`${table} ${rule.chain}`, position);
    const counter = rule.expr.map((expr) => expr.counter).find((counter) => typeof counter === 'object');
    if (!counter) return []; // none, or a named counter object (`counter name "x"`), which this rule shares
    const nat = natOf(rule.expr);
    return [
      {
        table,
        chain: rule.chain,
        position,
        text: words.get(`${table} ${rule.handle}`) ?? `handle ${rule.handle}`,
        packets: (counter as { packets: number }).packets,
        drops: rule.expr.some((expr) => 'drop' in expr || 'reject' in expr),
        ...(nat ? { nat } : {}),
      },
    ];
  });
}

/** Each rule's words (its counter left out) by "family table handle": rule lines end with "# handle N". */
function ruleWords(text: string): Map<string, string> {
  const words = new Map<string, string>();
  let table = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const opened = /^table (\S+) (\S+) \{/.exec(line);
    if (opened) table = `${opened[1]} ${opened[2]}`;
    const rule = /^(.*\S) # handle (\d+)$/.exec(line);
    // a table's, chain's or set's own line ends "{ # handle N"
    if (rule && !rule[1]!.endsWith('{'))
      words.set(`${table} ${rule[2]}`, rule[1]!.replace(/\s*\bcounter packets \d+ bytes \d+/, '').trim());
  }
  return words;
}

/** The translation a rule makes: masquerade and snat its source, dnat its destination, and to where. */
function natOf(exprs: readonly Expr[]): RuleMeaning['nat'] {
  for (const expr of exprs) {
    if ('masquerade' in expr) return { kind: 'source' };
    for (const [key, kind] of [
      ['snat', 'source'],
      ['dnat', 'destination'],
    ] as const) {
      if (!(key in expr)) continue;
      const target = targetOf(expr[key] as { addr?: unknown; port?: unknown } | null);
      return { kind, ...(target ? { target } : {}) };
    }
  }
  return undefined;
}

/**
 * "to 10.88.0.2:5000" as JSON; of a range its first address and port (nft writes an address range that is a
 * prefix as one: 10.88.0.4/31); none when the address comes from a map.
 */
function targetOf(spec: { addr?: unknown; port?: unknown } | null): NatTarget | undefined {
  const first = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    if ('range' in value) return (value.range as unknown[])[0];
    if ('prefix' in value) return (value.prefix as { addr: unknown }).addr;
    return undefined;
  };
  const address = first(spec?.addr);
  const port = first(spec?.port);
  if (typeof address !== 'string') return undefined;
  return { address, ...(typeof port === 'number' ? { port } : {}) };
}

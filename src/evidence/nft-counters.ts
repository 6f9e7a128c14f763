// Rule counters from `nft list ruleset`, for cells whose rules are a native nft ruleset: the same Counted lines
// as iptables-save -c gives, for the rules that count (`counter`); a rule without one cannot prove anything.
import type { Counted } from './counters.ts';

/** Every rule with a counter, in its table ("ip nat_table") and chain, with its position among the chain's rules. */
export function nftCountedLines(ruleset: string): Counted[] {
  const lines: Counted[] = [];
  const blocks: string[] = []; // what each open brace opened: table, chain, or anything else (set, map …)
  let table = '';
  let chain = '';
  let position = 0;
  for (const raw of ruleset.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const opened = /^(table|chain|set|map|flowtable|ct|counter|quota|limit|secmark|synproxy)\b(.*)\{$/.exec(line);
    if (opened) {
      blocks.push(opened[1]!);
      if (opened[1] === 'table') table = opened[2]!.trim();
      if (opened[1] === 'chain') [chain, position] = [opened[2]!.trim(), 0];
      continue;
    }
    if (line === '}') {
      blocks.pop();
      continue;
    }
    if (blocks.at(-1) !== 'chain' || /^type \S+ hook /.test(line) || line.startsWith('policy ')) continue;
    position += 1;
    const counter = /\bcounter packets (\d+) bytes \d+\s*/.exec(line);
    if (counter)
      lines.push({ table, chain, position, text: line.replace(counter[0], '').trim(), packets: Number(counter[1]) });
  }
  return lines;
}

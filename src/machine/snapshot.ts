// The machine's own network namespace, summarised before and after a run: the harness must never change it
// (routes, rules, sysctls, links, firewall, namespaces). Counters and timestamps are left out: they move by themselves.
import { execa } from 'execa';

export type MachineSnapshot = Record<string, string>;

const SYSCTLS = ['net.ipv4.ip_forward', 'net.ipv4.conf.all.forwarding', 'net.bridge.bridge-nf-call-iptables'];

const SECTIONS: Record<string, { argv: string[]; clean?: (text: string) => string }> = {
  links: {
    argv: ['ip', '-j', 'link'],
    clean: (text) =>
      JSON.stringify(
        (JSON.parse(text) as Array<Record<string, unknown>>).map(({ ifname, master, flags }) => ({
          ifname,
          master,
          flags,
        })),
      ),
  },
  addresses: {
    argv: ['ip', '-j', 'addr'],
    clean: (text) =>
      JSON.stringify(
        (JSON.parse(text) as Array<{ ifname: string; addr_info: Array<{ local: string; prefixlen: number }> }>).map(
          ({ ifname, addr_info }) => ({ ifname, addr: addr_info.map((a) => `${a.local}/${a.prefixlen}`) }),
        ),
      ),
  },
  routes: { argv: ['ip', 'route', 'show', 'table', 'all'] },
  rules: { argv: ['ip', 'rule'] },
  namespaces: { argv: ['ip', 'netns', 'list'] },
  sysctls: { argv: ['sysctl', ...SYSCTLS] },
  'iptables-nft': { argv: ['iptables-nft-save'], clean: dropCounters },
  'iptables-legacy': { argv: ['iptables-legacy-save'], clean: dropCounters },
  nftables: {
    argv: ['nft', 'list', 'ruleset'],
    clean: (text) => text.replace(/counter packets \d+ bytes \d+/g, 'counter'),
  },
};

function dropCounters(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .map((line) => line.replace(/\[\d+:\d+\]/g, ''))
    .join('\n');
}

/** Reads what it can; a tool that is missing or refuses (no root) yields its error text, compared like the rest. */
export async function snapshotMachine(): Promise<MachineSnapshot> {
  const entries = await Promise.all(
    Object.entries(SECTIONS).map(async ([name, { argv, clean }]) => {
      const result = await execa(argv[0]!, argv.slice(1), { reject: false, timeout: 15_000 });
      const text =
        result.exitCode === 0
          ? String(result.stdout)
          : `unavailable: ${String(result.stderr || result.shortMessage).trim()}`;
      return [name, result.exitCode === 0 && clean ? clean(text) : text] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** One line per changed section, with the first line that differs. */
export function machineChanges(before: MachineSnapshot, after: MachineSnapshot): string[] {
  return Object.keys(before).flatMap((section) => {
    if (before[section] === after[section]) return [];
    const was = (before[section] ?? '').split('\n');
    const now = (after[section] ?? '').split('\n');
    const index = now.findIndex((line, i) => line !== was[i]);
    const at = index === -1 ? was.length - 1 : index;
    return [`${section}: was ${JSON.stringify(was[at] ?? '')}, now ${JSON.stringify(now[at] ?? '')}`];
  });
}

// The host's own namespace as lines that can be compared before and after: its links, addresses, forwarding
// sysctls, namespaces, the rules of the cell's iptables in both families, the native nft tables beside them, and
// the files under folders an implementation keeps state in. One line per thing, so a difference names it.
import type { Host } from '../hosts/host.ts';
import { ip6tablesOf, iptablesOf, type Firewall } from '../net/firewall.ts';
import { rulesetItems } from './nft-ruleset.ts';

const SYSCTLS = ['net.ipv4.ip_forward', 'net.ipv6.conf.all.forwarding'];
// iptables-nft writes these tables, read through iptables-save already
const IPTABLES_NFT_TABLES = /^(ip|ip6) (filter|nat|mangle|raw|security)$/;

interface JsonLink {
  ifname: string;
  linkinfo?: { info_kind?: string };
}
interface JsonAddresses {
  ifname: string;
  addr_info: Array<{ local: string; prefixlen: number; scope: string }>;
}

/** what argv printed; nothing when it failed (a tool or table that is not there), unless its output counts anyway */
async function read(host: Host, argv: string[], anyExit = false): Promise<string> {
  const run = await host.exec(argv, { expectExit: 'any' });
  return run.exitCode === 0 || anyExit ? run.stdout : '';
}

const links = (json: string) =>
  (JSON.parse(json || '[]') as JsonLink[]).map(
    (link) => `link ${link.ifname}${link.linkinfo?.info_kind ? ` (${link.linkinfo.info_kind})` : ''}`,
  );

// link-local addresses come and go with their links: the link's own line says it
const addresses = (json: string) =>
  (JSON.parse(json || '[]') as JsonAddresses[]).flatMap(({ ifname, addr_info }) =>
    addr_info.filter((a) => a.scope !== 'link').map((a) => `address ${ifname} ${a.local}/${a.prefixlen}`),
  );

/** iptables-save: each chain and rule under its table, counters left out */
export function savedLines(command: string, saved: string): string[] {
  let table = '';
  return saved.split('\n').flatMap((line) => {
    if (line.startsWith('*')) table = line.slice(1);
    // a built-in chain that accepts is what iptables-nft shows for a table it merely made: nothing to compare
    if (/^:[A-Z]+ ACCEPT /.test(line)) return [];
    if (line.startsWith(':')) return [`${command} ${table}: ${line.replace(/ \[\d+:\d+\]$/, '')}`];
    return line.startsWith('-A ') ? [`${command} ${table}: ${line}`] : [];
  });
}

/** `nft -j list ruleset`: the tables and chains that are not iptables-nft's, each named where it is */
export function nativeNftLines(json: string): string[] {
  type Item = { table?: { family: string; name: string }; chain?: { family: string; table: string; name: string } };
  return rulesetItems<Item>(json).flatMap(({ table, chain }) => {
    if (table && !IPTABLES_NFT_TABLES.test(`${table.family} ${table.name}`))
      return [`nft table ${table.family} ${table.name}`];
    if (chain && !IPTABLES_NFT_TABLES.test(`${chain.family} ${chain.table}`))
      return [`nft chain ${chain.family} ${chain.table} ${chain.name}`];
    return [];
  });
}

/** Everything named above, sorted; `folders`: where files count too (a missing folder has none). */
export async function hostStateLines(
  host: Host,
  firewall: Firewall,
  folders: readonly string[] = [],
): Promise<string[]> {
  const iptables = iptablesOf(firewall);
  const ip6tables = ip6tablesOf(iptables);
  const [link, address, sysctl, netns, saved, saved6, nft, files] = await Promise.all([
    read(host, ['ip', '-j', '-d', 'link']),
    read(host, ['ip', '-j', 'addr']),
    read(host, ['sysctl', ...SYSCTLS]),
    read(host, ['ip', 'netns', 'list']),
    read(host, [`${iptables}-save`]),
    read(host, [`${ip6tables}-save`]),
    read(host, ['nft', '-j', 'list', 'ruleset']),
    // a folder that is not there has no files: find says so and goes on
    folders.length ? read(host, ['find', ...folders, '-mindepth', '1'], true) : Promise.resolve(''),
  ]);
  const lines = (text: string, prefix: string) =>
    text
      .split('\n')
      .filter(Boolean)
      .map((line) => `${prefix}${line.split(' (id:')[0]}`);
  return [
    ...links(link),
    ...addresses(address),
    ...lines(sysctl, 'sysctl '),
    ...lines(netns, 'netns '),
    ...savedLines(iptables, saved),
    ...savedLines(ip6tables, saved6),
    ...nativeNftLines(nft),
    ...lines(files, 'file '),
  ].sort();
}

// Whether a host's kernel can give a firewall backend at all, asked of the kernel itself: legacy xtables is gone
// from kernels built without CONFIG_IP_NF_IPTABLES_LEGACY, nf_tables from kernels without CONFIG_NF_TABLES.
// A cell whose backend the kernel lacks is a SKIP with this reason, never a FAIL.
import { CommandError } from '../hosts/command.ts';
import type { Host } from '../hosts/host.ts';
import type { Firewall } from './firewall.ts';
import { paced } from '../pace.ts';

/** The command that needs the backend's kernel side (the nat table, which every implementation here uses). */
const ASK: Record<Firewall, string[]> = {
  'iptables-legacy': ['iptables-legacy', '-t', 'nat', '-L', '-n'],
  'iptables-nft': ['iptables-nft', '-t', 'nat', '-L', '-n'],
  nft: ['nft', 'list', 'tables'],
};

/**
 * The first use loads the backend's modules, which under software emulation on a loaded machine takes long: the
 * question gets a minute, and one that runs out is an error, not an answer (a SKIP would hide a slow host).
 */
const ASK_DEADLINE_MS = 60_000;

/** kernel: the host's `uname -r`, which the caller has already read. */
export async function firewallMissing(host: Host, firewall: Firewall, kernel: string): Promise<string | undefined> {
  const asked = await host.exec(ASK[firewall], { expectExit: 'any', timeoutMs: paced(ASK_DEADLINE_MS) });
  if (asked.exitCode === 0) return undefined;
  if (asked.timedOut) throw new CommandError(host.name, asked, 0);
  const said = (asked.stderr || asked.stdout).trim().split('\n')[0];
  return `kernel ${kernel} gives no ${firewall}: \`${asked.display}\` exited ${asked.exitCode} (${said})`;
}

// Drops by nft tables beside a cell's iptables rules: another program's table (a forward chain with policy
// drop) decides packets too, but the cell's iptables-save never shows it, and a policy drop is counted nowhere.
// When such a table has a chain on a hook, the re-run is traced (nftrace) and the trace names the chain.
import { foreignBaseChains, type BaseChain } from '../evidence/nft-ruleset.ts';
import { traced, TRACE_TABLE, type TracedDrop } from '../evidence/nft-trace.ts';
import type { Host } from '../hosts/host.ts';
import type { Firewall } from '../net/firewall.ts';
import type { ProbeSpec } from '../probes/outcome.ts';

/** Runs `action` traced when foreign nft tables have chains on a hook; the drops they made, in words. */
export async function withForeignTrace<T>(
  host: Host,
  firewall: Firewall,
  spec: ProbeSpec,
  action: () => Promise<T>,
): Promise<{ result: T; drops: string[] }> {
  const chains = await foreignBaseChains(host, firewall, [TRACE_TABLE]);
  if (chains.length === 0) return { result: await action(), drops: [] };
  const foreign = new Set(chains.map((chain) => `${chain.family} ${chain.table}`));
  // the request goes to spec.to, its reply comes from there; an inbound probe's client is spec.source
  const addresses = [spec.to, ...(spec.source ? [spec.source] : [])];
  let ran = false; // a trace that fails after the probe ran must not run it twice
  const once = () => {
    ran = true;
    return action();
  };
  try {
    const { result, drops } = await traced(host, addresses, once);
    const theirs = drops.filter((drop) => foreign.has(`${drop.family} ${drop.table}`));
    return { result, drops: theirs.map((drop) => describeDrop(drop, firewall)) };
  } catch (error) {
    if (ran) throw error;
    // no trace: what is known is only that such chains exist, so that, and no more, is said
    const untraced = `not traced: ${(error as Error).message.split('\n')[0]}`;
    const known = chains.filter(dropsByPolicy).map((chain) => describeChain(chain, firewall, untraced));
    return { result: await action(), drops: known };
  }
}

const dropsByPolicy = (chain: BaseChain) => chain.policy === 'drop';

/** "inet foreign forward (hook forward) has policy drop (an nft table beside the iptables-nft rules; …)" */
function describeChain(chain: BaseChain, firewall: Firewall, untraced: string): string {
  const where = `${chain.family} ${chain.table} ${chain.name} (hook ${chain.hook})`;
  return `${where} has policy drop (an nft table beside the ${firewall} rules; ${untraced})`;
}

/** "dropped by inet foreign forward's policy drop (1 packet(s) in the nft trace; an nft table beside …)" */
function describeDrop(drop: TracedDrop, firewall: Firewall): string {
  const where = `${drop.family} ${drop.table} ${drop.chain}`;
  const evidence = `${drop.packets} packet(s) in the nft trace; an nft table beside the ${firewall} rules`;
  if (drop.rule === undefined) return `dropped by ${where}'s policy drop (${evidence})`;
  return `dropped in ${where} by rule "${drop.rule}" (${evidence})`;
}

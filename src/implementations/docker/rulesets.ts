// Docker's rules after its containers start (engine-rulesets.ts). The addresses are Docker's own and stable
// (172.17.0.2 and .3). A dual-stack run (dockerd with IPv6 on) has golden files of its own, with ip6tables-save
// beside iptables-save.
import type { Host } from '../../hosts/host.ts';
import type { World } from '../../world/world.ts';
import { engineRulesets, named } from '../engine-rulesets.ts';

export async function dockerRulesets(host: Host, world: World): Promise<Record<string, string>> {
  const dualStack = world.families.includes('ipv6');
  return named(dualStack ? 'dual-stack.' : '', await engineRulesets(host, dualStack));
}

// What a container engine keeps after its last container is removed, as patterns of host-state lines
// (src/evidence/host-state.ts): its shared chains stay; a rule that names one container (a single address, a
// published port, a NAT target) or one network's own chain is that container's or network's, and must go.
import type { KeptByDesign } from '../results/leftovers.ts';

/** a rule about one container or port: a single address (not loopback's), a port, a NAT target */
const NOT_ABOUT_A_CONTAINER = String.raw`(?!.*(--dport|--to-destination|(?<!::1|127\.0\.0\.1)\/(32|128)\b))`;

/** the cell's iptables-save or ip6tables-save lines that mention `names` (and no single container), with why */
export function sharedRules(names: string, why: string, notOf = ''): KeptByDesign {
  const own = notOf ? `(?!.*${notOf})` : '';
  return { matches: new RegExp(`^ip6?tables-\\S+ (raw|filter|nat): ${NOT_ABOUT_A_CONTAINER}${own}.*(${names})`), why };
}

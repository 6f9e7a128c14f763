// An implementation that calls plain `iptables` (CNI's plugins, lxc-net) writes with the cell's iptables when a
// folder of links named iptables, ip6tables … comes first on its PATH: xtables' multi binaries act by the name they
// are run as, so a link to xtables-legacy-multi named `iptables` is iptables-legacy.
import { HOST_SCRATCH, type Host } from '../hosts/host.ts';
import type { IptablesCommand } from '../net/firewall.ts';

const LINK_IPTABLES = `set -e
mkdir -p "$0"
multi=$(readlink -f "$(command -v "$1")")
for name in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore; do
  ln -sf "$multi" "$0/$name"
done`;

/** The PATH on which `iptables` is the cell's: its links first, then the system's folders. */
export async function pathWithIptables(host: Host, iptables: IptablesCommand): Promise<string> {
  const bin = `${HOST_SCRATCH}/iptables-as/${iptables}`;
  await host.exec(['sh', '-c', LINK_IPTABLES, bin, iptables]);
  return `${bin}:/usr/sbin:/usr/bin:/sbin:/bin`;
}

// A guide step: an id (so a topology can omit it), the sentence the report shows, and the commands that do it.
import type { Host, HostShell } from '../../hosts/host.ts';
import type { GatheringShell } from '../../hosts/script-shell.ts';
import type { Firewall, IptablesCommand } from '../../net/firewall.ts';
import type { StepId } from './step-ids.ts';
import type { Topology } from './topology.ts';

export interface StepContext {
  host: Host;
  /** a shell running inside the host, line by line (a walkthrough), or gathering one script (the final state) */
  $: HostShell | GatheringShell;
  topology: Topology;
  iptables: IptablesCommand;
  /** what the NAT rules are written with: iptables (the guide's own words) or a native nft ruleset */
  firewall: Firewall;
}

export interface Step<T = void> {
  id: StepId;
  title: string;
  run(ctx: StepContext): Promise<T>;
}

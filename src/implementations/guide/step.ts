// A guide step: an id (so a topology can omit it), the sentence the report shows, and the commands that do it.
import type { Shell } from 'zx';
import type { Host } from '../../hosts/host.ts';
import type { IptablesCommand } from '../../net/firewall.ts';
import type { StepId } from './step-ids.ts';
import type { Topology } from './topology.ts';

export interface StepContext {
  host: Host;
  /** zx shell running inside the host */
  $: Shell;
  topology: Topology;
  iptables: IptablesCommand;
}

export interface Step<T = void> {
  id: StepId;
  title: string;
  run(ctx: StepContext): Promise<T>;
}

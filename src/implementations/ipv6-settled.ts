// Waiting for an implementation's IPv6 addresses to finish duplicate address detection before judging it. Docker
// gives docker0 and each container's eth0 their addresses with DAD, and so does CNI's bridge plugin for its
// gateway: a bridge's begins once its first port is up and takes a second or two, longer on a busy machine, and
// until it ends nothing reaches the gateway (in CI every IPv6 row of Docker 26.1 timed out, and 20.10's
// docker-proxy took the uplink's address as its source). A user sees the same for a moment after starting a
// workload; what is judged is the state it settles in. An address that fails DAD fails the set-up, saying so.
import { unsettledAddresses, type UnsettledAddress } from '../evidence/links.ts';
import type { Host } from '../hosts/host.ts';
import { progress } from '../progress.ts';
import { everyWorkload, type Roles } from '../roles/roles.ts';
import { waitUntil } from '../wait.ts';
import { ImplementationError } from './implementation.ts';

export async function ipv6Settled(host: Host, id: string, roles: Roles): Promise<void> {
  const namespaces = [undefined, ...everyWorkload(roles).map((workload) => workload.netns)];
  // "fd00::1 on docker0": what is still tentative
  const tentative = (now: UnsettledAddress[]) => now.flatMap((address) => (address.tentative ? address.where : []));
  let said = false;
  const unsettled = async () => {
    const now = (await Promise.all(namespaces.map((ns) => unsettledAddresses(host, ns)))).flat();
    if (!said && tentative(now).length) progress(id, `waiting for DAD of ${tentative(now).join(', ')}`);
    said = true;
    return now;
  };
  const left = await waitUntil(unsettled, (now) => tentative(now).length === 0, {
    what: `${id}'s IPv6 addresses to finish duplicate address detection`,
    deadlineMs: 10_000,
  });
  if (left.length) throw new ImplementationError(id, left.map((address) => address.why).join('; '));
}

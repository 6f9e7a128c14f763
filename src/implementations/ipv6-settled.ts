// Waiting for an implementation's IPv6 addresses to finish duplicate address detection before judging it. Docker
// gives docker0 and each container's eth0 their addresses with DAD, and so does CNI's bridge plugin for its
// gateway: a bridge's begins once its first port is up and takes a second or two, longer on a busy machine, and
// until it ends nothing reaches the gateway (in CI every IPv6 row of Docker 26.1 timed out, and 20.10's
// docker-proxy took the uplink's address as its source). A user sees the same for a moment after starting a
// workload; what is judged is the state it settles in. An address that fails DAD fails the set-up, saying so; one
// on a link without carrier is not waited for (its DAD has not begun, and does not until the carrier comes).
import { dadMs, unsettledAddresses, type UnsettledAddress } from '../evidence/links.ts';
import type { Host } from '../hosts/host.ts';
import { progress } from '../progress.ts';
import { everyWorkload, type Roles } from '../roles/roles.ts';
import { waitUntil, WaitTimeoutError } from '../wait.ts';
import { ImplementationError } from './implementation.ts';

/** the wait's deadline (paced on a busy machine): a second or two of DAD, with room */
const DEADLINE_MS = 10_000;

type Seen = UnsettledAddress & { ns: string | undefined };
const linkOf = (address: Seen) => `${address.ns ?? 'host'} ${address.ifname}`;

/**
 * `judgeUnsettled`: an address still tentative at the deadline is judged as it is, not a failed set-up: a user's
 * script may slow DAD down on purpose, and its properties then fail each with that cause.
 */
export async function ipv6Settled(
  host: Host,
  id: string,
  roles: Roles,
  { judgeUnsettled = false } = {},
): Promise<void> {
  const namespaces = [undefined, ...everyWorkload(roles).map((workload) => workload.netns)];
  // links whose DAD takes longer than the wait by their settings (dad_transmits × retrans_time): not waited for
  const slow = new Map<string, number>();
  const read = new Set<string>();
  // "fd00::1 on docker0": what is still tentative where its DAD runs (a link without carrier would keep it so)
  const waitedFor = (now: Seen[]) =>
    now.filter((address) => address.tentative && address.running && !slow.has(linkOf(address)));
  const where = (now: Seen[]) => now.map((address) => address.where);
  let said = false;
  const unsettled = async (): Promise<Seen[]> => {
    const now = (
      await Promise.all(
        namespaces.map(async (ns) => (await unsettledAddresses(host, ns)).map((address) => ({ ...address, ns }))),
      )
    ).flat();
    for (const address of waitedFor(now).filter((each) => !read.has(linkOf(each)))) {
      read.add(linkOf(address));
      const ms = await dadMs(host, address.ns, address.ifname);
      if (ms > DEADLINE_MS) slow.set(linkOf(address), ms);
    }
    if (!said) {
      const waiting = where(waitedFor(now));
      const more = waiting.length > 3 ? ` and ${waiting.length - 3} more` : '';
      if (waiting.length) progress(id, `waiting for DAD of ${waiting.slice(0, 3).join(', ')}${more}`);
      const slowOnes = now.filter((address) => address.tentative && slow.has(linkOf(address)));
      const longest = Math.max(...slowOnes.map((address) => slow.get(linkOf(address))!));
      if (slowOnes.length)
        progress(
          id,
          `DAD of ${where(slowOnes).join(', ')} takes up to ${longest / 1000} s by its link's settings ` +
            '(dad_transmits × retrans_time_ms): judged as it is, not waited for',
        );
    }
    said = true;
    return now;
  };
  const settled = waitUntil(unsettled, (now) => waitedFor(now).length === 0, {
    what: `${id}'s IPv6 addresses to finish duplicate address detection`,
    deadlineMs: DEADLINE_MS,
  });
  const left = await settled.catch((error: unknown) => {
    if (!judgeUnsettled || !(error instanceof WaitTimeoutError)) throw error;
    const seen = error.lastSeen as Seen[];
    progress(id, `still tentative after the wait, judged as it is: ${where(waitedFor(seen)).join(', ')}`);
    return seen;
  });
  // failed DAD fails the set-up; what is still tentative is judged as it is
  const failed = left.filter((address) => !address.tentative);
  if (failed.length) throw new ImplementationError(id, failed.map((address) => address.why).join('; '));
}

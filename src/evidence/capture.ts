// Packet captures (tcpdump) on chosen interfaces while an action runs: the packet's path, as evidence that a
// negative result fails where the guide says it does (seen on br0, not on eth0), not for some other reason.
import type { BackgroundProcess } from '../hosts/background.ts';
import type { Host, InterfaceRef } from '../hosts/host.ts';

/** an interface of the host to capture on, in a namespace of the host (undefined: the host's own) */
export type CapturePoint = InterfaceRef;

export interface Packet {
  src: string;
  dst: string;
  srcPort?: number;
  dstPort?: number;
  /** what tcpdump says after the addresses: "ICMP echo request, id 3, seq 1, length 64" */
  info: string;
  line: string;
}

export interface Captured<T> {
  result: T;
  /** packets per capture point, keyed "ns/iface" (ns "host" for the host's own) */
  packets: Record<string, Packet[]>;
}

export const pointKey = (point: CapturePoint): string => `${point.ns ?? 'host'}/${point.iface}`;

/** the end marker's ethertype (IEEE 802's "local experimental"), and how tcpdump prints it */
const MARKER_ETHERTYPE = 0x88b5;
const MARKER_PRINTED = '(0x88b5)';

/**
 * Runs `action` while tcpdump listens on every point (with a pcap filter, as argv words), then parses what it saw.
 * Each point's tcpdump is a background process of the host's agent, started in the point's namespace by the agent
 * itself: no shell or nsenter stands between, so a tcpdump that cannot start is seen ending at once.
 */
export async function capture<T>(
  host: Host,
  points: CapturePoint[],
  filter: string[],
  action: () => Promise<T>,
): Promise<Captured<T>> {
  const withMarker = [
    ...(filter.length ? ['(', ...filter, ')', 'or'] : []),
    'ether',
    'proto',
    `0x${MARKER_ETHERTYPE.toString(16)}`,
  ];
  const started = await Promise.allSettled(
    points.map((point) => host.spawn(dump(point, withMarker), { ns: point.ns })),
  );
  const dumps = started.flatMap((start) => (start.status === 'fulfilled' ? [start.value] : []));
  try {
    const notStarted = started.find((start) => start.status === 'rejected');
    if (notStarted) throw notStarted.reason;
    // every point armed: each tcpdump has said "listening on"
    const where = points.map(pointKey).join(', ');
    await Promise.all(dumps.map((dumping) => dumping.waitForStderr('listening on', `tcpdump on ${where}`)));
    const result = await action();
    await untilPrintedSoFar(host, dumps, points);
    const outputs = await Promise.all(dumps.map((dumping) => dumping.stop('TERM')));
    const packets: Record<string, Packet[]> = {};
    for (const [index, point] of points.entries()) {
      const lines = outputs[index]!.stdout.split('\n');
      packets[pointKey(point)] = lines.map(parsePacket).filter((seen): seen is Packet => seen !== undefined);
    }
    return { result, packets };
  } finally {
    await Promise.all(dumps.map((dumping) => dumping.stop('TERM')));
  }
}

/** tcpdump on one point; -Z root: it stays root rather than switching to a user the host's image may not have */
const dump = (point: CapturePoint, filter: string[]): string[] => [
  'tcpdump',
  '-Z',
  'root',
  '-i',
  point.iface,
  '-n',
  '-l',
  '--immediate-mode',
  '-tt',
  filter.join(' '),
];

/**
 * A tcpdump that is stopped leaves what the kernel queued for it unread (on a busy machine, the reply of a ping
 * that had already come back). So a marker frame goes out of every point's interface, and each tcpdump has
 * printed everything before it once it has printed the marker: the kernel queues a socket's packets in order.
 */
async function untilPrintedSoFar(host: Host, dumps: BackgroundProcess[], points: CapturePoint[]) {
  const sent = await host.sendMarkers(points, MARKER_ETHERTYPE);
  const printed = (index: number) =>
    dumps[index]!.waitForStdout(MARKER_PRINTED, `tcpdump on ${pointKey(points[index]!)} to print the end marker`);
  await Promise.all(sent.map(printed));
}

// "1732546500.123456 IP 192.168.0.2 > 8.8.8.8: ICMP echo request, id 1, seq 1, length 64"
// "1732546500.123456 IP 198.51.100.7.40312 > 172.31.8.154.5000: Flags [S], seq …"
// "1732546500.123456 IP6 fd00:88::2 > 2001:4860:4860::8888: ICMP6, echo request, id 1, seq 1, length 64"
const LINE = /^\d+\.\d+ (?:IP6?|ARP,) (.*)$/;
const IP_LINE = /^(\S+) > (\S+): (.*)$/;

export function parsePacket(line: string): Packet | undefined {
  const match = LINE.exec(line.trim());
  if (!match) return undefined;
  const ip = IP_LINE.exec(match[1]!);
  if (!ip) {
    // ARP: "Request who-has 192.168.0.1 tell 192.168.0.2, length 28"
    const arp = /who-has (\S+) tell ([^,\s]+)/.exec(match[1]!) ?? /Reply (\S+) is-at/.exec(match[1]!);
    return arp ? { src: arp[2] ?? arp[1]!, dst: arp[2] ? arp[1]! : '', info: `ARP ${match[1]}`, line } : undefined;
  }
  const [src, srcPort] = splitPort(ip[1]!);
  const [dst, dstPort] = splitPort(ip[2]!);
  return { src, dst, srcPort, dstPort, info: ip[3]!, line };
}

/** tcpdump writes a port as a last dotted part: 172.31.8.154.5000, 2001:db8:31::8:154.5000 */
function splitPort(text: string): [string, number | undefined] {
  const parts = text.split('.');
  if (parts.length === 5) return [parts.slice(0, 4).join('.'), Number(parts[4])];
  if (parts.length === 2 && text.includes(':')) return [parts[0]!, Number(parts[1])];
  return [text, undefined];
}

/** Packets matching a predicate, for assertions that read like the guide. */
export const echoRequests = (packets: Packet[] = []): Packet[] =>
  packets.filter((p) => /^ICMP6?,? echo request/.test(p.info));
export const echoReplies = (packets: Packet[] = []): Packet[] =>
  packets.filter((p) => /^ICMP6?,? echo reply/.test(p.info));

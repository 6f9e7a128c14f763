// Captures start together and say where they saw packets; one that cannot start fails the capture with tcpdump's
// own words and leaves no tcpdump behind.
//
//   [netns1] 192.168.0.2 --- br0 192.168.0.1 [host]
import { describe, expect } from 'vitest';
import { test } from '../fixtures/guide-test.ts';
import { addBridge, cableNamespace } from '../src/implementations/guide/steps/namespace-to-bridge.ts';
import { capture, echoReplies, echoRequests } from '../src/evidence/capture.ts';
import { ping, probe } from '../src/probes/probe.ts';
import { runSteps } from '../fixtures/guide-steps.ts';
import { addressOf } from '../src/implementations/guide/topology.ts';

/** The packets an interface of the host's own namespace has sent ($1), as /proc/net/dev counts them. */
const SENT_PACKETS = `awk -F'[: ]+' -v dev="$1" '{ sub(/^ +/, "") } $1 == dev { print $11 }' /proc/net/dev`;

/**
 * Thaws a frozen tcpdump ($1) once its capture is ending: its interface ($2) has sent a packet more than the $3 it
 * had sent after the action (the capture's end marker), or, for a capture that kills its tcpdumps at once (no
 * marker), a SIGTERM waits on the frozen tcpdump.
 */
const THAW_WHEN_ENDING = `dump=$1 iface=$2 after=$3
sent() { ${SENT_PACKETS.replace('"$1"', '"$iface"')}; }
until [ "$(sent)" -gt "$after" ] || (( 0x$(awk '/^ShdPnd/ {print $2}' /proc/$dump/status) & 0x4000 )); do
  sleep 0.01
done
kill -CONT "$dump"`;

describe('packet captures', () => {
  test('each point, in the host and in a namespace, sees its own packets', async ({ guide }) => {
    const { topology, host } = guide;
    const ns = topology.namespaces[0]!;
    await runSteps(guide, [addBridge(topology), ...cableNamespace(ns, topology)]);
    const bridgeIp = addressOf(topology.bridge.address);
    const points = [{ iface: topology.bridge.name }, { ns: ns.name, iface: ns.link }, { iface: 'lo' }];
    const { packets } = await capture(host, points, ['icmp'], () => probe(host, ping(ns.name, bridgeIp)));
    expect(echoRequests(packets[`host/${topology.bridge.name}`])).toHaveLength(1);
    expect(echoReplies(packets[`${ns.name}/${ns.link}`])).toHaveLength(1);
    expect(packets['host/lo']).toEqual([]);
  });

  test('a tcpdump that is behind when the capture stops still prints every packet its interface passed', async ({
    guide,
  }) => {
    // On a busy machine a tcpdump may not have read the packets of an action when the capture stops, and a tcpdump
    // that is killed leaves them unread: a ping's reply went missing that way. Here tcpdump is frozen while the
    // ping passes, and only thawed once the capture is ending.
    const { topology, host } = guide;
    const ns = topology.namespaces[0]!;
    const bridged = await host.exec(['ip', 'link', 'show', topology.bridge.name], { expectExit: 'any' });
    if (bridged.exitCode !== 0) await runSteps(guide, [addBridge(topology), ...cableNamespace(ns, topology)]);
    const bridgeIp = addressOf(topology.bridge.address);
    const bridge = topology.bridge.name;
    const { packets } = await capture(host, [{ iface: bridge }], ['icmp'], async () => {
      const dump = (await host.exec(['pgrep', '-x', 'tcpdump'])).stdout.trim();
      await host.exec(['kill', '-STOP', dump]);
      await probe(host, ping(ns.name, bridgeIp));
      const after = (await host.exec(['bash', '-c', SENT_PACKETS, 'sent', bridge])).stdout.trim();
      void host.exec(['bash', '-c', THAW_WHEN_ENDING, 'thaw', dump, bridge, after], { expectExit: 'any' });
    });
    expect(echoRequests(packets[`host/${topology.bridge.name}`])).toHaveLength(1);
    expect(echoReplies(packets[`host/${topology.bridge.name}`])).toHaveLength(1);
  });

  test('its twin: a point whose interface does not exist fails the capture, saying so', async ({ guide }) => {
    const { topology, host } = guide;
    const points = [{ iface: topology.bridge.name }, { iface: 'eth9' }];
    const captured = capture(host, points, ['icmp'], async () => 'not run');
    await expect(captured).rejects.toThrow(
      /^tcpdump on host\/br0, host\/eth9: it exited: tcpdump: eth9: No such device/,
    );
    const left = await host.exec(['pgrep', 'tcpdump'], { expectExit: 'any' });
    expect(left.stdout).toBe('');
  });
});

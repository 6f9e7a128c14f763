// A script's IPv6 is judged once it has settled, as every implementation's is: the kernel's link-local addresses
// on the script's bridge and veths do duplicate address detection for a second or two after set-up, and while the
// bridge's is tentative the host sends no neighbour solicitation for what it forwards onto it (ndisc_send_ns wants
// a usable link-local source): the first inbound IPv6 datagrams to a workload were lost, and 8-udp judged alone
// failed in IPv6 (a run of every property passed only because 1-bridge's pings taught the host the neighbours).
import { describe, expect, inject, test } from 'vitest';
import { unsettledAddresses } from '../src/evidence/links.ts';
import { withBuiltExample } from './built-example.ts';
import { machineAbilities } from '../src/harness/backend-choice.ts';
import { startResponder } from '../src/probes/responder.ts';
import { everyWorkload } from '../src/roles/roles.ts';

const root = (await machineAbilities()).root;
const harness = { ...inject('harness'), backend: 'netns' as const, families: ['ipv4' as const, 'ipv6' as const] };

/** one datagram from the internet's client to the uplink's published UDP port; what came back, in 2 s */
const ONE_DATAGRAM = `import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.settimeout(2)
s.bind(("2001:db8:100::7", 0)); s.connect(("2001:db8:31::8:154", 8080)); s.send(b"first")
try: print(s.recv(999).decode())
except OSError as error: print("no answer:", error)`;

describe.skipIf(!root)("a script's IPv6 after set-up (netns hosts need root)", () => {
  test('nothing is tentative when it is judged, and the first inbound IPv6 datagram is answered', async () => {
    await withBuiltExample(harness, async ({ host, roles }) => {
      for (const ns of [undefined, ...everyWorkload(roles).map((workload) => workload.netns)])
        expect(await unsettledAddresses(host, ns), `in ${ns ?? 'the host'}`).toEqual([]);
      // no neighbour of the host's is known yet on nc0: this datagram is the first packet it forwards there
      expect((await host.exec(['ip', '-6', 'neigh', 'show', 'dev', 'nc0', 'to', 'fd00:88::2'])).stdout).toBe('');
      await startResponder(host, 'nc-a', 5000, 'udp');
      const sent = await host.exec(['python3', '-c', ONE_DATAGRAM], { ns: 'internet' });
      expect(sent.stdout).toContain('"peer": "2001:db8:100::7"');
    });
  });
});

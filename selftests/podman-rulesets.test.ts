// Podman's golden rules (src/implementations/podman/rulesets.ts) leave out what netavark varies from run to run —
// the container's id, the order of its port chains' rules — and nothing else: a rule that changes still shows.
import { describe, expect, test } from 'vitest';
import { normalisedRules } from '../src/implementations/podman/rulesets.ts';

const ID = 'de1c9a31ed1d56837bf1f276621f39380d4f8dd43d8917f1dca799dd411fa528';
const OTHER_ID = '37ac3ae582c709de62d693cd603f243bf1d025eb36a388453acea8c59f0394cb';
const dnat = (port: number, id: string) =>
  `-A NETAVARK-HOSTPORT-DNAT -p tcp -m tcp --dport ${port} -m comment --comment "dnat name: podman id: ${id}" ` +
  '-j NETAVARK-DN-1D8721804F16F';
const save = (ports: number[], id: string, masquerade = '-j MASQUERADE') =>
  ['*nat', ...ports.map((port) => dnat(port, id)), `-A NETAVARK-1D8721804F16F ! -d 224.0.0.0/4 ${masquerade}`].join(
    '\n',
  );
const nft = (ports: number[]) =>
  [
    'table inet netavark {',
    '\tchain nv_2f259bab_10_88_0_0_nm16_dnat {',
    ...ports.map((port) => `\t\ttcp dport ${port} dnat ip to 10.88.0.2:5000`),
    '\t}',
    '}',
  ].join('\n');

describe("Podman's golden rules", () => {
  test('two runs that differ only in container id and port order read the same', () => {
    expect(normalisedRules(save([8080, 8081], ID), nft([8080, 8081]))).toEqual(
      normalisedRules(save([8081, 8080], OTHER_ID), nft([8081, 8080])),
    );
    expect(normalisedRules(save([8080], ID), '')['iptables-save']).toContain('podman id: <container id>');
  });

  test('its twin: a rule that changed still differs', () => {
    const changed = normalisedRules(save([8080, 8081], ID, '-j SNAT --to-source 172.31.8.200'), nft([8080, 8081]));
    expect(changed['iptables-save']).not.toEqual(normalisedRules(save([8080, 8081], ID), '')['iptables-save']);
    expect(normalisedRules('', nft([8080, 8082])).nft).not.toEqual(normalisedRules('', nft([8080, 8081])).nft);
  });
});

// NETNS_FAMILIES: which families the world is built in (and NETNS_FIREWALLS, read the same way). A wrong entry
// is one line that names it and the fix.
import { describe, expect, test } from 'vitest';
import { familiesOf, firewallsOf } from '../src/harness/config.ts';
import { loadTopology } from '../src/implementations/guide/topology.ts';
import { worldIn, worldOnly } from '../src/world/world.ts';

describe('NETNS_FAMILIES', () => {
  test('defaults to both; they come in one order, whatever the list says', () => {
    expect(familiesOf({})).toEqual(['ipv4', 'ipv6']);
    expect(familiesOf({ NETNS_FAMILIES: 'ipv4' })).toEqual(['ipv4']);
    expect(familiesOf({ NETNS_FAMILIES: 'ipv6, ipv4' })).toEqual(['ipv4', 'ipv6']);
    expect(familiesOf({ NETNS_FAMILIES: 'ipv6' })).toEqual(['ipv6']);
  });

  test.each([
    [
      'an unknown family',
      'ipv5',
      /^NETNS_FAMILIES=ipv5: "ipv5" is not an address family; use a comma list of ipv4, ipv6$/,
    ],
    ['nothing at all', ' , ', /^NETNS_FAMILIES= , : empty; use a comma list of ipv4, ipv6$/],
  ])('rejects %s in one line', (_, value, message) => {
    expect(() => familiesOf({ NETNS_FAMILIES: value })).toThrow(message);
  });

  test('NETNS_FIREWALLS is read the same way', () => {
    expect(firewallsOf({ NETNS_FIREWALLS: 'nft,iptables-nft,nft' })).toEqual(['nft', 'iptables-nft']);
    expect(() => firewallsOf({ NETNS_FIREWALLS: 'pf' })).toThrow(
      /^NETNS_FIREWALLS=pf: "pf" is not a firewall backend; use a comma list of iptables-nft, iptables-legacy, nft$/,
    );
  });

  test("the world's addresses in each family are the contract's", () => {
    const world = worldOnly(loadTopology(), ['ipv4', 'ipv6']);
    expect(worldIn(world, 'ipv4')).toEqual({
      uplinkAddress: '172.31.8.154/20',
      gateway: '172.31.0.1',
      publicHost: '8.8.8.8',
      outsideClient: '198.51.100.7',
      neighbour: '172.31.0.9',
    });
    expect(worldIn(world, 'ipv6')).toEqual({
      uplinkAddress: '2001:db8:31::8:154/64',
      gateway: '2001:db8:31::1',
      publicHost: '2001:4860:4860::8888',
      outsideClient: '2001:db8:100::7',
      neighbour: '2001:db8:31::9',
    });
    expect(world.families).toEqual(['ipv4', 'ipv6']);
  });
});

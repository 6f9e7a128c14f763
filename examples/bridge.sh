#!/usr/bin/env bash
# An own setup script for netns-conformance: NETNS_IMPL=script:examples/bridge.sh npm run conformance
# Two workloads, a and b, on a bridge of their own (not the guide's addresses: the harness judges whatever the
# roles say), forwarding, source NAT out of the uplink, and port 8080 of the uplink address published to a:5000,
# also for the workloads themselves (hairpin: masqueraded, so that replies come back through the host), and UDP
# port 8080 to a:5000 as well, and the UDP range 8100-8101 to a:5100-5101, port for port.
# The harness has built the uplink ($NC_UPLINK, $NC_UPLINK_ADDRESS) and set net.ipv4.ip_forward=0; it runs the
# responder behind the published port itself. The script ends by writing its roles to $NC_ROLES.
# When the run judges IPv6 too (NC_FAMILIES=ipv4,ipv6) it builds the same in IPv6: a ULA network on the bridge,
# NAT66 to the uplink's IPv6 address ($NC_UPLINK_ADDRESS6) and the same port published there.
set -euo pipefail
bridge=nc0
gateway=10.88.0.1 gateway6=fd00:88::1
uplink_address=${NC_UPLINK_ADDRESS%/*} uplink_address6=${NC_UPLINK_ADDRESS6%/*}
ipv6=
[[ ",$NC_FAMILIES," == *,ipv6,* ]] && ipv6=1

ip link add "$bridge" type bridge
ip addr add "$gateway/24" dev "$bridge"
# nodad: no duplicate address detection, so the address is usable at once
[ -n "$ipv6" ] && ip addr add "$gateway6/64" dev "$bridge" nodad
ip link set "$bridge" up
roles=()
while read -r label address address6; do
  ip netns add "nc-$label"
  ip link add "veth-$label" type veth peer name eth0 netns "nc-$label"
  ip link set "veth-$label" master "$bridge" up
  bridge link set dev "veth-$label" hairpin on # so that a reaches its own published port through the host
  ip -n "nc-$label" addr add "$address/24" dev eth0
  ip -n "nc-$label" link set lo up
  ip -n "nc-$label" link set eth0 up
  ip -n "nc-$label" route add default via "$gateway"
  role="\"label\": \"$label\", \"netns\": \"nc-$label\", \"address\": \"$address\""
  if [ -n "$ipv6" ]; then
    ip -n "nc-$label" addr add "$address6/64" dev eth0 nodad
    ip -n "nc-$label" route add default via "$gateway6"
    role+=", \"address6\": \"$address6\""
  fi
  roles+=("{ $role }")
done <<WORKLOADS
a 10.88.0.2 fd00:88::2
b 10.88.0.3 fd00:88::3
WORKLOADS

sysctl -qw net.ipv4.ip_forward=1
[ -n "$ipv6" ] && sysctl -qw net.ipv6.conf.all.forwarding=1
if [ "$NC_FIREWALL" = nft ]; then # the same rules as a native nft ruleset
  nft -f - <<NFT
table ip bridge_example {
  chain postrouting {
    type nat hook postrouting priority srcnat;
    ip saddr 10.88.0.0/24 oifname != "$bridge" counter masquerade;
    ip saddr 10.88.0.0/24 ip daddr 10.88.0.2 tcp dport 5000 counter masquerade;
  }
  chain prerouting {
    type nat hook prerouting priority dstnat;
    ip daddr $uplink_address tcp dport 8080 counter dnat to 10.88.0.2:5000;
    ip daddr $uplink_address udp dport 8080 counter dnat to 10.88.0.2:5000;
    ip daddr $uplink_address udp dport 8100 counter dnat to 10.88.0.2:5100;
    ip daddr $uplink_address udp dport 8101 counter dnat to 10.88.0.2:5101;
  }
}
NFT
  [ -n "$ipv6" ] && nft -f - <<NFT
table ip6 bridge_example {
  chain postrouting {
    type nat hook postrouting priority srcnat;
    ip6 saddr fd00:88::/64 oifname != "$bridge" counter masquerade;
    ip6 saddr fd00:88::/64 ip6 daddr fd00:88::2 tcp dport 5000 counter masquerade;
  }
  chain prerouting {
    type nat hook prerouting priority dstnat;
    ip6 daddr $uplink_address6 tcp dport 8080 counter dnat to [fd00:88::2]:5000;
    ip6 daddr $uplink_address6 udp dport 8080 counter dnat to [fd00:88::2]:5000;
    ip6 daddr $uplink_address6 udp dport 8100 counter dnat to [fd00:88::2]:5100;
    ip6 daddr $uplink_address6 udp dport 8101 counter dnat to [fd00:88::2]:5101;
  }
}
NFT
else
  "$NC_IPTABLES" -t nat -A POSTROUTING -s 10.88.0.0/24 ! -o "$bridge" -j MASQUERADE
  "$NC_IPTABLES" -t nat -A POSTROUTING -s 10.88.0.0/24 -d 10.88.0.2 -p tcp --dport 5000 -j MASQUERADE
  "$NC_IPTABLES" -t nat -A PREROUTING -d "$uplink_address" -p tcp --dport 8080 -j DNAT --to-destination 10.88.0.2:5000
  "$NC_IPTABLES" -t nat -A PREROUTING -d "$uplink_address" -p udp --dport 8080 -j DNAT --to-destination 10.88.0.2:5000
  # a range, port for port: one DNAT per port (a DNAT to a port range picks any port of it)
  for port in 8100 8101; do
    "$NC_IPTABLES" -t nat -A PREROUTING -d "$uplink_address" -p udp --dport $port \
      -j DNAT --to-destination "10.88.0.2:$((port - 3000))"
  done
  if [ -n "$ipv6" ]; then
    "$NC_IP6TABLES" -t nat -A POSTROUTING -s fd00:88::/64 ! -o "$bridge" -j MASQUERADE
    "$NC_IP6TABLES" -t nat -A POSTROUTING -s fd00:88::/64 -d fd00:88::2 -p tcp --dport 5000 -j MASQUERADE
    "$NC_IP6TABLES" -t nat -A PREROUTING -d "$uplink_address6" -p tcp --dport 8080 \
      -j DNAT --to-destination '[fd00:88::2]:5000'
    "$NC_IP6TABLES" -t nat -A PREROUTING -d "$uplink_address6" -p udp --dport 8080 \
      -j DNAT --to-destination '[fd00:88::2]:5000'
    for port in 8100 8101; do
      "$NC_IP6TABLES" -t nat -A PREROUTING -d "$uplink_address6" -p udp --dport $port \
        -j DNAT --to-destination "[fd00:88::2]:$((port - 3000))"
    done
  fi
fi

gateways="\"gateway\": \"$gateway\""
[ -n "$ipv6" ] && gateways+=", \"gateway6\": \"$gateway6\""
cat > "$NC_ROLES" <<JSON
{
  "workloads": [
    ${roles[0]},
    ${roles[1]}
  ],
  $gateways,
  "published": { "port": 8080, "workload": "a", "targetPort": 5000 },
  "publishedUdp": { "port": 8080, "workload": "a", "targetPort": 5000 },
  "publishedUdpRange": { "port": 8100, "workload": "a", "targetPort": 5100, "count": 2 },
  "hairpin": { "self": "gateway", "peer": "gateway", "why": "a MASQUERADE of nc0's sources to a:5000; hairpin on" },
  "foreignFirewall": { "keeps": [], "why": "it adds no FORWARD rule of its own: it relies on FORWARD's ACCEPT policy" }
}
JSON

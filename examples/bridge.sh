#!/usr/bin/env bash
# An own setup script for netns-conformance: NETNS_IMPL=script:examples/bridge.sh npm run conformance
# Two workloads, a and b, on a bridge of their own (not the guide's addresses: the harness judges whatever the
# roles say), forwarding, source NAT out of the uplink, and port 8080 of the uplink address published to a:5000.
# The harness has built the uplink ($NC_UPLINK, $NC_UPLINK_ADDRESS) and set net.ipv4.ip_forward=0; it runs the
# responder behind the published port itself. The script ends by writing its roles to $NC_ROLES.
set -euo pipefail
bridge=nc0
gateway=10.88.0.1
uplink_address=${NC_UPLINK_ADDRESS%/*}

ip link add "$bridge" type bridge
ip addr add "$gateway/24" dev "$bridge"
ip link set "$bridge" up
for workload in a:10.88.0.2 b:10.88.0.3; do
  label=${workload%%:*} address=${workload#*:}
  ip netns add "nc-$label"
  ip link add "veth-$label" type veth peer name eth0 netns "nc-$label"
  ip link set "veth-$label" master "$bridge" up
  ip -n "nc-$label" addr add "$address/24" dev eth0
  ip -n "nc-$label" link set lo up
  ip -n "nc-$label" link set eth0 up
  ip -n "nc-$label" route add default via "$gateway"
done

sysctl -qw net.ipv4.ip_forward=1
if [ "$NC_FIREWALL" = nft ]; then # the same two rules as a native nft ruleset
  nft -f - <<NFT
table ip bridge_example {
  chain postrouting {
    type nat hook postrouting priority srcnat;
    ip saddr 10.88.0.0/24 oifname != "$bridge" counter masquerade;
  }
  chain prerouting {
    type nat hook prerouting priority dstnat;
    ip daddr $uplink_address tcp dport 8080 counter dnat to 10.88.0.2:5000;
  }
}
NFT
else
  "$NC_IPTABLES" -t nat -A POSTROUTING -s 10.88.0.0/24 ! -o "$bridge" -j MASQUERADE
  "$NC_IPTABLES" -t nat -A PREROUTING -d "$uplink_address" -p tcp --dport 8080 -j DNAT --to-destination 10.88.0.2:5000
fi

cat > "$NC_ROLES" <<JSON
{
  "workloads": [
    { "label": "a", "netns": "nc-a", "address": "10.88.0.2" },
    { "label": "b", "netns": "nc-b", "address": "10.88.0.3" }
  ],
  "gateway": "$gateway",
  "published": { "port": 8080, "workload": "a", "targetPort": 5000 }
}
JSON

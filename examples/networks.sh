#!/usr/bin/env bash
# A second own setup script, with networks beside the first: NETNS_IMPL=script:examples/networks.sh
# Four bridges, two workloads on each (<name>-1 and <name>-2), made by one function:
#   nc0 "main"      10.88.0.0/24  port 8080 of the uplink address published to main-1:5000 (TCP and UDP);
#   nc1 "apart"     10.89.0.0/24  kept apart from nc0, either way (property 5);
#   nc2 "no-icc"    10.90.0.0/24  its workloads kept apart from each other (property 5): with br_netfilter, frames
#                                 bridged between two ports of nc2 pass FORWARD too;
#   nc3 "internal"  10.91.0.0/24  no default route in its workloads, and FORWARD drops what would enter or leave it
#                                 (property 6).
# main, apart and no-icc reach the internet through the uplink (MASQUERADE). With NC_FAMILIES=ipv4,ipv6 the same
# in IPv6 (fd00:88::/64 and so on, NAT66). In an nft cell the rules are one native nft table; each drop has a
# counter, the evidence the harness reads for a negative. The contract is examples/bridge.sh's (README).
set -euo pipefail
shopt -s inherit_errexit # a command that fails inside $(…) stops the script too
ipv6=
[[ ",$NC_FAMILIES," == *,ipv6,* ]] && ipv6=1
uplink_address=${NC_UPLINK_ADDRESS%/*} uplink_address6=${NC_UPLINK_ADDRESS6%/*}

# name bridge third route: bridge 10.<third>.0.1/24 (fd00:<third>::1/64) with workloads <name>-1 and <name>-2,
# which route out through it unless route is "none"; prints the network's roles
network() {
  local name=$1 bridge=$2 third=$3 route=$4 workloads=() last label role
  ip link add "$bridge" type bridge
  ip addr add "10.$third.0.1/24" dev "$bridge"
  # nodad: no duplicate address detection, so the address is usable at once
  [ -n "$ipv6" ] && ip addr add "fd00:$third::1/64" dev "$bridge" nodad
  ip link set "$bridge" up
  for last in 2 3; do
    label=$name-$((last - 1))
    ip netns add "nc-$label"
    ip link add "veth-$label" type veth peer name eth0 netns "nc-$label"
    ip link set "veth-$label" master "$bridge" up
    ip -n "nc-$label" addr add "10.$third.0.$last/24" dev eth0
    ip -n "nc-$label" link set lo up
    ip -n "nc-$label" link set eth0 up
    [ "$route" = none ] || ip -n "nc-$label" route add default via "10.$third.0.1"
    role="\"label\": \"$label\", \"netns\": \"nc-$label\", \"address\": \"10.$third.0.$last\""
    if [ -n "$ipv6" ]; then
      ip -n "nc-$label" addr add "fd00:$third::$last/64" dev eth0 nodad
      [ "$route" = none ] || ip -n "nc-$label" route add default via "fd00:$third::1"
      role+=", \"address6\": \"fd00:$third::$last\""
    fi
    workloads+=("{ $role }")
  done
  local gateways="\"gateway\": \"10.$third.0.1\""
  [ -n "$ipv6" ] && gateways+=", \"gateway6\": \"fd00:$third::1\""
  echo "\"workloads\": [${workloads[0]}, ${workloads[1]}], $gateways"
}

main=$(network main nc0 88 default)
apart=$(network apart nc1 89 default)
no_icc=$(network no-icc nc2 90 default)
internal=$(network internal nc3 91 none)

sysctl -qw net.ipv4.ip_forward=1
[ -n "$ipv6" ] && sysctl -qw net.ipv6.conf.all.forwarding=1
if [ "$NC_FIREWALL" = nft ]; then
  nft -f - <<NFT
table inet networks_example {
  chain forward {
    type filter hook forward priority filter;
    iifname "nc1" oifname "nc0" counter drop;
    iifname "nc0" oifname "nc1" counter drop;
    iifname "nc2" oifname "nc2" counter drop;
    iifname != "nc3" oifname "nc3" counter drop;
    iifname "nc3" oifname != "nc3" counter drop;
  }
  chain postrouting {
    type nat hook postrouting priority srcnat;
    ip saddr { 10.88.0.0/24, 10.89.0.0/24, 10.90.0.0/24 } oifname "$NC_UPLINK" counter masquerade;
    ip6 saddr { fd00:88::/64, fd00:89::/64, fd00:90::/64 } oifname "$NC_UPLINK" counter masquerade;
  }
  chain prerouting {
    type nat hook prerouting priority dstnat;
    ip daddr $uplink_address meta l4proto { tcp, udp } th dport 8080 counter dnat ip to 10.88.0.2:5000;
    ip6 daddr $uplink_address6 meta l4proto { tcp, udp } th dport 8080 counter dnat ip6 to [fd00:88::2]:5000;
  }
}
NFT
else
  # iptables, and ip6tables with the IPv6 twins
  while read -r iptables suffix uplink main_server; do
    [ "$iptables" = "$NC_IP6TABLES" ] && [ -z "$ipv6" ] && continue
    "$iptables" -A FORWARD -i nc1 -o nc0 -j DROP
    "$iptables" -A FORWARD -i nc0 -o nc1 -j DROP
    "$iptables" -A FORWARD -i nc2 -o nc2 -j DROP
    "$iptables" -A FORWARD ! -i nc3 -o nc3 -j DROP
    "$iptables" -A FORWARD -i nc3 ! -o nc3 -j DROP
    for third in 88 89 90; do
      "$iptables" -t nat -A POSTROUTING -s "${suffix/@/$third}" -o "$NC_UPLINK" -j MASQUERADE
    done
    for protocol in tcp udp; do
      "$iptables" -t nat -A PREROUTING -d "$uplink" -p "$protocol" --dport 8080 -j DNAT --to-destination "$main_server"
    done
  done <<TOOLS
$NC_IPTABLES 10.@.0.0/24 $uplink_address 10.88.0.2:5000
$NC_IP6TABLES fd00:@::/64 $uplink_address6 [fd00:88::2]:5000
TOOLS
fi

cat > "$NC_ROLES" <<JSON
{
  $main,
  "published": { "port": 8080, "workload": "main-1", "targetPort": 5000 },
  "publishedUdp": { "port": 8080, "workload": "main-1", "targetPort": 5000 },
  "foreignFirewall": { "keeps": [], "why": "it accepts nothing in FORWARD: it relies on FORWARD's ACCEPT policy" },
  "isolation": {
    "network": { $apart },
    "iccOff": { $no_icc },
    "why": "FORWARD drops what nc0 and nc1 send each other, and what nc2 bridges between its own ports"
  },
  "internal": {
    $internal,
    "egress": "no-route",
    "why": "its workloads have no default route, and FORWARD drops what would enter nc3 from another link"
  }
}
JSON

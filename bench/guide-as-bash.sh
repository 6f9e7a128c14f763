#!/usr/bin/env bash
# The guide's four scenarios as a person would script them: build the topology with ip and iptables, then check
# each property with `ip netns exec … ping -c1 -W1` and curl, the same checks the harness's property tables make.
# Runs inside a sandbox host (the benchmark hands it to a netns host on stdin), never in the machine's namespace.
set -euo pipefail
ip netns add internet
ip link add eth0 type veth peer name isp0 netns internet
ip -n internet addr add 172.31.0.1/20 dev isp0
ip -n internet addr add 8.8.8.8/32 dev lo
ip -n internet addr add 198.51.100.7/32 dev lo
ip -n internet link set lo up
ip -n internet link set isp0 up
ip netns exec internet sysctl -qw net.ipv4.ip_forward=1
ip addr add 172.31.8.154/20 dev eth0
ip link set eth0 up
ip route add default via 172.31.0.1

ip link add br0 type bridge
ip addr add 192.168.0.1/16 dev br0
ip link set br0 up
for n in 1 2; do
  ip netns add "netns$n"
  ip link add "veth$((n - 1))" type veth peer name "ceth$((n - 1))"
  ip link set "ceth$((n - 1))" netns "netns$n"
  ip link set "veth$((n - 1))" master br0 up
  ip -n "netns$n" addr add "192.168.0.$((n + 1))/16" dev "ceth$((n - 1))"
  ip -n "netns$n" link set lo up
  ip -n "netns$n" link set "ceth$((n - 1))" up
  ip -n "netns$n" route add default via 192.168.0.1
done
sysctl -qw net.ipv4.ip_forward=1
iptables -t nat -A POSTROUTING -s 192.168.0.0/16 ! -o br0 -j MASQUERADE
iptables -t nat -A PREROUTING -d 172.31.8.154 -p tcp --dport 5000 -j DNAT --to-destination 192.168.0.2:5000

# servers: the public host's web server, and the guide's server in netns1
ip netns exec internet /usr/bin/python3 -m http.server 80 --bind 8.8.8.8 >/dev/null 2>&1 &
ip netns exec netns1 /usr/bin/python3 -m http.server 5000 --bind 192.168.0.2 >/dev/null 2>&1 &
trap 'kill $(jobs -p) 2>/dev/null' EXIT
for address in 8.8.8.8:80:internet 192.168.0.2:5000:netns1; do
  IFS=: read -r ip port ns <<<"$address"
  until ip netns exec "$ns" ss -ltn | grep -q "$ip:$port"; do sleep 0.01; done
done

failed=0
must() { if "$@" >/dev/null 2>&1; then :; else echo "FAIL: $*"; failed=1; fi; }
mustnot() { if "$@" >/dev/null 2>&1; then echo "FAIL (reached): $*"; failed=1; fi; }
# 1: each namespace reaches the bridge and the other namespace
for n in 1 2; do must ip netns exec "netns$n" ping -c1 -W1 192.168.0.1; done
must ip netns exec netns1 ping -c1 -W1 192.168.0.3
must ip netns exec netns2 ping -c1 -W1 192.168.0.2
# 2: each namespace reaches the host's uplink address, the host reaches each namespace
for n in 1 2; do must ip netns exec "netns$n" ping -c1 -W1 172.31.8.154; must ping -c1 -W1 "192.168.0.$((n + 1))"; done
# 3: each namespace reaches 8.8.8.8 (ping and HTTP); the internet has no route back to a namespace
for n in 1 2; do
  must ip netns exec "netns$n" ping -c1 -W1 8.8.8.8
  must ip netns exec "netns$n" curl -s -m 2 http://8.8.8.8:80/
  mustnot ip netns exec internet ping -c1 -W1 "192.168.0.$((n + 1))"
done
# 4: the outside client reaches the published port, not the namespace's own address
must ip netns exec internet curl -s -m 2 --interface 198.51.100.7 http://172.31.8.154:5000/
mustnot ip netns exec internet curl -s -m 2 --interface 198.51.100.7 http://192.168.0.2:5000/
exit "$failed"

# The host's state after a guide step, in one command (one `docker exec` instead of ten).
# argv: <iptables command> <namespace>… ("host" is the host's own). Each section starts with
# "@@ <title> @@ <namespace>" (no namespace for the firewall).
iptables=$1
shift
names=$(ip netns list | cut -d' ' -f1)
for ns in "$@"; do
  # a namespace the walkthrough has not made yet says so, instead of an error
  if [ "$ns" != host ] && ! printf '%s\n' "$names" | grep -qx "$ns"; then
    echo "@@ ip -br addr @@ $ns"; echo "(not created yet)"
    echo "@@ ip route @@ $ns"; echo "(not created yet)"
    continue
  fi
  if [ "$ns" = host ]; then set -- ; else set -- -n "$ns"; fi
  echo "@@ ip -br addr @@ $ns"; ip "$@" -br addr 2>&1
  echo "@@ ip route @@ $ns"; ip "$@" route 2>&1
done
echo "@@ $iptables-save -c @@"; "$iptables-save" -c 2>&1
echo "@@ nft list ruleset @@"; nft list ruleset 2>&1

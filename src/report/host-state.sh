# The host's state after a guide step, in one command (one `docker exec` instead of ten).
# argv: <iptables command> <namespace>… ("host" is the host's own). Each section starts with "@@ <title> @@ <namespace>" (no namespace for the firewall).
iptables=$1
shift
for ns in "$@"; do
  if [ "$ns" = host ]; then set -- ; else set -- -n "$ns"; fi
  echo "@@ ip -br addr @@ $ns"; ip "$@" -br addr 2>&1
  echo "@@ ip route @@ $ns"; ip "$@" route 2>&1
done
echo "@@ $iptables-save -c @@"; "$iptables-save" -c 2>&1
echo "@@ nft list ruleset @@"; nft list ruleset 2>&1

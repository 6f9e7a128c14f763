// A host in namespaces of its own (network, mount, PID), made with `unshare` on the machine (netns hosts) or inside
// a VM (a cell's room): the same namespaces, prepared the same way. Its first process holds them: when it ends,
// the kernel kills every process left in it and its links, rules and sysctls go with its network namespace.

/** unshare's child is the first process of the new PID namespace, and dies with unshare (--kill-child) */
export const UNSHARE_HOST = [
  'unshare',
  '--net',
  '--mount',
  '--pid',
  '--kill-child',
  '--mount-proc',
  '--propagation',
  'private',
  '--',
];

// Inside the new mount namespace (propagation private, so nothing is seen outside): a tmpfs on /run keeps
// `ip netns` mounts, the xtables lock and background files private; a fresh sysfs shows this namespace's links;
// /proc/sys, read-only when the harness itself runs in a container, is remounted writable here only (its net/
// keys are this namespace's own); resolv.conf points at lo so a stray lookup fails at once.
export const PREPARE_HOST = `set -e
mount -t tmpfs -o mode=0755 netns-conformance /run
mount -t sysfs netns-conformance /sys
[ -w /proc/sys/net/ipv4/ip_forward ] || mount -o remount,rw /proc/sys
mkdir -p /run/netns-conformance
target=$(readlink -m /etc/resolv.conf)
case "$target" in
  /run/*) mkdir -p "\${target%/*}"; echo 'nameserver 127.0.0.1' > "$target" ;;
  *) echo 'nameserver 127.0.0.1' > /run/netns-conformance/resolv.conf
     mount --bind /run/netns-conformance/resolv.conf /etc/resolv.conf ;;
esac
ip link set lo up`;

/**
 * The argv prefix that enters the host made by the unshare process `pid`: unshare itself stays in the outer PID
 * namespace; its children, the holder first, are in the host's.
 */
export function enterHolder(pid: number | string): string[] {
  return ['nsenter', '--target', String(pid), '--net', '--mount', `--pid=/proc/${pid}/ns/pid_for_children`, '--'];
}

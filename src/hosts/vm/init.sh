#!/bin/busybox sh
# The first process of a VM host. It mounts the machine's root, shared read-only over 9p, under an overlay whose
# upper layer is guest memory (nothing the guest writes reaches the machine), puts the kernel's own modules where
# modprobe looks, and runs the harness's agent. The kernel hands it nc_agent and nc_modules as variables.
set -e
bb=/bin/busybox
# a line that fails ends init and the kernel panics: each line is traced to the console (only the harness reads
# it, and shows its last lines when a boot fails), and the failure is said before the panic
set -x
trap 'status=$?; [ $status -eq 0 ] || echo "netns-conformance: init of the VM failed (exit $status)" >&2' EXIT
$bb mkdir -p /proc /dev /lower /upper /newroot
$bb mount -t proc proc /proc
$bb mount -t devtmpfs dev /dev
# the modules the root needs before it can be mounted (9p, virtio, overlay), in dependency order
for module in $($bb cat /modules/order); do $bb insmod "/modules/$module.ko"; done
$bb mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=512000 root /lower
$bb mount -t tmpfs -o mode=0755 upper /upper
$bb mkdir -p /upper/data /upper/work
$bb mount -t overlay overlay -o lowerdir=/lower,upperdir=/upper/data,workdir=/upper/work /newroot
release=$($bb uname -r)
$bb mkdir -p "/newroot/usr/lib/modules/$release" /newroot/usr/local/lib/netns-conformance
$bb mount --bind "/newroot$nc_modules" "/newroot/usr/lib/modules/$release"
# busybox as modprobe (the machine may have no kmod): without it the kernel cannot load nf_tables, crc32c …
$bb cp $bb /newroot/usr/local/lib/netns-conformance/busybox
$bb ln -sf /usr/local/lib/netns-conformance/busybox /newroot/usr/local/lib/netns-conformance/modprobe
$bb mount --move /dev /newroot/dev
$bb umount /proc
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
# busybox sh stays the first process: it reaps what background commands leave behind; the agent runs under it
exec $bb switch_root /newroot /usr/local/lib/netns-conformance/busybox sh -c '
bb=/usr/local/lib/netns-conformance/busybox
$bb mount -t proc proc /proc
$bb mount -t sysfs sysfs /sys
$bb mount -t tmpfs -o mode=0755 run /run
echo /usr/local/lib/netns-conformance/modprobe > /proc/sys/kernel/modprobe
$bb mkdir -p /run/netns-conformance
resolv=$($bb readlink -f /etc/resolv.conf)
$bb mkdir -p "${resolv%/*}"
echo "nameserver 127.0.0.1" > "$resolv"
$bb ip link set lo up
# /tmp stays as on the machine (under the overlay): the harness may live there. The agent talks on the
# virtio-serial port named netns-conformance.agent (qemu-argv.ts), opened once (a port opens once) both ways.
port=
for entry in /sys/class/virtio-ports/*; do
  [ "$($bb cat "$entry/name")" = netns-conformance.agent ] && port=/dev/${entry##*/}
done
[ -n "$port" ] || echo "netns-conformance: no virtio-serial port netns-conformance.agent in the guest" >&2
command -v python3 >/dev/null || echo "netns-conformance: no python3 in the guest (the machine has none)" >&2
python3 -u "$nc_agent" <>"$port" >&0 || echo "netns-conformance: the agent exited $?" >&2
$bb poweroff -f'

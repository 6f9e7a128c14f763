# One tcpdump per capture point, started and stopped together by this one process in the host, so that a capture
# costs a handful of commands however many points it has. Arguments: the files' prefix, the pcap filter, then
# pairs of namespace ("-": the host's own) and interface. Each point's tcpdump writes $files.N.out and .err.
# SIGINT or SIGTERM stops them all, but only once each has printed every packet its interface passed before the
# stop: a tcpdump that is killed leaves what the kernel queued for it unread (on a busy machine, the reply of a
# ping that had already come back). So a marker frame (ethertype 0x88b5, addressed to its own sender: no bridge
# forwards it, no stack takes it) goes out of every point's interface, and each tcpdump is stopped once it has
# printed a marker: the kernel queues a socket's packets in order. Then each point's packets are printed, a
# line '#end' after each (NUL is the separator of a background process's own output), and the files go.
# A tcpdump that ends by itself (no such interface) ends the set, with what it said.
files=$1 filter=$2
shift 2
points=("$@")
MARKER='0x88b5'
# -Z root: tcpdump stays root rather than switching to a user of its own, which a host's image may not have
dump() {
  local with_marker="ether proto $MARKER"
  [ -n "$filter" ] && with_marker="($filter) or $with_marker"
  exec "$@" tcpdump -Z root -i "$iface" -n -l --immediate-mode -tt "$with_marker" \
    >"$files.$count.out" 2>"$files.$count.err"
}
# Sends the marker out of each point's interface, from its namespace; prints the points (1, 2 …) it went out of.
# Only an interface that is up and running (has its carrier) passes a frame to its captures: one without (a veth
# whose peer is down, a bridge without ports) has a queue that drops it unseen, and carries no packets either.
MARK='import ctypes, fcntl, os, socket, struct, sys
setns = ctypes.CDLL(None, use_errno=True).setns
home = os.open("/proc/self/ns/net", os.O_RDONLY)
ethertype, pairs = bytes.fromhex(sys.argv[1][2:]), sys.argv[2:]
for point, (ns, iface) in enumerate(zip(pairs[::2], pairs[1::2]), 1):
    try:
        if ns != "-":
            fd = os.open(ns if "/" in ns else "/run/netns/" + ns, os.O_RDONLY)
            setns(fd, 0x40000000)
            os.close(fd)
        with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as sock:
            sock.bind((iface, 0))
            ifreq = fcntl.ioctl(sock, 0x8913, struct.pack("16sH22x", iface.encode(), 0))  # SIOCGIFFLAGS
            if struct.unpack_from("H", ifreq, 16)[0] & 0x41 != 0x41:  # IFF_UP | IFF_RUNNING
                continue
            own = sock.getsockname()[4]
            sock.send(own + own + ethertype + b"netns-conformance capture marker".ljust(46, b"\0"))
            print(point)
    except OSError:  # its namespace or interface is gone, or down
        pass
    finally:
        setns(home, 0x40000000)'
count=0 pids=() stopping=
# the stop wakes `wait -n` by ending this child: a signal that came before the wait began would not
sleep infinity &
waker=$!
trap 'stopping=1; kill "$waker" 2>/dev/null' INT TERM
while [ $# -gt 1 ]; do
  count=$((count + 1)) iface=$2
  case $1 in
    -) dump & ;;
    */*) dump nsenter --net="$1" -- & ;;
    *) dump nsenter --net="/run/netns/$1" -- & ;; # ip netns exec would also mount a sysfs: not needed here
  esac
  pids[count]=$!
  shift 2
done
wait -n -p ended
if [ -z "$stopping" ]; then
  # what the tcpdump that ended said (not the others: they may be saying "listening on" right now)
  for point in "${!pids[@]}"; do
    [ "${pids[point]}" = "$ended" ] && grep -v '^tcpdump: verbose' "$files.$point.err" >&2
  done
  kill -TERM "${pids[@]}" "$waker" 2>/dev/null
  wait
  rm -f "$files".*.out "$files".*.err
  exit 1
fi
for point in $(python3 -c "$MARK" "$MARKER" "${points[@]}"); do
  # the marker is on its way to this tcpdump's socket: waited for, while that tcpdump lives
  until grep -q "$MARKER" "$files.$point.out" || ! kill -0 "${pids[point]}" 2>/dev/null; do sleep 0.01; done
done
kill -TERM "${pids[@]}" 2>/dev/null
wait
for point in $(seq "$count"); do
  cat "$files.$point.out"
  echo '#end'
done
rm -f "$files".*.out "$files".*.err

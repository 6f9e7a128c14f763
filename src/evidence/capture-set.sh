# One tcpdump per capture point, started and stopped together by this one process in the host, so that a capture
# costs a handful of commands however many points it has. Arguments: the files' prefix, the pcap filter, then
# pairs of namespace ("-": the host's own) and interface. Each point's tcpdump writes $files.N.out and .err.
# SIGINT or SIGTERM stops them all (capture.ts first waits until each has printed its end marker), then each
# point's packets are printed, a line '#end' after each (NUL is the separator of a background process's own
# output), and the files go. A tcpdump that ends by itself (no such interface) ends the set, with what it said.
files=$1 filter=$2
shift 2
# -Z root: tcpdump stays root rather than switching to a user of its own, which a host's image may not have
dump() {
  exec "$@" tcpdump -Z root -i "$iface" -n -l --immediate-mode -tt "$filter" >"$files.$count.out" 2>"$files.$count.err"
}
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
kill -TERM "${pids[@]}" 2>/dev/null
wait
for point in $(seq "$count"); do
  cat "$files.$point.out"
  echo '#end'
done
rm -f "$files".*.out "$files".*.err

# UDP probe: one datagram to the harness's server, which answers with the peer it saw and when its kernel received
# the datagram (serving.py's answer_datagram); prints one JSON line with the outcome and the errno behind a failure.
# The path is judged by that receipt: the server, a process, may answer late on a busy machine, and has the answer
# guard to. The socket is connected and hears every ICMP error its datagram drew (udp-errors.py): the error's type,
# code and sender are reported beside the errno.
# argv: destination (IPv4 or IPv6) port timeout_seconds answer_guard_seconds [source_address]
import errno, json, socket, sys, time

dst, port, timeout, guard = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
source = sys.argv[5] if len(sys.argv) > 5 else None
s = socket.socket(socket.AF_INET6 if ":" in dst else socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(timeout + guard)
hearing_errors(s)
if source:
    s.bind((source, 0))
try:
    s.connect((dst, port))
    sent = time.time()
    s.send(b"netns-conformance")
    answer = s.recv(4096)
    back = time.time()
    try:
        said = json.loads(answer)
        seen, received, answered = said["peer"], float(said["receivedAt"]), float(said["answeredAt"])
    except (ValueError, KeyError, TypeError):
        print(json.dumps({"ok": False, "errno": "EBADMSG", "message": f"not the server's answer: {answer[:40]!r}"}))
        sys.exit(0)
    if received - sent > timeout:
        print(json.dumps({"ok": False, "errno": "ETIMEDOUT", "message": "the server received it after its deadline"}))
    else:
        rtt_ms = (back - sent - (answered - received)) * 1000
        print(json.dumps({"ok": True, "rtt_ms": rtt_ms, "seen": seen}))
except socket.timeout:
    print(json.dumps({"ok": False, "errno": "ETIMEDOUT"}))
except OSError as e:
    heard = icmp_error(s)  # the ICMP error behind it: its type, code and sender
    report = {"ok": False, "errno": errno.errorcode.get(e.errno, str(e.errno)), "message": e.strerror}
    print(json.dumps({**report, **heard[0]} if heard else report))
finally:
    s.close()

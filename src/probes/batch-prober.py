# Many probes by one process inside a host: ICMP echo, TCP connect and HTTP GET from any of the host's network
# namespaces, all in flight at once, and the servers they probe, listening before the first probe leaves (they
# answer with peer_reply, as responder.py does: peer-reply.py is put in front of this script). A socket belongs to
# the namespace it was made in, so the prober enters each namespace (setns) only to make its sockets, then waits on
# all of them with one selector.
# stdin: {"timeoutMs": 1000, "serve": [{"ns": "internet", "port": 80}, ...],
#         "probes": [{"kind": "ping"|"tcp"|"http", "ns": "w1"|"/proc/1/ns/net"|null, "to": "10.64.0.1", "port": 80,
#                     "source": "198.51.100.7"|null}, ...]}
# stdout: one JSON line per probe, in order: {"outcome": {"kind": "reachable", "rttMs": 0.3, "seenAs": "172.31.8.154"},
#         "ms": 0.4} (ms: how long it took to decide); an outcome is a kind (reachable, timeout, error) or what the
#         kernel said, for the harness to classify: {"errno": "ECONNREFUSED", "detail": "Connection refused"} or
#         {"icmp": [3, 13], "from": "172.31.0.1"}
# timeoutMs is each probe's own deadline, from the moment it leaves (as `ping -W` has): making a thousand
# namespaces' sockets takes a second or more on a busy machine, and must not eat the last probes' time.
# A probe is judged by when the kernel received its answer, not by when this process got to read it: on a busy
# machine it reads late (the host's namespace alone once queued 600 ICMP packets, read one per round, up to 2 s
# behind). Before any deadline is judged, every socket is drained; a reply's time is the kernel's receive timestamp.
import ctypes, errno, heapq, json, os, selectors, signal, socket, struct, sys, time

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)
home = os.open("/proc/self/ns/net", os.O_RDONLY)
SO_RCVBUFFORCE = 33  # as root (CAP_NET_ADMIN) beyond net.core.rmem_max, for this socket only
RAW_BUFFER = 16 << 20
CONNECTIONS_AT_ONCE = 64  # connections in flight: a server accepts one at a time, its backlog holds 128
SO_TIMESTAMPNS = 35  # also its control message's type (SCM_TIMESTAMPNS): struct timespec, CLOCK_REALTIME
ANCILLARY = socket.CMSG_SPACE(16)
STAMPING_S = 5
TCP_INFO_LAST_DATA_RECV, TCP_INFO_RTT = 52, 68  # struct tcp_info: ms since the last receive (or connected), rtt us


def kernel_received(ancillary):
    """When the kernel received a packet (wall clock, as time.time()), from its SCM_TIMESTAMPNS; None without."""
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
            seconds, nanoseconds = struct.unpack("=qq", data[:16])
            return seconds + nanoseconds / 1e9
    return None


def stamping():
    """A socket that asks for receive timestamps, made first: the kernel switches stamping on machine-wide in a
    deferred work, and until that has run a packet is stamped when it is read, not when it arrived."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(1)
    return sock


def await_stamping(sock):
    """Waits until the kernel stamps packets as they arrive: a datagram to itself carries a stamp from before it was
    read (seen here: with no other socket asking, all of a batch's replies got their reading's time, past deadline)."""
    deadline = time.monotonic() + STAMPING_S
    while time.monotonic() < deadline:
        sock.sendto(b"", sock.getsockname())
        reading = time.time()
        try:
            stamp = kernel_received(sock.recvmsg(1, ANCILLARY)[1])
        except socket.timeout:
            continue
        if stamp is not None and stamp < reading:
            return
        time.sleep(0.001)
    sys.stderr.write(f"the kernel did not stamp packets on arrival within {STAMPING_S} s: answers judged when read\n")


def connected_ago(sock):
    """How long ago the kernel completed a connection (s), and its handshake's round trip as the kernel measured
    it: a connect noticed late completed when the kernel says (it stamps the handshake's end as its last receive)."""
    info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
    ago_ms, rtt_us = (struct.unpack_from("=I", info, offset)[0] for offset in (TCP_INFO_LAST_DATA_RECV, TCP_INFO_RTT))
    return ago_ms / 1000, rtt_us / 1e6


def enter(ns):
    path = home if ns is None else os.open(ns if "/" in ns else f"/run/netns/{ns}", os.O_RDONLY)
    if libc.setns(path, CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), f"setns {ns}")
    if path != home:
        os.close(path)


def made_in(ns, make):
    enter(ns)
    try:
        return make()
    finally:
        enter(None)


TIMEOUT = {"kind": "timeout", "detail": "no answer before its deadline"}
# Links the kernel has not finished bringing up, which drop what is sent through them: up with their carrier on,
# but still without a queue (qdisc "noop"), or a bridge port not yet running (its port is not forwarding yet).
# The kernel's link watch mends both; it takes the lock every ip command takes and batches some events a second
# apart, so on a busy machine it was seen to lag up to 4 s behind a build.
RTM_NEWLINK, RTM_GETLINK, NLMSG_DONE, NLMSG_ERROR = 16, 18, 3, 2
IFLA_IFNAME, IFLA_QDISC, IFLA_MASTER = 3, 6, 10
IFF_UP, IFF_RUNNING, IFF_LOWER_UP, IFF_DORMANT = 0x1, 0x40, 0x10000, 0x20000
LINKS_SETTLE_S = 10


def failed(code, text):
    """A connect or send the kernel refused: its errno, which the harness classifies (src/probes/classify.ts)."""
    return {"errno": errno.errorcode.get(code, str(code)), "detail": text}


def link_attributes(data, start, end):
    """A link message's attributes, type -> bytes."""
    found = {}
    while start + 4 <= end:
        length, kind = struct.unpack_from("=HH", data, start)
        found[kind] = data[start + 4 : start + length]
        start += (length + 3) & ~3
    return found


def coming_up(ns):
    """The names of the links of a namespace that are still coming up (a link left dormant stays so: not those)."""
    sock = made_in(ns, lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0))  # NETLINK_ROUTE
    try:
        # nlmsghdr (len, type, flags REQUEST|DUMP, seq, pid) and an empty ifinfomsg
        sock.send(struct.pack("=LHHLL", 32, RTM_GETLINK, 0x1 | 0x300, 1, 0) + bytes(16))
        pending = []
        while True:
            data = sock.recv(1 << 16)
            offset = 0
            while offset < len(data):
                length, kind = struct.unpack_from("=LH", data, offset)
                if kind in (NLMSG_DONE, NLMSG_ERROR):
                    return pending
                flags = struct.unpack_from("=I", data, offset + 24)[0] if kind == RTM_NEWLINK else 0  # ifinfomsg's
                if flags & (IFF_UP | IFF_LOWER_UP | IFF_DORMANT) == IFF_UP | IFF_LOWER_UP:
                    attributes = link_attributes(data, offset + 32, offset + length)
                    queueless = attributes.get(IFLA_QDISC, b"").rstrip(b"\0") == b"noop"
                    if queueless or (IFLA_MASTER in attributes and not flags & IFF_RUNNING):
                        pending.append(attributes.get(IFLA_IFNAME, b"?").rstrip(b"\0").decode())
                offset += (length + 3) & ~3
    finally:
        sock.close()


def await_links(namespaces):
    """Waits until no link of these namespaces is still coming up (at most LINKS_SETTLE_S): a probe judges the
    state that was built, not the kernel's lag in bringing it up."""
    deadline = time.monotonic() + LINKS_SETTLE_S
    waiting = {ns: coming_up(ns) for ns in namespaces}
    while any(waiting.values()) and time.monotonic() < deadline:
        time.sleep(0.005)
        waiting = {ns: coming_up(ns) for ns, links in waiting.items() if links}
    if any(waiting.values()):
        still = "; ".join("%s: %s" % (ns or "host", " ".join(links)) for ns, links in waiting.items() if links)
        sys.stderr.write(f"links still coming up after {LINKS_SETTLE_S} s ({still})\n")


def checksum(data):
    data += b"\0" * (len(data) % 2)
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    total = (total >> 16) + (total & 0xFFFF)
    return ~(total + (total >> 16)) & 0xFFFF


def echo(ident, seq):
    header = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    payload = b"netns-conformance"
    return struct.pack("!BBHHH", 8, 0, checksum(header + payload), ident, seq) + payload


def http_outcome(received, rtt_ms):
    """A whole reply, as curl would judge it: reachable only with an HTTP status line; seenAs from the body."""
    if not received.startswith(b"HTTP/"):
        return {"kind": "error",
                "detail": "no HTTP reply (curl: Empty reply from server)" if not received
                else f"not an HTTP reply: {received[:40]!r}"}
    outcome = {"kind": "reachable", "rttMs": rtt_ms, "detail": received.split(b"\r\n", 1)[0].decode(errors="replace")}
    try:
        seen = json.loads(received.split(b"\r\n\r\n", 1)[-1]).get("peer")
    except ValueError:
        seen = None
    if isinstance(seen, str):
        outcome["seenAs"] = seen
    return outcome


def main():
    text = sys.stdin.read()
    if not text.strip():  # started ahead of its probes, and its host stopped before it got any
        return
    request = json.loads(text)
    stamps = stamping()
    probes = request["probes"]
    timeout = request["timeoutMs"] / 1000
    outcomes = [None] * len(probes)
    started = [0.0] * len(probes)
    started_wall = [0.0] * len(probes)  # the same moment on the clock of the kernel's receive timestamps
    late = [0.0] * len(probes)  # how late this process acted on an answer it had to act on (an HTTP connect)
    decided_at = [0.0] * len(probes)
    expiries = []  # heap of (deadline, index) of the probes sent; decided or superseded ones are skipped
    deadlines = [0.0] * len(probes)
    await_links({None, *(probe.get("ns") for probe in probes),
                 *(server.get("ns") for server in request.get("serve", []))})

    def decide(index, outcome):
        outcomes[index] = outcome
        decided_at[index] = time.monotonic()

    def sent(index):
        started[index], started_wall[index] = time.monotonic(), time.time()
        deadlines[index] = started[index] + timeout
        heapq.heappush(expiries, (deadlines[index], index))

    def acted_late(index, seconds):
        """This process acted `seconds` after the kernel's answer (an HTTP request sent after its connect): that
        lateness is this process's, not the probed path's, so the probe's deadline moves by as much."""
        late[index] = seconds
        deadlines[index] = started[index] + timeout + seconds
        heapq.heappush(expiries, (deadlines[index], index))

    def elapsed(index, received):
        """Seconds from a probe's start to an answer the kernel received at `received` (wall clock; None: now),
        less this process's own lateness."""
        return (time.time() if received is None else received) - started_wall[index] - late[index]
    selector = selectors.DefaultSelector()
    pings = {}  # namespace -> raw ICMP socket (one per namespace; replies matched by id and sequence)
    waiting = {}  # (namespace, id, seq) -> probe index

    def ping_key(index):
        return probes[index].get("ns"), index & 0xFFFF, index >> 16

    for server in request.get("serve", []):
        def listening(port=server["port"]):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("0.0.0.0", port))
            sock.listen(128)
            return sock
        sock = made_in(server.get("ns"), listening)
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ, ("listening", None))

    await_stamping(stamps)
    for index, probe in enumerate(probes):
        if probe["kind"] != "ping":
            continue
        ns = probe.get("ns")
        if ns not in pings:
            sock = made_in(ns, lambda: socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP))
            # a raw socket gets every ICMP packet its namespace receives: a thousand replies (and the requests
            # other workloads send here) overflow the default buffer, so this socket's own is made large
            sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, RAW_BUFFER)
            sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            sock.setblocking(False)
            pings[ns] = sock
            selector.register(sock, selectors.EVENT_READ, ("ping", ns))
        _, ident, seq = key = ping_key(index)
        try:
            sent(index)
            pings[ns].sendto(echo(ident, seq), (probe["to"], 0))
            waiting[key] = index
        except OSError as error:
            decide(index, failed(error.errno, error.strerror))

    connect_queue = [index for index, probe in enumerate(probes)
                     if probe["kind"] in ("tcp", "http")]  # both connect first
    connections = {}  # socket -> [index, phase ("connecting", then for http "reading"), received bytes, received at]
    socket_of = {}  # probe index -> its connection's socket, while open

    def open_connections():
        while connect_queue and len(connections) < CONNECTIONS_AT_ONCE:
            index = connect_queue.pop(0)
            probe = probes[index]
            sent(index)
            sock = made_in(probe.get("ns"), lambda: socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            sock.setblocking(False)
            try:
                if probe.get("source"):
                    sock.bind((probe["source"], 0))
                code = sock.connect_ex((probe["to"], probe["port"]))
                if code not in (0, errno.EINPROGRESS):
                    raise OSError(code, os.strerror(code))
            except OSError as error:
                decide(index, failed(error.errno, error.strerror))
                sock.close()
                continue
            sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            connections[sock] = [index, "connecting", b"", None]
            socket_of[index] = sock
            selector.register(sock, selectors.EVENT_WRITE, ("connection", None))

    def close_connection(sock, outcome):
        index = connections.pop(sock)[0]
        del socket_of[index]
        decide(index, outcome)
        selector.unregister(sock)
        sock.close()

    def ping_answer(ns, sock):
        """Every packet queued on a namespace's raw socket: an answer is judged by when the kernel received it."""
        while True:
            try:
                packet, ancillary, _, _ = sock.recvmsg(2048, ANCILLARY)
            except BlockingIOError:
                return
            received = kernel_received(ancillary)
            header = (packet[0] & 0x0F) * 4
            icmp_type, code = packet[header], packet[header + 1]
            if icmp_type == 0:
                ident, seq = struct.unpack("!HH", packet[header + 4 : header + 8])
                outcome = {"kind": "reachable"}
            elif icmp_type == 3:  # the original datagram follows: its ICMP id and sequence say whose it was
                inner = header + 8 + (packet[header + 8] & 0x0F) * 4
                ident, seq = struct.unpack("!HH", packet[inner + 4 : inner + 8])
                src = socket.inet_ntoa(packet[12:16])
                outcome = {"icmp": [icmp_type, code], "from": src}
            else:
                continue
            index = waiting.pop((ns, ident, seq), None)
            if index is None:
                continue
            took = elapsed(index, received)
            if took > timeout:  # the kernel got it after the deadline: no answer in time, as ping -W says
                decide(index, TIMEOUT)
            elif outcome.get("kind") == "reachable":
                decide(index, {"kind": "reachable", "rttMs": took * 1000})
            else:
                decide(index, outcome)

    def connection_event(sock):
        index, phase, received, received_at = connections[sock]
        if phase == "connecting":
            code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if code:
                close_connection(sock, failed(code, os.strerror(code)))
                return
            ago, handshake = connected_ago(sock)
            took = max(elapsed(index, None) - ago, handshake)
            if took > timeout:  # connected, but after its deadline
                close_connection(sock, TIMEOUT)
            elif probes[index]["kind"] == "tcp":  # connected: that is all a TCP probe asks
                detail = "from %s:%d" % sock.getsockname()
                close_connection(sock, {"kind": "reachable", "rttMs": took * 1000, "detail": detail})
            else:
                acted_late(index, ago)
                sock.send(f"GET / HTTP/1.0\r\nHost: {probes[index]['to']}\r\n\r\n".encode())
                connections[sock][1] = "reading"
                selector.modify(sock, selectors.EVENT_READ, ("connection", None))
            return
        chunk, ancillary, _, _ = sock.recvmsg(4096, ANCILLARY)
        if chunk:
            connections[sock][2:] = [received + chunk, kernel_received(ancillary)]
            return
        took = elapsed(index, received_at)  # the reply's last bytes, as the kernel received them
        close_connection(sock, TIMEOUT if took > timeout else http_outcome(received, took * 1000))

    def handle(key):
        kind, ns = key.data
        sock = key.fileobj
        if kind == "listening":
            conn, (peer, _) = sock.accept()
            conn.setblocking(False)
            selector.register(conn, selectors.EVENT_READ, ("served", peer))
        elif kind == "served":  # the request, or a bare connect's end: answer with the peer it came from
            try:
                sock.recv(4096)
                sock.send(peer_reply(ns))
            except OSError:
                pass
            selector.unregister(sock)
            sock.close()
        elif kind == "ping":
            ping_answer(ns, sock)
        else:
            connection_event(sock)
            open_connections()

    def drain():
        """Handles all the kernel already holds for this process, until nothing is ready: what came before a
        deadline is judged before that deadline is (this process may have been descheduled, or busy)."""
        while ready := selector.select(timeout=0):
            for key, _ in ready:
                handle(key)

    def settled(deadline, index):
        """An expiry to skip: its probe is decided, or its deadline moved later (an HTTP probe's)."""
        return outcomes[index] is not None or deadline != deadlines[index]

    def expire():
        """Decides, as timeouts, the probes whose own deadline has passed with no answer the kernel holds, opens
        the connections that frees room for, and returns the next deadline of a probe still undecided (None:
        every probe is decided)."""
        while True:
            open_connections()
            now = time.monotonic()
            if expiries and expiries[0][0] <= now:
                drain()
            while expiries and (settled(*expiries[0]) or expiries[0][0] <= now):
                deadline, index = heapq.heappop(expiries)
                if settled(deadline, index):
                    continue
                if index in socket_of:
                    close_connection(socket_of[index], TIMEOUT)
                else:  # a ping: a reply that still comes is no one's
                    waiting.pop(ping_key(index), None)
                    decide(index, TIMEOUT)
            if not (connect_queue and len(connections) < CONNECTIONS_AT_ONCE):
                return expiries[0][0] if expiries else None

    open_connections()
    if request.get("stopWhenSent"):  # self-tests: descheduled right after its probes left, as on a busy machine
        os.kill(os.getpid(), signal.SIGSTOP)
    while (next_deadline := expire()) is not None:
        for key, _ in selector.select(timeout=max(0.0, next_deadline - time.monotonic())):
            handle(key)
    for index, outcome in enumerate(outcomes):
        print(json.dumps({"outcome": outcome, "ms": (decided_at[index] - started[index]) * 1000}))


main()

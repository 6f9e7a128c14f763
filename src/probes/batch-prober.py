# Many probes by one process inside a host: ICMP echo, TCP connect, HTTP GET and a UDP exchange from any of the
# host's network namespaces, all in flight at once, and the servers they probe, listening before the first probe
# leaves (they listen and answer as responder.py does: serving.py is put in front of this script). A socket belongs
# to the namespace it was made in, so the prober enters each namespace (setns) only to make its sockets, then waits
# on all of them with one selector.
# stdin: {"timeoutMs": 1000, "answerGuardMs": 10000,
#         "serve": [{"ns": "internet", "port": 80, "protocol": "tcp"|"udp"}, ...],
#         "probes": [{"kind": "ping"|"tcp"|"http"|"udp", "ns": "w1"|"/proc/1/ns/net"|null, "to": "10.64.0.1",
#                     "port": 80, "source": "198.51.100.7"|null}, ...]}: "to" an IPv6 address probes over IPv6
# stdout: one JSON line per probe, in order: {"outcome": {"kind": "reachable", "rttMs": 0.3, "seenAs": "172.31.8.154"},
#         "ms": 0.4} (ms: how long it took to decide); an outcome is a kind (reachable, timeout, error) or what the
#         kernel said, for the harness to classify: {"errno": "ECONNREFUSED", "detail": "Connection refused"} or
#         {"icmp": [3, 13], "from": "172.31.0.1"}
# timeoutMs is each probe's own deadline, from the moment it leaves (as `ping -W` has): making a thousand
# namespaces' sockets takes a second or more on a busy machine, and must not eat the last probes' time.
# A probe is judged by when the kernel received its answer, not by when this process got to read it: on a busy
# machine it reads late (the host's namespace alone once queued 600 ICMP packets, read one per round, up to 2 s
# behind). Before any deadline is judged, every socket is drained; a reply's time is the kernel's receive timestamp.
# An HTTP probe's path is judged by its handshake, which the kernels at both ends make: connected in time, the
# server (a process, as late as the machine is busy) gets answerGuardMs, a guard against a hang, to answer. A UDP
# probe's path is judged by when the server's kernel received its datagram, which the server's answer says; the
# server has the same guard to answer.
import ctypes, errno, heapq, json, os, selectors, signal, socket, struct, sys, time

CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)
home = os.open("/proc/self/ns/net", os.O_RDONLY)
SO_RCVBUFFORCE = 33  # as root (CAP_NET_ADMIN) beyond net.core.rmem_max, for this socket only
RAW_BUFFER = 16 << 20
CONNECTIONS_AT_ONCE = 64  # connections in flight: a server accepts one at a time, its backlog holds 128
STAMPING_S = 5
TCP_INFO_LAST_DATA_RECV, TCP_INFO_RTT = 52, 68  # struct tcp_info: ms since the last receive (or connected), rtt us


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
NO_ANSWER = {"kind": "timeout", "detail": "connected in time, but the server sent no HTTP answer within its guard"}
RECEIVED_LATE = {"kind": "timeout", "detail": "the server received it after its deadline"}
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


def echo(ident, seq, family):
    """An echo request: ICMP's with its checksum; ICMPv6's checksum covers the addresses, and the kernel sets it."""
    payload = b"netns-conformance"
    if family == socket.AF_INET6:
        return struct.pack("!BBHHH", 128, 0, 0, ident, seq) + payload
    header = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    return struct.pack("!BBHHH", 8, 0, checksum(header + payload), ident, seq) + payload


def answer4(packet, _):
    """(id, seq, outcome) of an ICMP packet, IP header first, that answers an echo (outcome None: the echo reply);
    None for any other packet."""
    header = (packet[0] & 0x0F) * 4
    icmp_type, code = packet[header], packet[header + 1]
    if icmp_type == 0:
        return (*struct.unpack("!HH", packet[header + 4 : header + 8]), None)
    if icmp_type == 3:  # the original datagram follows: its ICMP id and sequence say whose it was
        inner = header + 8 + (packet[header + 8] & 0x0F) * 4
        fact = {"icmp": [icmp_type, code], "from": socket.inet_ntoa(packet[12:16])}
        return (*struct.unpack("!HH", packet[inner + 4 : inner + 8]), fact)
    return None


def answer6(packet, sender):
    """The same for ICMPv6, which a raw socket gets without its IPv6 header (the sender is the one it names)."""
    icmp_type, code = packet[0], packet[1]
    if icmp_type == 129:
        return (*struct.unpack("!HH", packet[4:8]), None)
    if icmp_type == 1 and len(packet) >= 56:  # the original packet follows: a 40-byte IPv6 header, then the echo
        return (*struct.unpack("!HH", packet[52:56]), {"icmp": [icmp_type, code], "from": sender[0]})
    return None


def family_of(address):
    return socket.AF_INET6 if ":" in address else socket.AF_INET


def address_text(address):
    """A socket's address as people write it: 172.31.8.154:40512, [2001:db8:31::8:154]:40512."""
    host, port = address[:2]
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


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


class Batch:
    """The probes of one request, and what is known of each: when it left, its deadline, its outcome."""

    def __init__(self, probes, timeout, answer_guard):
        self.probes, self.timeout, self.answer_guard = probes, timeout, answer_guard
        self.outcomes = [None] * len(probes)
        self.started = [0.0] * len(probes)
        self.started_wall = [0.0] * len(probes)  # the same moment on the clock of the kernel's receive timestamps
        self.late = [0.0] * len(probes)  # how late this process acted on an answer it had to act on (HTTP connect)
        self.decided_at = [0.0] * len(probes)
        self.expiries = []  # heap of (deadline, index) of the probes sent; decided or superseded ones are skipped
        self.deadlines = [0.0] * len(probes)

    def decide(self, index, outcome):
        self.outcomes[index] = outcome
        self.decided_at[index] = time.monotonic()
        if not self.started[index]:  # decided before it could leave (a source it cannot bind)
            self.started[index] = self.decided_at[index]

    def sent(self, index):
        self.started[index], self.started_wall[index] = time.monotonic(), time.time()
        self.deadlines[index] = self.started[index] + self.timeout
        heapq.heappush(self.expiries, (self.deadlines[index], index))

    def connected(self, index, late):
        """An HTTP probe connected in time, and this process sent its request `late` seconds after the kernel
        connected it (that lateness is not the path's: the round trip leaves it out); the server has its guard."""
        self.late[index] = late
        self.deadlines[index] = time.monotonic() + self.answer_guard
        heapq.heappush(self.expiries, (self.deadlines[index], index))

    def extend(self, index, until):
        """A probe that still awaits its answer until `until` (monotonic)."""
        self.deadlines[index] = until
        heapq.heappush(self.expiries, (until, index))

    def elapsed(self, index, received):
        """Seconds from a probe's start to an answer the kernel received at `received` (wall clock; None: now),
        less this process's own lateness."""
        return (time.time() if received is None else received) - self.started_wall[index] - self.late[index]

    def settled(self, deadline, index):
        """An expiry to skip: its probe is decided, or its deadline moved (an HTTP probe's, once connected)."""
        return self.outcomes[index] is not None or deadline != self.deadlines[index]

    def print_outcomes(self):
        for index, outcome in enumerate(self.outcomes):
            print(json.dumps({"outcome": outcome, "ms": (self.decided_at[index] - self.started[index]) * 1000}))


class Pings:
    """ICMP echo: a raw socket per namespace and family; a reply or an ICMP error is matched to its probe by id and
    sequence."""

    def __init__(self, batch, selector):
        self.batch, self.selector = batch, selector
        self.sockets = {}  # (namespace, family) -> raw ICMP or ICMPv6 socket
        self.waiting = {}  # (namespace, id, seq) -> probe index

    def key(self, index):
        return self.batch.probes[index].get("ns"), index & 0xFFFF, index >> 16

    def socket_in(self, ns, family):
        if (ns, family) not in self.sockets:
            protocol = socket.IPPROTO_ICMPV6 if family == socket.AF_INET6 else socket.IPPROTO_ICMP
            sock = made_in(ns, lambda: socket.socket(family, socket.SOCK_RAW, protocol))
            # a raw socket gets every ICMP packet its namespace receives: a thousand replies (and the requests
            # other workloads send here) overflow the default buffer, so this socket's own is made large
            sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, RAW_BUFFER)
            sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            sock.setblocking(False)
            self.sockets[ns, family] = sock
            self.selector.register(sock, selectors.EVENT_READ, ("ping", ns))
        return self.sockets[ns, family]

    def send_all(self):
        for index, probe in enumerate(self.batch.probes):
            if probe["kind"] != "ping":
                continue
            family = family_of(probe["to"])
            sock = self.socket_in(probe.get("ns"), family)
            _, ident, seq = key = self.key(index)
            try:
                self.batch.sent(index)
                sock.sendto(echo(ident, seq, family), (probe["to"], 0))
                self.waiting[key] = index
            except OSError as error:
                self.batch.decide(index, failed(error.errno, error.strerror))

    def answers(self, ns, sock):
        """Every packet queued on a namespace's raw socket: an answer is judged by when the kernel received it."""
        batch = self.batch
        answer = answer6 if sock.family == socket.AF_INET6 else answer4
        while True:
            try:
                packet, ancillary, _, sender = sock.recvmsg(2048, ANCILLARY)
            except BlockingIOError:
                return
            received = kernel_received(ancillary)
            answered = answer(packet, sender)
            if answered is None:  # a request, neighbour discovery …: every ICMP packet of the namespace comes here
                continue
            ident, seq, outcome = answered
            index = self.waiting.pop((ns, ident, seq), None)
            if index is None:
                continue
            took = batch.elapsed(index, received)
            if took > batch.timeout:  # the kernel got it after the deadline: no answer in time, as ping -W says
                batch.decide(index, TIMEOUT)
            else:
                batch.decide(index, outcome or {"kind": "reachable", "rttMs": took * 1000})

    def expire(self, index):
        self.waiting.pop(self.key(index), None)  # a reply that still comes is no one's
        self.batch.decide(index, TIMEOUT)


class Connections:
    """TCP connects and HTTP GETs (both connect first), CONNECTIONS_AT_ONCE in flight, judged by the kernel's times."""

    def __init__(self, batch, selector):
        self.batch, self.selector = batch, selector
        self.queue = [index for index, probe in enumerate(batch.probes) if probe["kind"] in ("tcp", "http")]
        self.open = {}  # socket -> [index, phase ("connecting", then for http "reading"), received bytes, at]
        self.socket_of = {}  # probe index -> its connection's socket, while open

    def room(self):
        return self.queue and len(self.open) < CONNECTIONS_AT_ONCE

    def open_more(self):
        while self.room():
            index = self.queue.pop(0)
            probe = self.batch.probes[index]
            family = family_of(probe["to"])
            sock = made_in(probe.get("ns"), lambda: socket.socket(family, socket.SOCK_STREAM))
            sock.setblocking(False)
            try:
                if probe.get("source"):
                    sock.bind((probe["source"], 0))
                # its deadline runs from here, as the SYN leaves: entering a namespace to make the socket may take
                # long on a busy machine, and is not the path's time
                self.batch.sent(index)
                code = sock.connect_ex((probe["to"], probe["port"]))
                if code not in (0, errno.EINPROGRESS):
                    raise OSError(code, os.strerror(code))
            except OSError as error:
                self.batch.decide(index, failed(error.errno, error.strerror))
                sock.close()
                continue
            sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            self.open[sock] = [index, "connecting", b"", None]
            self.socket_of[index] = sock
            self.selector.register(sock, selectors.EVENT_WRITE, ("connection", None))

    def close(self, sock, outcome):
        index = self.open.pop(sock)[0]
        del self.socket_of[index]
        self.batch.decide(index, outcome)
        self.selector.unregister(sock)
        sock.close()

    def event(self, sock):
        batch = self.batch
        index, phase, received, received_at = self.open[sock]
        if phase == "connecting":
            code = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if code:
                self.close(sock, failed(code, os.strerror(code)))
                return
            ago, handshake = connected_ago(sock)
            took = max(batch.elapsed(index, None) - ago, handshake)
            if took > batch.timeout:  # connected, but after its deadline
                self.close(sock, TIMEOUT)
            elif batch.probes[index]["kind"] == "tcp":  # connected: that is all a TCP probe asks
                detail = "from " + address_text(sock.getsockname())
                self.close(sock, {"kind": "reachable", "rttMs": took * 1000, "detail": detail})
            else:
                # `ago` counts in the kernel's ticks (4 ms at HZ=250): never more late than the handshake allows,
                # or the request's round trip comes out shorter than the handshake's, even below zero
                batch.connected(index, min(ago, max(0.0, batch.elapsed(index, None) - handshake)))
                host = address_text((batch.probes[index]["to"], batch.probes[index]["port"]))
                sock.send(f"GET / HTTP/1.0\r\nHost: {host}\r\n\r\n".encode())
                self.open[sock][1] = "reading"
                self.selector.modify(sock, selectors.EVENT_READ, ("connection", None))
            return
        chunk, ancillary, _, _ = sock.recvmsg(4096, ANCILLARY)
        if chunk:
            self.open[sock][2:] = [received + chunk, kernel_received(ancillary)]
            return
        took = batch.elapsed(index, received_at)  # the reply's last bytes, as the kernel received them
        self.close(sock, http_outcome(received, took * 1000))

    def expire(self, index):
        """Closes a probe's connection as a timeout; False when it has none (a ping)."""
        if index not in self.socket_of:
            return False
        sock = self.socket_of[index]
        self.close(sock, NO_ANSWER if self.open[sock][1] == "reading" else TIMEOUT)
        return True


class Datagrams:
    """UDP exchanges: a connected socket per probe, so that the ICMP error its datagram draws comes back to it
    (udp-errors.py). UDP has no handshake to judge a path by: the server says when its kernel received the
    datagram, and that decides. A batch that serves UDP is answered by its own servers, which note each probe's
    datagram (its index is in it): one not received by its deadline, all the kernel holds drained, timed out; one
    received in time, and so answered, gets another deadline for the way back. Without a server of its own (a
    responder of another process, in the self-tests), every probe waits its deadline and the guard, as late as
    that server may answer."""

    def __init__(self, batch, selector, own_servers):
        self.batch, self.selector, self.own_servers = batch, selector, own_servers
        self.socket_of = {}  # probe index -> its socket, while undecided
        self.received = {}  # probe index -> when an own server's kernel received its datagram (wall clock)

    def send_all(self):
        for index, probe in enumerate(self.batch.probes):
            if probe["kind"] != "udp":
                continue
            family = family_of(probe["to"])
            sock = made_in(probe.get("ns"), lambda: socket.socket(family, socket.SOCK_DGRAM))
            sock.setblocking(False)
            sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
            hearing_errors(sock)
            try:
                if probe.get("source"):
                    sock.bind((probe["source"], 0))
                sock.connect((probe["to"], probe["port"]))
                self.batch.sent(index)
                sock.send(b"netns-conformance %d" % index)
            except OSError as error:
                self.batch.decide(index, failed(error.errno, error.strerror))
                sock.close()
                continue
            if not self.own_servers:  # a server of another process answers as late as the machine lets it run
                self.batch.extend(index, self.batch.deadlines[index] + self.batch.answer_guard)
            self.socket_of[index] = sock
            self.selector.register(sock, selectors.EVENT_READ, ("udp-probe", index))

    def served(self, datagram, received):
        """An own server answered a datagram: if a probe's, when it was received."""
        words = datagram.split()
        if len(words) == 2 and words[0] == b"netns-conformance" and words[1].isdigit():
            self.received[int(words[1])] = received

    def close(self, index, outcome):
        sock = self.socket_of.pop(index)
        self.batch.decide(index, outcome)
        self.selector.unregister(sock)
        sock.close()

    def answer(self, index):
        sock = self.socket_of[index]
        heard = icmp_error(sock)  # the ICMP error the datagram drew: port unreachable, no route …
        if heard:
            error, ancillary = heard
            late = self.batch.elapsed(index, kernel_received(ancillary)) > self.batch.timeout
            self.close(index, TIMEOUT if late else error)
            return
        try:
            answer, ancillary, _, _ = sock.recvmsg(4096, ANCILLARY)
        except BlockingIOError:
            return
        except OSError as error:  # one the kernel raised without an ICMP error behind it
            self.close(index, failed(error.errno, error.strerror))
            return
        try:
            said = json.loads(answer)
            seen, received, answered = said["peer"], float(said["receivedAt"]), float(said["answeredAt"])
        except (ValueError, KeyError, TypeError):
            self.close(index, {"kind": "error", "detail": f"not the server's answer: {answer[:40]!r}"})
            return
        if self.batch.elapsed(index, received) > self.batch.timeout:
            self.close(index, RECEIVED_LATE)
            return
        # the round trip as the kernels saw it: this end's receipt, less the time the server took to answer
        took = self.batch.elapsed(index, kernel_received(ancillary)) - (answered - received)
        self.close(index, {"kind": "reachable", "rttMs": took * 1000, "seenAs": seen})

    def expire(self, index):
        """At a probe's deadline: its exchange timed out, or its datagram came in time and its answer gets the guard;
        False when it has none."""
        if index not in self.socket_of:
            return False
        received = self.received.pop(index, None)
        if received is not None and self.batch.elapsed(index, received) <= self.batch.timeout:
            # answered by now (this process's server answers as it reads): the way back is the kernel's, and
            # gets a deadline of its own
            self.batch.extend(index, time.monotonic() + self.batch.timeout)
        else:
            self.close(index, TIMEOUT)
        return True


class Prober:
    """The servers probed and the probes, on one selector: what the kernel holds is handled before a deadline."""

    def __init__(self, batch, servers):
        self.batch = batch
        self.selector = selectors.DefaultSelector()
        self.pings = Pings(batch, self.selector)
        self.connections = Connections(batch, self.selector)
        self.datagrams = Datagrams(batch, self.selector, any(server.get("protocol") == "udp" for server in servers))

    def listen(self, servers):
        for server in servers:
            udp = server.get("protocol") == "udp"
            serve = datagram_server if udp else listener
            sock = made_in(server.get("ns"), lambda port=server["port"]: serve(port))
            sock.setblocking(False)
            self.selector.register(sock, selectors.EVENT_READ, ("udp-server" if udp else "listening", None))

    def handle(self, key):
        kind, about = key.data  # what its handler needs: a namespace, the peer served, a probe's index
        sock = key.fileobj
        if kind == "listening":
            conn, address = sock.accept()
            conn.setblocking(False)
            self.selector.register(conn, selectors.EVENT_READ, ("served", peer_of(address)))
        elif kind == "served":  # the request, or a bare connect's end: answer with the peer it came from
            try:
                sock.recv(4096)
                sock.send(peer_reply(about))
            except OSError:
                pass
            self.selector.unregister(sock)
            sock.close()
        elif kind == "udp-server":  # a UDP probe's datagram: answered at once with the peer it came from
            try:
                while True:
                    self.datagrams.served(*answer_datagram(sock)[1:])
            except OSError:  # EAGAIN: all read
                pass
        elif kind == "udp-probe":
            self.datagrams.answer(about)
        elif kind == "ping":
            self.pings.answers(about, sock)
        else:
            self.connections.event(sock)
            self.connections.open_more()

    def drain(self):
        """Handles all the kernel already holds for this process, until nothing is ready: what came before a
        deadline is judged before that deadline is (this process may have been descheduled, or busy)."""
        while ready := self.selector.select(timeout=0):
            for key, _ in ready:
                self.handle(key)

    def expire(self):
        """Decides, as timeouts, the probes whose own deadline has passed with no answer the kernel holds, opens
        the connections that frees room for, and returns the next deadline of a probe still undecided (None:
        every probe is decided)."""
        expiries = self.batch.expiries
        while True:
            self.connections.open_more()
            now = time.monotonic()
            if expiries and expiries[0][0] <= now:
                self.drain()
            while expiries and (self.batch.settled(*expiries[0]) or expiries[0][0] <= now):
                deadline, index = heapq.heappop(expiries)
                if self.batch.settled(deadline, index):
                    continue
                if not self.connections.expire(index) and not self.datagrams.expire(index):
                    self.pings.expire(index)
            if not self.connections.room():
                return expiries[0][0] if expiries else None

    def run(self):
        while (next_deadline := self.expire()) is not None:
            for key, _ in self.selector.select(timeout=max(0.0, next_deadline - time.monotonic())):
                self.handle(key)


def main():
    text = sys.stdin.read()
    if not text.strip():  # started ahead of its probes, and its host stopped before it got any
        return
    request = json.loads(text)
    stamps = stamping()
    batch = Batch(request["probes"], request["timeoutMs"] / 1000, request["answerGuardMs"] / 1000)
    servers = request.get("serve", [])
    await_links({None, *(probe.get("ns") for probe in batch.probes), *(server.get("ns") for server in servers)})
    prober = Prober(batch, servers)
    prober.listen(servers)
    await_stamping(stamps)
    prober.pings.send_all()
    prober.datagrams.send_all()
    prober.connections.open_more()
    if request.get("stopWhenSent"):  # self-tests: descheduled right after its probes left, as on a busy machine
        os.kill(os.getpid(), signal.SIGSTOP)
    prober.run()
    batch.print_outcomes()


main()

# What the harness's servers share (responder.py, and the ones batch-prober.py keeps): a socket for both families,
# TCP listening or UDP bound, and a reply that says which peer address the server saw: over TCP a one-line HTTP
# reply with it as its body, over UDP a datagram that also says when the kernel received the client's. Put in
# front of those scripts, so each is written once.
import json, socket, struct, time

SO_TIMESTAMPNS = 35  # also its control message's type (SCM_TIMESTAMPNS): struct timespec, CLOCK_REALTIME
ANCILLARY = socket.CMSG_SPACE(16)


def kernel_received(ancillary):
    """When the kernel received a packet (wall clock, as time.time()), from its SCM_TIMESTAMPNS; None without."""
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
            seconds, nanoseconds = struct.unpack("=qq", data[:16])
            return seconds + nanoseconds / 1e9
    return None


def bound(port, kind):
    """A socket of `kind` (SOCK_STREAM, SOCK_DGRAM) bound to `port` of every address of its namespace, IPv6 and
    IPv4 alike; IPv4 only when the kernel has no IPv6."""
    try:
        sock = socket.socket(socket.AF_INET6, kind)
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)  # IPv4 peers come as ::ffff:a.b.c.d
        address = ("::", port)
    except OSError:  # EAFNOSUPPORT: booted with ipv6.disable=1
        sock, address = socket.socket(socket.AF_INET, kind), ("0.0.0.0", port)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    return sock


def listener(port):
    """A TCP socket listening on `port`."""
    sock = bound(port, socket.SOCK_STREAM)
    sock.listen(128)
    return sock


IP_PKTINFO = 8
DATAGRAM_ANCILLARY = ANCILLARY + socket.CMSG_SPACE(20)  # a timestamp and the destination (struct in6_pktinfo)


def datagram_server(port):
    """A UDP socket on `port` that stamps what it receives and learns each datagram's destination: answer_datagram
    answers each datagram."""
    sock = bound(port, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    if sock.family == socket.AF_INET6:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_RECVPKTINFO, 1)
    else:
        sock.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
    return sock


def from_destination(ancillary):
    """The control message that sends an answer from the address its datagram was sent to: a namespace with several
    addresses (the internet's 8.8.8.8 and 172.31.0.1) would otherwise answer from the one its route prefers, and a
    connected client drops an answer from an address it did not send to. (A dual-stack socket's IPv4 datagrams come
    with an IPv4-mapped in6_pktinfo, which Linux takes back for an IPv4 answer.)"""
    for level, kind, data in ancillary:
        if level == socket.IPPROTO_IPV6 and kind == socket.IPV6_PKTINFO:
            return [(level, kind, data[:16] + bytes(4))]  # that address, any interface
        if level == socket.IPPROTO_IP and kind == IP_PKTINFO:
            return [(level, kind, bytes(4) + data[8:12] + bytes(4))]  # in_pktinfo: ifindex, spec_dst, addr
    return []


def answer_datagram(sock):
    """Answers one datagram with the peer it came from, when the kernel received it and when this process answered
    (wall clock): a client judges the path by the first, not by how late a busy machine let the server run. Returns
    the peer, the datagram and when it was received."""
    data, ancillary, _, address = sock.recvmsg(4096, DATAGRAM_ANCILLARY)
    received = kernel_received(ancillary) or time.time()
    peer = peer_of(address)
    answer = {"peer": peer, "receivedAt": received, "answeredAt": time.time()}
    sock.sendmsg([json.dumps(answer).encode()], from_destination(ancillary), 0, address)
    return peer, data, received


def peer_of(address):
    """The peer's address as its family writes it: an IPv4 peer of a dual-stack socket without its ::ffff: prefix."""
    peer = address[0]
    return peer[7:] if peer.startswith("::ffff:") and "." in peer else peer


def peer_reply(peer):
    body = json.dumps({"peer": peer}).encode()
    return b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)

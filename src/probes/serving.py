# What the harness's servers share (responder.py, and the ones batch-prober.py keeps): a listening socket for both
# families, and a one-line HTTP reply whose body says which peer address the server saw. Put in front of those
# scripts, so each is written once.
import json, socket


def listener(port):
    """A TCP socket listening on `port` of every address of its namespace, IPv6 and IPv4 alike; IPv4 only when
    the kernel has no IPv6."""
    try:
        sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)  # IPv4 peers come as ::ffff:a.b.c.d
        address = ("::", port)
    except OSError:  # EAFNOSUPPORT: booted with ipv6.disable=1
        sock, address = socket.socket(socket.AF_INET, socket.SOCK_STREAM), ("0.0.0.0", port)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    sock.listen(128)
    return sock


def peer_of(address):
    """The peer's address as its family writes it: an IPv4 peer of a dual-stack socket without its ::ffff: prefix."""
    peer = address[0]
    return peer[7:] if peer.startswith("::ffff:") and "." in peer else peer


def peer_reply(peer):
    body = json.dumps({"peer": peer}).encode()
    return b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)

# What a UDP probe hears of the ICMP error its datagram drew (put in front of batch-prober.py and udp-exchange.py).
# Without IP_RECVERR a connected UDP socket hears only the "hard" ones (port unreachable: ECONNREFUSED), not a
# router's net unreachable; with it, each error waits on the socket's error queue with its type, code and sender.
import socket, struct

SOL_IP, IP_RECVERR, IPV6_RECVERR = 0, 11, 25
SO_EE_ORIGIN_ICMP, SO_EE_ORIGIN_ICMP6 = 2, 3
ERROR_RECORDS = ((SOL_IP, IP_RECVERR), (socket.IPPROTO_IPV6, IPV6_RECVERR))


def hearing_errors(sock):
    """Asks the kernel to queue every ICMP error for this socket."""
    if sock.family == socket.AF_INET6:
        sock.setsockopt(socket.IPPROTO_IPV6, IPV6_RECVERR, 1)
    else:
        sock.setsockopt(SOL_IP, IP_RECVERR, 1)


def icmp_error(sock):
    """The ICMP error first queued for the socket: ({"icmp": [type, code], "from": sender}, ancillary), the
    ancillary data with its receive timestamp when asked for; None when none is queued or it was not an ICMP one."""
    try:
        _, ancillary, _, _ = sock.recvmsg(0, 1024, socket.MSG_ERRQUEUE)
    except OSError:  # EAGAIN: nothing queued
        return None
    for level, kind, data in ancillary:
        if (level, kind) not in ERROR_RECORDS:
            continue
        # struct sock_extended_err (errno, origin, type, code, pad, info, data), then the sender's sockaddr
        _, origin, icmp_type, code = struct.unpack_from("=IBBB", data)
        if origin not in (SO_EE_ORIGIN_ICMP, SO_EE_ORIGIN_ICMP6):
            return None
        sender = data[16:]
        if struct.unpack_from("=H", sender)[0] == socket.AF_INET6:
            address = socket.inet_ntop(socket.AF_INET6, sender[8:24])
        else:
            address = socket.inet_ntop(socket.AF_INET, sender[4:8])
        return {"icmp": [icmp_type, code], "from": address}, ancillary
    return None

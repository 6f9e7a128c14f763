# Prints the namespace's neighbour events as `ip monitor neigh` does ("[Deleted ]ADDR dev IFNAME [lladdr MAC] STATE").
# Not `ip monitor` itself: it joins the netlink group and then dumps the links on that socket, dropping every event
# that arrives before the dump ends, so its subscription does not yet mean it hears. This socket dumps nothing: once
# it is bound (seen in /proc/PID/net/netlink), every event after that is printed.
import socket, struct, sys

RTMGRP_NEIGH, RTM_NEWNEIGH, RTM_DELNEIGH, NDA_DST, NDA_LLADDR = 0x4, 28, 29, 1, 2
STATES = ['INCOMPLETE', 'REACHABLE', 'STALE', 'DELAY', 'PROBE', 'FAILED', 'NOARP', 'PERMANENT']


def attributes(data):
    while len(data) >= 4:
        length, kind = struct.unpack_from('=HH', data)
        yield kind, data[4:length]
        data = data[(length + 3) & ~3:]


def link_name(index):
    try:
        return socket.if_indextoname(index)
    except OSError:  # the link went away before its entries' events were read
        return f'if{index}'


def line(kind, body):
    family, index, state = struct.unpack_from('=BxxxiH', body)
    attrs = dict(attributes(body[12:]))
    if NDA_DST not in attrs:
        return None
    words = ['Deleted'] if kind == RTM_DELNEIGH else []
    words += [socket.inet_ntop(family, attrs[NDA_DST]), 'dev', link_name(index)]
    if NDA_LLADDR in attrs:
        words += ['lladdr', attrs[NDA_LLADDR].hex(':')]
    return ' '.join(words + ([name for bit, name in enumerate(STATES) if state & (1 << bit)] or ['NONE']))


monitor = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
monitor.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
monitor.bind((0, RTMGRP_NEIGH))
while True:
    data = monitor.recv(1 << 16)
    while len(data) >= 16:
        length, kind = struct.unpack_from('=IH', data)
        if kind in (RTM_NEWNEIGH, RTM_DELNEIGH) and (text := line(kind, data[16:length])):
            print(text, flush=True)
        data = data[(length + 3) & ~3:]

# The harness's own responder behind a published port or on the simulated internet: answers every TCP
# connection, IPv4 or IPv6, with peer_reply (serving.py, put in front of this script), and logs that peer,
# numbered, as it accepts it: before any reply, so a client that has one is logged (a bare connect may end before
# the accept). (python3's http.server does a reverse lookup of its address before it listens: seconds in a sandbox.)
# Over UDP it answers each datagram (answer_datagram), and logs its sender alike.
# argv: a name that shows in ps (netns-conformance-responder), port, protocol (tcp, udp)
import json, sys

port, protocol = int(sys.argv[2]), sys.argv[3]
server = datagram_server(port) if protocol == "udp" else listener(port)
print("listening on", port, file=sys.stderr, flush=True)  # what startResponder waits for
seen = 0
while protocol == "udp":
    peer = answer_datagram(server)[0]
    seen += 1
    print(json.dumps({"n": seen, "peer": peer}), flush=True)
while True:
    conn, address = server.accept()
    peer = peer_of(address)
    seen += 1
    print(json.dumps({"n": seen, "peer": peer}), flush=True)
    conn.settimeout(2)
    try:
        conn.recv(4096)  # the request, if any: a bare TCP connect sends none
        conn.sendall(peer_reply(peer))
    except OSError:
        pass
    finally:
        conn.close()

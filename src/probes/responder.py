# The harness's own responder behind a published port or on the simulated internet: answers every TCP
# connection with peer_reply (peer-reply.py, put in front of this script), and logs that peer, numbered, as it
# accepts it: before any reply, so a client that has one is logged (a bare connect may end before the accept).
# (python3's http.server does a reverse lookup of its address before it listens: seconds in a sandbox.)
# argv: a name that shows in ps (netns-conformance-responder), port
import json, socket, sys

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("0.0.0.0", int(sys.argv[2])))
server.listen(128)
print("listening on", sys.argv[2], file=sys.stderr, flush=True)  # what startResponder waits for
seen = 0
while True:
    conn, (peer, _) = server.accept()
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

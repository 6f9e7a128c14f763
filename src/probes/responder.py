# The harness's own responder behind a published port or on the simulated internet: answers every TCP
# connection with a one-line HTTP reply whose body says which peer address it saw, and logs that peer.
# (python3's http.server does a reverse lookup of its address before it listens: seconds in a sandbox.)
# argv: a name that shows in ps (netns-conformance-responder), port
import json, socket, sys

server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind(("0.0.0.0", int(sys.argv[2])))
server.listen(128)
print("listening on", sys.argv[2], file=sys.stderr, flush=True)  # what startResponder waits for
while True:
    conn, (peer, _) = server.accept()
    conn.settimeout(2)
    try:
        conn.recv(4096)  # the request, if any: a bare TCP connect sends none
        body = json.dumps({"peer": peer}).encode()
        conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
    except OSError:
        pass
    finally:
        conn.close()
    print(json.dumps({"peer": peer}), flush=True)

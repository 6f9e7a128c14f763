# What the harness's servers answer (responder.py, and the ones batch-prober.py keeps): a one-line HTTP reply
# whose body says which peer address the server saw. Put in front of those scripts, so the reply is written once.
import json


def peer_reply(peer):
    body = json.dumps({"peer": peer}).encode()
    return b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)

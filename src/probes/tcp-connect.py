# TCP connect probe (the guide's telnet): prints one JSON line with the outcome and the errno behind it.
# argv: destination (IPv4 or IPv6) port timeout_seconds [source_address]
import errno, json, socket, sys, time

dst, port, timeout = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
source = sys.argv[4] if len(sys.argv) > 4 else None
s = socket.socket(socket.AF_INET6 if ":" in dst else socket.AF_INET, socket.SOCK_STREAM)
s.settimeout(timeout)
if source:
    s.bind((source, 0))
start = time.monotonic()
try:
    s.connect((dst, port))
    host, local_port = s.getsockname()[:2]
    local = f"[{host}]:{local_port}" if ":" in host else f"{host}:{local_port}"
    print(json.dumps({"ok": True, "rtt_ms": (time.monotonic() - start) * 1000, "local": local}))
except socket.timeout:
    print(json.dumps({"ok": False, "errno": "ETIMEDOUT"}))
except OSError as e:
    print(json.dumps({"ok": False, "errno": errno.errorcode.get(e.errno, str(e.errno)), "message": e.strerror}))
finally:
    s.close()

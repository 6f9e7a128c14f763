# The agent inside a netns or container host: one JSON request per line on its standard input, one reply per line
# on its standard output when the command has ended (agent/protocol.ts). Each command is started here, inside
# the host, by a small process: the harness's own large one forks nothing per command, and a container host is
# entered once instead of once per command (`docker exec` costs tens of milliseconds of the engine's time).
# Commands run side by side, each in a process group of its own: exit code, or 128 + the signal; -1 and why when
# it could not start. At its deadline the group gets SIGTERM, and SIGKILL 2 s later, as coreutils' `timeout
# --kill-after=2` does (exit 124, timedOut); what a host runs dies with the host in any case.
# A background process's output goes to files (PREFIX.out, .err) and its pid is said at once; a watch polls a
# file here until it says something (a server's "listening on", a monitor's netlink subscription) and a read
# returns those files: neither starts a process.
# A mark sends one frame out of interfaces (a packet capture's end marker, evidence/capture.ts), also without a
# process: starting python for it cost a third of a second of CPU each time on a 2-core machine.
# A room (a VM's cell, in namespaces of its own) is a nested agent started by a `nest` request: its lines are
# relayed both ways as {"via": id, "line": …}, and its end is the request's reply.
# A command for a namespace of the host starts in it: the thread that starts it enters the namespace (a network
# namespace belongs to a thread, and a child gets its parent thread's), so no `ip netns exec` runs per command.
import ctypes
import fcntl
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

KILL_AFTER_S = 2
POLL_S = 0.01
TIMED_OUT = 124  # coreutils timeout's exit status
replies = threading.Lock()
inputs = {}  # request id -> [event, text]: input that follows its request
nested = {}  # nest request id -> the nested agent's process
CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def send(message):
    line = json.dumps(message) + '\n'
    with replies:
        sys.stdout.write(line)
        sys.stdout.flush()


def drain(stream, into, key):
    into[key] = stream.read().decode('utf-8', 'replace')


def feed(process, request, follows):
    text = request.get('stdin', '')
    if follows:
        event, holder = follows
        event.wait()
        text = holder[0]
    try:
        process.stdin.write(text.encode())
    except OSError:
        pass  # it ended before reading its input, as a local command may
    try:
        process.stdin.close()
    except OSError:
        pass


def enter_netns(ref):
    """This thread joins a namespace: an `ip netns` name, or a path such as /proc/PID/ns/net."""
    fd = os.open(ref if '/' in ref else f'/run/netns/{ref}', os.O_RDONLY | os.O_CLOEXEC)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            number = ctypes.get_errno()
            raise OSError(number, os.strerror(number))
    finally:
        os.close(fd)


def start(argv, with_input, prefix):
    """Starts argv; a background process's output goes to its files (closed here once the child has them)."""
    stdin = subprocess.PIPE if with_input else subprocess.DEVNULL
    if not prefix:
        return subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
    with open(f'{prefix}.out', 'wb') as out, open(f'{prefix}.err', 'wb') as err:
        return subprocess.Popen(argv, stdin=stdin, stdout=out, stderr=err, start_new_session=True)


def run(request, follows):
    argv = request['argv']
    with_input = 'stdin' in request or follows
    if 'netns' in request:
        try:
            enter_netns(request['netns'])
        except OSError as error:  # as `ip netns exec` says it, with its exit status
            message = f'Cannot open network namespace "{request["netns"]}": {error.strerror}'
            send({'id': request['id'], 'exitCode': 255, 'stdout': '', 'stderr': message})
            return
    prefix = request.get('outputTo')
    try:
        process = start(argv, with_input, prefix)
    except OSError as error:
        send({'id': request['id'], 'exitCode': -1, 'stdout': '', 'stderr': f'{argv[0]}: {error.strerror}'})
        return
    if prefix:
        send({'id': request['id'], 'started': process.pid})
    output = {'stdout': '', 'stderr': ''}
    drains = [] if prefix else [threading.Thread(target=drain, args=(process.stdout, output, 'stdout')),
                                threading.Thread(target=drain, args=(process.stderr, output, 'stderr'))]
    feeders = [threading.Thread(target=feed, args=(process, request, follows), daemon=True)] if with_input else []
    for thread in drains + feeders:
        thread.start()
    timed_out = False
    try:
        process.wait(timeout=request['timeoutMs'] / 1000)
    except subprocess.TimeoutExpired:
        timed_out = True
        signal_group(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=KILL_AFTER_S)
        except subprocess.TimeoutExpired:
            signal_group(process.pid, signal.SIGKILL)
            process.wait()
    for thread in drains:
        thread.join()
    code = TIMED_OUT if timed_out else process.returncode
    send({'id': request['id'], 'exitCode': code if code >= 0 else 128 - code, 'timedOut': timed_out, **output})


class Watched:
    """A file read as it grows: only what is new is read at each poll."""

    def __init__(self, path):
        self.path, self.offset, self.tail = path, 0, ''

    def contains(self, text):
        try:
            with open(self.path, 'r', errors='replace') as file:
                file.seek(self.offset)
                new = file.read()
                self.offset = file.tell()
        except FileNotFoundError:
            return False
        seen = self.tail + new
        self.tail = seen[-len(text):]
        return text in seen


def netlink_subscribed(path, pid):
    """/proc/PID/net/netlink: sk Eth Pid Groups ..., the socket's port id being the process's pid."""
    try:
        with open(path) as file:
            return any(f[2] == str(pid) and f[3] != '00000000' for f in (line.split() for line in file) if len(f) > 3)
    except FileNotFoundError:
        return False


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def doing(pid):
    """What a process is doing, for a watch that timed out: its state, and the kernel function it sleeps in."""
    try:
        with open(f'/proc/{pid}/stat') as stat, open(f'/proc/{pid}/wchan') as wchan:
            state, where = stat.read().rsplit(')', 1)[1].split()[0], wchan.read().strip()
    except OSError:
        return ''
    return f'pid {pid} in state {state}' + (f' in {where}' if where not in ('', '0') else '')


def watch(request):
    spec = request['watch']
    watched = Watched(spec['path'])
    holds = ((lambda: watched.contains(spec['contains'])) if 'contains' in spec
             else (lambda: netlink_subscribed(spec['path'], spec['netlinkSubscriber'])))
    deadline = time.monotonic() + request['timeoutMs'] / 1000
    while True:
        living = alive(spec['whileAlive'])  # before the look: what it wrote before it ended still counts
        if holds():
            code = 0
        elif not living:
            code = 3
        elif time.monotonic() > deadline:
            code = TIMED_OUT
        else:
            time.sleep(POLL_S)
            continue
        why = doing(spec['whileAlive']) if code == TIMED_OUT else ''
        send({'id': request['id'], 'exitCode': code, 'timedOut': code == TIMED_OUT, 'stdout': '', 'stderr': why})
        return


def read(request):
    prefix, texts = request['read'], {}
    for key, suffix in (('stdout', 'out'), ('stderr', 'err')):
        try:
            with open(f'{prefix}.{suffix}', 'r', errors='replace') as file:
                texts[key] = file.read()
            if request['remove']:
                os.remove(f'{prefix}.{suffix}')
        except FileNotFoundError:
            texts[key] = ''
    send({'id': request['id'], 'exitCode': 0, **texts})


def kill(request):
    try:
        os.kill(request['kill'], getattr(signal, f"SIG{request['signal']}"))
        send({'id': request['id'], 'exitCode': 0, 'stdout': '', 'stderr': ''})
    except ProcessLookupError:
        send({'id': request['id'], 'exitCode': 1, 'stdout': '', 'stderr': f"no process {request['kill']}"})


SIOCGIFFLAGS = 0x8913
IFF_UP_RUNNING = 0x41


def mark(request):
    """Sends a frame of the ethertype, addressed to its own sender (no bridge forwards it, no stack takes it), out
    of each [netns or None, interface] that is up and running: one without its carrier drops it unseen, and carries
    no packets either. Says the indexes of those it went out of, one per line."""
    ethertype, sent = struct.pack('!H', request['ethertype']), []
    home = os.open('/proc/thread-self/ns/net', os.O_RDONLY | os.O_CLOEXEC)
    try:
        for index, (netns, iface) in enumerate(request['mark']):
            try:
                if netns:
                    enter_netns(netns)
                elif libc.setns(home, CLONE_NEWNET) != 0:
                    raise OSError(ctypes.get_errno(), 'setns')
                with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as sock:
                    sock.bind((iface, 0))
                    ifreq = fcntl.ioctl(sock, SIOCGIFFLAGS, struct.pack('16sH22x', iface.encode(), 0))
                    if struct.unpack_from('H', ifreq, 16)[0] & IFF_UP_RUNNING != IFF_UP_RUNNING:
                        continue
                    own = sock.getsockname()[4]
                    sock.send(own + own + ethertype + b'netns-conformance marker'.ljust(46, b'\0'))
                    sent.append(str(index))
            except OSError:
                pass  # its namespace or interface is gone
    finally:
        os.close(home)
    send({'id': request['id'], 'exitCode': 0, 'stdout': ''.join(f'{index}\n' for index in sent), 'stderr': ''})


def signal_group(pid, number):
    try:
        os.killpg(pid, number)
    except ProcessLookupError:
        pass  # the group ended meanwhile


def nest(request):
    """Starts a nested agent (argv) and relays its lines until it ends; its stderr's last line says why."""
    ident = request['id']
    try:
        process = subprocess.Popen(request['nest'], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, start_new_session=True)
    except OSError as error:
        send({'id': ident, 'exitCode': -1, 'stdout': '', 'stderr': f"{request['nest'][0]}: {error.strerror}"})
        return
    nested[ident] = process
    send({'id': ident, 'started': process.pid})
    errors = {}
    drainer = threading.Thread(target=drain, args=(process.stderr, errors, 'stderr'))
    drainer.start()
    for line in process.stdout:
        send({'via': ident, 'line': line.decode('utf-8', 'replace').rstrip('\n')})
    code = process.wait()
    drainer.join()
    nested.pop(ident, None)
    send({'id': ident, 'exitCode': code if code >= 0 else 128 - code, 'stdout': '', 'stderr': errors['stderr']})


def relay(message):
    """A line for a nested agent, or the end of its input (it exits, and its room with it)."""
    process = nested.get(message['via'])
    if not process:
        return  # it has ended: its reply says so
    try:
        if message.get('end'):
            process.stdin.close()
        else:
            process.stdin.write((message['line'] + '\n').encode())
            process.stdin.flush()
    except (OSError, ValueError):
        pass  # it ended meanwhile


# a request other than a command names its kind by the key it carries
REQUESTS = {'watch': watch, 'read': read, 'kill': kill, 'mark': mark, 'nest': nest}


def serve():
    send({'ready': True, 'release': os.uname().release})
    for line in sys.stdin:
        if not line.strip():
            continue
        message = json.loads(line)
        if 'via' in message:  # in order, here: a nested agent's requests must not overtake each other
            relay(message)
            continue
        if 'input' in message:
            event, holder = inputs.pop(message['id'])
            holder.append(message['input'])
            event.set()
            continue
        handler = next((handle for key, handle in REQUESTS.items() if key in message), None)
        if handler:
            args = (message,)
        else:  # a command to run, its input perhaps following in messages of its own
            follows = None
            if message.get('stdinFollows'):
                follows = inputs[message['id']] = (threading.Event(), [])
            handler, args = run, (message, follows)
        threading.Thread(target=handler, args=args, daemon=True).start()
    # its input ended: the host is going, and what still runs goes with it
    os._exit(0)


serve()

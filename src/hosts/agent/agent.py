# The agent inside a netns or container host: one JSON request per line on its standard input, one reply per line
# on its standard output when the command has ended (agent/protocol.ts). Each command is started here, inside
# the host, by a small process: the harness's own large one forks nothing per command, and a container host is
# entered once instead of once per command (`docker exec` costs tens of milliseconds of the engine's time).
# Commands run side by side, each in a process group of its own: exit code, or 128 + the signal; -1 and why when
# it could not start. At its deadline the group gets SIGTERM, and SIGKILL 2 s later, as coreutils' `timeout
# --kill-after=2` does (exit 124, timedOut); what a host runs dies with the host in any case.
# A command for a namespace of the host starts in it: the thread that starts it enters the namespace (a network
# namespace belongs to a thread, and a child gets its parent thread's), so no `ip netns exec` runs per command.
import ctypes
import json
import os
import signal
import subprocess
import sys
import threading

KILL_AFTER_S = 2
TIMED_OUT = 124  # coreutils timeout's exit status
replies = threading.Lock()
inputs = {}  # request id -> [event, text]: input that follows its request
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
    try:
        process = subprocess.Popen(argv, stdin=subprocess.PIPE if with_input else subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    except OSError as error:
        send({'id': request['id'], 'exitCode': -1, 'stdout': '', 'stderr': f'{argv[0]}: {error.strerror}'})
        return
    output = {}
    threads = [threading.Thread(target=drain, args=(process.stdout, output, 'stdout')),
               threading.Thread(target=drain, args=(process.stderr, output, 'stderr'))]
    if with_input:
        threads.append(threading.Thread(target=feed, args=(process, request, follows), daemon=True))
    for thread in threads:
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
    for thread in threads[:2]:
        thread.join()
    code = TIMED_OUT if timed_out else process.returncode
    send({'id': request['id'], 'exitCode': code if code >= 0 else 128 - code, 'timedOut': timed_out, **output})


def signal_group(pid, number):
    try:
        os.killpg(pid, number)
    except ProcessLookupError:
        pass  # the group ended meanwhile


def serve():
    send({'ready': True, 'release': os.uname().release})
    for line in sys.stdin:
        if not line.strip():
            continue
        message = json.loads(line)
        if 'input' in message:
            event, holder = inputs.pop(message['id'])
            holder.append(message['input'])
            event.set()
            continue
        follows = None
        if message.get('stdinFollows'):
            follows = inputs[message['id']] = (threading.Event(), [])
        threading.Thread(target=run, args=(message, follows), daemon=True).start()
    # its input ended: the host is going, and what still runs goes with it
    os._exit(0)


serve()

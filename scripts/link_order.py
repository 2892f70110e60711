#!/usr/bin/env python3
"""Writes scripts/link-order.txt: the functions tickertape runs, for the linker to put together.

The release link (build.rs) hands the file to lld as `--symbol-ordering-file`. The code a run
touches then sits in a few hundred contiguous kilobytes instead of being spread over the whole
text section, and the kernel, which maps code around each page fault in 64 kB windows, maps
little else: peak RSS and start-up page faults both drop. A name that no longer exists (a
dependency changed) is skipped silently, so a stale file costs only the saving; run this again
after updating dependencies or changing start-up paths.

    python3 scripts/link_order.py            # links the release binary with symbols first

How: the release binary linked with its symbols (TICKERTAPE_KEEP_SYMBOLS=1; a `strip` setting
in the profile would change every name's hash) runs under valgrind's callgrind in a pseudo-terminal at 120x40, twice: offline
(first frame, tape steps, a few keys, quit) and live against scripts/serve.py (quotes, the feed,
an article read, the detail panel with a chart). Every function of the binary that ran is
listed: the offline run's first, in the order callgrind first saw them, then what only the live
run needed. Needs valgrind (Debian package `valgrind`). Stdlib only.
"""
import argparse
import fcntl
import os
import pty
import re
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "scripts", "link-order.txt")


def build(work):
    """The release binary with its symbol table (build.rs strips it otherwise): only the link
    differs, so every name is the release build's own. A copy, as the next build relinks."""
    env = dict(os.environ, TICKERTAPE_KEEP_SYMBOLS="1")
    subprocess.run(["cargo", "build", "--release", "--locked"], cwd=ROOT, env=env, check=True)
    binary = os.path.join(work, "tickertape")
    shutil.copy(os.path.join(ROOT, "target", "release", "tickertape"), binary)
    return binary


def drive(argv, env, script, out_file):
    """Runs argv in a 120x40 pty; script is a list of (seconds to wait, bytes to send)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    os.kill(pid, signal.SIGWINCH)

    def pump(seconds):
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                try:
                    data = os.read(fd, 65536)
                except OSError:
                    return False
                if not data:
                    return False
                # Answer the cursor-position query a real terminal would.
                if b"\x1b[6n" in data:
                    os.write(fd, b"\x1b[1;1R")
        return True

    for wait, keys in script:
        if not pump(wait):
            break
        os.write(fd, keys)
    pump(30)
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    os.close(fd)
    if not os.path.exists(out_file):
        sys.exit(f"callgrind wrote nothing to {out_file}")


def functions(callgrind_out, binary):
    """The binary's functions in the order the profile first names them (mangled)."""
    seen, order = set(), []
    real = os.path.realpath(binary)
    obj = None
    for line in open(callgrind_out, encoding="utf-8", errors="replace"):
        if line.startswith("ob="):
            obj = line[3:].strip()
        elif line.startswith("fn=") and obj and os.path.realpath(obj) == real:
            name = line[3:].strip()
            if name not in seen:
                seen.add(name)
                order.append(name)
    return order


def callgrind(binary, args, env, script, work):
    out = os.path.join(work, f"callgrind.{len(os.listdir(work))}")
    argv = ["valgrind", "--tool=callgrind", "--demangle=no", "--compress-strings=no",
            "--compress-pos=no", f"--callgrind-out-file={out}", binary, *args]
    drive(argv, env, script, out)
    return functions(out, binary)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    with tempfile.TemporaryDirectory() as work:
        binary = build(work)
        home = os.path.join(work, "home")
        os.makedirs(home)
        env = dict(os.environ, HOME=home, XDG_CACHE_HOME=os.path.join(home, "cache"),
                   XDG_CONFIG_HOME=os.path.join(home, "config"), TERM="xterm-256color")
        # Offline: first frame, tape steps, move about, the reader, help, pause, quit.
        offline = callgrind(binary, ["--offline"], env,
                            [(8, b"j"), (1, b"j"), (1, b"\r"), (2, b"?"), (1, b"?"),
                             (1, b"p"), (1, b"q")], work)
        port = free_port()
        server = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts", "serve.py"),
                                   "--port", str(port)], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            config = os.path.join(work, "config.toml")
            with open(config, "w", encoding="utf-8") as f:
                f.write(subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "serve.py"),
                                        "--print-config", str(port)], capture_output=True,
                                       text=True, check=True).stdout)
            time.sleep(0.5)
            # Live: quotes and the feed arrive, an article is read, the held tape's detail
            # panel draws a chart, then quit.
            live = callgrind(binary, ["--config", config], env,
                             [(15, b"\r"), (6, b"t"), (1, b"\r"), (6, b"2"), (4, b"\x1b"),
                              (1, b"\x1b"), (1, b"q")], work)
        finally:
            server.terminate()
            server.wait()
    names = offline + [name for name in live if name not in set(offline)]
    # Only names the linker can order: Rust's mangled symbols and C functions, not
    # callgrind's placeholders for code it could not name.
    names = [n for n in names if re.fullmatch(r"[A-Za-z_.$][\w.$]*", n)]
    with open(OUT, "w", encoding="utf-8") as f:
        f.write("\n".join(names) + "\n")
    print(f"{len(names)} functions ({len(offline)} offline) -> {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()

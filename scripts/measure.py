#!/usr/bin/env python3
"""Measure a terminal program the way a user runs it: in a pseudo-terminal of a given size.

Stdlib only (Python 3.11+, Linux: it reads /proc and uses pidfd_open). For any command it reports
  * time from exec to a marker string on screen (the "first frame"), and to optional --watch strings;
  * CPU % of one core over a window after the first frame (all threads of the process tree);
  * bytes per second the program wrote to the terminal over the same window;
  * wake-ups per second over the same window (voluntary context switches: a thread went to
    sleep and was woken, summed over every thread of the process tree);
  * with --step-ms, how regular the frames are: the 99th percentile of |interval - nominal|
    between consecutive reads of output during the window (a moving tape writes one frame a step);
  * peak RSS (VmHWM) and final RSS (VmRSS) at the end of the window;
  * time from sending the quit key to the process being gone, and whether it gave the terminal
    back (left the alternate screen if it entered it, showed the cursor).
It starts its own local quote/feed server (scripts/serve.py on a free 127.0.0.1 port) for the run.

    # any command; {tmp} {home} {port} {config} {feed_url} {root} are filled in
    python3 scripts/measure.py run --marker 8,164.12 --window 20 --runs 3 -- target/release/tickertape --offline
    python3 scripts/measure.py run --setup tickertape --marker 8,164.12 --key p --window 60 \\
        -- target/release/tickertape --config {config}
    # the whole BENCHMARKS.md table (tickertape and the peers that are installed)
    python3 scripts/measure.py table --runs 5 --window 60

How the figures are taken (also written up in BENCHMARKS.md):
  * Time to marker: the child is forked with a close-on-exec pipe; the clock starts when that
    pipe reports end of file (the exec succeeded). Everything read from the pty master goes through
    a small VT screen model (cursor moves, erases, scroll regions, wide characters, REP); the marker
    counts as shown when it is on one row of that screen, or (fallback) in the output stream with
    every escape sequence stripped. The time is when the read that completed it returned.
  * CPU: per-thread run time in nanoseconds from /proc/PID/task/TID/schedstat, summed over the
    process and every descendant, sampled every 0.25 s (a thread that exits mid-window loses at
    most its last 0.25 s). utime+stime+cutime+cstime from /proc/PID/stat (10 ms ticks) is kept as
    a cross-check.
  * Bytes: every byte read from the pty master between window start and end.
  * Quit: the time from writing the quit key to the pidfd of the process becoming readable (the
    process has exited). Output after the key is searched for ESC[?1049l and ESC[?25h.
  * The pty answers the queries a real terminal answers (cursor position ESC[6n, primary device
    attributes ESC[c), so a program that asks does not sit out its timeout; --no-answer turns it off.
"""
import argparse
import codecs
import fcntl
import json
import os
import re
import select
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVE = os.path.join(ROOT, "scripts", "serve.py")
ENTER_ALT = b"\x1b[?1049h"
LEAVE_ALT = b"\x1b[?1049l"
SHOW_CURSOR = b"\x1b[?25h"
CLK_TCK = os.sysconf("SC_CLK_TCK")
SAMPLE_EVERY = 0.25


# --------------------------------------------------------------------------------------------
# A minimal screen model: enough of a VT/xterm to know which text is on which row.

TOKEN = re.compile(
    r"\x1b\[([0-?]*)([ -/]*)([@-~])"            # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"         # OSC ... BEL / ST
    r"|\x1b[P_^X][^\x1b]*\x1b\\"                 # DCS, APC, PM, SOS ... ST
    r"|\x1b[ -/]*[0-Z\\`-~]"                      # other escapes (charset, 7/8, M, D, =, >)
    r"|[\x00-\x1a\x1c-\x1f\x7f]"                 # C0 controls (not ESC)
    r"|[^\x00-\x1f\x7f]+",                        # printable text
    re.S)
# An escape sequence that may still be completed by the next read.
PARTIAL = re.compile(r"\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*|[P_^X][^\x1b]*|[ -/]*)?$")


def char_width(ch):
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


class Screen:
    def __init__(self, cols, rows):
        self.cols, self.rows = cols, rows
        self.pending = ""
        self.reset()
        self.stripped_tail = ""   # the stream with escapes removed (last 64 KiB), the fallback
        self.queries = []         # terminal queries seen (to answer them)

    def reset(self):
        self.grid = [[" "] * self.cols for _ in range(self.rows)]
        self.r = self.c = 0
        self.wrap = False
        self.top, self.bottom = 0, self.rows - 1
        self.saved = (0, 0)
        self.last = " "

    def text(self):
        rows = []
        for row in self.grid:
            # a second half whose first half was erased shows as a blank
            cells = [" " if ch is None and (i == 0 or row[i - 1] is None or row[i - 1] == " ")
                     else ch for i, ch in enumerate(row)]
            rows.append("".join(ch for ch in cells if ch is not None).rstrip())
        return rows

    def contains(self, marker):
        return any(marker in row for row in self.text())

    def feed(self, text):
        text = self.pending + text
        self.pending = ""
        pos = 0
        out = []
        while pos < len(text):
            if text[pos] == "\x1b" and PARTIAL.match(text, pos):
                self.pending = text[pos:]   # the next read completes it
                break
            m = TOKEN.match(text, pos)
            if not m:
                pos += 1   # a lone ESC: drop it
                continue
            tok = m.group(0)
            pos = m.end()
            if tok[0] == "\x1b":
                if tok[1:2] == "[":
                    self.csi(m.group(1), m.group(2), m.group(3))
                else:
                    self.esc(tok)
            elif len(tok) == 1 and (tok < " " or tok == "\x7f"):
                self.control(tok)
                if tok == "\n":
                    out.append("\n")
            else:
                out.append(tok)
                self.put_text(tok)
        if out:
            self.stripped_tail = (self.stripped_tail + "".join(out))[-65536:]

    def control(self, ch):
        if ch == "\r":
            self.c, self.wrap = 0, False
        elif ch in "\n\x0b\x0c":
            self.index()
        elif ch == "\b":
            self.c, self.wrap = max(0, self.c - 1), False
        elif ch == "\t":
            self.c = min(self.cols - 1, (self.c // 8 + 1) * 8)

    def index(self):
        self.wrap = False
        if self.r == self.bottom:
            self.scroll_up(1)
        elif self.r < self.rows - 1:
            self.r += 1

    def scroll_up(self, n):
        for _ in range(n):
            del self.grid[self.top]
            self.grid.insert(self.bottom, [" "] * self.cols)

    def scroll_down(self, n):
        for _ in range(n):
            del self.grid[self.bottom]
            self.grid.insert(self.top, [" "] * self.cols)

    def put_text(self, s):
        for ch in s:
            w = char_width(ch)
            if w == 0:
                continue
            if self.wrap or self.c + w > self.cols:
                self.c, self.wrap = 0, False
                self.index()
            row = self.grid[self.r]
            # overwriting half of a wide character blanks its other half, as terminals do
            for col in range(self.c, min(self.c + w, self.cols)):
                if row[col] is None and col > 0:
                    row[col - 1] = " "
                if col + 1 < self.cols and row[col + 1] is None:
                    row[col + 1] = " "
            row[self.c] = ch
            if w == 2 and self.c + 1 < self.cols:
                row[self.c + 1] = None
            self.last = ch
            if self.c + w >= self.cols:
                self.c, self.wrap = self.cols - 1, True
            else:
                self.c += w

    def esc(self, tok):
        code = tok[1:]
        if code == "7":
            self.saved = (self.r, self.c)
        elif code == "8":
            self.r, self.c = self.saved
        elif code == "M":
            if self.r == self.top:
                self.scroll_down(1)
            elif self.r > 0:
                self.r -= 1
        elif code == "D":
            self.index()
        elif code == "E":
            self.c = 0
            self.index()
        elif code == "c":
            self.reset()

    def csi(self, params, inter, final):
        private = params[:1] in ("?", ">", "<", "=")
        body = params[1:] if private else params
        nums = []
        for p in body.split(";"):
            try:
                nums.append(int(p.split(":")[0]) if p else 0)
            except ValueError:
                nums.append(0)
        n = nums[0] if nums and nums[0] else 1
        self.wrap = False
        if inter:
            return
        if private:
            if final in "hl" and any(x in (47, 1047, 1049) for x in nums):
                self.grid = [[" "] * self.cols for _ in range(self.rows)]
            elif params[:1] == ">" and final == "c":
                self.queries.append("DA2")
            return
        if final in "Hf":
            row = (nums[0] if len(nums) > 0 and nums[0] else 1) - 1
            col = (nums[1] if len(nums) > 1 and nums[1] else 1) - 1
            self.r, self.c = min(row, self.rows - 1), min(col, self.cols - 1)
        elif final == "A":
            self.r = max(0, self.r - n)
        elif final in "Be":
            self.r = min(self.rows - 1, self.r + n)
        elif final in "Ca":
            self.c = min(self.cols - 1, self.c + n)
        elif final == "D":
            self.c = max(0, self.c - n)
        elif final == "E":
            self.r, self.c = min(self.rows - 1, self.r + n), 0
        elif final == "F":
            self.r, self.c = max(0, self.r - n), 0
        elif final in "G`":
            self.c = min(self.cols - 1, n - 1)
        elif final == "d":
            self.r = min(self.rows - 1, n - 1)
        elif final == "J":
            mode = nums[0] if nums else 0
            if mode == 0:
                self.grid[self.r][self.c:] = [" "] * (self.cols - self.c)
                for r in range(self.r + 1, self.rows):
                    self.grid[r] = [" "] * self.cols
            elif mode == 1:
                self.grid[self.r][:self.c + 1] = [" "] * (self.c + 1)
                for r in range(0, self.r):
                    self.grid[r] = [" "] * self.cols
            else:
                self.grid = [[" "] * self.cols for _ in range(self.rows)]
        elif final == "K":
            mode = nums[0] if nums else 0
            row = self.grid[self.r]
            if mode == 0:
                row[self.c:] = [" "] * (self.cols - self.c)
            elif mode == 1:
                row[:self.c + 1] = [" "] * (self.c + 1)
            else:
                self.grid[self.r] = [" "] * self.cols
        elif final == "X":
            row = self.grid[self.r]
            end = min(self.cols, self.c + n)
            row[self.c:end] = [" "] * (end - self.c)
        elif final == "@":
            row = self.grid[self.r]
            row[self.c:self.c] = [" "] * n
            del row[self.cols:]
        elif final == "P":
            row = self.grid[self.r]
            del row[self.c:self.c + n]
            row.extend([" "] * (self.cols - len(row)))
        elif final in "LM" and self.top <= self.r <= self.bottom:
            saved_top, self.top = self.top, self.r
            (self.scroll_down if final == "L" else self.scroll_up)(n)
            self.top = saved_top
        elif final == "S":
            self.scroll_up(n)
        elif final == "T":
            self.scroll_down(n)
        elif final == "b":
            self.put_text(self.last * n)
        elif final == "r":
            top = (nums[0] if len(nums) > 0 and nums[0] else 1) - 1
            bottom = (nums[1] if len(nums) > 1 and nums[1] else self.rows) - 1
            if 0 <= top < bottom < self.rows:
                self.top, self.bottom = top, bottom
                self.r = self.c = 0
        elif final == "s":
            self.saved = (self.r, self.c)
        elif final == "u":
            self.r, self.c = self.saved
        elif final == "n" and nums and nums[0] == 6:
            self.queries.append("CPR")
        elif final == "c" and (not nums or nums[0] == 0):
            self.queries.append("DA1")


# --------------------------------------------------------------------------------------------
# The process tree's CPU time and memory, from /proc.

def read_file(path):
    try:
        with open(path, "rb") as f:
            return f.read().decode(errors="replace")
    except OSError:
        return None


def stat_fields(pid):
    data = read_file(f"/proc/{pid}/stat")
    if data is None:
        return None
    # comm may hold spaces and parentheses: split after the last ')'
    return data[data.rindex(")") + 2:].split()


def descendants(root):
    children = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        fields = stat_fields(name)
        if fields:
            children.setdefault(int(fields[1]), []).append(int(name))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return tree


def status_kb(pid, key):
    data = read_file(f"/proc/{pid}/status")
    if data:
        for line in data.splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


class CpuTracker:
    """Run time of every thread of a process tree, in ns, between start() and the last sample()."""

    def __init__(self, root):
        self.root = root
        self.first, self.last = {}, {}
        self.switches_first, self.switches_last = {}, {}
        self.started = False
        self.pids = {root}

    def sample(self):
        tree = descendants(self.root) if os.path.exists(f"/proc/{self.root}") else []
        self.pids.update(tree)
        for pid in tree:
            try:
                tids = os.listdir(f"/proc/{pid}/task")
            except OSError:
                continue
            for tid in tids:
                data = read_file(f"/proc/{pid}/task/{tid}/schedstat")
                if not data:
                    continue
                ns = int(data.split()[0])
                key = (pid, int(tid))
                if key not in self.first:
                    # a thread already there at start() counts from then; one born later from 0
                    self.first[key] = ns if not self.started else 0
                self.last[key] = ns
                switches = voluntary_switches(pid, tid)
                if switches is not None:
                    self.switches_first.setdefault(key, switches if not self.started else 0)
                    self.switches_last[key] = switches

    def start(self):
        self.sample()
        self.started = True
        self.ticks0 = self.ticks()

    def ticks(self):
        f = stat_fields(self.root)
        return sum(int(x) for x in f[11:15]) if f else None

    def used_ns(self):
        return sum(self.last[k] - self.first[k] for k in self.last)

    def wakeups(self):
        return sum(self.switches_last[k] - self.switches_first[k] for k in self.switches_last)


def voluntary_switches(pid, tid):
    data = read_file(f"/proc/{pid}/task/{tid}/status")
    if data:
        for line in data.splitlines():
            if line.startswith("voluntary_ctxt_switches:"):
                return int(line.split()[1])
    return None


def p99_deviation_ms(times, nominal_s):
    """99th percentile of |interval - nominal| between consecutive output reads, in ms."""
    deviations = sorted(abs((b - a) - nominal_s) for a, b in zip(times, times[1:]))
    if not deviations:
        return None
    return round(1000 * deviations[min(len(deviations) - 1, int(0.99 * len(deviations)))], 2)


# --------------------------------------------------------------------------------------------
# The local server.

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalServer:
    def __init__(self, static=False, extra=()):
        """`extra`: more arguments for scripts/serve.py (e.g. `--shares 45`)."""
        self.port = free_port()
        argv = ([sys.executable, SERVE, "--port", str(self.port)]
                + (["--static"] if static else []) + list(extra))
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    raise SystemExit(f"measure: {SERVE} did not start on port {self.port}")
                time.sleep(0.02)
        self.static = static

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# --------------------------------------------------------------------------------------------
# Setting a program up to use the local server.

def tickertape_config(port, items=20):
    query = f"?items={items}" if items != 20 else ""
    return (f'[quotes]\nbase_url = "http://127.0.0.1:{port}"\n'
            f'coingecko_url = "http://127.0.0.1:{port}"\n\n'
            f'[news]\n\n[[news.feeds]]\nname = "Local"\nurl = "http://127.0.0.1:{port}/feed.xml{query}"\n')


def setup_files(kind, tmp, port, items=20):
    """Files a program needs to be fed by the local server; returns the {config} path."""
    feed_url = f"http://127.0.0.1:{port}/feed.xml" + (f"?items={items}" if items != 20 else "")
    if kind == "tickertape":
        path = os.path.join(tmp, "tickertape.toml")
        with open(path, "w") as f:
            f.write(tickertape_config(port, items))
        return path
    if kind == "newsboat":
        os.makedirs(os.path.join(tmp, "newsboat"), exist_ok=True)
        with open(os.path.join(tmp, "newsboat", "urls"), "w") as f:
            f.write(feed_url + "\n")
        path = os.path.join(tmp, "newsboat", "config")
        with open(path, "w") as f:
            # fetch the feed once at start (as tickertape fetches its quotes); no auto-reload
            f.write("refresh-on-startup yes\nauto-reload no\nconfirm-exit no\n")
        return path
    return ""


# --------------------------------------------------------------------------------------------
# One run.

def parse_duration(text):
    m = re.fullmatch(r"(\d+(?:\.\d*)?)(ms|s)?", text)
    if not m:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (e.g. 500ms, 2s, 1.5)")
    value = float(m.group(1))
    return value / 1000 if m.group(2) == "ms" else value


def parse_key_step(spec):
    """'[DELAY:]KEYS', KEYS with Python escapes (\\r, \\x1b, \\t); DELAY like 500ms or 2s."""
    delay = 0.0
    m = re.match(r"(\d+(?:\.\d*)?(?:ms|s)):(.*)$", spec, re.S)
    if m:
        delay, spec = parse_duration(m.group(1)), m.group(2)
    return delay, spec.encode("latin-1", "backslashreplace").decode("unicode_escape").encode()


class Run:
    def __init__(self, argv, opts, port):
        self.argv, self.opts, self.port = argv, opts, port
        self.raw = bytearray()
        self.screen = Screen(opts.cols, opts.rows)
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.bytes_total = 0
        self.read_times = []   # when each read with output returned (frame regularity)
        self.exit_at = None
        self.status = None
        self.found = {}
        self.answered = []

    def spawn(self):
        o = self.opts
        self.tmp = tempfile.mkdtemp(prefix="measure-")
        home = os.path.join(self.tmp, "home")
        for sub in ("", ".config", ".cache", ".local/share", ".local/state"):
            os.makedirs(os.path.join(home, sub), exist_ok=True)
        items = getattr(o, "feed_items", 20)
        config = setup_files(o.setup, self.tmp, self.port, items) if self.port else ""
        fill = {"tmp": self.tmp, "home": home, "port": str(self.port or ""), "config": config,
                "feed_url": f"http://127.0.0.1:{self.port}/feed.xml"
                            + (f"?items={items}" if items != 20 else ""), "root": ROOT}
        argv = [a.format(**fill) for a in self.argv]
        exe = os.path.abspath(shutil.which(argv[0]) or argv[0]) if os.sep in argv[0] or shutil.which(argv[0]) else argv[0]
        if o.keep_env:
            env = dict(os.environ)
        else:
            env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home,
                   "XDG_CONFIG_HOME": os.path.join(home, ".config"),
                   "XDG_CACHE_HOME": os.path.join(home, ".cache"),
                   "XDG_DATA_HOME": os.path.join(home, ".local/share"),
                   "XDG_STATE_HOME": os.path.join(home, ".local/state"),
                   "LANG": "C.UTF-8", "USER": os.environ.get("USER", "root"),
                   "LOGNAME": os.environ.get("LOGNAME", "root")}
        env["TERM"] = o.term
        env["COLUMNS"], env["LINES"] = str(o.cols), str(o.rows)
        for kv in o.env:
            k, _, v = kv.partition("=")
            env[k] = v.format(**fill)
        self.argv_filled = argv
        master, slave = os.openpty()
        winsize = struct.pack("HHHH", o.rows, o.cols, 0, 0)
        fcntl.ioctl(slave, termios.TIOCSWINSZ, winsize)
        r, w = os.pipe2(os.O_CLOEXEC)
        pid = os.fork()
        if pid == 0:   # the child: a session of its own with the pty as its controlling terminal
            try:
                os.close(master)
                os.close(r)
                os.setsid()
                fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
                for fd in (0, 1, 2):
                    os.dup2(slave, fd)
                if slave > 2:
                    os.close(slave)
                os.chdir(o.cwd.format(**fill) if o.cwd else home)
                os.execve(exe, argv, env)
            except OSError as e:
                os.write(w, f"{e.errno} {e}".encode())
            finally:
                os._exit(127)
        os.close(slave)
        os.close(w)
        err = b""
        while True:   # end of file on the close-on-exec pipe: the exec happened
            chunk = os.read(r, 512)
            if not chunk:
                break
            err += chunk
        self.t_exec = time.monotonic()
        os.close(r)
        if err:
            os.waitpid(pid, 0)
            raise SystemExit(f"measure: cannot run {argv[0]}: {err.decode()}")
        self.pid, self.master = pid, master
        os.set_blocking(master, False)
        self.pidfd = os.pidfd_open(pid)
        self.poll = select.poll()
        self.poll.register(master, select.POLLIN)
        self.poll.register(self.pidfd, select.POLLIN)
        self.master_open = True

    def since_exec_ms(self, t):
        return round((t - self.t_exec) * 1000, 2)

    def read_master(self):
        while self.master_open:
            try:
                data = os.read(self.master, 65536)
            except BlockingIOError:
                return
            except OSError:   # EIO: no process holds the terminal any more
                data = b""
            if not data:
                self.poll.unregister(self.master)
                self.master_open = False
                return
            now = time.monotonic()
            self.read_times.append(now)
            self.bytes_total += len(data)
            if len(self.raw) < 64 << 20:
                self.raw += data
            self.screen.feed(self.decoder.decode(data))
            if self.screen.queries and not self.opts.no_answer:
                for q in self.screen.queries:
                    reply = {"CPR": f"\x1b[{self.screen.r + 1};{self.screen.c + 1}R",
                             "DA1": "\x1b[?62;22c", "DA2": "\x1b[>0;95;0c"}[q]
                    try:
                        os.write(self.master, reply.encode())
                        self.answered.append(q)
                    except OSError:
                        pass
            self.screen.queries.clear()
            for marker in self.markers:
                if marker not in self.found:
                    if self.screen.contains(marker):
                        self.found[marker] = (self.since_exec_ms(now), "screen")
                    elif marker in self.screen.stripped_tail:
                        self.found[marker] = (self.since_exec_ms(now), "stripped stream")

    def pump(self, seconds, until=None, sampler=None):
        """Read output for up to `seconds`; stop early when until() is true or the process exits."""
        deadline = time.monotonic() + seconds
        next_sample = time.monotonic() + SAMPLE_EVERY
        while True:
            now = time.monotonic()
            if until and until():
                return True
            if now >= deadline:
                return False
            if self.exit_at is not None and not self.master_open:
                return False
            wait = deadline - now
            if sampler:
                if now >= next_sample:
                    sampler()
                    next_sample = now + SAMPLE_EVERY
                wait = min(wait, max(0.0, next_sample - now))
            events = self.poll.poll(max(0, int(wait * 1000 + 0.999)) if wait > 0 else 0)
            for fd, _ in events:
                if fd == self.pidfd and self.exit_at is None:
                    self.exit_at = time.monotonic()
                    self.poll.unregister(self.pidfd)
                    _, self.status = os.waitpid(self.pid, 0)
                elif fd == self.master:
                    self.read_master()

    def execute(self):
        o = self.opts
        self.markers = [o.marker] + o.watch if o.marker else list(o.watch)
        self.spawn()
        result = {"argv": self.argv_filled}
        try:
            if o.marker:
                self.pump(o.marker_timeout, until=lambda: o.marker in self.found)
            first = self.found.get(o.marker)
            result["first_frame_ms"] = first[0] if first else None
            result["marker_found_by"] = first[1] if first else None
            for delay, keys in o.keys:
                self.pump(delay)
                os.write(self.master, keys)
            self.pump(o.settle)
            result.update(self.window())
            result.update(self.quit())
            articles = os.path.join(self.tmp, "home", ".cache", "tickertape", "articles")
            result["articles_cached"] = len(os.listdir(articles)) if os.path.isdir(articles) else 0
        finally:
            self.cleanup()
        result["watch"] = {m: (self.found[m][0] if m in self.found else None) for m in o.watch}
        result["answered_queries"] = sorted(set(self.answered))
        if o.screen:
            result["screen"] = self.window_screen
        if getattr(o, "raw_out", None):
            with open(o.raw_out, "wb") as f:   # the last run's window, for a look at what changed
                f.write(self.window_raw)
        return result

    def window(self):
        o = self.opts
        cpu = CpuTracker(self.pid)
        rss_start = status_kb(self.pid, "VmRSS")
        cpu.start()
        bytes0, t0 = self.bytes_total, time.monotonic()
        raw0 = len(self.raw)
        reads0 = len(self.read_times)
        self.pump(o.window, sampler=cpu.sample)
        self.window_raw = bytes(self.raw[raw0:])
        cpu.sample()
        t1 = time.monotonic()
        ticks1 = cpu.ticks()
        elapsed = (t1 - t0) if o.window > 0 else 0   # no window: no CPU or bytes figures
        self.window_screen = self.screen.text()
        tree = descendants(self.pid) if self.exit_at is None else []
        out = {
            "window_s": round(elapsed, 3),
            "exited_early": self.exit_at is not None,
            "bytes": (self.bytes_total - bytes0) if elapsed else None,
            "bytes_per_s": round((self.bytes_total - bytes0) / elapsed, 1) if elapsed else None,
            "cpu_pct": round(100 * cpu.used_ns() / 1e9 / elapsed, 4) if elapsed else None,
            "cpu_pct_ticks": (round(100 * (ticks1 - cpu.ticks0) / CLK_TCK / elapsed, 4)
                              if elapsed and ticks1 is not None and cpu.ticks0 is not None else None),
            "wakeups_per_s": round(cpu.wakeups() / elapsed, 2) if elapsed else None,
            "step_p99_dev_ms": (p99_deviation_ms(self.read_times[reads0:], o.step_ms / 1000)
                                if elapsed and getattr(o, "step_ms", None) else None),
            "threads": len(cpu.last),
            "processes": len(cpu.pids),
            "rss_start_kb": rss_start,
            "peak_rss_kb": status_kb(self.pid, "VmHWM"),
            "final_rss_kb": status_kb(self.pid, "VmRSS"),
            "tree_rss_kb": sum(status_kb(p, "VmRSS") or 0 for p in tree) or None,
        }
        return out

    def quit(self):
        o = self.opts
        if self.exit_at is not None:
            return {"quit_ms": None, "quit_note": "exited before the quit key"}
        mark = len(self.raw)
        t_key = time.monotonic()
        os.write(self.master, o.quit_key)
        self.pump(o.quit_timeout, until=lambda: self.exit_at is not None)
        out = {}
        if self.exit_at is None:
            out["quit_ms"] = None
            out["quit_note"] = f"still running {o.quit_timeout}s after the quit key; killed"
            os.kill(self.pid, signal.SIGKILL)
            self.pump(5, until=lambda: self.exit_at is not None)
        else:
            out["quit_ms"] = round((self.exit_at - t_key) * 1000, 2)
        self.pump(1, until=lambda: not self.master_open)   # what it wrote on the way out
        after = bytes(self.raw[mark:])
        used_alt = ENTER_ALT in self.raw
        out["alt_screen"] = used_alt
        out["left_alt_screen"] = (LEAVE_ALT in after) if used_alt else None
        out["cursor_shown"] = SHOW_CURSOR in after
        out["restored"] = bool((not used_alt or LEAVE_ALT in after) and SHOW_CURSOR in after)
        if self.status is not None:
            out["exit_code"] = (os.waitstatus_to_exitcode(self.status))
        return out

    def cleanup(self):
        if self.exit_at is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
        for fd in (self.master, self.pidfd):
            try:
                os.close(fd)
            except OSError:
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# Many runs, and the summary.

NUMERIC = ["first_frame_ms", "cpu_pct", "cpu_pct_ticks", "bytes_per_s", "wakeups_per_s",
           "step_p99_dev_ms", "peak_rss_kb",
           "final_rss_kb", "rss_start_kb", "quit_ms", "articles_cached"]


def summarise(runs):
    summary = {}
    for key in NUMERIC:
        values = [r[key] for r in runs if r.get(key) is not None]
        if values:
            summary[key] = {"median": round(statistics.median(values), 4), "min": min(values),
                            "max": max(values), "n": len(values)}
    summary["restored"] = f"{sum(1 for r in runs if r.get('restored'))}/{len(runs)}"
    watch = {}
    for r in runs:
        for m, t in r.get("watch", {}).items():
            watch.setdefault(m, []).append(t)
    summary["watch"] = {m: {"seen": f"{sum(1 for t in ts if t is not None)}/{len(ts)}",
                            "median_ms": (statistics.median([t for t in ts if t is not None])
                                          if any(t is not None for t in ts) else None)}
                        for m, ts in watch.items()}
    return summary


def measure(argv, opts, server_port, label=None):
    runs = []
    for i in range(opts.runs):
        result = Run(argv, opts, server_port).execute()
        runs.append(result)
        if not opts.quiet:
            print(f"  {label or argv[0]} run {i + 1}/{opts.runs}: first frame "
                  f"{fmt(result.get('first_frame_ms'), 'ms')}, cpu {fmt(result.get('cpu_pct'), '%')}, "
                  f"{fmt(result.get('bytes_per_s'), 'B/s')}, peak {fmt(result.get('peak_rss_kb'), 'kB')}, "
                  f"quit {fmt(result.get('quit_ms'), 'ms')}, restored {result.get('restored')}",
                  file=sys.stderr, flush=True)
    return {"runs": runs, "summary": summarise(runs)}


def fmt(value, unit=""):
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer() and abs(value) >= 10:
        value = int(value)
    elif isinstance(value, float):
        value = f"{value:.3f}".rstrip("0").rstrip(".") if abs(value) < 10 else f"{value:.1f}"
    return f"{value} {unit}".strip()


def human_table(result):
    s = result["summary"]
    lines = ["| figure | median | min | max | n |", "| --- | --- | --- | --- | --- |"]
    units = {"first_frame_ms": "ms", "quit_ms": "ms", "cpu_pct": "%", "cpu_pct_ticks": "%",
             "bytes_per_s": "B/s", "wakeups_per_s": "/s", "step_p99_dev_ms": "ms", "peak_rss_kb": "kB", "final_rss_kb": "kB", "rss_start_kb": "kB",
             "articles_cached": ""}
    for key in NUMERIC:
        if key in s:
            v = s[key]
            lines.append(f"| {key} | {fmt(v['median'], units[key])} | {fmt(v['min'])} | "
                         f"{fmt(v['max'])} | {v['n']} |")
    lines.append(f"| terminal restored | {s['restored']} | | | |")
    for m, w in s["watch"].items():
        lines.append(f"| seen {m!r} | {w['seen']} | median {fmt(w['median_ms'], 'ms')} | | |")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# The BENCHMARKS.md table.

TT_MARKER = "8,164.12"   # FTSE 100 in the bundled snapshot: the first entry of the tape


def table_scenarios(args):
    tt = os.path.join(ROOT, "target", "release", "tickertape")
    w = args.window
    sc = []
    if "tickertape" in args.only:
        sc += [
            dict(name="tickertape first frame (offline, empty cache → snapshot)", prog="tickertape",
                 key="tt_first", argv=[tt, "--offline"], marker=TT_MARKER, window=0.0, settle=0.5,
                 server=None, setup="none", keys=[]),
            dict(name="tickertape scrolling (local server, prices walking, local feed)",
                 prog="tickertape", key="tt_scroll", argv=[tt, "--config", "{config}"],
                 marker=TT_MARKER, window=w, settle=args.settle, server="walk", setup="tickertape",
                 keys=[], watch=["live · updated", "Local headline"]),
            dict(name="tickertape paused (p; local server, prices static)", prog="tickertape",
                 key="tt_paused", argv=[tt, "--config", "{config}"], marker=TT_MARKER, window=w,
                 settle=args.settle, server="static", setup="tickertape", keys=[(0.0, b"p")],
                 watch=["live · updated", "Local headline"]),
            dict(name="tickertape paused (p; local server, prices moving on every request)",
                 prog="tickertape", key="tt_paused_walk", argv=[tt, "--config", "{config}"],
                 marker=TT_MARKER, window=w, settle=args.settle, server="walk",
                 setup="tickertape", keys=[(0.0, b"p")], watch=["live · updated"]),
            dict(name="tickertape with 500 headlines and 20 articles read (local feed of 500 "
                      "items; j pressed 20 times, 0.5 s apart, each article fetched and cached)",
                 prog="tickertape", key="tt_rss500", argv=[tt, "--config", "{config}"],
                 marker=TT_MARKER, window=min(w, 20.0), settle=args.settle, server="walk",
                 setup="tickertape", keys=[(2.0, b"")] + [(0.5, b"j")] * 20, feed_items=500,
                 watch=["live · updated", "Headlines (500)"]),
        ]
    if "newsboat" in args.only:
        sc.append(dict(name="newsboat idle (local feed, fetched at start)", prog="newsboat",
                       key="nb_idle",
                       argv=["newsboat", "-u", "{tmp}/newsboat/urls", "-C", "{config}",
                             "-c", "{tmp}/newsboat/cache.db"],
                       marker="Your feeds", window=w, settle=args.settle, server="walk",
                       setup="newsboat", keys=[], watch=["(20/20)"]))
    if "tickrs" in args.only:
        sc.append(dict(name="tickrs idle (-s AAPL, no data: Yahoo unreachable)", prog="tickrs",
                       key="tr_idle", argv=["tickrs", "-s", "AAPL"], marker="AAPL", window=w,
                       settle=args.settle, server=None, setup="none", keys=[], watch=[]))
    return sc


BUDGET = [
    ("exec → first complete frame (cache or snapshot)", "≤ 30 ms", "first_frame_ms", "ms", 30),
    ("idle CPU while the tape scrolls at default speed, {w} s", "≤ 0.5 % of one core", "cpu_pct",
     "%", 0.5),
    ("idle CPU with the tape paused, {w} s", "≤ 0.05 % of one core", "cpu_pct", "%", 0.05),
    ("(extra) idle CPU paused while prices move, so every refresh redraws and saves",
     "≤ 0.05 % of one core", "cpu_pct", "%", 0.05),
    ("bytes written to the terminal per second, tape scrolling", "≤ 2 KB/s at 120 columns",
     "bytes_per_s", "B/s", 2048),
    ("bytes per second, paused, nothing changing", "0", "bytes_per_s", "B/s", 0),
    ("peak RSS with 15 symbols, 500 headlines, 20 cached articles", "≤ 20 MB", "peak_rss_kb", "kB",
     20 * 1024),
    ("RSS growth over 10,000 refresh cycles after warm-up", "≤ 1 MB", None, None, None),
    ("`q` → process gone, terminal restored", "≤ 50 ms", "quit_ms", "ms", 50),
]
# which scenario each row takes tickertape's figure from, and each peer's
ROW_SOURCES = ["tt_first", "tt_scroll", "tt_paused", "tt_paused_walk", "tt_scroll", "tt_paused",
               "tt_rss500", None, "tt_scroll"]


def cell(summary, key, unit):
    if summary is None or key not in summary:
        return "—"
    v = summary[key]
    med = v["median"]
    if unit == "kB":
        return f"{med / 1024:.1f} MB ({v['min'] / 1024:.1f}–{v['max'] / 1024:.1f})"
    if unit == "%":
        return f"{med:.3f} % ({v['min']:.3f}–{v['max']:.3f})"
    if unit == "B/s":
        d = 1 if v["max"] < 10 else 0
        return f"{med:.{d}f} B/s ({v['min']:.{d}f}–{v['max']:.{d}f})"
    return f"{med:.1f} ms ({v['min']:.1f}–{v['max']:.1f})"


def ratio(ours, theirs, key):
    try:
        a, b = ours[key]["median"], theirs[key]["median"]
    except (KeyError, TypeError):
        return ""
    if b == 0:
        return "— (peer 0)" if a else "equal (0)"
    r = a / b
    if r >= 100:
        return f"{r:,.0f}×"
    return f"{r:.2f}×" if r < 10 else f"{r:.1f}×"


def markdown(results, args):
    peers = [p for p in ("newsboat", "tickrs") if p in args.only]
    peer_key = {"newsboat": "nb_idle", "tickrs": "tr_idle"}
    head = "| figure | budget | tickertape (median, min–max) | met? |"
    sep = "| --- | --- | --- | --- |"
    for p in peers:
        head += f" {p} | tickertape ÷ {p} |"
        sep += " --- | --- |"
    lines = [head, sep]
    for (label, budget, key, unit, limit), src in zip(BUDGET, ROW_SOURCES):
        label = label.format(w=fmt(args.window))
        if key is None or src is None:
            row = f"| {label} | {budget} | from the soak test: see below | — |"
            lines.append(row + " — | |" * len(peers))
            continue
        ours = results.get(src, {}).get("summary")
        met = "—"
        if ours and key in ours:
            med = ours[key]["median"]
            met = "met" if med <= limit else f"**not met** ({fmt(med)} {unit})"
            if key == "quit_ms" and not ours["restored"].startswith(str(ours[key]["n"])):
                met += f"; restored {ours['restored']}"
        if key == "peak_rss_kb" and ours:
            watch = ours.get("watch", {})
            seen = watch.get("Headlines (500)", watch.get("Local headline", {})).get("seen", "")
            if seen.startswith("0/"):
                met += (" only for what it held: 15 symbols and the 16 bundled sample headlines "
                        "(the local feed's headlines never appeared), no cached articles")
            elif seen:
                articles = ours.get("articles_cached", {}).get("median", 0)
                met += (f" with 15 symbols, the 500-item local feed (`Headlines (500)` shown in "
                        f"{seen} runs) and {articles:.0f} articles fetched, read and cached")
        row = f"| {label} | {budget} | {cell(ours, key, unit)} | {met} |"
        for p in peers:
            theirs = results.get(peer_key[p], {}).get("summary")
            row += f" {cell(theirs, key, unit)} | {ratio(ours, theirs, key)} |"
        lines.append(row)
    return "\n".join(lines)


def cmd_table(args):
    args.only = [x.strip() for x in args.only.split(",") if x.strip()]
    if args.from_json:   # print the table again from a saved run, without measuring
        with open(args.from_json) as f:
            saved = json.load(f)
        meta = saved["meta"]
        args.window = meta["window_s"]
        present = {"nb_idle": "newsboat", "tr_idle": "tickrs"}
        args.only = ["tickertape"] + [p for k, p in present.items() if k in saved["results"]]
        print(markdown(saved["results"], args))
        print(footer(meta))
        return
    if "tickertape" in args.only and not args.no_build:
        print("measure: cargo build --release", file=sys.stderr, flush=True)
        subprocess.run(["cargo", "build", "--release"], cwd=ROOT, check=True)
    for peer in ("newsboat", "tickrs"):
        if peer in args.only and not shutil.which(peer):
            print(f"measure: {peer} is not installed; skipping it", file=sys.stderr)
            args.only.remove(peer)
    results = {}
    servers = {}
    load_start = (read_file("/proc/loadavg") or "").split()[:3]
    try:
        for sc in table_scenarios(args):
            opts = argparse.Namespace(
                cols=args.cols, rows=args.rows, term="xterm-256color", marker=sc["marker"],
                watch=sc.get("watch", []), marker_timeout=10.0, keys=sc["keys"],
                settle=sc["settle"], window=sc["window"], quit_key=b"q", quit_timeout=5.0,
                runs=args.runs, setup=sc["setup"], keep_env=False, env=[], cwd=None,
                feed_items=sc.get("feed_items", 20),
                no_answer=False, screen=True, quiet=args.quiet)
            port = None
            if sc["server"]:
                if sc["server"] not in servers:
                    servers[sc["server"]] = LocalServer(static=sc["server"] == "static")
                port = servers[sc["server"]].port
            print(f"measure: {sc['name']} × {args.runs}", file=sys.stderr, flush=True)
            res = measure(sc["argv"], opts, port, label=sc["prog"])
            res["scenario"] = sc["name"]
            res["window"] = sc["window"]
            res["settle"] = sc["settle"]
            res["keys"] = [k.decode() for _, k in sc["keys"]]
            results[sc["key"]] = res
            if not args.quiet:
                print(human_table(res), file=sys.stderr, flush=True)
    finally:
        for s in servers.values():
            s.stop()
    md = markdown(results, args)
    meta = {"machine": machine(), "command": " ".join(["python3", "scripts/measure.py"] + sys.argv[1:]),
            "window_s": args.window, "settle_s": args.settle, "runs": args.runs,
            "size": f"{args.cols}x{args.rows}", "loadavg_start": load_start, "loadavg_end": (read_file("/proc/loadavg") or "").split()[:3],
            "binary_mtime": time.ctime(os.path.getmtime(os.path.join(ROOT, "target", "release",
                                                                     "tickertape")))
            if "tickertape" in args.only else None}
    if args.json_out:
        os.makedirs(os.path.dirname(os.path.abspath(args.json_out)), exist_ok=True)
        with open(args.json_out, "w") as f:
            json.dump({"meta": meta, "results": results, "markdown": md}, f, indent=1,
                      ensure_ascii=False)
    print(md)
    print(footer(meta))


def footer(meta):
    return (f"\n{meta['machine']}; {meta['size']}; window {fmt(meta['window_s'])} s after "
            f"{fmt(meta.get('settle_s'))} s settle; {meta['runs']} runs each; load average "
            f"{' '.join(meta['loadavg_start'])} at the start, {' '.join(meta['loadavg_end'])} at the end")


def machine():
    model = "unknown CPU"
    for line in (read_file("/proc/cpuinfo") or "").splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    return f"{os.cpu_count()} CPUs ({model}), Linux {os.uname().release}"


def cmd_run(args):
    if not args.command:
        raise SystemExit("measure run: give the command after --")
    server = None
    if args.server != "none":
        server = LocalServer(static=args.server == "static")
    try:
        res = measure(args.command, args, server.port if server else None)
    finally:
        if server:
            server.stop()
    res["meta"] = {"machine": machine(), "size": f"{args.cols}x{args.rows}",
                   "window_s": args.window, "settle_s": args.settle}
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump(res, f, indent=1, ensure_ascii=False)
    if args.json:
        print(json.dumps(res, indent=1, ensure_ascii=False))
    else:
        print(human_table(res))
        if args.screen and res["runs"]:
            print("\nscreen at the end of the window (last run):")
            print("\n".join(res["runs"][-1].get("screen", [])))


def parse_size(text):
    m = re.fullmatch(r"(\d+)x(\d+)", text)
    if not m:
        raise argparse.ArgumentTypeError("size is COLSxROWS, e.g. 120x40")
    return int(m.group(1)), int(m.group(2))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[1:]))
    sub = parser.add_subparsers(dest="cmd", required=True)

    run = sub.add_parser("run", help="measure any command (after --)")
    run.add_argument("--size", type=parse_size, default=(120, 40), help="COLSxROWS (120x40)")
    run.add_argument("--marker", help="text whose appearance is the first frame")
    run.add_argument("--watch", action="append", default=[],
                     help="more text to time (first seen, ms from exec); repeatable")
    run.add_argument("--marker-timeout", type=parse_duration, default=10.0)
    run.add_argument("--key", dest="keys", action="append", type=parse_key_step, default=[],
                     help="[DELAY:]KEYS sent after the first frame, in order (e.g. p, 2s:p, "
                          "500ms:\\r); DELAY waits first; repeatable")
    run.add_argument("--settle", type=parse_duration, default=2.0,
                     help="wait after the keys before the window (2s)")
    run.add_argument("--window", type=parse_duration, default=60.0,
                     help="CPU/bytes window (60s)")
    run.add_argument("--quit-key", default="q", type=lambda s: parse_key_step(s)[1])
    run.add_argument("--quit-timeout", type=parse_duration, default=5.0)
    run.add_argument("--runs", type=int, default=1)
    run.add_argument("--step-ms", type=float,
                     help="nominal interval between frames (200 for a tape at 5 columns/s): "
                          "report the 99th percentile deviation from it")
    run.add_argument("--server", choices=["walk", "static", "none"], default="walk",
                     help="local server: prices walking (default), static, or none")
    run.add_argument("--setup", choices=["none", "tickertape", "newsboat"], default="none",
                     help="write a config that points the program at the local server ({config})")
    run.add_argument("--feed-items", type=int, default=20,
                     help="items in the local feed that --setup points at (20; up to 5000)")
    run.add_argument("--term", default="xterm-256color")
    run.add_argument("--keep-env", action="store_true",
                     help="inherit the environment (and HOME) instead of a clean temp HOME")
    run.add_argument("--env", action="append", default=[], help="K=V; repeatable")
    run.add_argument("--cwd", help="working directory (default: the temp HOME)")
    run.add_argument("--no-answer", action="store_true",
                     help="do not answer cursor-position/device-attribute queries")
    run.add_argument("--screen", action="store_true", help="print the screen at the window's end")
    run.add_argument("--raw-out", help="write the bytes the program wrote during the (last run's) "
                     "window here, to see what it redrew")
    run.add_argument("--json", action="store_true", help="print JSON instead of the table")
    run.add_argument("--json-out", help="also write the JSON here")
    run.add_argument("--quiet", action="store_true")
    run.add_argument("command", nargs=argparse.REMAINDER)

    table = sub.add_parser("table", help="measure tickertape and the installed peers (BENCHMARKS.md)")
    table.add_argument("--runs", type=int, default=5)
    table.add_argument("--window", type=parse_duration, default=60.0)
    table.add_argument("--settle", type=parse_duration, default=2.0)
    table.add_argument("--size", type=parse_size, default=(120, 40))
    table.add_argument("--only", default="tickertape,newsboat,tickrs")
    table.add_argument("--no-build", action="store_true")
    table.add_argument("--json-out", default=os.path.join(ROOT, "target", "measure", "table.json"))
    table.add_argument("--quiet", action="store_true")
    table.add_argument("--from-json", metavar="FILE",
                       help="print the table from a saved --json-out file instead of measuring")

    args = parser.parse_args()
    args.cols, args.rows = args.size
    if args.cmd == "run":
        if args.command and args.command[0] == "--":
            args.command = args.command[1:]
        cmd_run(args)
    else:
        cmd_table(args)


if __name__ == "__main__":
    main()

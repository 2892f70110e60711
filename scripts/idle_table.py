#!/usr/bin/env python3
"""The table of issue 15: tickertape left open all day, beside tickrs and newsboat, in one run.

Every figure is the median of --runs runs (5) in a 120x40 pseudo-terminal, taken by
scripts/measure.py (see there how each is read off /proc and the pty). Rows:

  * first frame, empty cache: `tickertape --offline` in a fresh home (the bundled snapshot);
  * the tape moving at the default speed (5 columns/s), `--offline`, over --window s (60): CPU,
    bytes written, wake-ups, step regularity (p99 deviation from 200 ms), peak RSS;
  * the tape at speed 20 (`[ticker] speed = 20`): bytes written, p99 deviation from 50 ms;
  * paused (`p`), `--offline`, markets as they are: CPU, bytes, wake-ups;
  * full: 60 instruments (the default 15 and 45 made-up shares in three groups, 10 of them
    held in a portfolio) priced live by scripts/serve.py, a feed of 500 items, 20 articles
    read (j 20 times, 0.5 s apart, each fetched and cached), the detail panel opened on the
    tape with all 7 chart ranges loaded (1 to 7), then the portfolio view (P): peak RSS;
  * first frame, full cache: `--offline` on the cache one more full run leaves (60 quotes,
    500 headlines, 20 articles); the first frame is the one that shows `Headlines (500)`;
  * tickrs 0.15 (`tickrs -s AAPL`, Yahoo unreachable) and newsboat (the local feed) idle.

    python3 scripts/idle_table.py                       # builds the release binary first
    python3 scripts/idle_table.py --runs 1 --window 10  # a quick look
    python3 scripts/idle_table.py --json-out target/idle-table.json
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import measure  # noqa: E402  (the pty runner, next to this file)

ROOT = measure.ROOT
MARKER = measure.TT_MARKER
SHARES = 45
GROUPS = 3
HELD = 10
ARTICLES = 20


def full_config(port):
    """60 instruments in groups, a 500-item feed and a portfolio, all on the local server."""
    base = f"http://127.0.0.1:{port}"
    lines = [f'[quotes]\nbase_url = "{base}"\ncoingecko_url = "{base}"\n',
             f'[news]\n\n[[news.feeds]]\nname = "Local"\nurl = "{base}/feed.xml?items=500"\n']
    per_group = SHARES // GROUPS
    for g in range(GROUPS):
        symbols = ", ".join(f'"S{n:02d}.L"' for n in range(g * per_group + 1,
                                                           (g + 1) * per_group + 1))
        lines.append(f'[[groups]]\nname = "Group {g + 1}"\nsymbols = [{symbols}]\n')
    lines.append('[portfolio]\ncurrency = "GBP"\n')
    for n in range(1, HELD + 1):
        lines.append(f'[[portfolio.positions]]\nsymbol = "S{n:02d}.L"\nquantity = {100 * n}\n'
                     f'cost = {95.0 + n:.2f}\n')
    return "\n".join(lines)


def options(args, **over):
    base = dict(cols=120, rows=40, term="xterm-256color", marker=MARKER, watch=[],
                marker_timeout=10.0, keys=[], settle=args.settle, window=args.window,
                quit_key=b"q", quit_timeout=5.0, runs=args.runs, setup="none", keep_env=False,
                env=[], cwd=None, feed_items=20, no_answer=False, screen=False, quiet=args.quiet,
                step_ms=None)
    base.update(over)
    return argparse.Namespace(**base)


def run(label, argv, opts, port=None):
    print(f"idle_table: {label} x {opts.runs}", file=sys.stderr, flush=True)
    result = measure.measure(argv, opts, port, label=label)
    if not opts.quiet:
        print(measure.human_table(result), file=sys.stderr, flush=True)
    return result


def median(results, key, row):
    summary = results.get(key, {}).get("summary", {})
    return summary.get(row, {}).get("median")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[1:]))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--window", type=float, default=60.0)
    parser.add_argument("--settle", type=float, default=2.0)
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--json-out")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    tt = os.path.join(ROOT, "target", "release", "tickertape")
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--locked"], cwd=ROOT, check=True)
    work = tempfile.mkdtemp(prefix="idle-table-")
    load_start = (measure.read_file("/proc/loadavg") or "").split()[:3]
    results = {}
    server = measure.LocalServer(extra=["--shares", str(SHARES)])
    try:
        fast = os.path.join(work, "speed20.toml")
        with open(fast, "w") as f:
            f.write("[ticker]\nspeed = 20\n")
        full = os.path.join(work, "full.toml")
        with open(full, "w") as f:
            f.write(full_config(server.port))
        cache = os.path.join(work, "full-cache")
        results["first"] = run("tickertape first frame, empty cache", [tt, "--offline"],
                               options(args, window=0.0, settle=0.0))
        results["tape"] = run("tickertape tape moving (speed 5)", [tt, "--offline"],
                              options(args, step_ms=200))
        results["speed20"] = run("tickertape tape at speed 20", [tt, "--offline", "--config", fast],
                                 options(args, step_ms=50))
        results["paused"] = run("tickertape paused", [tt, "--offline"],
                                options(args, keys=[(0.0, b"p")]))
        keys = ([(3.0, b"")] + [(0.5, b"j")] * ARTICLES + [(1.0, b"t"), (0.5, b"\r")]
                + [(1.0, str(n).encode()) for n in range(1, 8)]
                + [(1.0, b"\x1b"), (0.5, b"\x1b"), (0.5, b"P")])
        watch = ["Headlines (500)", "Portfolio in GBP"]
        results["full"] = run("tickertape full (60 instruments, 500 headlines, 20 articles, "
                              "7 ranges, portfolio)", [tt, "--config", full],
                              options(args, keys=keys, window=min(args.window, 20.0),
                                      watch=watch),
                              server.port)
        # The same once more into a cache kept for the next row: its first frame shows 60
        # cached quotes (prices walked, so the marker is the cached headline count).
        run("tickertape filling a cache", [tt, "--config", full],
            options(args, keys=keys, window=1.0, runs=1, env=[f"XDG_CACHE_HOME={cache}"],
                    watch=watch), server.port)
        results["first_full"] = run("tickertape first frame, full cache",
                                    [tt, "--offline", "--config", full],
                                    options(args, window=0.0, settle=0.0,
                                            marker="Headlines (500)",
                                            env=[f"XDG_CACHE_HOME={cache}"]))
        if not args.no_peers:
            if shutil.which("tickrs"):
                results["tickrs"] = run("tickrs idle", ["tickrs", "-s", "AAPL"],
                                        options(args, marker="AAPL"))
            if shutil.which("newsboat"):
                results["newsboat"] = run(
                    "newsboat idle",
                    ["newsboat", "-u", "{tmp}/newsboat/urls", "-C", "{config}",
                     "-c", "{tmp}/newsboat/cache.db"],
                    options(args, marker="Your feeds", setup="newsboat"), server.port)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    meta = {"machine": measure.machine(), "runs": args.runs, "window_s": args.window,
            "loadavg_start": load_start,
            "loadavg_end": (measure.read_file("/proc/loadavg") or "").split()[:3],
            "binary_bytes": os.path.getsize(tt)}
    table = markdown(results, meta)
    if args.json_out:
        with open(args.json_out, "w") as f:
            json.dump({"meta": meta, "results": results, "markdown": table}, f, indent=1,
                      ensure_ascii=False)
    print(table)


ROWS = [
    # label, target, (scenario, figure), unit, limit, peer figure
    ("first frame, empty cache", "≤ 6 ms", ("first", "first_frame_ms"), "ms", 6, "first_frame_ms"),
    ("first frame, full cache (60 instruments, 500 headlines)", "≤ 10 ms",
     ("first_full", "first_frame_ms"), "ms", 10, None),
    ("CPU, tape moving at default speed", "≤ 0.20 %", ("tape", "cpu_pct"), "%", 0.20, "cpu_pct"),
    ("bytes/s, tape moving at default speed", "≤ 400", ("tape", "bytes_per_s"), "B/s", 400,
     "bytes_per_s"),
    ("bytes/s at speed 20", "≤ 1,500", ("speed20", "bytes_per_s"), "B/s", 1500, None),
    ("wake-ups/s, tape moving at default speed", "≤ 5.5", ("tape", "wakeups_per_s"), "/s", 5.5,
     "wakeups_per_s"),
    ("wake-ups/s, paused", "0", ("paused", "wakeups_per_s"), "/s", 0, None),
    ("bytes/s, paused", "0", ("paused", "bytes_per_s"), "B/s", 0, None),
    ("CPU, paused", "—", ("paused", "cpu_pct"), "%", None, None),
    ("peak RSS, --offline (tape moving)", "≤ 9 MB", ("tape", "peak_rss_kb"), "kB", 9 * 1024,
     "peak_rss_kb"),
    ("peak RSS, full (60 instruments, 500 headlines, 20 articles, 7 ranges, portfolio)",
     "≤ 16 MB", ("full", "peak_rss_kb"), "kB", 16 * 1024, None),
    ("tape step p99 deviation from 200 ms", "≤ 15 ms", ("tape", "step_p99_dev_ms"), "ms", 15, None),
    ("tape step p99 deviation from 50 ms (speed 20)", "≤ 15 ms", ("speed20", "step_p99_dev_ms"),
     "ms", 15, None),
]


def show(value, unit):
    if value is None:
        return "—"
    if unit == "kB":
        return f"{value / 1024:.1f} MB"
    if unit == "%":
        return f"{value:.3f} %"
    if unit == "B/s":
        return f"{value:,.0f} B/s"
    if unit == "/s":
        return f"{value:.2f}/s"
    return f"{value:.1f} ms"


def markdown(results, meta):
    peers = [p for p in ("tickrs", "newsboat") if p in results]
    head = "| figure | target | tickertape | met? |" + "".join(f" {p} |" for p in peers)
    lines = [head, "| --- " * (4 + len(peers)) + "|"]
    for label, target, (key, figure), unit, limit, peer in ROWS:
        ours = median(results, key, figure)
        met = "—" if limit is None or ours is None else ("met" if ours <= limit else "**not met**")
        row = f"| {label} | {target} | {show(ours, unit)} | {met} |"
        for p in peers:
            row += f" {show(median(results, p, peer), unit) if peer else '—'} |"
        lines.append(row)
    full = results.get("full", {}).get("summary", {})
    seen = full.get("watch", {})
    articles = full.get("articles_cached", {}).get("median")
    lines.append("")
    lines.append(f"Full row: `Headlines (500)` seen in {seen.get('Headlines (500)', {}).get('seen')}"
                 f" runs, the portfolio view in {seen.get('Portfolio in GBP', {}).get('seen')}; "
                 f"{articles} articles cached (median).")
    lines.append(f"{meta['machine']}; 120x40; {meta['runs']} runs of {meta['window_s']:.0f} s "
                 f"(the full row {min(meta['window_s'], 20.0):.0f} s); load average "
                 f"{' '.join(meta['loadavg_start'])} at the start, "
                 f"{' '.join(meta['loadavg_end'])} at the end; release binary "
                 f"{meta['binary_bytes'] / 1e6:.1f} MB.")
    return "\n".join(lines)


if __name__ == "__main__":
    main()

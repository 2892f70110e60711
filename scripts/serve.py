#!/usr/bin/env python3
"""A local stand-in for the quote and news providers, for trying tickertape and for measuring it.

Serves Yahoo-shaped chart responses (`/v8/finance/chart/<symbol>`, with as many bars as each
`range`/`interval` asks for) and spark responses
(`/v8/finance/spark?symbols=A,B`, the brief batch prices tickertape asks for between charts) for
every symbol in the bundled snapshot (and three shares to add through the search box), with
prices walking a little on each request, the symbol search (`/v1/finance/search?q=vod`), and a
small RSS feed at `/feed.xml`. Stdlib only. Nothing here reaches the internet.

    python3 scripts/serve.py --port 8700            # then: tickertape --config cfg.toml
    python3 scripts/serve.py --print-config 8700    # a config pointing tickertape at it
    python3 scripts/serve.py --port 8700 --static   # prices that never move (for "nothing changing")
    python3 scripts/serve.py --port 8700 --no-spark # spark answers 500: tickertape falls back to chart
    python3 scripts/serve.py --port 8700 --shares 45 # 45 more shares, S01.L to S45.L

Every request is counted by endpoint; `/stats` answers the counts as JSON.

`/feed.xml?items=N` serves N items instead of 20 (1 to 5000), for measuring with many headlines.
Each item links to `/a/<n>`, an article page of about 20 kB (navigation, asides and a dozen
paragraphs of generated text), so the reader has full articles to fetch and cache.
"""
import argparse
import json
import os
import random
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SNAPSHOT = json.load(open(os.path.join(ROOT, "assets", "snapshot.json"), encoding="utf-8"))
BASE = {q["symbol"]: q for q in SNAPSHOT["quotes"]}
# Listed here but on no default watchlist, so the search box (`a` on the held tape) finds
# something to add. Prices are round figures of the kind these trade at, not quotes.
LISTED = [
    {"symbol": "VOD.L", "name": "Vodafone Group PLC", "exchange": "London", "type": "Equity",
     "price": 71.52, "previous_close": 71.10, "decimals": 2, "currency": "GBp"},
    {"symbol": "BARC.L", "name": "Barclays PLC", "exchange": "London", "type": "Equity",
     "price": 231.45, "previous_close": 229.90, "decimals": 2, "currency": "GBp"},
    {"symbol": "AAPL", "name": "Apple Inc.", "exchange": "NASDAQ", "type": "Equity",
     "price": 229.87, "previous_close": 228.20, "decimals": 2, "currency": "USD"},
]
BASE.update({q["symbol"]: q for q in LISTED})
STATE = {s: q["price"] for s, q in BASE.items()}
RNG = random.Random(7)
# --static: every request answers the same prices (the snapshot's), so a client has nothing new.
STATIC = False
# --no-spark: the spark endpoint fails, as it might the day Yahoo changes it.
NO_SPARK = False
COUNTS = {"chart": 0, "spark": 0, "search": 0, "feed": 0, "article": 0, "other": 0}
COUNTS_LOCK = threading.Lock()


def tally(kind):
    with COUNTS_LOCK:
        COUNTS[kind] += 1


STEP_SECONDS = {"1m": 60, "2m": 120, "5m": 300, "15m": 900, "30m": 1800, "1h": 3600,
                "1d": 86400, "1wk": 7 * 86400, "1mo": 30 * 86400}
RANGE_SECONDS = {"1d": 86400, "5d": 5 * 86400, "1mo": 30 * 86400, "6mo": 182 * 86400,
                 "1y": 365 * 86400, "5y": 5 * 365 * 86400}


def bar_count(span, interval):
    """How many bars a `range`/`interval` pair asks for: the whole span, at most 400; the quote
    poller's own 1d/5m and spark get the 24 they always had."""
    if span is None or (span, interval) == ("1d", "5m"):
        return 24, 300
    step = STEP_SECONDS.get(interval, 300)
    if span == "ytd":
        now = time.gmtime()
        seconds = int(time.time() - time.mktime((now.tm_year, 1, 1, 0, 0, 0, 0, 0, 0)))
    else:
        seconds = RANGE_SECONDS.get(span, 86400)
    return max(2, min(400, seconds // step)), step


def bars(symbol, span=None, interval=None):
    """(quote, price, now, day, stamps, closes) for a known symbol, walking the price; else None.
    The last close is the price, as in Yahoo's forming bar. A longer `span` walks back from it
    in bars of `interval`, so every chart range has a shape of its own."""
    quote = BASE.get(symbol)
    if quote is None:
        return None
    if STATIC:
        price = quote["price"]
        now = int(time.time()) // 3600 * 3600
        rng = random.Random(symbol)
    else:
        price = STATE[symbol] * (1 + RNG.uniform(-0.0005, 0.0005))
        STATE[symbol] = price
        now = int(time.time())
        rng = RNG
    day = now - now % 86400
    count, step = bar_count(span, interval)
    if count == 24:
        closes = [round(price * (1 + rng.uniform(-0.002, 0.002)), quote["decimals"]) for _ in range(24)]
    else:
        walk, closes = price, []
        for _ in range(count):
            closes.append(round(walk, quote["decimals"]))
            walk *= 1 + rng.uniform(-0.01, 0.01) * (step / 86400) ** 0.5
        closes.reverse()
    closes[5] = None
    closes[-1] = round(price, quote["decimals"])
    stamps = [now - step * (len(closes) - 1 - i) for i in range(len(closes))]
    return quote, price, now, day, stamps, closes


def chart(symbol, span=None, interval=None):
    found = bars(symbol, span, interval)
    if found is None:
        return 404, {"chart": {"result": None, "error": {"code": "Not Found",
                     "description": "No data found, symbol may be delisted"}}}
    quote, price, now, day, stamps, closes = found
    meta = {
        "currency": quote["currency"], "symbol": symbol, "exchangeName": "LOC",
        "fullExchangeName": "Local test exchange", "instrumentType": "INDEX",
        "regularMarketTime": now, "gmtoffset": 0, "timezone": "UTC",
        "exchangeTimezoneName": "UTC", "regularMarketPrice": round(price, quote["decimals"]),
        "regularMarketDayHigh": max(c for c in closes if c), "regularMarketDayLow": min(c for c in closes if c),
        "chartPreviousClose": quote["previous_close"], "priceHint": quote["decimals"],
        "currentTradingPeriod": {
            "pre": {"timezone": "UTC", "start": day, "end": day, "gmtoffset": 0},
            "regular": {"timezone": "UTC", "start": day, "end": day + 86400, "gmtoffset": 0},
            "post": {"timezone": "UTC", "start": day + 86400, "end": day + 86400, "gmtoffset": 0},
        },
    }
    body = {"chart": {"result": [{"meta": meta, "timestamp": stamps,
            "indicators": {"quote": [{"close": closes}]}}], "error": None}}
    return 200, body


def spark(symbols):
    """Yahoo's v8 spark shape: an object keyed by symbol; unknown symbols are left out."""
    body = {}
    for symbol in symbols:
        found = bars(symbol)
        if found is None:
            continue
        quote, _, _, _, stamps, closes = found
        body[symbol] = {"symbol": symbol, "timestamp": stamps, "close": closes, "end": None,
                        "start": None, "previousClose": None,
                        "chartPreviousClose": quote["previous_close"], "dataGranularity": 300}
    return 200, body


def search(text):
    """Yahoo's v1 symbol search shape: every served symbol whose symbol or name holds `text`."""
    text = text.strip().lower()
    quotes = [
        {"exchange": "LOC", "shortname": q.get("name", q["symbol"]), "quoteType": "EQUITY",
         "symbol": q["symbol"], "index": "quotes", "score": 1000.0,
         "typeDisp": q.get("type", "Index"), "exchDisp": q.get("exchange", "Local"),
         "isYahooFinance": True}
        for q in BASE.values()
        if text and (text in q["symbol"].lower() or text in q.get("name", "").lower())
    ][:8]
    return {"explains": [], "count": len(quotes), "quotes": quotes, "news": []}


WORDS = ("market shares index rose fell traders oil price bank rates inflation pound dollar "
         "yield bond investors quarter growth earnings forecast analysts central policy energy "
         "demand supply exports factory survey week session close open futures sterling").split()


def article(number):
    rng = random.Random(number)
    para = lambda n: " ".join(rng.choice(WORDS) for _ in range(n)).capitalize() + "."
    nav = "".join(f'<li><a href="/s/{i}">Section {i}</a></li>' for i in range(40))
    body = "".join(f"<p>{para(rng.randint(60, 120))}</p>" for _ in range(12))
    aside = "".join(f'<li><a href="/a/{rng.randint(0, 999)}">{para(8)}</a></li>' for _ in range(30))
    return (f"<!doctype html><html><head><meta charset=utf-8><title>Local headline {number}</title>"
            f"</head><body><header><nav><ul>{nav}</ul></nav></header><main><article>"
            f"<h1>Local headline {number}</h1><p class=byline>By the local desk</p>{body}"
            f"</article></main><aside><h2>More</h2><ul>{aside}</ul></aside>"
            f"<footer>{para(30)}</footer></body></html>")


def feed(count=20, host="127.0.0.1"):
    now = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())
    if STATIC:
        now = time.strftime("%a, %d %b %Y %H:00:00 GMT", time.gmtime())
    items = "".join(
        f"<item><title>Local headline {i}</title><link>http://{host}/a/{i}</link>"
        f"<guid>local-{i}</guid><pubDate>{now}</pubDate><description>Summary {i}.</description></item>"
        for i in range(count))
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>Local</title>'
            f"<link>http://127.0.0.1/</link><description>Local feed</description>{items}</channel></rss>")


class Handler(BaseHTTPRequestHandler):
    # Keep-alive, as Yahoo and feed hosts do: a client that reuses connections is measured so.
    protocol_version = "HTTP/1.1"

    def do_GET(self):  # noqa: N802 (http.server's naming)
        url = urllib.parse.urlparse(self.path)
        path = url.path
        if path.startswith("/v8/finance/chart/"):
            tally("chart")
            query = urllib.parse.parse_qs(url.query)
            status, body = chart(urllib.parse.unquote(path.rsplit("/", 1)[1]),
                                 query.get("range", [None])[0], query.get("interval", [None])[0])
            self.reply(status, "application/json", json.dumps(body).encode())
        elif path == "/v8/finance/spark":
            tally("spark")
            if NO_SPARK:
                self.reply(500, "text/html", b"<html><body>Internal Server Error</body></html>")
                return
            query = urllib.parse.parse_qs(url.query)
            symbols = [s for s in query.get("symbols", [""])[0].split(",") if s]
            status, body = spark(symbols)
            self.reply(status, "application/json", json.dumps(body).encode())
        elif path == "/v1/finance/search":
            tally("search")
            query = urllib.parse.parse_qs(url.query)
            body = search(query.get("q", [""])[0])
            self.reply(200, "application/json", json.dumps(body).encode())
        elif path == "/stats":
            self.reply(200, "application/json", json.dumps(dict(COUNTS)).encode())
        elif path == "/feed.xml":
            tally("feed")
            query = urllib.parse.parse_qs(url.query)
            try:
                count = min(max(int(query.get("items", ["20"])[0]), 1), 5000)
            except ValueError:
                count = 20
            host = self.headers.get("Host", "127.0.0.1")
            self.reply(200, "application/rss+xml", feed(count, host).encode())
        elif path.startswith("/a/") and path[3:].isdigit():
            tally("article")
            self.reply(200, "text/html; charset=utf-8", article(int(path[3:])).encode())
        else:
            tally("other")
            self.reply(404, "text/plain", b"not found")

    def reply(self, status, kind, data):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def config(port):
    return f'[quotes]\nbase_url = "http://127.0.0.1:{port}"\ncoingecko_url = "http://127.0.0.1:{port}"\n'


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8700)
    parser.add_argument("--print-config", type=int, metavar="PORT")
    parser.add_argument("--static", action="store_true",
                        help="answer the snapshot's prices unchanged on every request")
    parser.add_argument("--no-spark", action="store_true",
                        help="answer spark requests with a 500 page, so chart stands in")
    parser.add_argument("--shares", type=int, default=0, metavar="N",
                        help="also list N made-up London shares, S01.L to SNN.L (for measuring "
                             "with a long watchlist)")
    args = parser.parse_args()
    for n in range(1, args.shares + 1):
        share = {"symbol": f"S{n:02d}.L", "name": f"Sample Share {n:02d}", "exchange": "London",
                 "type": "Equity", "price": 100.0 + n, "previous_close": 99.0 + n,
                 "decimals": 2, "currency": "GBp"}
        BASE[share["symbol"]] = share
        STATE[share["symbol"]] = share["price"]
    if args.print_config:
        sys.stdout.write(config(args.print_config))
        return
    global STATIC, NO_SPARK
    STATIC = args.static
    NO_SPARK = args.no_spark
    ThreadingHTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()

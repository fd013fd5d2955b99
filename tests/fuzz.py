#!/usr/bin/env python3
"""Bad input at volume against rng, hasher and webui on their published ports (issue 7). Run it via tests/fuzz.sh.

1. A catalogue of malformed requests (paths, sizes, bodies, methods, content types, broken HTTP) sent
   FUZZ_ROUNDS times each, FUZZ_CONCURRENCY at a time, over raw sockets (so nothing is "fixed" by a client).
2. A flood: FUZZ_FLOOD (2000) concurrent connections each sending GET /32 to rng at once; rng's line holds
   RNG_MAX_WAITING (100) requests, the rest must get 503 with Retry-After, quickly, and memory must stay flat.
   Then the same number of concurrent POST / to hasher and GET /json to webui.
Statuses are counted per service. Any 5xx other than rng's documented 503 + Retry-After fails, as does a
container that restarted or died. Memory (docker stats) of each service is printed before and after.
Python 3 stdlib only.
"""
import asyncio
import os
import random
import re
import resource
import sys
import time
from collections import Counter, defaultdict

from stack import PORTS, START, container_ids, inspect, logger, run

PROJECT = os.environ.get("FUZZ_PROJECT", "dc-fuzz")
ROUNDS = int(os.environ.get("FUZZ_ROUNDS", "20"))
CONCURRENCY = int(os.environ.get("FUZZ_CONCURRENCY", "20"))
FLOOD = int(os.environ.get("FUZZ_FLOOD", "2000"))
TIMEOUT = float(os.environ.get("FUZZ_TIMEOUT", "30"))
FAILURES = []
log = logger("fuzz")


def req(method, path, body=b"", headers=None, version="HTTP/1.1", content_length=True):
    h = {"Host": "localhost", "Connection": "close"}
    h.update(headers or {})
    if content_length and (body or method in ("POST", "PUT", "PATCH")) and "Content-Length" not in h:
        h["Content-Length"] = str(len(body))
    head = "%s %s %s\r\n" % (method, path, version) + "".join("%s: %s\r\n" % kv for kv in h.items()) + "\r\n"
    return head.encode("latin-1") + body


MiB = 1024 * 1024
rnd = random.Random(7)
GARBAGE = bytes(rnd.getrandbits(8) for _ in range(4096))


def catalogue():
    """(service, label, raw request bytes). Expected: never a 5xx."""
    c = []
    bad_paths = ["/%00", "/%", "/%zz", "/..%2f..%2fetc%2fpasswd", "/../../etc/passwd", "//", "/a/b/c/d", "/32/extra",
                 "/" + "A" * 8000, "/" + "9" * 20000, "/%E2%82%AC", "/\u00e9".encode("utf-8").decode("latin-1"),
                 "/?x=" + "y" * 4000, "/;jsessionid=1", "/q/../32", "/.env", "/q/metrics/../../etc"]
    for svc in PORTS:
        for p in bad_paths:
            c.append((svc, "path " + p[:20], req("GET", p)))
        for m in ("PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "HEAD", "PROPFIND", "FOO"):
            c.append((svc, "method " + m, req(m, "/", b"x" if m in ("PUT", "PATCH") else b"")))
        c.append((svc, "garbage bytes", GARBAGE))
        c.append((svc, "garbage request line", b"HELLO THERE\r\n\r\n"))
        c.append((svc, "HTTP/0.9", b"GET /\r\n"))
        c.append((svc, "HTTP/2.0 text", req("GET", "/", version="HTTP/2.0")))
        c.append((svc, "no Host, HTTP/1.0", b"GET / HTTP/1.0\r\n\r\n"))
        c.append((svc, "header 64 KiB", req("GET", "/", headers={"X-Big": "z" * 65536})))
        c.append((svc, "300 headers", req("GET", "/", headers={"X-H%d" % i: "v" for i in range(300)})))
        c.append((svc, "Content-Length -1", req("POST", "/", b"", headers={"Content-Length": "-1"})))
        c.append((svc, "Content-Length huge", req("POST", "/", b"abc", headers={"Content-Length": "99999999999999999999"})))
        c.append((svc, "Content-Length not a number", req("POST", "/", b"abc", headers={"Content-Length": "abc"})))
        c.append((svc, "two Content-Lengths", b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\nConnection: close\r\n\r\nabc"))
        c.append((svc, "chunked garbage", b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n"))
        c.append((svc, "body shorter than announced", req("POST", "/", b"abc", headers={"Content-Length": "10"})))
    # rng: sizes
    for s in ("-1", "-2147483649", "2147483648", "99999999999999999999", "1.5", "abc", "0x10", "1e3", "+5", "%205",
              "5%20", "1048577", "2000000000", "-0", "0", "1048576", "NaN", "Infinity", "%D9%A3"):
        c.append(("rng", "size " + s, req("GET", "/" + s)))
    c.append(("rng", "POST /32", req("POST", "/32", b"x")))
    # hasher: bodies and content types
    for label, body in (("empty body", b""), ("1 MiB body", b"a" * MiB), ("1 MiB + 1 body", b"a" * (MiB + 1)),
                        ("8 MiB body", b"a" * (8 * MiB)), ("binary body", GARBAGE)):
        c.append(("hasher", label, req("POST", "/", body, headers={"Content-Type": "application/octet-stream"})))
    for ct in ("application/json", "text/plain", "multipart/form-data; boundary=zz", "application/x-www-form-urlencoded",
               "image/png", "../../etc", "", "a" * 5000):
        c.append(("hasher", "content type " + ct[:20], req("POST", "/", b'{"x":1}', headers={"Content-Type": ct})))
    c.append(("hasher", "no content type", req("POST", "/", b"hello")))
    c.append(("hasher", "POST /other", req("POST", "/other", b"hello")))
    c.append(("hasher", "chunked 2 MiB", b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
              + b"".join(b"%x\r\n" % 65536 + b"b" * 65536 + b"\r\n" for _ in range(32)) + b"0\r\n\r\n"))
    # webui
    for p in ("/json?x=1", "/json/", "/json.json", "/index.html", "/index.html/../../../etc/passwd", "/q/health",
              "/%2e%2e/%2e%2e/etc/passwd", "/json%00"):
        c.append(("webui", "path " + p, req("GET", p)))
    c.append(("webui", "POST /json", req("POST", "/json", b"{}", headers={"Content-Type": "application/json"})))
    c.append(("webui", "POST /json 8 MiB", req("POST", "/json", b"a" * (8 * MiB), headers={"Content-Type": "application/json"})))
    c.append(("webui", "GET /json with body", req("GET", "/json", b"x" * 1000, headers={"Content-Length": "1000"})))
    c.append(("webui", "Accept: image/png", req("GET", "/json", headers={"Accept": "image/png"})))
    return c


STATUS = re.compile(rb"^HTTP/\d(?:\.\d)? (\d{3})")


async def send(port, raw, timeout=TIMEOUT):
    """Returns (status or a word, headers bytes)."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    except asyncio.TimeoutError:
        return "connect-timeout", b""
    except OSError as e:
        return "connect-" + type(e).__name__, b""
    try:
        try:
            writer.write(raw)
            await asyncio.wait_for(writer.drain(), timeout)
        except (OSError, asyncio.TimeoutError):
            pass  # the server may close early (413 before the body): read what it said
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
        except asyncio.IncompleteReadError as e:
            head = e.partial
        except asyncio.LimitOverrunError:
            head = await reader.read(65536)
        m = STATUS.match(head)
        if m:
            return int(m.group(1)), head
        return ("closed" if not head else "not-http"), head
    except asyncio.TimeoutError:
        return "read-timeout", b""
    except OSError as e:
        return "reset" if isinstance(e, ConnectionResetError) else type(e).__name__, b""
    finally:
        writer.close()
        try:
            await asyncio.wait_for(writer.wait_closed(), 2)
        except (OSError, asyncio.TimeoutError):
            pass


async def fuzz_catalogue(results, examples):
    cases = catalogue() * ROUNDS
    random.Random(1).shuffle(cases)
    sem = asyncio.Semaphore(CONCURRENCY)

    async def one(svc, label, raw):
        async with sem:
            status, head = await send(PORTS[svc], raw)
        results[svc][status] += 1
        if isinstance(status, int) and status >= 500:
            examples.setdefault((svc, label, status), head[:200])
            FAILURES.append("%s: %s -> %d" % (svc, label, status))
        elif not isinstance(status, int):
            examples.setdefault((svc, label, status), b"")

    log("catalogue: %d requests (%d cases x %d rounds, %d at a time)" % (len(cases), len(cases) // ROUNDS, ROUNDS, CONCURRENCY))
    await asyncio.gather(*(one(*c) for c in cases))


async def flood(svc, raw, n):
    """n connections opened and sent at once; statuses counted; 503 must carry Retry-After."""
    t0 = time.monotonic()
    res = await asyncio.gather(*(send(PORTS[svc], raw, timeout=60) for _ in range(n)))
    took = time.monotonic() - t0
    counts = Counter(s for s, _ in res)
    no_retry_after = sum(1 for s, h in res if s == 503 and b"\r\nretry-after:" not in h.lower())
    return counts, took, no_retry_after


def containers():
    res = {}
    for cid, svc, status, started, restarts, oom in inspect(
            container_ids(PROJECT, all_states=True), "{{.Id}} {{index .Config.Labels \"com.docker.compose.service\"}} "
            "{{.State.Status}} {{.State.StartedAt}} {{.RestartCount}} {{.State.OOMKilled}}"):
        res[cid] = (svc, status, started, restarts, oom)
    return res


def memory():
    ids = {cid: v[0] for cid, v in containers().items() if v[0] in PORTS}
    out = run(["docker", "stats", "--no-stream", "--format", "{{.ID}} {{.MemUsage}}", *ids], check=False)
    mem = {}
    for line in out.splitlines():
        short, usage = line.split(" ", 1)
        for cid, svc in ids.items():
            if cid.startswith(short):
                mem[svc] = usage.split(" / ")[0]
    return mem


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = FLOOD + 1000
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    if resource.getrlimit(resource.RLIMIT_NOFILE)[0] < want:
        log("note: only %d file descriptors; the flood is reduced" % resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    flood_n = min(FLOOD, resource.getrlimit(resource.RLIMIT_NOFILE)[0] - 200)

    before_c = containers()
    mem_before = memory()
    log("memory before: %s" % mem_before)
    results = defaultdict(Counter)
    examples = {}
    t0 = time.monotonic()
    asyncio.run(fuzz_catalogue(results, examples))
    log("catalogue done in %.1f s" % (time.monotonic() - t0))
    mem_mid = memory()

    floods = []
    for svc, raw, label in (("rng", req("GET", "/32"), "GET /32"),
                            ("hasher", req("POST", "/", b"x" * 32, headers={"Content-Type": "application/octet-stream"}), "POST / (32 B)"),
                            ("webui", req("GET", "/json"), "GET /json")):
        counts, took, no_ra = asyncio.run(flood(svc, raw, flood_n))
        floods.append((svc, label, counts, took, no_ra))
        log("flood %s %s x%d: %s in %.1f s" % (svc, label, flood_n, dict(counts), took))
        for s, n in counts.items():
            if isinstance(s, int) and s >= 500 and not (svc == "rng" and s == 503):
                FAILURES.append("flood %s: %d answers %d" % (svc, n, s))
            if not isinstance(s, int):
                FAILURES.append("flood %s: %d connections ended with %s (no HTTP answer)" % (svc, n, s))
        if no_ra:
            FAILURES.append("flood %s: %d 503 answers without Retry-After" % (svc, no_ra))
        if svc == "rng" and counts.get(200, 0) == 0:
            FAILURES.append("flood rng: no request was served at all")
    time.sleep(3)
    mem_after = memory()

    after_c = containers()
    for cid, b in before_c.items():
        a = after_c.get(cid)
        if a is None or a[1] != "running" or a[2] != b[2] or a[3] != b[3] or a[4] != "false":
            FAILURES.append("%s crashed or restarted: %s -> %s" % (b[0], b, a))

    # --- tables ---
    print("\nBad input catalogue: %d cases x %d rounds, %d at a time; answers by status" % (len(catalogue()), ROUNDS, CONCURRENCY))
    print("\n| service | requests | answers by status | 5xx |")
    print("|---|---|---|---|")
    for svc in PORTS:
        r = results[svc]
        n5 = sum(v for s, v in r.items() if isinstance(s, int) and s >= 500)
        print("| %s | %d | %s | %d |" % (svc, sum(r.values()), ", ".join("%s: %d" % (s, v) for s, v in sorted(r.items(), key=str)), n5))
    print("\nFloods: %d connections at once" % flood_n)
    print("\n| service | request | answers by status | time (s) | 5xx (documented 503 + Retry-After) | memory before -> after catalogue -> after floods |")
    print("|---|---|---|---|---|---|")
    for svc, label, counts, took, no_ra in floods:
        n5 = sum(v for s, v in counts.items() if isinstance(s, int) and s >= 500)
        doc = counts.get(503, 0) - no_ra if svc == "rng" else 0
        print("| %s | %s | %s | %.1f | %d (%d) | %s -> %s -> %s |" % (
            svc, label, ", ".join("%s: %d" % (s, v) for s, v in sorted(counts.items(), key=str)), took, n5, doc,
            mem_before.get(svc, "?"), mem_mid.get(svc, "?"), mem_after.get(svc, "?")))
    odd = [(k, v) for k, v in examples.items() if not isinstance(k[2], int) or k[2] >= 500]
    if odd:
        print("\nNon-HTTP outcomes and 5xx, by case (first seen):")
        for (svc, label, status), head in sorted(odd, key=str)[:40]:
            print("  %s %-32s %s %s" % (svc, label, status, head.split(b"\r\n")[0].decode("latin-1") if head else ""))
    crashes = sum(1 for f in FAILURES if "crashed" in f)
    print("\ncrashes or restarts: %d" % crashes)
    if FAILURES:
        print("\nFAIL (%d):\n  %s" % (len(FAILURES), "\n  ".join(sorted(set(FAILURES))[:50])))
        return 1
    print("\nPASS in %d s" % (time.monotonic() - START))
    return 0


if __name__ == "__main__":
    sys.exit(main())

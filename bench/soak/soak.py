"""Python soak (issue 9): many threads call ``TokenClient.token()`` against the local dev server
issuing 1-second tokens, for many token lifetimes. Reports requests per key per lifetime (and
any redundant request: one sent before the previous token reached its earliest refresh point),
errors, call latency percentiles and RSS before/after.

Environment: SOAK_THREADS (64), SOAK_CALLS per thread (100000), SOAK_KEYS (2 clients),
SOAK_SECONDS (30: calls are spread over at least this long), SOAK_MAX_SECONDS (170: a bound,
threads stop when it is reached), TOKENSMITH_DEVSERVER (a server binary; default
target/debug/tokensmith-devserver).

Run: ``.venv/bin/python bench/soak/soak.py`` (``just soak`` builds what it needs first)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import tokensmith

REPO = Path(__file__).resolve().parent.parent.parent
LIFETIME_S = 1
#: Refresh-ahead happens at 75 % ± 5 % of a lifetime (core/src/cache/timing.rs): a request sooner
#: than 70 % after the previous one for the same key would be redundant.
EARLIEST_REFRESH = 0.70


def env(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def rss_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


# Latency histogram: 16 buckets per power of two (<= 6 % error), no per-call allocation.
BUCKETS = 64 * 16


def bucket(ns: int) -> int:
    if ns < 16:
        return ns
    exp = ns.bit_length() - 1
    return min((exp - 3) * 16 + ((ns >> (exp - 4)) & 15), BUCKETS - 1)


def bucket_floor(b: int) -> int:
    if b < 16:
        return b
    exp, mantissa = b // 16 + 3, b % 16
    return (16 + mantissa) << (exp - 4)


def percentile(hist: list[int], p: float) -> int:
    target = max(1, int(sum(hist) * p + 0.999999))
    seen = 0
    for b, n in enumerate(hist):
        seen += n
        if seen >= target:
            return bucket_floor(b)
    return 0


class CountingTransport:
    """The default transport, recording when each request was sent."""

    def __init__(self) -> None:
        self._inner = tokensmith.UrllibTransport(timeout=10.0)
        self.sent: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, method: str, url: str, headers: Any, body: bytes) -> Any:
        with self._lock:
            self.sent.append(time.monotonic())
        return self._inner(method, url, headers, body)


def start_server(keys: int) -> tuple[subprocess.Popen[str], str, tempfile.TemporaryDirectory[str]]:
    binary = os.environ.get("TOKENSMITH_DEVSERVER", str(REPO / "target/debug/tokensmith-devserver"))
    clients = "".join(
        f'\n[[clients]]\nid = "soak-{i}"\nsecret = "soak secret {i}"\nauth = "form-basic"\n'
        for i in range(keys)
    )
    config = f"""realms = []
[lifetimes]
access_seconds = {LIFETIME_S}
[pat]
database = ":memory:"
prefix = "tsm"
{clients}
[[users]]
username = "u"
password = "p"
[tenants]
host = "h"
users = []
generate = 0
"""
    tmp = tempfile.TemporaryDirectory(prefix="tokensmith-soak-")
    path = Path(tmp.name) / "devserver.toml"
    path.write_text(config)
    proc = subprocess.Popen(
        [binary, "--port", "0", "--config", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    if not url.startswith("http://127.0.0.1:"):
        proc.kill()
        sys.exit(f"the dev server did not start: {url!r}")
    return proc, url, tmp


def run_round(
    clients: list[tokensmith.TokenClient], threads: int, calls: int, seconds: float, deadline: float
) -> tuple[list[int], int, float]:
    """Every thread makes `calls` calls, call i due at i * pace: (histogram, errors, seconds)."""
    pace = seconds / max(calls, 1)
    hist = [0] * BUCKETS
    errors = [0]
    lock = threading.Lock()
    start = time.monotonic()

    def worker(t: int) -> None:
        local = [0] * BUCKETS
        bad = 0
        clock = time.perf_counter_ns
        for i in range(calls):
            if i % 1024 == 0 and time.monotonic() > deadline:
                break
            ahead = start + i * pace - time.monotonic()
            if ahead > 0.005:
                time.sleep(ahead)
            client = clients[(t + i) % len(clients)]
            t0 = clock()
            try:
                token = client.token()
                if token.expires_in <= 0:
                    bad += 1
            except tokensmith.TokenError:
                bad += 1
            local[bucket(clock() - t0)] += 1
        with lock:
            for b, n in enumerate(local):
                hist[b] += n
            errors[0] += bad

    pool = [threading.Thread(target=worker, args=(t,)) for t in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join()
    return hist, errors[0], time.monotonic() - start


def main() -> None:
    threads = env("SOAK_THREADS", 64)
    calls = env("SOAK_CALLS", 100_000)
    keys = env("SOAK_KEYS", 2)
    seconds = env("SOAK_SECONDS", 30)
    deadline = time.monotonic() + env("SOAK_MAX_SECONDS", 170)
    proc, url, tmp = start_server(keys)
    try:
        transports = [CountingTransport() for _ in range(keys)]
        clients = [
            tokensmith.TokenClient(
                f"{url}/oauth/token", f"soak-{i}", f"soak secret {i}", transport=transports[i]
            )
            for i in range(keys)
        ]
        # Warm-up: a tenth of the calls at ten times the pace, then the steady-state RSS.
        run_round(clients, threads, calls // 10, seconds / 10, deadline)
        for tr in transports:
            tr.sent.clear()
        before = rss_kib()
        hist, errors, elapsed = run_round(clients, threads, calls, seconds, deadline)
        after = rss_kib()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        tmp.cleanup()

    total = sum(hist)
    lifetimes = elapsed / LIFETIME_S
    print(
        f"python soak: {threads} threads x {calls} calls, {keys} keys, {LIFETIME_S} s tokens "
        f"from the dev server"
    )
    print(f"calls: {total} in {elapsed:.1f} s ({total / elapsed:.0f} calls/s); errors: {errors}")
    redundant_total = 0
    for i, tr in enumerate(transports):
        gaps = [b - a for a, b in zip(tr.sent, tr.sent[1:])]
        redundant = sum(1 for g in gaps if g < EARLIEST_REFRESH * LIFETIME_S)
        redundant_total += redundant
        print(
            f"key soak-{i}: {len(tr.sent)} requests over {lifetimes:.1f} lifetimes = "
            f"{len(tr.sent) / max(lifetimes, 1):.2f} per lifetime; gap min "
            f"{min(gaps, default=0) * 1000:.0f} ms, redundant {redundant}"
        )
    print(f"redundant requests: {redundant_total}")
    print(
        f"latency: p50 {percentile(hist, 0.5) / 1e3:.1f} us, p99 "
        f"{percentile(hist, 0.99) / 1e3:.1f} us, p99.99 {percentile(hist, 0.9999) / 1e6:.2f} ms"
    )
    print(f"RSS: {before} KiB before, {after} KiB after")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Search latency of `sitrep serve` while 20 clients ask for date-range timelines.

Builds the demo store (or uses DATA), serves it with a small --window so that every
date range loads a corpus of its own, runs CLIENTS threads requesting
/timeline?from=..&to=.. with varying ranges for SECONDS, and meanwhile times
/api/v1/search requests one after another. Prints search p50/p95 with no load and
under load, how many timeline requests were answered (and with which statuses), and
the server's peak RSS.

    python3 bench/serve_load.py [--data DIR] [--clients 20] [--seconds 15]
"""
import argparse, http.client, os, random, subprocess, sys, tempfile, threading, time

ap = argparse.ArgumentParser()
ap.add_argument("--bin", default="target/release/sitrep")
ap.add_argument("--data")
ap.add_argument("--clients", type=int, default=20)
ap.add_argument("--seconds", type=float, default=15)
ap.add_argument("--port", type=int, default=18741)
ap.add_argument("--window", type=int, default=3)
a = ap.parse_args()

data = a.data
if not data:
    data = tempfile.mkdtemp(prefix="sitrep-load-")
    subprocess.run([a.bin, "demo", "--no-serve", "--data", data], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
srv = subprocess.Popen([a.bin, "serve", "--data", data, "--addr", f"127.0.0.1:{a.port}",
                        "--window", str(a.window)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def get(path, timeout=60):
    c = http.client.HTTPConnection("127.0.0.1", a.port, timeout=timeout)
    t = time.perf_counter()
    c.request("GET", path, headers={"Host": f"127.0.0.1:{a.port}"})
    r = c.getresponse()
    r.read()
    c.close()
    return r.status, (time.perf_counter() - t) * 1000

try:
    for _ in range(300):
        try:
            get("/static/style.css", 2)
            break
        except OSError:
            time.sleep(0.1)
    words = ["ceasefire", "convoy", "minister", "attack", "council", "election", "border", "aid"]

    def searches(n):
        out = []
        for i in range(n):
            s, ms = get(f"/api/v1/search?q={words[i % len(words)]}")
            out.append(ms)
        return out

    def pct(v, p):
        v = sorted(v)
        return v[min(len(v) - 1, int(len(v) * p))]

    idle = searches(100)
    stop = time.time() + a.seconds
    statuses, done = {}, [0]
    lock = threading.Lock()

    def client(seed):
        rnd = random.Random(seed)
        while time.time() < stop:
            y1 = rnd.randint(1995, 2025)
            y2 = y1 + rnd.randint(0, 5)
            m1, m2 = rnd.randint(1, 12), rnd.randint(1, 12)
            try:
                s, _ = get(f"/timeline?from={y1}-{m1:02d}&to={y2}-{m2:02d}")
            except OSError as e:
                s = type(e).__name__
            with lock:
                statuses[s] = statuses.get(s, 0) + 1
                done[0] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(a.clients)]
    for t in threads:
        t.start()
    loaded = []
    peak = 0
    while time.time() < stop:
        loaded += searches(5)
        try:
            with open(f"/proc/{srv.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        peak = int(line.split()[1]) // 1024
        except OSError:
            pass
    for t in threads:
        t.join()
    print(f"store: {data}  window: {a.window}  clients: {a.clients}  seconds: {a.seconds}")
    print(f"search with no load:   n={len(idle)}  p50 {pct(idle, .5):.1f} ms  p95 {pct(idle, .95):.1f} ms")
    print(f"search under the load: n={len(loaded)}  p50 {pct(loaded, .5):.1f} ms  p95 {pct(loaded, .95):.1f} ms  max {max(loaded):.1f} ms")
    print(f"timeline requests answered: {done[0]}  statuses: {statuses}")
    print(f"server peak RSS: {peak} MB")
finally:
    srv.terminate()
    srv.wait()

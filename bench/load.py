"""Load test of `jixiao serve`: N concurrent clients score the seed case against 127.0.0.1.

Starts `python -m jixiao serve` on a free port in its own process, then for a bounded time each of
N client threads posts cases/lusong-zfw-2024.yaml to /api/score over a kept-alive connection and
checks every answer byte for byte against `jixiao score --format json` (any other status or body
counts as an error). Prints requests/s, p50/p99 latency, errors, the server's RSS (now and peak),
and the ratio of the service's rate to scoring the same case in-process in one thread (what HTTP,
parsing the upload and JSON cost on top of the scoring itself).

    python bench/load.py                                  # 8 clients, 20 s, engine auto, 1 worker
    python bench/load.py --clients 16 --seconds 30 --engine native --workers 2
"""
from __future__ import annotations

import argparse
import http.client
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "cases" / "lusong-zfw-2024.yaml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of the process and its children (uvicorn workers), KiB, from /proc."""
    pids = [pid] + [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    now = peak = 0
    for p in pids:
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{p}/status").read_text().splitlines() if ":" in line)
        now += int(fields["VmRSS"].split()[0])
        peak += int(fields["VmHWM"].split()[0])
    return now, peak


def wait_until_up(port: int, process: subprocess.Popen) -> None:
    for _ in range(300):
        if process.poll() is not None:
            sys.exit("jixiao serve exited")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    sys.exit("jixiao serve did not start")


def client(port: int, path: str, body: bytes, expected: bytes, until: float, latencies: list, errors: list) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.perf_counter() < until:
        started = time.perf_counter()
        try:
            connection.request("POST", path, body, {"content-type": "application/yaml"})
            response = connection.getresponse()
            answer = response.read()
            ok = response.status == 200 and answer == expected
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            ok = False
        (latencies if ok else errors).append(time.perf_counter() - started)
    connection.close()


def in_process_rate(engine: str, seconds: float = 3.0) -> float:
    """Seed cases scored per second in this process, one thread: load from text + evaluate + JSON."""
    from jixiao.outputs.render import to_json
    from jixiao.rulesets.loader import pick_rulesets
    from jixiao.scoring.evaluate import evaluate_case
    from jixiao.records.cases import load_case_data
    department, project = pick_rulesets(())
    text = SEED.read_text(encoding="utf-8")
    count, until = 0, time.perf_counter() + seconds
    while time.perf_counter() < until:
        to_json([evaluate_case(load_case_data(text, "<request>"), department, project, engine)])
        count += 1
    return count / seconds


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--engine", default="auto", choices=["auto", "durable", "native"])
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    args = parser.parse_args()

    expected = subprocess.run([sys.executable, "-m", "jixiao", "score", str(SEED), "--format", "json",
                               "--engine", args.engine], capture_output=True, check=True).stdout
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "jixiao", "serve", "--port", str(port), "--workers",
                               str(args.workers)], stderr=subprocess.DEVNULL)
    try:
        wait_until_up(port, server)
        path = f"/api/score?engine={args.engine}"
        body = SEED.read_bytes()
        client(port, path, body, expected, time.perf_counter() + 1.0, [], [])  # warm up: rulesets compiled
        idle_rss, _ = rss_kib(server.pid)
        latencies: list[float] = []
        errors: list[float] = []
        until = time.perf_counter() + args.seconds
        threads = [threading.Thread(target=client, args=(port, path, body, expected, until, latencies, errors))
                   for _ in range(args.clients)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        rss, peak = rss_kib(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=10)
    rate = len(latencies) / elapsed
    alone = in_process_rate(args.engine)
    print(f"jixiao serve, {args.clients} clients, {args.seconds:g} s, engine {args.engine}, {args.workers} worker(s); "
          f"the seed case ({len(body):,} bytes of YAML) each request")
    print(f"requests        {len(latencies):,} ok, {len(errors)} errors (wrong status or body)")
    print(f"throughput      {rate:,.1f} requests/s")
    print(f"latency         p50 {percentile(latencies, 0.50) * 1000:.1f} ms, p99 {percentile(latencies, 0.99) * 1000:.1f} ms")
    print(f"server RSS      {idle_rss / 1024:.0f} MiB idle → {rss / 1024:.0f} MiB after, peak {peak / 1024:.0f} MiB")
    print(f"in-process      {alone:,.1f} cases/s (one thread: read + score + JSON)")
    print(f"ratio           service ÷ in-process = {rate / alone:.2f}")


if __name__ == "__main__":
    main()

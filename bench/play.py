"""`make bench`: N concurrent players against one daphne process and the fake Gemini.

For each N it starts the fake Gemini server (its own process) and a fresh server
(daphne, production settings, a fresh database, the probe of bench/probe.py), warms
the server up with one short adventure, then starts N players, ten a second (or
all within --ramp-s). Every player plays --adventures whole adventures over a real WebSocket;
all of them wait with chapter 1 on screen until the last one is there (that is where
memory per connected player is read), then play on. Prints a table and one JSON
line, and saves the JSON in bench/results/latest.json.

    python -m bench.play [--players 1,50,200] [--adventures 1] [--ttft-ms 300]
        [--chunk-delay-ms 15] [--image-latency-ms 800] [--image-size 1184x864] [--length 10|6] [--smoke] [--json-only]

Exits non-zero when a player met an error or no table could be made; a figure over
budget is reported, not failed.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import random
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import figures, processes, report
from bench.player import Player, PlayerResult, PlayOptions, new_http_session
from tests.support.fake_gemini.faults import REAL_PICTURE_SIZE, picture_size


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.play", description=__doc__.split("\n\n")[0])
    parser.add_argument("--players", default="1,50,200", help="comma-separated numbers of concurrent players")
    parser.add_argument("--adventures", type=int, default=1, help="whole adventures per player")
    parser.add_argument("--ttft-ms", type=float, default=300.0, help="the fake's time to first token")
    parser.add_argument("--chunk-delay-ms", type=float, default=15.0, help="the fake's pause between chunks")
    parser.add_argument("--image-latency-ms", type=float, default=800.0, help="the fake's time to make a picture")
    parser.add_argument(
        "--image-size",
        type=picture_size,
        default=REAL_PICTURE_SIZE,
        help="the fake's pictures, WIDTHxHEIGHT (default: what the real image models send, about 1.5 MB)",
    )
    parser.add_argument("--length", type=int, choices=(6, 10, 14), default=10, help="chapters per adventure")
    parser.add_argument(
        "--think-ms",
        type=float,
        default=20000.0,
        help="mean reading time before a choice, ±50%% (a child takes minutes)",
    )
    parser.add_argument(
        "--ramp-s", type=float, default=None, help="players start within this many seconds (default: 10 a second)"
    )
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL + Redis instead of SQLite + memory")
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="daphne processes sharing PostgreSQL + Redis (needs --postgres); player i plays on process i mod N",
    )
    parser.add_argument("--server-env", action="append", default=[], metavar="NAME=VALUE", help="extra server setting")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--smoke", action="store_true", help="a quick check that the benchmark works (CI)")
    parser.add_argument("--json-only", action="store_true", help="print only the JSON line")
    parser.add_argument("--keep", action="store_true", help="keep the logs and databases (printed where)")
    args = parser.parse_args(argv)
    if args.processes < 1:
        parser.error("--processes needs at least 1")
    if args.processes > 1 and not args.postgres:
        parser.error("--processes above 1 needs --postgres: processes share state only through PostgreSQL + Redis")
    if args.smoke:
        args.players, args.adventures, args.length = "3", 1, 6
        args.ttft_ms, args.chunk_delay_ms, args.image_latency_ms = 100.0, 5.0, 100.0
        args.think_ms, args.ramp_s = 100.0, 0.5
    args.player_counts = [int(n) for n in args.players.split(",") if n.strip()]
    return args


IDLE_SECONDS = 3.0


def say(args: argparse.Namespace, text: str) -> None:
    if not args.json_only:
        print(text, file=sys.stderr, flush=True)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def cpu_of(pids: list[int]) -> float:
    return sum(processes.cpu_seconds(pid) for pid in pids)


def rss_of(pids: list[int]) -> int:
    return sum(processes.rss_kib(pid) for pid in pids)


async def drive(
    args: argparse.Namespace, n: int, base_urls: list[str], server_pids: list[int], fake_pid: int, fake_log: Path
) -> Any:
    """Warm up (one adventure on each server process), then N players, player i on
    server i mod len(base_urls); returns (players' results, meters, warm-up ids, start
    time). With several processes CPU and memory are their sums."""

    def options(i: int) -> PlayOptions:
        url = base_urls[i % len(base_urls)]
        return PlayOptions(base_url=url, length=args.length, adventures=args.adventures, think_ms=args.think_ms)

    async with new_http_session() as http:
        warm_ids: set[str] = set()
        for url in base_urls:
            warm = Player(-1, http, PlayOptions(base_url=url, length=6, adventures=1, think_ms=0), random.Random(0))
            shown, go = asyncio.Event(), asyncio.Event()
            go.set()
            await warm.run(shown, go)
            if warm.result.errors:
                raise RuntimeError(f"the warm-up adventure on {url} failed: {warm.result.errors}")
            warm_ids |= set(warm.result.adventures)
        await asyncio.to_thread(processes.wait_quiet, fake_log, quiet=1.5, limit=60)

        me = os.getpid()
        baseline = rss_of(server_pids)
        # What the server burns doing nothing (timers, the probe): subtracted for the net figure.
        idle_from = cpu_of(server_pids)
        await asyncio.sleep(IDLE_SECONDS)
        idle_ms_per_s = (cpu_of(server_pids) - idle_from) * 1000 / IDLE_SECONDS
        cpu_before = [cpu_of(server_pids), processes.cpu_seconds(fake_pid), processes.cpu_seconds(me)]
        started = time.monotonic()
        peak = baseline
        sampling = True

        async def sample() -> None:
            nonlocal peak
            while sampling:
                peak = max(peak, rss_of(server_pids))
                await asyncio.sleep(0.25)

        sampler = asyncio.create_task(sample())
        rng = random.Random(args.seed)
        ramp = args.ramp_s if args.ramp_s is not None else max(1.0, n / 10)
        players = [Player(i, http, options(i), random.Random(f"{args.seed}:{i}")) for i in range(n)]
        shown_events = [asyncio.Event() for _ in players]
        go = asyncio.Event()

        async def start(player: Player, shown: asyncio.Event, delay: float) -> PlayerResult:
            await asyncio.sleep(delay)
            return await player.run(shown, go)

        tasks = [
            asyncio.create_task(start(p, e, rng.uniform(0, ramp))) for p, e in zip(players, shown_events, strict=True)
        ]
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in shown_events)), timeout=600)
        connected = rss_of(server_pids)
        say(args, f"  all {n} players have chapter 1 on screen after {time.monotonic() - started:.1f} s")
        go.set()
        results = await asyncio.gather(*tasks)
        played = time.monotonic() - started
        say(args, f"  players done after {played:.1f} s; waiting for the pictures and titles still being made")
        quiet = await asyncio.to_thread(processes.wait_quiet, fake_log, quiet=2.0, limit=120)
        if not quiet:
            say(args, "  background work still going after 120 s: CPU figures stop here")
        sampling = False
        await sampler
        cpu_after = [cpu_of(server_pids), processes.cpu_seconds(fake_pid), processes.cpu_seconds(me)]
        measured = time.monotonic() - started
    used = [after - before for before, after in zip(cpu_before, cpu_after, strict=True)]
    meters = figures.Meters(
        players=n,
        seconds=played,
        server_cpu_s=used[0],
        server_idle_cpu_s=idle_ms_per_s * measured / 1000,
        fake_cpu_s=used[1],
        client_cpu_s=used[2],
        rss_baseline_kib=baseline,
        rss_connected_kib=connected,
        rss_peak_kib=peak,
    )
    return results, meters, warm_ids, started


def run_once(args: argparse.Namespace, n: int, work: Path, static_root: Path) -> dict[str, Any]:
    work.mkdir(parents=True)
    fake_options = processes.FakeOptions(args.ttft_ms, args.chunk_delay_ms, args.image_latency_ms, args.image_size)
    with (
        processes.fake_gemini(work, fake_options) as (fake_url, fake_pid, fake_log),
        processes.database(work, args.postgres) as database_url,
    ):
        names = [("", "")] + [(f"-{i}", f"-{i}") for i in range(1, args.processes)]
        events_paths = [work / f"server-events{suffix}.jsonl" for suffix, _ in names]
        envs = []
        for path in events_paths:
            env = processes.server_environment(
                database_url=database_url,
                work=work,
                static_root=static_root,
                fake_url=fake_url,
                events=path,
                redis=args.postgres,
            )
            env.update(dict(item.split("=", 1) for item in args.server_env))
            envs.append(env)
        # The processes share one database, one Redis and one key prefix (as a deployment does).
        for env in envs[1:]:
            for name in ("STORYWEB_REDIS_PREFIX", "DJANGO_SECRET_KEY"):
                if name in envs[0]:
                    env[name] = envs[0][name]
        processes.prepare_database(envs[0])
        servers = []
        try:
            for env, (_, log_suffix) in zip(envs, names, strict=True):
                servers.append(processes.start_server(env, work, log_suffix))
            pids = [server.process.pid for server in servers if server.process is not None]
            results, meters, warm_ids, started = asyncio.run(
                drive(args, n, [server.url for server in servers], pids, fake_pid, fake_log)
            )
            time.sleep(0.5)  # the probe and the fake write their logs every 0.2 s
        finally:
            for server in servers:
                server.stop()
    log_text = "\n".join(
        (work / f"daphne{suffix}.log").read_text(errors="replace")
        for _, suffix in names
        if (work / f"daphne{suffix}.log").exists()
    )
    meters = dataclasses.replace(
        meters,
        server_log_errors=sum(1 for line in log_text.splitlines() if " ERROR " in line),
        server_log_warnings=sum(1 for line in log_text.splitlines() if " WARNING " in line),
    )

    def ours(record: dict[str, Any]) -> bool:
        if record.get("e") == "probe_missing":
            return True
        adventure = record.get("a") or record.get("crit")
        return record.get("t", record.get("arrived", 0)) >= started and adventure not in warm_ids

    events = [e for path in events_paths for e in read_jsonl(path) if ours(e)]
    requests = [r for r in read_jsonl(fake_log) if ours(r)]
    return figures.compute(results, events, requests, meters, args.ttft_ms)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # A plain `kill` must still stop the server and the fake (the `with` blocks' exits).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    params = {
        "players": args.player_counts,
        "adventures": args.adventures,
        "length": args.length,
        "ttft_ms": args.ttft_ms,
        "chunk_delay_ms": args.chunk_delay_ms,
        "image_latency_ms": args.image_latency_ms,
        "image_size": "x".join(str(side) for side in args.image_size),
        "think_ms": args.think_ms,
        "ramp_s": args.ramp_s if args.ramp_s is not None else "N/10",
        "database": "PostgreSQL + Redis" if args.postgres else "SQLite + in-memory channel layer",
        "server_env": args.server_env,
        "processes": args.processes,
        "smoke": args.smoke,
    }
    results: dict[int, dict[str, Any]] = {}
    failures: dict[int, str] = {}
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="storyweb-bench-", delete=not args.keep) as tmp:
        if args.keep:
            say(args, f"Keeping the logs and databases in {tmp}")
        static_root = Path(tmp) / "static"
        say(args, "Collecting static files for production settings")
        processes.collect_static(static_root)
        for n in args.player_counts:
            say(args, f"Running N={n} ({args.adventures} adventure(s) of {args.length} chapters each)")
            work = Path(tmp) / f"n{n}"
            try:
                results[n] = run_once(args, n, work, static_root)
            except (RuntimeError, OSError, TimeoutError) as error:  # one N failing must not hide the others
                log = work / "daphne.log"
                tail = log.read_text(errors="replace").splitlines()[-20:] if log.exists() else []
                failures[n] = f"{type(error).__name__}: {error}"
                say(args, f"  N={n} failed: {failures[n]}\n  the server's log ends with:\n    " + "\n    ".join(tail))
    params["seconds"] = round(time.monotonic() - began, 1)
    params["failed"] = {str(n): message for n, message in failures.items()}
    line = report.json_line(results, params)
    if not args.json_only and results:
        print(report.table(results, params))
        print()
    print(line)
    path = report.save(line)
    say(args, f"Saved to {path} ({params['seconds']} s in all)")
    failed = [n for n, result in results.items() if result["errors"] or not result["chapters"]]
    return 1 if failed or failures else 0


if __name__ == "__main__":
    sys.exit(main())

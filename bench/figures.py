"""From what the players, the server's probe and the fake Gemini recorded to the
figures of DESIGN §10. Pure functions over plain records (all times are
`time.monotonic()` seconds, one clock for every process on the machine)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bench.player import PlayerResult
from bench.stats import Summary

Key = tuple[str, int]  # (adventure id, chapter number)

# DESIGN §10, in milliseconds (and transactions).
BUDGET = {
    "first_words_p50": 30.0,
    "first_words_p95": 100.0,
    "final_after_stream_p95": 50.0,
    "picture_after_chapter_p95": 100.0,
    "write_tx_max": 3,
}


@dataclass(frozen=True)
class Meters:
    """What /proc said about the processes over one run."""

    players: int
    seconds: float
    server_cpu_s: float
    server_idle_cpu_s: float  # what it would have used idling for as long
    fake_cpu_s: float
    client_cpu_s: float
    rss_baseline_kib: int
    rss_connected_kib: int  # with every player connected and chapter 1 on screen
    rss_peak_kib: int
    server_log_errors: int = 0
    server_log_warnings: int = 0


def _first(events: Iterable[dict[str, Any]], name: str) -> dict[Key, float]:
    found: dict[Key, float] = {}
    for event in events:
        if event["e"] == name:
            found.setdefault((event["a"], event["n"]), event["t"])
    return found


def _fake_times(requests: Iterable[dict[str, Any]], kind: str, field: str, *, last: bool = False) -> dict[Key, float]:
    found: dict[Key, float] = {}
    for request in requests:
        if request.get("k") == kind:
            key = (request["a"], request["n"])
            if last or key not in found:
                found[key] = request[field]
    return found


def _after(later: dict[Key, float], earlier: dict[Key, float], model: dict[Key, float] | None = None) -> list[float]:
    """Milliseconds from `earlier` to `later` for each chapter in both, less the model's
    own time in between where given (none where there was no call)."""
    model = model or {}
    return [(later[key] - earlier[key] - model.get(key, 0.0)) * 1000 for key in later if key in earlier]


def _took(requests: Iterable[dict[str, Any]], kind: str) -> dict[Key, float]:
    """Seconds the fake took to answer each chapter's last request of this kind."""
    found: dict[Key, float] = {}
    for request in requests:
        if request.get("k") == kind:
            found[(request["a"], request["n"])] = request["ended"] - request["arrived"]
    return found


def _first_sentence(requests: Iterable[dict[str, Any]]) -> dict[Key, float]:
    """Seconds from each chapter's request to the moment the model's stream completed its
    first sentence (the first that did, if the chapter was asked for more than once)."""
    found: dict[Key, float] = {}
    for request in requests:
        if request.get("k") == "chapter" and "first_sentence" in request:
            found.setdefault((request["a"], request["n"]), request["first_sentence"] - request["arrived"])
    return found


def critical_transactions(events: list[dict[str, Any]], chapters: list[Key]) -> tuple[dict[Key, int], Counter[str]]:
    """Write transactions on each chapter's critical path: those the probe tagged with the
    adventure, each counted in the first chapter whose final fragment went out after it
    committed (an adventure's chapters follow one another)."""
    finals: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for (adventure, number), at in _first(events, "final_sent").items():
        finals[adventure].append((at, number))
    for ends in finals.values():
        ends.sort()
    counts: dict[Key, int] = dict.fromkeys(chapters, 0)
    what: Counter[str] = Counter()
    for event in events:
        if event["e"] != "tx" or not event.get("crit"):
            continue
        adventure = event["crit"]
        number = next((n for at, n in finals.get(adventure, []) if event["t"] <= at), None)
        if number is None or (adventure, number) not in counts:
            continue  # after the last chapter shown (nothing of ours is)
        counts[(adventure, number)] += 1
        what[event.get("what", "?")] += 1
    return counts, what


def agency_pictures(requests: list[dict[str, Any]], stream_ends: dict[Key, float]) -> dict[str, Any]:
    """Chapter 1's three agency pictures: were they made in parallel (all three in
    flight at once), and while the text was still streaming?"""
    by_adventure: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for request in requests:
        if request.get("k") == "agency":
            by_adventure[request["a"]].append(request)
    spreads, parallel, during_stream = [], 0, 0
    for adventure, made in by_adventure.items():
        if len(made) < 3:
            continue
        arrivals = [r["arrived"] for r in made]
        spreads.append((max(arrivals) - min(arrivals)) * 1000)
        parallel += max(arrivals) < min(r["ended"] for r in made)
        end = stream_ends.get((adventure, 1))
        during_stream += end is not None and max(arrivals) < end
    return {
        "adventures": len(spreads),
        "parallel": parallel,
        "started_while_streaming": during_stream,
        "arrival_spread_ms": Summary.of(spreads).as_dict(),
    }


def _choices(events: list[dict[str, Any]]) -> dict[Key, float]:
    """When each choice reached the server, keyed by the chapter it asks for (an
    adventure's choices come in order, the first one asking for chapter 2)."""
    by_adventure: dict[str, list[float]] = defaultdict(list)
    for event in events:
        if event["e"] == "choose":
            by_adventure[event["a"]].append(event["t"])
    return {(a, i + 2): t for a, times in by_adventure.items() for i, t in enumerate(sorted(times))}


def diagnostics(
    events: list[dict[str, Any]], requests: list[dict[str, Any]], chapters: int, ttft_ms: float
) -> dict[str, Any]:
    """Where the time goes: the path of a choice, the event loop's lateness, and the
    waits for the single worker thread (bench/diagnostics.py)."""
    arrivals = _fake_times(requests, "chapter", "arrived")
    llm_first_chunk = {key: at + ttft_ms / 1000 for key, at in arrivals.items()}
    lags = [e["ms"] for e in events if e["e"] == "loop_lag"]
    pauses = [e["ms"] for e in events if e["e"] == "gc"]
    hops = [e for e in events if e["e"] == "hop"]
    by_function: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for hop in hops:
        by_function[hop["fn"]].append(hop)
    per_chapter = max(1, chapters)
    busiest = sorted(by_function.items(), key=lambda item: -sum(h["busy"] for h in item[1]))[:10]
    return {
        "choice_to_llm_request_ms": Summary.of(_after(arrivals, _choices(events))).as_dict(),
        "llm_first_chunk_to_socket_ms": Summary.of(_after(_first(events, "first_sent"), llm_first_chunk)).as_dict(),
        "loop_lag_over_5ms": {
            "count": len(lags),
            "over_50ms": sum(1 for lag in lags if lag > 50),
            "max": max(lags, default=None),
        },
        "gc_pauses_over_5ms": {
            "count": len(pauses),
            "over_50ms": sum(1 for pause in pauses if pause > 50),
            "max": max(pauses, default=None),
            "total_ms": round(sum(pauses)),
        },
        "thread_hop_wait_ms": Summary.of(h["wait"] for h in hops).as_dict(2),
        "thread_busy_ms_per_chapter": round(sum(h["busy"] for h in hops) / per_chapter, 1),
        "thread_hops_per_chapter": round(len(hops) / per_chapter, 1),
        "thread_busiest": {
            name: {
                "calls_per_chapter": round(len(calls) / per_chapter, 2),
                "busy_ms_per_chapter": round(sum(h["busy"] for h in calls) / per_chapter, 2),
                "wait_p95_ms": Summary.of(h["wait"] for h in calls).as_dict(1)["p95"],
            }
            for name, calls in busiest
        },
    }


def compute(
    players: list[PlayerResult],
    events: list[dict[str, Any]],
    requests: list[dict[str, Any]],
    meters: Meters,
    ttft_ms: float,
) -> dict[str, Any]:
    chapters = [c for p in players for c in p.chapters]
    shown = [c for c in chapters if c.final is not None]
    keys = [(c.adventure, c.number) for c in shown]
    stream_ends = _fake_times(requests, "chapter", "ended", last=True)
    moderation = _took(requests, "moderation")
    picture_requests = _fake_times(requests, "scene", "arrived")
    first_words = [
        (c.first_piece - c.asked) * 1000 - ttft_ms for c in chapters if c.after_choice and c.first_piece is not None
    ]
    # The server shows nothing of a chapter before its first whole sentence has been
    # screened (DESIGN §7a): the budget line counts our own time, less the model's to it.
    to_first_sentence = _first_sentence(requests)
    first_words_net = [
        (c.first_piece - c.asked - to_first_sentence[(c.adventure, c.number)]) * 1000
        for c in chapters
        if c.after_choice and c.first_piece is not None and (c.adventure, c.number) in to_first_sentence
    ]
    first_words_ch1 = [
        (c.first_piece - c.asked) * 1000 - ttft_ms for c in chapters if not c.after_choice and c.first_piece is not None
    ]
    received = {(c.adventure, c.number): c.final for c in shown if c.final is not None}
    first_sent = _first(events, "first_sent")
    first_received = {(c.adventure, c.number): c.first_piece for c in chapters if c.first_piece is not None}
    tx, tx_what = critical_transactions(events, keys)
    all_tx = sum(1 for e in events if e["e"] == "tx")
    errors = [error for p in players for error in p.errors]
    count = max(1, len(shown))
    figures: dict[str, Any] = {
        "players": meters.players,
        "adventures_completed": sum(1 for c in shown if c.kind == "conclusion"),
        "chapters": len(shown),
        "seconds": round(meters.seconds, 1),
        "chapters_per_second": round(len(shown) / meters.seconds, 2) if meters.seconds else None,
        "first_words_minus_ttft_ms": Summary.of(first_words).as_dict(),
        "first_words_net_ms": Summary.of(first_words_net).as_dict(),
        "model_first_sentence_ms": Summary.of(seconds * 1000 for seconds in to_first_sentence.values()).as_dict(),
        "first_words_chapter1_minus_ttft_ms": Summary.of(first_words_ch1).as_dict(),
        "first_piece_socket_lag_ms": Summary.of(_after(first_received, first_sent)).as_dict(),
        "stream_end_seen_by_server_ms": Summary.of(_after(_first(events, "stream_done"), stream_ends)).as_dict(),
        "saved_after_stream_end_ms": Summary.of(_after(_first(events, "saved"), stream_ends)).as_dict(),
        "final_sent_after_stream_end_ms": Summary.of(_after(_first(events, "final_sent"), stream_ends)).as_dict(),
        "final_received_after_stream_end_ms": Summary.of(_after(received, stream_ends)).as_dict(),
        "picture_request_after_stream_end_ms": Summary.of(_after(picture_requests, stream_ends)).as_dict(),
        # The budget's lines after the stream's end count our own time: the finished
        # chapter's moderation call is model time, taken out as the TTFT is from first words.
        "moderation_call_ms": Summary.of(seconds * 1000 for seconds in moderation.values()).as_dict(),
        "final_sent_after_stream_end_net_ms": Summary.of(
            _after(_first(events, "final_sent"), stream_ends, moderation)
        ).as_dict(),
        "picture_request_after_stream_end_net_ms": Summary.of(
            _after(picture_requests, stream_ends, moderation)
        ).as_dict(),
        "pictures_requested": sum(1 for r in requests if r.get("k") == "scene"),
        "pictures_received_by_players": sum(p.pictures for p in players),
        "agency_pictures": agency_pictures(requests, stream_ends),
        "write_tx_per_chapter_critical": Summary.of(tx.values()).as_dict(2),
        "write_tx_critical_statements_per_chapter": {k: round(v / count, 2) for k, v in tx_what.most_common()},
        "write_tx_per_chapter_all": round(all_tx / count, 2),
        "server_cpu_ms_per_chapter": round(meters.server_cpu_s * 1000 / count, 1),
        "server_cpu_ms_per_chapter_net_of_idle": round(
            max(0.0, meters.server_cpu_s - meters.server_idle_cpu_s) * 1000 / count, 1
        ),
        "server_cpu_share_of_2_cores": round(meters.server_cpu_s / meters.seconds / 2, 2) if meters.seconds else None,
        "fake_cpu_ms_per_chapter": round(meters.fake_cpu_s * 1000 / count, 1),
        "players_cpu_ms_per_chapter": round(meters.client_cpu_s * 1000 / count, 1),
        "rss_baseline_mib": round(meters.rss_baseline_kib / 1024, 1),
        "rss_peak_mib": round(meters.rss_peak_kib / 1024, 1),
        "rss_per_connected_player_kib": round((meters.rss_connected_kib - meters.rss_baseline_kib) / meters.players, 1),
        "errors": len(errors),
        "error_samples": errors[:5],
        "server_log_errors": meters.server_log_errors,
        "server_log_warnings": meters.server_log_warnings,
        "diagnostics": diagnostics(events, requests, len(shown), ttft_ms),
        "probe_missing": sorted({e["what"] for e in events if e["e"] == "probe_missing"}),
    }
    fw = figures["first_words_net_ms"]
    final = figures["final_sent_after_stream_end_net_ms"]
    picture = figures["picture_request_after_stream_end_net_ms"]
    agency = figures["agency_pictures"]
    budget_checks = {
        "first_words_p50": _within(fw["p50"], BUDGET["first_words_p50"]),
        "first_words_p95": _within(fw["p95"], BUDGET["first_words_p95"]),
        "final_after_stream_p95": _within(final["p95"], BUDGET["final_after_stream_p95"]),
        "picture_after_chapter_p95": _within(picture["p95"], BUDGET["picture_after_chapter_p95"]),
        "agency_parallel": agency["adventures"] > 0 and agency["parallel"] == agency["adventures"],
        "write_tx_max": _within(figures["write_tx_per_chapter_critical"]["max"], BUDGET["write_tx_max"]),
        "no_errors": not errors,
    }
    figures["budget"] = budget_checks
    return figures


def _within(value: float | None, limit: float) -> bool:
    return value is not None and value <= limit

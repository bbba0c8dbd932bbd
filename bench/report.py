"""The benchmark's table for people (figures against DESIGN §10's budget, one column
per number of players) and its JSON line for machines."""

from __future__ import annotations

import json
import os
import platform
from pathlib import Path
from typing import Any

from bench.figures import BUDGET

RESULTS = Path(__file__).resolve().parent / "results"


def machine() -> dict[str, Any]:
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    mem_kib = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kib = int(line.split()[1])
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
    }


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def _triple(summary: dict[str, Any]) -> str:
    return f"{_ms(summary['p50'])} / {_ms(summary['p95'])} / {_ms(summary['max'])}"


def _mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def _rows(result: dict[str, Any]) -> list[str]:
    """One column of the table: the cells for one number of players."""
    budget = result["budget"]
    agency = result["agency_pictures"]
    tx = result["write_tx_per_chapter_critical"]
    first_words = result["first_words_net_ms"]
    return [
        _triple(result["first_words_minus_ttft_ms"]),
        _triple(result["model_first_sentence_ms"]),
        f"{_triple(first_words)}  {_mark(budget['first_words_p50'] and budget['first_words_p95'])}",
        _triple(result["saved_after_stream_end_ms"]),
        _triple(result["moderation_call_ms"]),
        _triple(result["final_sent_after_stream_end_ms"]),
        f"{_triple(result['final_sent_after_stream_end_net_ms'])}  {_mark(budget['final_after_stream_p95'])}",
        _triple(result["final_received_after_stream_end_ms"]),
        _triple(result["picture_request_after_stream_end_ms"]),
        f"{_triple(result['picture_request_after_stream_end_net_ms'])}  {_mark(budget['picture_after_chapter_p95'])}",
        f"{agency['parallel']}/{agency['adventures']}  {_mark(budget['agency_parallel'])}",
        f"{tx['mean'] if tx['mean'] is not None else '-'} / {_ms(tx['max'])}  {_mark(budget['write_tx_max'])}",
        f"{result['server_cpu_ms_per_chapter']:.0f} ({result['server_cpu_ms_per_chapter_net_of_idle']:.0f})",
        f"{result['rss_per_connected_player_kib']:.0f}",
        f"{result['errors']}  {_mark(budget['no_errors'])}",
        f"{result['chapters']} ({result['chapters_per_second']}/s)",
    ]


LABELS = [
    ("first words after a choice − TTFT, ms (p50/p95/max)", ""),
    ("  of which the model's time to its first sentence, ms", ""),
    (
        "  less the model's time to its first sentence, ms",
        f"≤{BUDGET['first_words_p50']:.0f} / ≤{BUDGET['first_words_p95']:.0f}",
    ),
    ("chapter saved after the stream's end, ms", ""),
    ("  of which the moderation call (model time), ms", ""),
    ("final fragment sent after the stream's end, ms", ""),
    ("  less the moderation call's model time, ms", f"p95 ≤{BUDGET['final_after_stream_p95']:.0f}"),
    ("  (received by the player), ms", ""),
    ("picture request after the chapter's (stream's) end, ms", ""),
    ("  less the moderation call's model time, ms", f"p95 ≤{BUDGET['picture_after_chapter_p95']:.0f}"),
    ("chapter 1's agency pictures made in parallel", "all"),
    ("write transactions per chapter, critical path (mean/max)", f"≤{BUDGET['write_tx_max']}"),
    ("server CPU per chapter (net of idle), ms", ""),
    ("server RSS per connected player, KiB", ""),
    ("errors", "0"),
    ("chapters played", ""),
]


def table(results: dict[int, dict[str, Any]], params: dict[str, Any]) -> str:
    columns = [f"N={n}" for n in results]
    cells = [_rows(result) for result in results.values()]
    label_width = max(len(label) for label, _ in LABELS)
    budget_width = max(len("budget"), *(len(b) for _, b in LABELS))
    widths = [max(len(col), *(len(c) for c in column)) for col, column in zip(columns, cells, strict=True)]
    lines = [
        "StoryWeb benchmark (DESIGN §10): "
        f"fake Gemini TTFT {params['ttft_ms']:g} ms, {params['chunk_delay_ms']:g} ms between chunks, "
        f"pictures {params['image_latency_ms']:g} ms ({params.get('image_size', '64x48')}); "
        f"{params['adventures']} adventure(s) of {params['length']} "
        f"chapters per player, {params['think_ms']:g} ms reading (±50%) before each choice, "
        f"players starting within {params['ramp_s']} s; "
        f"{params['database']}; "
        + ("one daphne process" if params.get("processes", 1) == 1 else f"{params['processes']} daphne processes"),
        "",
        "  ".join(
            [f"{'figure':<{label_width}}", f"{'budget':<{budget_width}}"]
            + [f"{c:<{w}}" for c, w in zip(columns, widths, strict=True)]
        ),
    ]
    lines.append("-" * len(lines[-1]))
    for i, (label, budget) in enumerate(LABELS):
        row = [f"{label:<{label_width}}", f"{budget:<{budget_width}}"]
        row += [f"{column[i]:<{width}}" for column, width in zip(cells, widths, strict=True)]
        lines.append("  ".join(row).rstrip())
    lines.append("")
    for n, result in results.items():
        missed = [name for name, ok in result["budget"].items() if not ok]
        verdict = "within budget" if not missed else "MISSES " + ", ".join(missed)
        lines.append(
            f"N={n}: {verdict}; server CPU {result['server_cpu_share_of_2_cores']:.0%} of 2 cores, "
            f"RSS {result['rss_baseline_mib']} -> {result['rss_peak_mib']} MiB, "
            f"pictures {result['pictures_requested']} requested / {result['pictures_received_by_players']} shown"
        )
        for sample in result["error_samples"]:
            lines.append(f"  error: {sample}")
    return "\n".join(lines)


def json_line(results: dict[int, dict[str, Any]], params: dict[str, Any]) -> str:
    return json.dumps(
        {
            "benchmark": "storyweb",
            "machine": machine(),
            "params": params,
            "results": {str(n): r for n, r in results.items()},
        },
        separators=(",", ":"),
    )


def save(line: str) -> Path:
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "latest.json"
    path.write_text(line + "\n")
    return path

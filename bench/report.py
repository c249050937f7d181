"""The timeline benchmark's report: the issues' targets checked against one run's rows
(`check_targets`), and the rows and checks as text (`format_table`, `format_targets`). Pure
functions (tested in tests/test_bench_smoke.py)."""

from __future__ import annotations

from bench.stats import WINDOWS


def _find(rows, impl, window, n):
    for row in rows:
        if row["impl"] == impl and row["window"] == window and row.get("size") == n:
            return row
    return None


def _ratio(slow, fast):
    if slow is None or fast is None or fast <= 0:
        return None
    return slow / fast


def _check(name, value, op, limit, unit="", note=""):
    """One target check: value op limit, with how far off it is."""
    if value is None:
        return {"target": name, "met": None, "value": None, "limit": limit,
                "detail": f"not measured{': ' + note if note else ''}"}
    met = value <= limit if op == "<=" else value >= limit
    if op == "<=":
        off = "" if met else (f", missed by {value - limit:.3g}{unit} "
                              f"({value / limit:.2f}× the limit)")
    else:
        off = "" if met else f", missed by {limit - value:.3g}{unit} ({limit / value:.2f}× short)"
    shown = f"{value:.3g}{unit} {op} {limit:g}{unit}"
    return {"target": name, "met": met, "value": round(value, 3), "limit": limit,
            "detail": shown + off + (f"; {note}" if note else "")}


def check_targets(rows: list[dict]) -> list[dict]:
    """The issue's targets, from the rows of one run (sizes as row["size"])."""
    out = []
    ours_c = _find(rows, "dashboard", "cumulative", 100_000)
    server_c = _find(rows, "dash_server_figure", "cumulative", 100_000)
    if ours_c:
        out.append(_check("100k cumulative: dashboard step p95 <= 250 ms",
                          ours_c["step_p95_ms"], "<=", 250, " ms"))
        if server_c:
            out.append(_check("100k cumulative: dashboard >= 3.5x faster (p95) than "
                              "dash_server_figure", _ratio(server_c["step_p95_ms"],
                                                           ours_c["step_p95_ms"]),
                              ">=", 3.5, "x", _partial_note(server_c)))
    ours_d = _find(rows, "dashboard", "day", 100_000)
    px_d = _find(rows, "px_animation", "day", 100_000)
    if ours_d and px_d:
        ratio = _ratio(px_d["step_p95_ms"], ours_d["step_p95_ms"])
        out.append(_check("100k day: dashboard step p95 at least as fast as px_animation",
                          ratio, ">=", 1.0, "x", _partial_note(px_d)))
        out.append(_check("100k day: (aim) 1.5x faster than px_animation", ratio, ">=", 1.5,
                          "x"))
    big = [r for r in rows if r["impl"] == "dashboard" and r.get("size") == 1_000_000]
    if big:
        first = big[0]
        out.append(_check("1M: server loads the data in <= 20 s", first["load_s"], "<=", 20,
                          " s"))
        out.append(_check("1M: peak memory per worker <= 3 GB", first["rss_mb"], "<=", 3072,
                          " MB"))
        for row in big:
            out.append(_check(f"1M {row['window']}: first paint <= 5 s",
                              row["first_paint_ms"], "<=", 5000, " ms"))
        ours_big = _find(rows, "dashboard", "cumulative", 1_000_000)
        server_big = _find(rows, "dash_server_figure", "cumulative", 1_000_000)
        if ours_big:
            out.append(_check("1M cumulative: dashboard step p95 <= 750 ms",
                              ours_big["step_p95_ms"], "<=", 750, " ms"))
            if server_big:
                out.append(_check("1M cumulative: dashboard >= 15x faster (p95) than "
                                  "dash_server_figure",
                                  _ratio(server_big["step_p95_ms"], ours_big["step_p95_ms"]),
                                  ">=", 15, "x", _partial_note(server_big)))
        crashed = [f"{r['window']}: {r['error']}" for r in big if r.get("error")]
        out.append({"target": "1M: no crashed tab (dashboard)", "met": not crashed,
                    "value": len(crashed), "limit": 0,
                    "detail": "; ".join(crashed) if crashed else "no tab crashed, no error"})
    out += _issue11_targets(rows)
    ours_all = [r for r in rows if r["impl"] == "dashboard" and r.get("step_bytes_max") is not None]
    if ours_all:
        worst = max(ours_all, key=lambda r: r["step_bytes_max"])
        value = worst["step_bytes_max"]
        note = (f"worst: {worst['window']} n={worst['n']}, {worst.get('step_requests', 0):.3g} "
                f"request(s) per step to {', '.join(worst.get('step_request_paths') or []) or '-'}")
        out.append(_check("dashboard: bytes over the network per step <= 20 kB (max over "
                          "steps, all sizes)", value, "<=", 20_000, " B", note))
        zero = all(r["step_bytes_max"] == 0 for r in ours_all)
        out.append({"target": "dashboard: 0 bytes per step (the step stays in the browser)",
                    "met": zero, "value": value, "limit": 0,
                    "detail": "every step stayed in the browser" if zero else note})
    return out


def _issue11_targets(rows: list[dict]) -> list[dict]:
    """Issue 11's targets: the shipped data against px, 100k ratios, 1M page weight, warm
    first paint, steps and memory."""
    out = []
    for window in WINDOWS:
        ours, px = _find(rows, "dashboard", window, "shipped"), _find(rows, "px_animation",
                                                                      window, "shipped")
        if ours and px:
            out.append(_check(f"shipped {window}: step p95 >= 1.5x faster than px_animation",
                              _ratio(px["step_p95_ms"], ours["step_p95_ms"]), ">=", 1.5, "x",
                              _partial_note(px)))
            out.append(_check(f"shipped {window}: first paint no slower than px_animation",
                              _ratio(px["first_paint_ms"], ours["first_paint_ms"]), ">=", 1.0,
                              "x", _partial_note(px)))
    ours_c = _find(rows, "dashboard", "cumulative", 100_000)
    server_c = _find(rows, "dash_server_figure", "cumulative", 100_000)
    if ours_c and server_c:
        out.append(_check("100k cumulative: dashboard >= 5x faster (p95) than dash_server_figure",
                          _ratio(server_c["step_p95_ms"], ours_c["step_p95_ms"]), ">=", 5, "x",
                          _partial_note(server_c)))
    big = [r for r in rows if r["impl"] == "dashboard" and r.get("size") == 1_000_000]
    for row in big:
        window = row["window"]
        out.append(_check(f"1M {window}: layout <= 300 kB", None if row.get("layout_bytes") is None
                          else row["layout_bytes"] / 1000, "<=", 300, " kB"))
        out.append(_check(f"1M {window}: first paint on a second visit (data cached) <= 3 s",
                          row.get("first_paint_warm_ms"), "<=", 3000, " ms"))
        out.append(_check(f"1M {window}: step p95 <= 400 ms", row["step_p95_ms"], "<=", 400,
                          " ms"))
    if big and big[0].get("worker_rss_mb") is not None and big[0].get("server_pss_mb"):
        row = big[0]
        rss, pss = row["worker_rss_mb"], row.get("server_pss_mb")
        met = rss <= 1200 or (pss is not None and pss <= 1.5 * rss)
        out.append({"target": "1M: RSS per worker <= 1.2 GB, or the server's PSS (all "
                              "workers) <= 1.5x one worker", "met": met, "value": rss,
                    "limit": 1200,
                    "detail": f"worker RSS {rss:,.0f} MB; PSS of the server "
                              f"({row.get('server_workers')} workers and the master) "
                              f"{pss:,.0f} MB = {pss / rss:.2f}x one worker's RSS"})
    return out


def _partial_note(row) -> str:
    if row is None:
        return ""
    if row.get("error"):
        return f"{row['impl']}: {row['error']}"
    return ""


def _fmt(value, digits=0):
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}"


def format_table(rows: list[dict]) -> str:
    """The result rows as a fixed-width text table (errors listed under it)."""
    head = ("impl", "window", "n", "load_s", "rss_mb", "first_paint_ms", "warm_fp_ms",
            "p50_ms", "p95_ms", "tail_p95", "bytes/step", "layout_kB", "worker_rss", "server_pss",
            "steps", "points", "load1")
    lines = []
    for r in rows:
        layout = r.get("layout_bytes") if r.get("layout_bytes") is not None else \
            r.get("page_bytes")
        lines.append((r["impl"], r["window"], _fmt(r["n"]), _fmt(r["load_s"], 1),
                      _fmt(r["rss_mb"], 0), _fmt(r["first_paint_ms"], 0),
                      _fmt(r.get("first_paint_warm_ms"), 0),
                      _fmt(r["step_p50_ms"], 1), _fmt(r["step_p95_ms"], 1),
                      _fmt(r.get("step_tail_p95_ms"), 0), _fmt(r["step_bytes"], 0),
                      _fmt(None if layout is None else layout / 1000, 1),
                      _fmt(r.get("worker_rss_mb"), 0), _fmt(r.get("server_pss_mb"), 0),
                      _fmt(r.get("steps")),
                      _fmt(r.get("points_p50")), _fmt(r.get("loadavg_1m"), 2)))
    widths = [max(len(str(x)) for x in col) for col in zip(head, *lines, strict=True)]
    out = ["  ".join(str(x).rjust(w) if i >= 2 else str(x).ljust(w)
                     for i, (x, w) in enumerate(zip(line, widths, strict=True)))
           for line in [head, *lines]]
    out.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"  {r['impl']} {r['window']} n={_fmt(r['n'])}: {r['error']}"
             for r in rows if r.get("error")]
    if notes:
        out += ["", "errors / limits:", *notes]
    return "\n".join(out)


def format_targets(checks: list[dict]) -> str:
    mark = {True: "MET   ", False: "MISSED", None: "n/a   "}
    return "\n".join(f"  {mark[c['met']]} {c['target']}: {c['detail']}" for c in checks)

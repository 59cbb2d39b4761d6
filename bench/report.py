"""The benchmark's markdown report on stdout: a header (machine, versions, settings), the throughput
table with its notes, the large-response table and the overflow table, from the TSV files that
lib/measure.sh and lib/overflow.sh write (a line per measurement, per 100 MiB response, per overflow
request). Usage: report.py RESULTS_TSV LARGE_TSV OVERFLOW_TSV, with the run's settings in the
environment (bench/run sets them)."""
import functools
import os
import statistics
import subprocess
import sys
from collections import defaultdict

env = os.environ
clk = os.sysconf("SC_CLK_TCK")
targets = env["TARGETS"].split()
overflow_ms = int(env["OVERFLOW_MS"])

describe = {
    "hello": "GET /, 2 Node workers, 32 connections",
    "cpu": "GET /cpu?ms=5, 2 Node workers, 16 connections",
    "mixed": "90% /cpu?ms=1 + 10% /cpu?ms=50, 2 Node workers, 16 connections",
    "python-cpu": "GET /cpu?ms=5, 2 Python workers, 16 connections",
    "sleep": "GET /sleep?ms=20 (a 20 ms timer, no CPU), 2 Node workers, 16 connections",
    "large": "GET /bytes?n=10485760 (10 MiB), 2 Node workers, 16 connections",
}


def first_line(*cmd):
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except OSError:
        return ""
    return ((done.stdout + done.stderr).splitlines() or [""])[0]


def versions():
    found = []
    if env.get("BENCH_MUX_BIN") and first_line("dotnet", "--version"):
        runtimes = subprocess.run(["dotnet", "--list-runtimes"], capture_output=True, text=True).stdout.splitlines()
        runtime = [l.split()[1] for l in runtimes if l.startswith("Microsoft.NETCore.App")]
        found.append(f".NET SDK {first_line('dotnet', '--version')}, runtime {runtime[-1] if runtime else ''}")
    if first_line("node", "--version"):
        found.append(f"Node.js {first_line('node', '--version')}")
    found.append(first_line("python3", "--version"))
    if env.get("BENCH_HAPROXY_BIN"):
        found.append(first_line(env["BENCH_HAPROXY_BIN"], "-v").split(" - https")[0].replace(" version ", " "))
    if env.get("BENCH_NGINX_BIN"):
        found.append(first_line(env["BENCH_NGINX_BIN"], "-v").removeprefix("nginx version: "))
    if first_line("wrk", "-v"):
        found.append(" ".join(first_line("wrk", "-v").split()[:2]))
    return found


def header():
    cpu_model = next((l.split(": ", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "")
    print("## Multiplexer benchmark")
    print()
    print(f"- machine: {len(os.sched_getaffinity(0))} CPUs, {cpu_model}, Linux {os.uname().release};"
          f" load average at start {env['BENCH_START_LOAD']}")
    print(f"- versions: {', '.join(versions())}")
    if env["BENCH_THROUGHPUT_WORKLOADS"].strip():
        print(f"- runs: {env['RUNS']} × {env['DURATION']}s after a {env['WARMUP']}s warm-up, targets interleaved in each round;"
              f" wrk -t{env['WRK_THREADS']} --timeout {env['WRK_TIMEOUT']}s;"
              f" HAProxy nbthread {env['HAPROXY_THREADS']}, nginx worker_processes {env['NGINX_WORKERS']};"
              f" HAProxy's and nginx's access logs {'on' if env['ACCESS_LOG'] == '1' else 'off'};"
              " `multiplexer` with its default configuration (access log on), `multiplexer-nolog` with"
              " `logging.level = warning` (no access log)")
        counters = ("`perf stat -e context-switches,task-clock -p PID` around each measured run"
                    if env.get("BENCH_PERF_BIN") else
                    "/proc (voluntary + involuntary context switches of every thread, utime + stime)")
        print(f"- proxy CPU and context switches: {counters}")
    if env["BENCH_OVERFLOW"] == "1":
        print(f"- overflow: bursts: {env['RUNS']}, each in a freshly started multiplexer")
    elapsed = int(env["BENCH_ELAPSED"])
    print(f"- took {elapsed // 60} min {elapsed % 60} s")
    print()


def read_results(path):
    rows = []
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) < 20:
            continue
        w, t, rnd, n, status, req, dur, p50, p99, err, detail, ticks, rss, warns, jit, conns, mean, switches, cpu_us, source = f[:20]
        r = dict(workload=w, target=t, round=int(rnd), workers=int(n), status=status, detail=detail,
                 warnings=int(warns or 0), ticks=None if ticks == "-" else int(ticks),
                 jit=None if jit == "-" else int(jit), source=source)
        if status == "ok" and int(dur) > 0:
            req = int(req)
            r["rps"] = req * 1e6 / int(dur)
            # Direct is one worker: the limit for the workload's N workers is N times it.
            if t == "direct":
                r["rps"] *= r["workers"]
            r["p50"], r["p99"] = int(p50) / 1000, int(p99) / 1000
            r["errors"] = int(err)
            # Little's law: connections with a request being answered = request rate × mean latency. wrk keeps
            # every connection busy, so far fewer than it opened means the rest waited for an answer that never came.
            r["conns"] = int(conns)
            r["answered"] = req * 1e6 / int(dur) * int(mean) / 1e6
            r["tick_cpu"] = int(ticks) * 1e6 / clk / req if ticks != "-" and req > 0 else None
            r["cpu"] = int(cpu_us) / req if cpu_us != "-" and req > 0 else r["tick_cpu"]
            r["switches"] = int(switches) / req if switches != "-" and req > 0 else None
            r["rss"] = int(rss) / 1024 if rss != "-" else None
        rows.append(r)
    return rows


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def num(v):
    """Three significant digits or so: 1234, 12.3, 1.23, 0.123."""
    if v is None:
        return "—"
    return f"{v:.0f}" if v >= 100 else f"{v:.1f}" if v >= 10 else f"{v:.2f}" if v >= 1 else f"{v:.3f}"


def ratio(v):
    return "—" if v is None else f"{v:.2f}×"


def median_max(values, fmt=num):
    return "—" if not values else f"{fmt(statistics.median(values))} (max {fmt(max(values))})"


def throughput_table(rows):
    workloads = []
    for r in rows:
        if r["workload"] not in workloads:
            workloads.append(r["workload"])
    print("| workload | target | req/s | p50 ms | p99 ms | errors | proxy CPU µs/req | proxy context switches/req | proxy peak RSS MB | req/s vs HAProxy | p99 vs HAProxy | req/s spread |")
    print("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    notes = []
    for w in workloads:
        by_round = defaultdict(dict)
        for r in rows:
            if r["workload"] == w:
                by_round[r["round"]][r["target"]] = r
        for t in targets:
            mine = [r for r in rows if r["workload"] == w and r["target"] == t]
            if mine:
                notes += throughput_row(w, t, mine, by_round)
    print()
    print("Workloads: " + "; ".join(f"`{w}` {describe[w]}" for w in workloads if w in describe) + ".")
    print("Cells are medians over the runs; errors are summed over them (HTTP status ≥ 400, connect, read, write and timeout errors);"
          " \"stuck\" marks runs where most connections got no answer at all (see the notes)."
          " `direct` is one worker on one connection without a proxy, its req/s multiplied by the workload's worker count:"
          " the most any proxy could get from those workers; its latencies are a single request's."
          " `multiplexer` runs with its default configuration (an access line per request),"
          " `multiplexer-nolog` with `logging.level = warning`; both are set against HAProxy in the same rounds."
          " Proxy CPU and context switches are those of the proxy's processes (nginx: master and workers; the multiplexer:"
          " its own process, not its workers) over the measured run, per request: CPU is perf's task-clock, or utime + stime"
          " from /proc without perf. The ratios are taken within each round against HAProxy, then their median.")
    if notes:
        print()
        print("Notes:")
        for n in notes:
            print(f"- {n}")


def throughput_row(w, t, mine, by_round):
    """Prints the row of target t in workload w; returns its notes."""
    notes = []
    ok = [r for r in mine if "rps" in r]
    label = f"direct ×{mine[0]['workers']} (limit)" if t == "direct" else t
    if not ok:
        print(f"| {w} | {label} | failed | — | — | — | — | — | — | — | — | — |")
        return [f"{w} / {t}: " + ", ".join(sorted({r['status'] for r in mine}))]
    rps = med([r["rps"] for r in ok])
    spread = (max(r["rps"] for r in ok) - min(r["rps"] for r in ok)) / rps if rps and len(ok) > 1 else None
    rps_ratio, p99_ratio = [], []
    for by_t in by_round.values():
        me, ha = by_t.get(t), by_t.get("haproxy")
        if me and ha and "rps" in me and "rps" in ha and ha["rps"] > 0:
            rps_ratio.append(me["rps"] / ha["rps"])
            if ha["p99"] > 0:
                p99_ratio.append(me["p99"] / ha["p99"])
    errors = sum(r["errors"] for r in ok)
    failed = len(mine) - len(ok)
    answered = med([r["answered"] for r in ok])
    stuck = answered is not None and answered < 0.5 * ok[0]["conns"]
    cells = [
        w, label, num(rps), num(med([r["p50"] for r in ok])), num(med([r["p99"] for r in ok])),
        f"{errors}" + (f" (+{failed} failed runs)" if failed else "") + (" + stuck" if stuck else ""),
        num(med([r["cpu"] for r in ok])), num(med([r["switches"] for r in ok])), num(med([r["rss"] for r in ok])),
        ratio(med(rps_ratio)) if t != "haproxy" else "1.00×",
        ratio(med(p99_ratio)) if t != "haproxy" else "1.00×",
        "—" if spread is None else f"{spread * 100:.0f}%",
    ]
    print("| " + " | ".join(cells) + " |")
    if errors:
        kinds = defaultdict(int)
        for r in ok:
            for kv in r["detail"].split(","):
                k, _, v = kv.partition("=")
                if v and int(v):
                    kinds[k] += int(v)
        notes.append(f"{w} / {t}: {errors} errors: " + ", ".join(f"{v} {k}" for k, v in kinds.items()))
    if stuck:
        notes.append(f"{w} / {t}: stuck connections: request rate × mean latency says about {answered:.1f} of the"
                     f" {ok[0]['conns']} connections were being answered; the others waited without an answer"
                     " (wrk counts no error for those)")
    warns = sum(r["warnings"] for r in mine)
    if warns:
        notes.append(f"{w} / {t}: {warns} warning or error lines in the proxy's log")
    jit = sum(r["jit"] or 0 for r in ok)
    total = sum(r["ticks"] or 0 for r in ok)
    if t.startswith("multiplexer") and total and jit / total >= 0.05:
        notes.append(f"{w} / {t}: {jit / total:.0%} of the multiplexer's CPU in the measured runs was its JIT"
                     " (the .NET tiered-compilation thread) still at work; a longer WARMUP measures more of the steady state")
    # Two measures of the same CPU (perf's from its attach on, /proc's in whole ticks): with enough ticks they agree.
    perf_cpu = med([r["cpu"] for r in ok if r["source"] == "perf"])
    tick_cpu = med([r["tick_cpu"] for r in ok if r["source"] == "perf"])
    if perf_cpu and tick_cpu and total >= 20 * len(ok) and abs(perf_cpu - tick_cpu) > 0.25 * tick_cpu:
        notes.append(f"{w} / {t}: perf's task-clock ({num(perf_cpu)} µs/req) and /proc's CPU ticks ({num(tick_cpu)} µs/req) disagree")
    return notes


def large_table(lines):
    size = int(env["LARGE_BYTES"])
    print(f"### large: one {size // 2**20} MiB response at a time, read at full speed")
    print()
    tries = defaultdict(list)
    for f in lines:
        if len(f) >= 7:
            tries[f[0]].append(dict(code=f[2], ttfb=float(f[3]) * 1000, total=float(f[4]) * 1000, size=int(f[5]),
                                    created=None if f[6] == "-" else int(f[6])))
    good = {t: [x for x in tries[t] if x["code"] == "200" and x["size"] == size] for t in tries}
    direct_ttfb = med([x["ttfb"] for x in good.get("direct", [])])
    print("| target | tries | first byte ms | last byte ms | first byte − direct's, ms | temporary files created | errors |")
    print("|---|--:|--:|--:|--:|--:|--:|")
    for t in targets:
        if t not in tries:
            continue
        ok = good[t]
        ttfb = med([x["ttfb"] for x in ok])
        delta = "—" if ttfb is None or direct_ttfb is None or t == "direct" else f"{ttfb - direct_ttfb:+.1f}"
        watched = [x["created"] for x in tries[t] if x["created"] is not None]
        created = "—" if not watched else f"{sum(watched)} in {len(watched)} responses"
        label = "direct (one worker)" if t == "direct" else t
        print(f"| {label} | {len(tries[t])} | {median_max([x['ttfb'] for x in ok])} | {median_max([x['total'] for x in ok])} | {delta}"
              f" | {created} | {len(tries[t]) - len(ok)} |")
    print()
    print(f"After each `large` run, with the target's workers idle: {env['LARGE_TRIES']} times per round, one"
          f" GET /bytes?n={size} with curl writing to /dev/null. First and last byte are curl's time_starttransfer and"
          " time_total, medians (and maxima) over all tries; first byte − direct's is the difference of the medians."
          " Temporary files are the files the target created in its temporary directory while it served the response"
          " (watched with inotify: the multiplexer's TMPDIR, nginx's proxy_temp_path; HAProxy keeps none).")


def overflow_table(over):
    print(f"### overflow: size 1, max-overflow 3, a burst of 4 concurrent GET /sleep?ms={overflow_ms}")
    print()
    reqs = [dict(round=int(f[0]), port=int(f[2]), code=f[3], ttfb=float(f[4]) * 1000, new=f[5] == "1",
                 ready=float(f[6]), queue=None if f[7] == "-" else float(f[7]))
            for f in over if f[3] != "start-failed"]
    failed_rounds = sorted({f[0] for f in over if f[3] == "start-failed"})
    fresh = [r for r in reqs if r["new"] and r["code"] == "200"]
    warm = [r for r in reqs if not r["new"] and r["code"] == "200"]
    errors = sum(1 for r in reqs if r["code"] != "200")
    mm = functools.partial(median_max, fmt=lambda v: f"{v:.0f}")

    print("| target | bursts | served by a new worker | TTFB on a new worker, ms | new worker's start (ready after), ms | TTFB − sleep − start, ms | logged wait for a worker − start, ms | TTFB on the warm worker − sleep, ms | errors |")
    print("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    print(f"| multiplexer | {len({r['round'] for r in reqs})} | {len(fresh)} of {len(reqs)} | {mm([r['ttfb'] for r in fresh])} "
          f"| {mm([r['ready'] for r in fresh])} | {mm([r['ttfb'] - overflow_ms - r['ready'] for r in fresh])} "
          f"| {mm([r['queue'] - r['ready'] for r in fresh if r['queue'] is not None])} "
          f"| {mm([r['ttfb'] - overflow_ms for r in warm])} | {errors} |")
    print()
    print("Medians (and maxima) over all bursts. TTFB is curl's time_starttransfer; a worker's start is the"
          " \"Worker N ready: … X ms after start\" line of the multiplexer's log, from spawn to first output and"
          " an open port. TTFB − sleep − start is what the client waited beyond the worker's own start-up, client and"
          " connection set-up included; the logged wait (queue= in the request's access line) less the start is the"
          " multiplexer's own share: noticing that all workers are busy, spawning, and handing the request over.")
    if failed_rounds:
        print(f"\nThe multiplexer did not start in round(s) {', '.join(failed_rounds)}.")


def read_tsv(path):
    return [l.rstrip("\n").split("\t") for l in open(path) if l.strip()]


def main(results_path, large_path, overflow_path):
    header()
    sections = [(read_results(results_path), throughput_table), (read_tsv(large_path), large_table),
                (read_tsv(overflow_path), overflow_table)]
    for i, (data, table) in enumerate([s for s in sections if s[0]]):
        if i:
            print()
        table(data)
    print()
    print(f"Processes left running by the benchmark: {env['BENCH_LEFTOVERS']}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])

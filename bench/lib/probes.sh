# shellcheck shell=bash
# Readings of a running target: is it up, how much CPU and memory its processes used; and free ports.

port_block() { # n : first port of a block of n free ports on 127.0.0.1
  python3 "$bench_dir/lib/free_ports.py" "$1"
}

wait_http() { # url timeout_s pid: until the URL answers 2xx, or the process has died, or timeout
  local url=$1 deadline=$((SECONDS + $2)) pid=$3
  until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || return 1
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

proc_ticks() { # pids... : summed utime + stime in clock ticks
  local total=0 p stat
  local -a f
  for p in "$@"; do
    stat=$(cat "/proc/$p/stat" 2>/dev/null) || continue
    read -r -a f <<<"${stat##*) }"
    total=$((total + f[11] + f[12]))
  done
  echo "$total"
}

proc_hwm_kb() { # pids... : summed peak resident set (VmHWM) in kB
  local total=0 p v
  for p in "$@"; do
    v=$(awk '/^VmHWM:/ { print $2 }' "/proc/$p/status" 2>/dev/null || true)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

# Ticks of the .NET tiered-compilation thread of process $1: the JIT still at work.
jit_ticks() {
  local total=0 t stat
  local -a f
  for t in /proc/"$1"/task/*; do
    [[ $(cat "$t/comm" 2>/dev/null) == ".NET Tiered"* ]] || continue
    stat=$(cat "$t/stat" 2>/dev/null) || continue
    read -r -a f <<<"${stat##*) }"
    total=$((total + f[11] + f[12]))
  done
  echo "$total"
}

# Voluntary and involuntary context switches of all threads of the pids, summed (a thread that
# ended meanwhile takes its count with it: perf counts those too).
proc_ctx_switches() { # pids...
  local p
  for p in "$@"; do cat /proc/"$p"/task/*/status 2>/dev/null || true; done |
    awk '/^(voluntary|nonvoluntary)_ctxt_switches:/ { n += $2 } END { print n + 0 }'
}

# Context switches and CPU of a target's processes over a measurement: with perf stat when
# perf_bin is set, else from /proc. counters_stop sets switches, cpu_us (perf's task-clock; "-"
# without perf, when the CPU ticks stand in) and counter_source (perf or proc).
counters_start() { # dir pids...
  local dir=$1 i
  shift
  counter_pids=("$@")
  counter_dir=$dir
  switches0=$(proc_ctx_switches "$@")
  [ -n "$perf_bin" ] || return 0
  local IFS=,
  setsid "$perf_bin" stat -x, -o "$dir/perf.txt" -e context-switches,task-clock -p "$*" </dev/null >"$dir/perf.log" 2>&1 &
  perf_pid=$!
  # perf writes its header once it counts.
  for ((i = 0; i < 50; i++)); do
    [ -s "$dir/perf.txt" ] && break
    sleep 0.02
  done
}

counters_stop() {
  switches=$(($(proc_ctx_switches "${counter_pids[@]}") - switches0))
  cpu_us=-
  counter_source=proc
  [ -n "$perf_pid" ] || return 0
  kill -INT "$perf_pid" 2>/dev/null || true
  wait "$perf_pid" 2>/dev/null || true
  perf_pid=""
  local counted
  counted=$(awk -F, '$3 == "context-switches" && $1 ~ /^[0-9]+$/ { s = $1 }
    $3 == "task-clock" && $1 ~ /^[0-9.]+$/ { c = $1 * 1000 }
    END { if (s != "" && c != "") printf "%d %.0f", s, c }' "$counter_dir/perf.txt" 2>/dev/null || true)
  [ -n "$counted" ] || return 0
  read -r switches cpu_us <<<"$counted"
  counter_source=perf
}

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

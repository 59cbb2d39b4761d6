# shellcheck shell=bash
# One measurement: start the target, warm up, measure with wrk, stop. Each appends a line to
# $results, which report.py reads.

workload() { # name : sets w_kind w_path w_conns w_workers w_mixed
  w_mixed=0
  case $1 in
    hello) w_kind=node w_path=/ w_conns=32 w_workers=2 ;;
    cpu) w_kind=node w_path='/cpu?ms=5' w_conns=16 w_workers=2 ;;
    mixed) w_kind=node w_path='/cpu?ms=1' w_conns=16 w_workers=2 w_mixed=1 ;;
    python-cpu) w_kind=python w_path='/cpu?ms=5' w_conns=16 w_workers=2 ;;
    large) w_kind=node w_path='/bytes?n=10485760' w_conns=16 w_workers=2 ;;
  esac
}

# The wrk scripts go into the run's directory, so that wrk's command line carries the token.
prepare_wrk_scripts() {
  cp "$bench_dir/lua/report.lua" "$work/report.lua"
  cat "$bench_dir/lua/mixed.lua" "$bench_dir/lua/report.lua" >"$work/mixed.lua"
}

run_wrk() { # outfile connections duration_s url lua
  local out=$1 conns=$2 duration=$3 url=$4 lua=$5 threads=$WRK_THREADS status=0
  ((threads > conns)) && threads=$conns
  timeout -k 5 $((duration + 30)) wrk -t"$threads" -c"$conns" -d"${duration}s" --latency --timeout "${WRK_TIMEOUT}s" \
    -s "$lua" "$url" >"$out" 2>&1 &
  wrk_pid=$!
  wait "$wrk_pid" || status=$?
  wrk_pid=""
  return "$status"
}

measure() { # workload target round
  local workload=$1 target=$2 round=$3
  local dir=$work/$workload/$target-$round base conns=$w_conns lua=$work/report.lua
  mkdir -p "$dir"
  [ "$w_mixed" = 1 ] && lua=$work/mixed.lua
  # Direct: one worker, one request at a time, as a proxy hands it requests.
  [ "$target" = direct ] && conns=1
  base=$(port_block 12)
  local status=ok requests=0 duration=0 p50=0 p99=0 mean=0 errors=0 detail="" ticks=- rss=- warnings=0 jit=-
  if ! "start_$target" "$dir" "$base"; then
    status=start-failed
  else
    if [ "$WARMUP" -gt 0 ]; then
      run_wrk "$dir/warmup.txt" "$conns" "$WARMUP" "$url" "$work/report.lua" || true
    fi
    local t0=0 jit0=0
    [ ${#proxy_pids[@]} -gt 0 ] && t0=$(proc_ticks "${proxy_pids[@]}")
    [ "$target" = multiplexer ] && jit0=$(jit_ticks "${proxy_pids[0]}")
    if run_wrk "$dir/wrk.txt" "$conns" "$DURATION" "$url" "$lua" && grep -q '^RESULT ' "$dir/wrk.txt"; then
      local kv connect=0 read=0 write=0 status_errors=0 timeouts=0
      for kv in $(sed -n 's/^RESULT //p' "$dir/wrk.txt"); do
        case ${kv%%=*} in
          requests) requests=${kv#*=} ;;
          duration_us) duration=${kv#*=} ;;
          p50_us) p50=${kv#*=} ;;
          p99_us) p99=${kv#*=} ;;
          mean_us) mean=${kv#*=} ;;
          connect) connect=${kv#*=} ;;
          read) read=${kv#*=} ;;
          write) write=${kv#*=} ;;
          status) status_errors=${kv#*=} ;;
          timeout) timeouts=${kv#*=} ;;
        esac
      done
      errors=$((connect + read + write + status_errors + timeouts))
      detail="connect=$connect,read=$read,write=$write,status=$status_errors,timeout=$timeouts"
    else
      status=wrk-failed
    fi
    if [ ${#proxy_pids[@]} -gt 0 ]; then
      ticks=$(($(proc_ticks "${proxy_pids[@]}") - t0))
      rss=$(proc_hwm_kb "${proxy_pids[@]}")
    fi
    [ "$target" = multiplexer ] && jit=$(($(jit_ticks "${proxy_pids[0]}") - jit0))
  fi
  stop_started
  # Warnings and errors the proxy logged during the run, but not wrk going away at the end of a
  # run (the multiplexer's "...Canceled"), nor nginx's notes that it buffered to a temporary file.
  case $target in
    multiplexer) warnings=$(sed '/Application is shutting down/q' "$dir/multiplexer.log" | grep -E '(warn|fail|crit):' | grep -cv 'Canceled' || true) ;;
    nginx) warnings=$(grep -cE '\[(error|crit|alert|emerg)\]' "$dir/nginx/logs/error.log" 2>/dev/null || true) ;;
    haproxy) warnings=$(grep -cE '\[(WARNING|ALERT)\]' "$dir/haproxy.log" || true) ;;
  esac
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$workload" "$target" "$round" "$w_workers" \
    "$status" "$requests" "$duration" "$p50" "$p99" "$errors" "$detail" "$ticks" "$rss" "${warnings:-0}" "$jit" "$conns" "$mean" >>"$results"
  if [ "$status" = ok ]; then
    log "$(awk -v w="$workload" -v t="$target" -v r="$round" -v n="$requests" -v d="$duration" -v p="$p99" -v e="$errors" \
      'BEGIN { printf "[%s, round %s] %-11s %8.0f req/s  p99 %7.2f ms  errors %d", w, r, t, n * 1e6 / d, p / 1000, e }')"
  else
    log "[$workload, round $round] $target: $status (logs in $dir)"
  fi
}

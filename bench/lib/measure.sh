# shellcheck shell=bash
# One measurement: start the target, warm up, measure with wrk, stop. Each appends a line to
# $results, and under the large workload the probe's lines to $large_results; report.py reads them.

workload() { # name : sets w_kind w_path w_conns w_workers w_mixed
  w_mixed=0
  case $1 in
    hello) w_kind=node w_path=/ w_conns=32 w_workers=2 ;;
    cpu) w_kind=node w_path='/cpu?ms=5' w_conns=16 w_workers=2 ;;
    mixed) w_kind=node w_path='/cpu?ms=1' w_conns=16 w_workers=2 w_mixed=1 ;;
    python-cpu) w_kind=python w_path='/cpu?ms=5' w_conns=16 w_workers=2 ;;
    sleep) w_kind=node w_path='/sleep?ms=20' w_conns=16 w_workers=2 ;;
    large) w_kind=node w_path='/bytes?n=10485760' w_conns=16 w_workers=2 ;;
  esac
}

# The wrk scripts go into the run's directory, so that wrk's command line carries the token.
prepare_wrk_scripts() {
  cp "$bench_dir/lua/report.lua" "$work/report.lua"
  cat "$bench_dir/lua/mixed.lua" "$bench_dir/lua/report.lua" >"$work/mixed.lua"
}

run_wrk() { # outfile connections duration_s url lua
  local out=$1 conns=$2 duration=$3 url=$4 lua=$5 threads=$WRK_THREADS
  ((threads > conns)) && threads=$conns
  run_waited "$out" - timeout -k 5 $((duration + 30)) wrk -t"$threads" -c"$conns" -d"${duration}s" --latency \
    --timeout "${WRK_TIMEOUT}s" -s "$lua" "$url"
}

is_mux() { [[ $1 == multiplexer* ]]; }

# One 100 MiB response at a time, LARGE_TRIES times, through the target that is up: time to first
# and to last byte, and the temporary files the target created for it.
probe_large() { # target round dir
  local target=$1 round=$2 dir=$3 origin=${url%"$w_path"} watch
  local -a args=("$origin/bytes?n=$LARGE_BYTES&$token" "$LARGE_TRIES")
  watch=$(temp_dir_of "$target" "$dir")
  [ -z "$watch" ] || args+=("$watch")
  run_waited "$dir/large-response.tsv" "$dir/large-response.err" python3 "$bench_dir/lib/large_response.py" "${args[@]}" ||
    log "[large, round $round] $target: the 100 MiB probe failed (see $dir/large-response.err)"
  awk -v t="$target" -v r="$round" '{ print t "\t" r "\t" $0 }' "$dir/large-response.tsv" >>"$large_results"
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
  local switches=- cpu_us=- counter_source=-
  if ! "start_${target//-/_}" "$dir" "$base"; then
    status=start-failed
  else
    if [ "$WARMUP" -gt 0 ]; then
      run_wrk "$dir/warmup.txt" "$conns" "$WARMUP" "$url" "$work/report.lua" || true
    fi
    local t0=0 jit0=0
    if [ ${#proxy_pids[@]} -gt 0 ]; then
      t0=$(proc_ticks "${proxy_pids[@]}")
      counters_start "$dir" "${proxy_pids[@]}"
    fi
    is_mux "$target" && jit0=$(jit_ticks "${proxy_pids[0]}")
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
      counters_stop
      ticks=$(($(proc_ticks "${proxy_pids[@]}") - t0))
      rss=$(proc_hwm_kb "${proxy_pids[@]}")
    fi
    is_mux "$target" && jit=$(($(jit_ticks "${proxy_pids[0]}") - jit0))
    [ "$workload" = large ] && probe_large "$target" "$round" "$dir"
  fi
  stop_started
  # Warnings and errors the proxy logged during the run, but not wrk going away at the end of a
  # run (the multiplexer's "...Canceled"), nor nginx's notes that it buffered to a temporary file.
  case $target in
    multiplexer*) warnings=$(sed '/Application is shutting down/q' "$dir/multiplexer.log" | grep -E '(warn|fail|crit):' | grep -cv 'Canceled' || true) ;;
    nginx) warnings=$(grep -cE '\[(error|crit|alert|emerg)\]' "$dir/nginx/logs/error.log" 2>/dev/null || true) ;;
    haproxy) warnings=$(grep -cE '\[(WARNING|ALERT)\]' "$dir/haproxy.log" || true) ;;
  esac
  printf '%s\t' "$workload" "$target" "$round" "$w_workers" "$status" "$requests" "$duration" "$p50" "$p99" "$errors" \
    "$detail" "$ticks" "$rss" "${warnings:-0}" "$jit" "$conns" "$mean" "$switches" "$cpu_us" >>"$results"
  echo "$counter_source" >>"$results"
  if [ "$status" = ok ]; then
    log "$(awk -v w="$workload" -v t="$target" -v r="$round" -v n="$requests" -v d="$duration" -v p="$p99" -v e="$errors" \
      'BEGIN { printf "[%s, round %s] %-17s %8.0f req/s  p99 %7.2f ms  errors %d", w, r, t, n * 1e6 / d, p / 1000, e }')"
  else
    log "[$workload, round $round] $target: $status (logs in $dir)"
  fi
}

# shellcheck shell=bash
# overflow: the multiplexer with size 1 and max-overflow 3 gets a burst of 4 slow requests; the
# three that find the only worker busy wait for a new one. Their time to first byte is set
# against how long that worker took to start, as the multiplexer logged it. Each burst appends
# four lines to $overflow_results, which report.py reads.

run_overflow() { # round
  local round=$1 dir=$work/overflow/multiplexer-$1 base
  mkdir -p "$dir"
  base=$(port_block 16)
  write_mux_config node 1 3 "$base" "$dir" info
  spawn_mux "$dir"
  local pid=$spawned
  if ! wait_http "http://127.0.0.1:$base/" 60 "$pid"; then
    log "[overflow, round $round] multiplexer did not start (logs in $dir)"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" 0 0 start-failed 0 0 0 - >>"$overflow_results"
    stop_started
    return 0
  fi
  local mux_log=$dir/multiplexer.log before i retired=0 deadline
  before=$(wc -l <"$mux_log")
  local -a curl_pids=()
  for i in 1 2 3 4; do
    curl -s -o /dev/null -D "$dir/headers-$i" --max-time 30 -w '%{http_code} %{time_starttransfer}\n' \
      "http://127.0.0.1:$base/sleep?ms=$OVERFLOW_MS&$token" >"$dir/curl-$i" 2>&1 &
    curl_pids+=($!)
  done
  for i in "${curl_pids[@]}"; do wait "$i" || true; done
  # The new workers retire once idle; wait for that so the log is complete.
  deadline=$((SECONDS + 15))
  while ((SECONDS < deadline)); do
    retired=$(tail -n +"$((before + 1))" "$mux_log" | grep -c 'Retiring worker' || true)
    ((retired >= 3)) && break
    sleep 0.2
  done
  # Ready times of the workers started during the burst, by port; and the wait for a worker that
  # the access line of each request shows (queue=), by worker id.
  declare -A ready_ms=() worker_of=() queue_ms=()
  local id port ms
  while read -r id port ms; do
    ready_ms[$port]=$ms
    worker_of[$port]=$id
  done < <(tail -n +"$((before + 1))" "$mux_log" |
    sed -nE 's/.*Worker ([0-9]+) ready: pid [0-9]+, port ([0-9]+), ([0-9]+) ms after start.*/\1 \2 \3/p')
  while read -r id ms; do
    queue_ms[$id]=$ms
  done < <(tail -n +"$((before + 1))" "$mux_log" |
    sed -nE 's/.*Multiplexer.Access.* GET \/sleep[^ ]* [0-9]+ worker=([0-9]+) .* queue=([0-9.]+)ms.*/\1 \2/p')
  for i in 1 2 3 4; do
    local code ttfb wport new=0 rms="" qms=""
    read -r code ttfb <"$dir/curl-$i" || { code=000 ttfb=0; }
    wport=$(tr -d '\r' <"$dir/headers-$i" 2>/dev/null | awk 'tolower($1) == "x-worker-port:" { print $2 }')
    if [ -n "$wport" ] && [ -n "${ready_ms[$wport]:-}" ]; then
      new=1
      rms=${ready_ms[$wport]}
      qms=${queue_ms[${worker_of[$wport]}]:-}
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$round" "$i" "${wport:-0}" "$code" "$ttfb" "$new" "${rms:-0}" "${qms:--}" >>"$overflow_results"
  done
  log "[overflow, round $round] TTFB $(awk '{ printf "%.0f ms ", $2 * 1000 }' "$dir"/curl-[1-4] | sed 's/ $//'), new workers ready after ${ready_ms[*]:-?} ms"
  stop_started
}

# shellcheck shell=bash
# The targets. Each start_<target> dir base starts the target afresh on ports from base on, sets
# url (where wrk goes) and proxy_pids (what CPU and memory are read from; empty for direct), and
# returns non-zero if the target did not come up. The workload (w_kind, w_workers, w_path) says
# which workers and how many.

# templates/<name> with every @KEY@ replaced by its value, written to output.
render() { # name output KEY=value...
  local name=$1 out=$2 text kv key
  shift 2
  text=$(<"$bench_dir/templates/$name")
  for kv; do
    key=${kv%%=*}
    text=${text//"@$key@"/"${kv#*=}"}
  done
  [[ $text =~ @[A-Z_]+@ ]] && die "templates/$name: ${BASH_REMATCH[0]} has no value"
  printf '%s\n' "$text" >"$out"
}

worker_cmd() { # kind port : the command line of one example worker
  case $1 in
    node) echo "node $repo/examples/node/index.js $2 $token" ;;
    python) echo "python3 $repo/examples/python/worker.py $2 $token" ;;
  esac
}

start_workers() { # kind count first_port cell_dir
  local kind=$1 count=$2 port=$3 dir=$4 i
  worker_pids=()
  for ((i = 0; i < count; i++)); do
    # shellcheck disable=SC2046 # the command line is split on purpose
    spawn "$dir/worker-$((port + i)).log" $(worker_cmd "$kind" $((port + i)))
    worker_pids+=("$spawned")
  done
  for ((i = 0; i < count; i++)); do
    wait_http "http://127.0.0.1:$((port + i))/" 30 "${worker_pids[i]}" || {
      log "worker on port $((port + i)) did not come up"
      return 1
    }
  done
}

start_direct() { # dir base
  local dir=$1 base=$2
  start_workers "$w_kind" 1 "$((base + 1))" "$dir" || return 1
  url="http://127.0.0.1:$((base + 1))$w_path"
  proxy_pids=()
}

start_haproxy() {
  local dir=$1 base=$2 i logging="" threads="" servers=""
  [ "$HAPROXY_THREADS" = auto ] || threads="  nbthread $HAPROXY_THREADS"
  start_workers "$w_kind" "$w_workers" "$((base + 1))" "$dir" || return 1
  [ "$ACCESS_LOG" = 1 ] && logging=$'  log stdout format raw local0\n  option httplog'
  for ((i = 1; i <= w_workers; i++)); do
    servers+="${servers:+$'\n'}  server w$i 127.0.0.1:$((base + i)) maxconn 1"
  done
  render haproxy.cfg "$dir/haproxy.cfg" PORT="$base" THREADS="$threads" LOGGING="$logging" SERVERS="$servers"
  spawn "$dir/haproxy.log" "$haproxy_bin" -db -f "$dir/haproxy.cfg"
  local pid=$spawned
  wait_http "http://127.0.0.1:$base/" 30 "$pid" || return 1
  url="http://127.0.0.1:$base$w_path"
  proxy_pids=("$pid")
}

start_nginx() {
  local dir=$1 base=$2 i prefix=$1/nginx user="" access="access_log off;" servers=""
  start_workers "$w_kind" "$w_workers" "$((base + 1))" "$dir" || return 1
  mkdir -p "$prefix/logs" "$prefix/temp"
  # As root the workers would switch to nobody, who cannot enter this private directory.
  [ "$(id -u)" = 0 ] && user="user root;"
  [ "$ACCESS_LOG" = 1 ] && access="access_log $prefix/logs/access.log;"
  for ((i = 1; i <= w_workers; i++)); do
    servers+="${servers:+$'\n'}    server 127.0.0.1:$((base + i));"
  done
  render nginx.conf "$prefix/nginx.conf" PREFIX="$prefix" PORT="$base" WORKERS="$NGINX_WORKERS" USER="$user" \
    ACCESS_LOG="$access" SERVERS="$servers"
  spawn "$dir/nginx.log" "$nginx_bin" -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log"
  local pid=$spawned
  wait_http "http://127.0.0.1:$base/" 30 "$pid" || return 1
  url="http://127.0.0.1:$base$w_path"
  local -a children
  mapfile -t children < <(ps -o pid= --ppid "$pid" | tr -d ' ')
  proxy_pids=("$pid" "${children[@]}")
}

# multiplexer.hocon for a pool of $2 + $3 workers of kind $1 on ports after $4, in $5, logging at $6.
write_mux_config() {
  local kind=$1 size=$2 overflow=$3 base=$4 dir=$5 level=$6
  render multiplexer.hocon "$dir/multiplexer.hocon" PORT="$base" SIZE="$size" MAX_OVERFLOW="$overflow" \
    PORT_RANGE="$((base + 1))..$((base + size + overflow + 8))" START_CMD="exec $(worker_cmd "$kind" %PORT%)" \
    REPO="$repo" LOG_LEVEL="$level"
}

# The multiplexer's temporary files (spilled buffers) go to a fresh directory of its own, $1/tmp,
# which the large-response probe watches.
spawn_mux() { # dir
  local dir=$1
  mkdir -p "$dir/tmp"
  spawn "$dir/multiplexer.log" env TMPDIR="$dir/tmp" ASPNETCORE_TEMP="$dir/tmp" "$mux_bin" run "$dir/multiplexer.hocon"
  stop_grace[$spawned]=20
}

start_mux_pool() { # dir base logging-level
  local dir=$1 base=$2
  write_mux_config "$w_kind" "$w_workers" 0 "$base" "$dir" "$3"
  spawn_mux "$dir"
  local pid=$spawned
  wait_http "http://127.0.0.1:$base/" 60 "$pid" || return 1
  url="http://127.0.0.1:$base$w_path"
  proxy_pids=("$pid")
}

# The default configuration: an access line per request.
start_multiplexer() { start_mux_pool "$1" "$2" info; }

# No access log: logging.level = warning.
start_multiplexer_nolog() { start_mux_pool "$1" "$2" warning; }

# Where a target keeps its temporary files, for the large-response probe; empty if it has none.
temp_dir_of() { # target dir
  case $1 in
    multiplexer*) echo "$2/tmp" ;;
    nginx) echo "$2/nginx/temp/proxy" ;;
  esac
}

# shellcheck shell=bash
# Everything the benchmark starts is tracked and stopped on exit, whatever happens (Ctrl-C
# included). Each process leads its own process group (setsid), and carries the run's token (the
# name of its temporary directory) in its command line, so that a last sweep finds any stragglers.

work=""
token=""
started=()  # process-group leaders, oldest first
declare -A stop_grace=()
waited_pid=""  # wrk or the large-response probe, while the script waits for it
perf_pid=""
cleaned=0

# The temporary directory of the run, and the token derived from it.
make_work_dir() {
  work=$(mktemp -d "${TMPDIR:-/tmp}/multiplexer-bench.XXXXXX")
  token=$(basename "$work")
}

# Runs a command in the background, its output into files, and waits for it, so that a signal
# reaches the script's traps at once instead of after the command; returns its exit status. (A
# redirection around this call would also catch what the traps print.)
run_waited() { # stdout_file stderr_file (or - for the same file) command...
  local out=$1 err=$2 status=0
  shift 2
  if [ "$err" = - ]; then
    "$@" >"$out" 2>&1 &
  else
    "$@" >"$out" 2>"$err" &
  fi
  waited_pid=$!
  wait "$waited_pid" || status=$?
  waited_pid=""
  return "$status"
}

spawn() { # logfile command... ; the new process leads its own process group, $spawned
  local out=$1
  shift
  setsid "$@" </dev/null >"$out" 2>&1 &
  spawned=$!
  started+=("$spawned")
}

# Whether a process of process group $1 is still running (zombies aside).
group_alive() {
  ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && $2 !~ /^Z/ { found = 1 } END { exit !found }'
}

stop_group() { # pgid [grace seconds]
  local pgid=$1 grace=${2:-5} i
  kill -TERM -- "-$pgid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    group_alive "$pgid" || break
    sleep 0.1
  done
  kill -KILL -- "-$pgid" 2>/dev/null || true
  wait "$pgid" 2>/dev/null || true
}

token_pids() {
  [ -n "$token" ] || return 0
  local p cmd
  for p in /proc/[0-9]*; do
    cmd=$(tr '\0' ' ' 2>/dev/null <"$p/cmdline") || continue
    [[ $cmd == *"$token"* ]] && echo "${p#/proc/}"
  done
  return 0
}

stop_started() {
  local i p
  for p in "$waited_pid" "$perf_pid"; do
    [ -n "$p" ] || continue
    kill -TERM "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  waited_pid=""
  perf_pid=""
  # Newest first: the proxy before its workers.
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do
    stop_group "${started[i]}" "${stop_grace[${started[i]}]:-5}"
  done
  started=()
  # Backstop: a worker whose supervisor was killed outright.
  for p in $(token_pids); do kill -KILL "$p" 2>/dev/null || true; done
}

# What is still running of this run, as "pid args; ..." or "none".
leftover_processes() {
  local leftovers
  leftovers=$(token_pids | tr '\n' ' ')
  if [ -z "$leftovers" ]; then
    echo none
  else
    ps -o pid=,args= -p "${leftovers// /,}" 2>/dev/null | tr '\n' ';'
  fi
}

cleanup() {
  [ "$cleaned" = 1 ] && return 0
  cleaned=1
  stop_started
  [ -z "$policy_guard" ] || rm -f "$policy_guard"
  [ -n "$work" ] || return 0
  if [ "$KEEP" = 1 ]; then
    log "logs kept in $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

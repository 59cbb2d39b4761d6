# shellcheck shell=bash
# The tools the benchmark needs: found on PATH or in the sbin directories, else installed with
# apt-get when run as root on Debian or Ubuntu, else named with the command that installs them.

find_cmd() {
  command -v "$1" 2>/dev/null && return 0
  local d
  for d in /usr/sbin /sbin /usr/local/sbin; do
    [ -x "$d/$1" ] && { echo "$d/$1"; return 0; }
  done
  return 1
}

policy_guard=""
install_packages() {
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    die "missing: $*; install with: sudo apt-get install $*"
  fi
  log "installing with apt-get: $*"
  # Packages such as nginx and haproxy would otherwise start their system-wide services.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    policy_guard=/usr/sbin/policy-rc.d
    printf '#!/bin/sh\nexit 101\n' >"$policy_guard"
    chmod 755 "$policy_guard"
  fi
  local status=0 apt_log
  apt_log=$(mktemp)
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q --no-install-recommends "$@" >"$apt_log" 2>&1; then
    { apt-get update -q && apt-get install -y -q --no-install-recommends "$@"; } >>"$apt_log" 2>&1 || status=$?
  fi
  if [ -n "$policy_guard" ]; then
    rm -f "$policy_guard"
    policy_guard=""
  fi
  if [ "$status" != 0 ]; then
    tail -n 20 "$apt_log" >&2
    rm -f "$apt_log"
    die "apt-get install $* failed"
  fi
  rm -f "$apt_log"
}

# Makes sure every tool the chosen targets and workloads need is there; sets haproxy_bin, nginx_bin, perf_bin.
ensure_tools() {
  local need_node=0 w c
  for w in $WORKLOADS; do [ "$w" = python-cpu ] || need_node=1; done
  local -a missing=() required=(python3 curl setsid timeout)
  local -A package_of=([wrk]=wrk [haproxy]=haproxy [nginx]=nginx [node]=nodejs [python3]=python3
    [curl]=curl [setsid]=util-linux [timeout]=coreutils)
  [ -n "$throughput_workloads" ] && required+=(wrk)
  has_word "$TARGETS" haproxy && required+=(haproxy)
  has_word "$TARGETS" nginx && required+=(nginx)
  [ "$need_node" = 1 ] && required+=(node)
  for c in "${required[@]}"; do
    find_cmd "$c" >/dev/null || missing+=("${package_of[$c]}")
  done
  [ ${#missing[@]} -eq 0 ] || install_packages "${missing[@]}"
  for c in "${required[@]}"; do find_cmd "$c" >/dev/null || die "$c is still missing"; done
  haproxy_bin=$(find_cmd haproxy || true)
  nginx_bin=$(find_cmd nginx || true)
  find_perf
}

# perf, if it is installed and may count software events here (optional: /proc stands in); sets perf_bin.
find_perf() {
  perf_bin=""
  [ "$PERF" = 0 ] && return 0
  local p
  p=$(find_cmd perf) || return 0
  "$p" stat -x, -o /dev/null -e context-switches,task-clock true >/dev/null 2>&1 && perf_bin=$p
  return 0
}

# The Release multiplexer: MULTIPLEXER if given, else published into bench/out; sets mux_bin.
build_multiplexer() {
  mux_bin=""
  [ "$use_mux" = 1 ] || return 0
  if [ -n "${MULTIPLEXER:-}" ]; then
    mux_bin=$MULTIPLEXER
    [ -x "$mux_bin" ] || die "MULTIPLEXER=$mux_bin is not an executable"
    return 0
  fi
  command -v dotnet >/dev/null || die "dotnet is missing: install the .NET 10 SDK (https://dot.net)"
  log "publishing the Release multiplexer into bench/out/multiplexer"
  dotnet publish "$repo/src/Multiplexer.Host" -c Release -o "$bench_dir/out/multiplexer" --nologo -v quiet >&2 ||
    die "dotnet publish failed"
  mux_bin=$bench_dir/out/multiplexer/multiplexer
}

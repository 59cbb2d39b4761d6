#!/usr/bin/env bash
# Installs Multiplexer as a systemd service: sudo deploy/install.sh
#
# Builds a framework-dependent release into PREFIX (needs the .NET 10 SDK here; the machine that runs
# it needs the ASP.NET Core 10 runtime, which the SDK includes), creates the system user
# `multiplexer`, installs CONFIG_DIR/multiplexer.hocon from the repository's multiplexer.hocon unless
# that file already exists (a config is never overwritten), installs the unit into SYSTEMD_DIR and
# reloads systemd. Safe to run again: that rebuilds the app and refreshes the unit, nothing else.
#
# Overrides, as environment variables:
#   PREFIX=/opt/multiplexer            where the app goes (also --prefix DIR)
#   CONFIG_DIR=/etc/multiplexer        where the config goes
#   SYSTEMD_DIR=/etc/systemd/system    where the unit goes
#   APP_DIR=/srv/multiplexer           the service's app folder: the unit's WorkingDirectory and the
#                                      new config's service.working-directory
#   NO_SYSTEMCTL=1                     do not run systemctl (this allows running without root)
#   NO_USER=1                          do not create the user (skipped anyway when not root)
#   NO_PUBLISH=1                       keep the app already in PREFIX instead of building it again
# The unit is written with these paths, so PREFIX, CONFIG_DIR and APP_DIR are where the files will
# live when the service runs, not a staging area.
set -euo pipefail
umask 022

PREFIX=${PREFIX:-/opt/multiplexer}
CONFIG_DIR=${CONFIG_DIR:-/etc/multiplexer}
SYSTEMD_DIR=${SYSTEMD_DIR:-/etc/systemd/system}
APP_DIR=${APP_DIR:-/srv/multiplexer}
NO_SYSTEMCTL=${NO_SYSTEMCTL:-0}
NO_USER=${NO_USER:-0}
NO_PUBLISH=${NO_PUBLISH:-0}
SERVICE_USER=multiplexer
STATE_DIR=/var/lib/multiplexer

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }; PREFIX=$2; shift 2 ;;
    --prefix=*) PREFIX=${1#--prefix=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "install.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

die() { echo "install.sh: $*" >&2; exit 1; }
step() { echo "==> $*"; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
unit_name=multiplexer.service

for path in "$PREFIX" "$CONFIG_DIR" "$SYSTEMD_DIR" "$APP_DIR"; do
  case "$path" in
    /*) ;;
    *) die "paths must be absolute, got '$path'" ;;
  esac
  # The unit's ExecStart and WorkingDirectory are written unquoted.
  [[ "$path" != *[[:space:]]* ]] || die "paths must not contain whitespace, got '$path'"
done

if [ "$(id -u)" -ne 0 ]; then
  [ "$NO_SYSTEMCTL" = 1 ] || die "must be run as root (or, to lay the files out somewhere writable without systemd, set NO_SYSTEMCTL=1 and PREFIX, CONFIG_DIR, SYSTEMD_DIR, APP_DIR)"
  NO_USER=1
fi

# 1. The app: a framework-dependent release, built beside the old one and swapped in, so a running
#    service never sees a half-written build.
if [ "$NO_PUBLISH" = 1 ]; then
  [ -x "$PREFIX/multiplexer" ] || die "NO_PUBLISH=1 but $PREFIX/multiplexer is not there"
  step "keeping the app in $PREFIX"
else
  command -v dotnet >/dev/null || die "dotnet not found: building needs the .NET 10 SDK"
  step "publishing into $PREFIX"
  mkdir -p "$(dirname "$PREFIX")"
  rm -rf "$PREFIX.new" "$PREFIX.old"
  # No build servers or MSBuild nodes are left running after the install.
  dotnet publish "$repo/src/Multiplexer.Host" -c Release -o "$PREFIX.new" --self-contained false \
    --nologo -nodeReuse:false -p:UseSharedCompilation=false
  [ -x "$PREFIX.new/multiplexer" ] || die "publish produced no $PREFIX.new/multiplexer"
  if [ -e "$PREFIX" ]; then
    mv "$PREFIX" "$PREFIX.old"
  fi
  mv "$PREFIX.new" "$PREFIX"
  rm -rf "$PREFIX.old"
fi
if command -v dotnet >/dev/null && ! dotnet --list-runtimes 2>/dev/null | grep -q '^Microsoft\.AspNetCore\.App 10\.'; then
  echo "warning: the ASP.NET Core 10 runtime is not installed; the service needs it to start" >&2
fi

# 2. The user the service runs as. Its home is the unit's StateDirectory, which systemd creates.
if [ "$NO_USER" = 1 ]; then
  step "not creating user $SERVICE_USER"
elif getent passwd "$SERVICE_USER" >/dev/null; then
  step "user $SERVICE_USER exists"
else
  step "creating system user $SERVICE_USER"
  useradd --system --user-group --home-dir "$STATE_DIR" --no-create-home \
    --shell "$(command -v nologin || echo /usr/sbin/nologin)" --comment "Multiplexer service" "$SERVICE_USER"
fi

# 3. The config, only when there is none: a config that exists is the user's and stays as it is.
mkdir -p "$CONFIG_DIR" "$APP_DIR"
config="$CONFIG_DIR/multiplexer.hocon"
if [ -e "$config" ]; then
  step "keeping existing $config"
else
  step "installing $config"
  # service.working-directory is resolved against the config's directory; point it at the app
  # folder, and put the example worker there so that the service runs as installed.
  quoted_app_dir=${APP_DIR//\\/\\\\}
  quoted_app_dir=\"${quoted_app_dir//\"/\\\"}\"
  new_config=$(mktemp)
  trap 'rm -f "$new_config"' EXIT
  replaced=0
  while IFS= read -r line || [ -n "$line" ]; do
    if [[ "$line" =~ ^([[:space:]]*working-directory[[:space:]]*=[[:space:]]*) ]]; then
      line="${BASH_REMATCH[1]}$quoted_app_dir"
      replaced=$((replaced + 1))
    fi
    printf '%s\n' "$line"
  done <"$repo/multiplexer.hocon" >"$new_config"
  [ "$replaced" = 1 ] || die "expected one working-directory line in $repo/multiplexer.hocon, found $replaced"
  if [ ! -e "$APP_DIR/examples" ]; then
    cp -R "$repo/examples" "$APP_DIR/examples"
  fi
  if getent group "$SERVICE_USER" >/dev/null; then
    install -m 0640 -g "$SERVICE_USER" "$new_config" "$config"
  else
    install -m 0644 "$new_config" "$config"
  fi
fi

# 4. The unit, always refreshed (local changes belong in a drop-in), with the paths above.
step "installing $SYSTEMD_DIR/$unit_name"
mkdir -p "$SYSTEMD_DIR"
new_unit=$(mktemp)
trap 'rm -f "${new_config:-}" "$new_unit"' EXIT
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in
    ExecStart=*) line="ExecStart=$PREFIX/multiplexer $config" ;;
    WorkingDirectory=*) line="WorkingDirectory=$APP_DIR" ;;
  esac
  printf '%s\n' "$line"
done <"$repo/deploy/$unit_name" >"$new_unit"
install -m 0644 "$new_unit" "$SYSTEMD_DIR/$unit_name"

if [ "$NO_SYSTEMCTL" = 1 ]; then
  step "not running systemctl (NO_SYSTEMCTL=1)"
else
  systemctl daemon-reload
  if systemctl is-active --quiet "$unit_name"; then
    echo "multiplexer is running the previous build; to switch: systemctl restart multiplexer"
  fi
fi

cat <<EOF

Installed. Next:
  edit $config          (service.start-cmd: your service; service.working-directory: $APP_DIR)
  systemctl enable --now multiplexer
  journalctl -u multiplexer -f
  curl -s http://127.0.0.1:3001/healthz      (the admin listener)
EOF

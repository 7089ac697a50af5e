#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests labelled postgres: Debian's
# PostgreSQL 15, initdb and pg_ctl in a folder under /tmp, reachable only
# on a Unix socket there, with trust authentication.
#
#   postgres.sh start STATE   starts it; STATE/url holds the database URL
#   postgres.sh stop STATE    stops it and removes its folder
#
# STATE is a folder of the build (it holds the server's folder name): the
# server's own folder is made under /tmp, whose path stays short enough for
# a socket, and which the postgres user can reach.
set -euo pipefail
cmd=$1 state=$2
bin=$(pg_config --bindir 2>/dev/null || true)
[[ -x $bin/initdb ]] || bin=/usr/lib/postgresql/15/bin

# initdb and the server refuse to run as root: they run as postgres then.
as=()
[[ $(id -u) -eq 0 ]] && as=(runuser -u postgres --)

case $cmd in
start)
  mkdir -p "$state"
  if [[ -f $state/dir ]]; then "$0" stop "$state" || true; fi
  dir=$(mktemp -d /tmp/vigie-pg.XXXXXX)
  echo "$dir" > "$state/dir"
  [[ $(id -u) -eq 0 ]] && chown postgres: "$dir"
  chmod 755 "$dir"
  port=5432
  "${as[@]}" "$bin/initdb" -D "$dir/data" -U vigie --auth=trust --encoding=UTF8 --locale=C.UTF-8 --no-sync \
    > "$state/initdb.log" 2>&1 || { cat "$state/initdb.log"; exit 1; }
  # fsync off: the data is thrown away, and tests run faster without it.
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-k $dir -c listen_addresses='' -p $port -c fsync=off -c max_connections=50" start > /dev/null ||
    { cat "$dir/server.log"; exit 1; }
  psql -q "host=$dir port=$port user=vigie dbname=postgres" -c 'CREATE DATABASE vigie'
  echo "postgresql:host=$dir port=$port user=vigie dbname=vigie" > "$state/url"
  ;;
stop)
  [[ -f $state/dir ]] || exit 0
  dir=$(cat "$state/dir")
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast -w stop > /dev/null 2>&1 || true
  rm -rf "$dir" "$state/dir" "$state/url"
  ;;
*)
  echo "usage: postgres.sh start|stop STATE" >&2
  exit 2
  ;;
esac

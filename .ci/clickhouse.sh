#!/usr/bin/env bash
# Two ClickHouse servers on loopback for the conformance suite: `start DIR` writes their configs
# and data under DIR, starts them (HTTP 18123 and 18124, TCP 19000 and 19001, interserver 19009
# and 19010) with a `retain_two_shards` cluster of both, waits until both answer, and prints the
# environment the tests read. `stop DIR` stops them by the PIDs it recorded.
# RETAIN_CH_PORT_OFFSET=N moves every port up by N, so a second pair (a clean-clone CI run) can
# run beside a developer's.
set -euo pipefail
off=${RETAIN_CH_PORT_OFFSET:-0}
cmd=${1:?usage: clickhouse.sh start|stop DIR}
dir=${2:?usage: clickhouse.sh start|stop DIR}

if [ "$cmd" = stop ]; then
  pids=()
  for pidfile in "$dir"/*/pid; do
    [ -f "$pidfile" ] && pids+=("$(cat "$pidfile")")
  done
  [ ${#pids[@]} -gt 0 ] || exit 0
  kill "${pids[@]}" 2>/dev/null || true
  # A server finishes its shutdown in a few seconds; past 15, it is killed.
  for _ in $(seq 1 75); do
    kill -0 "${pids[@]}" 2>/dev/null || exit 0
    sleep 0.2
  done
  kill -9 "${pids[@]}" 2>/dev/null || true
  exit 0
fi

users=/etc/clickhouse-server/users.xml
[ -f "$users" ] || { echo "clickhouse-server is not installed ($users missing)" >&2; exit 1; }
for n in 1 2; do
  d="$dir/s$n"
  mkdir -p "$d/data" "$d/tmp" "$d/user_files" "$d/log"
  cp "$users" "$d/users.xml"
  cat > "$d/config.xml" <<EOF
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$d/log/server.log</log><errorlog>$d/log/error.log</errorlog><size>10M</size><count>2</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$((18122 + n + off))</http_port>
  <tcp_port>$((18999 + n + off))</tcp_port>
  <interserver_http_port>$((19008 + n + off))</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <max_connections>256</max_connections>
  <max_concurrent_queries>64</max_concurrent_queries>
  <mark_cache_size>268435456</mark_cache_size>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <path>$d/data/</path>
  <tmp_path>$d/tmp/</tmp_path>
  <user_files_path>$d/user_files/</user_files_path>
  <users_config>$d/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <remote_servers>
    <retain_two_shards>
      <shard><replica><host>127.0.0.1</host><port>$((19000 + off))</port></replica></shard>
      <shard><replica><host>127.0.0.1</host><port>$((19001 + off))</port></replica></shard>
    </retain_two_shards>
  </remote_servers>
</yandex>
EOF
  /usr/sbin/clickhouse-server --config-file="$d/config.xml" > "$d/log/stdout.log" 2>&1 &
  echo $! > "$d/pid"
done

for n in 1 2; do
  port=$((18122 + n + off))
  for _ in $(seq 1 100); do
    if curl -sf "http://127.0.0.1:$port/ping" > /dev/null; then break; fi
    sleep 0.2
  done
  curl -sf "http://127.0.0.1:$port/ping" > /dev/null || { echo "ClickHouse server $n did not start; see $dir/s$n/log" >&2; cat "$dir/s$n/log/"*.log >&2 || true; exit 1; }
done
echo "RETAIN_TEST_CLICKHOUSE=http://127.0.0.1:$((18123 + off)) RETAIN_TEST_CLICKHOUSE_CLUSTER=retain_two_shards RETAIN_TEST_CLICKHOUSE_SHARDS=http://127.0.0.1:$((18123 + off)),http://127.0.0.1:$((18124 + off))"

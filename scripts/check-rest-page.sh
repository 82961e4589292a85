#!/usr/bin/env bash
# Headless Chromium check of the REST host's interactive page (/docs).
#
# Starts an aggregation server (SQLite in a temporary folder), the demo's `federation` command (enrols three banks,
# creates a one-round session, trains as bank-02 and bank-03) and bank-01's REST host with an API key that also
# protects /fl_predict; trains through POST /fl_train so that a model is cached; then opens the page in
# `chromium --headless --no-sandbox --disable-background-networking` and, through the DevTools protocol
# (scripts/check-rest-page.mjs), checks that nothing is requested off the host, no vendor buttons are shown, a
# prediction sent from the page without the key shows 401 and one with the key shows a probability, and takes a
# full-page screenshot. Any failure exits non-zero with the reason and the end of each process's log.
#
# Usage: scripts/check-rest-page.sh [SCREENSHOT.png]   (default: ${TMPDIR:-/tmp}/privatefl-rest-page.png)
# Needs: the .NET 10 SDK, Node 20.10+ and Chromium (Debian: apt-get install -y chromium).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
screenshot=$(realpath -m "${1:-${TMPDIR:-/tmp}/privatefl-rest-page.png}")
work=$(mktemp -d "${TMPDIR:-/tmp}/privatefl-page-check.XXXXXX")
admin_key="page-check-admin-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
api_key="page-check-key-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
pids=()

say() { echo "check-rest-page: $*"; }
fail() {
  echo "check-rest-page: FAIL: $*" >&2
  for log in "$work"/*.log; do
    [ -f "$log" ] && { echo "--- last lines of $(basename "$log")" >&2; tail -n 15 "$log" >&2; }
  done
  exit 1
}
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

command -v dotnet >/dev/null || fail "dotnet is not installed (the .NET 10 SDK)"
command -v node >/dev/null || fail "node is not installed (Node 20.10 or later)"
command -v chromium >/dev/null || fail "chromium is not installed: apt-get install -y chromium"
node_flags=()
node -e 'process.exit(typeof WebSocket === "function" ? 0 : 1)' || node_flags=(--experimental-websocket)
node "${node_flags[@]}" -e 'process.exit(typeof WebSocket === "function" ? 0 : 1)' 2>/dev/null || fail "this Node ($(node --version)) has no WebSocket client; Node 20.10 or later is needed"

free_port() { node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'; }
wait_for() { # what, seconds, command...
  local what=$1 seconds=$2; shift 2
  for _ in $(seq $((seconds * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  fail "$what: not within $seconds s"
}
alive() { kill -0 "$1" 2>/dev/null; }

say "building the server, the demo and the REST host"
for project in Server Simulation RestHost; do
  dotnet build "$root/src/$project" -v quiet -nologo >"$work/build-$project.log" 2>&1 || fail "dotnet build src/$project failed"
done
bin() { echo "$root/src/$1/bin/Debug/net10.0"; }

server_port=$(free_port)
host_port=$(free_port)
server="http://127.0.0.1:$server_port"
host="http://127.0.0.1:$host_port"

(cd "$(bin Server)" && exec dotnet PrivateFl.Server.dll --ServerOptions:Urls="$server" --ServerOptions:AdminApiKey="$admin_key" \
  --StorageOptions:DatabasePath="$work/server.db" --RoundOptions:GatherWindow=00:00:01) >"$work/server.log" 2>&1 &
server_pid=$!; pids+=("$server_pid")
wait_for "the server listening on $server" 60 bash -c "exec 3<>/dev/tcp/127.0.0.1/$server_port"
say "server on $server"

(cd "$(bin Simulation)" && exec dotnet PrivateFl.Simulation.dll federation --server "$server" --admin-key "$admin_key" --keys-dir "$work/keys" --rounds 1) \
  >"$work/federation.log" 2>&1 &
federation_pid=$!; pids+=("$federation_pid")
wait_for "the federation command creating the session" 60 grep -q "Created session" "$work/federation.log"
alive "$federation_pid" || fail "the federation command stopped"

(cd "$(bin RestHost)" && exec dotnet PrivateFl.RestHost.dll --urls "$host" --RestHostOptions:DataRoot="$root/data" \
  --RestHostOptions:ApiKey="$api_key" --RestHostOptions:RequireApiKeyForPredict=true --RestHostOptions:ModelRefreshInterval=00:00:02 \
  --FederatedClientOptions:ServerAddress="$server" --FederatedClientOptions:ClientId=bank-01 \
  --FederatedClientOptions:IdentityKeyFile="$work/keys/bank-01.key" --FederatedClientOptions:LedgerDirectory="$work/ledgers/bank-01") \
  >"$work/rest-host.log" 2>&1 &
host_pid=$!; pids+=("$host_pid")
wait_for "the REST host answering /healthz on $host" 60 curl -sf "$host/healthz"
say "REST host on $host (API key required for /fl_train and /fl_predict)"

say "training one round as bank-01 through POST /fl_train?wait=true"
status=$(curl -s -o "$work/train.json" -w '%{http_code}' --max-time 300 -X POST "$host/fl_train?wait=true" -H "X-Api-Key: $api_key" -d addr=german_data_1.csv) \
  || fail "POST /fl_train did not answer"
[ "$status" = 200 ] || fail "POST /fl_train answered $status: $(cat "$work/train.json")"
wait "$federation_pid" || fail "the federation command (bank-02 and bank-03) failed"
wait_for "the REST host ready (server answering, model cached) at /readyz" 60 curl -sf "$host/readyz"
say "trained: $(cat "$work/train.json")"

node "${node_flags[@]}" "$root/scripts/check-rest-page.mjs" --url "$host/docs" --api-key "$api_key" --screenshot "$screenshot" \
  || fail "the page check failed"
[ -s "$screenshot" ] || fail "no screenshot was written to $screenshot"
say "OK; screenshot: $screenshot"

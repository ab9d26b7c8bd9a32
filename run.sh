#!/usr/bin/env bash
# Runs ScenarioEngine on this machine: the pinned Azurite (npm) with its data under .azurite/, and the host on
# http://localhost:7071 with the queue workers on, the sample journeys and messages published, and the dashboard (npm run build)
# at /. Ctrl-C stops both.
#
#   ./run.sh             Azurite (data kept in .azurite/ between runs)
#   ./run.sh --memory    the in-memory store instead: no Azurite, nothing kept
#
# Environment: PORT (default 7071); ApiKeys__Events / ApiKeys__Admin (default local development keys); any other setting of
# local.settings.sample.json in its Section__Name form (e.g. SendGrid__ApiKey) is passed through to the host.
set -euo pipefail
cd "$(dirname "$0")"

usage() { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; }
memory=0
for arg in "$@"; do
  case "$arg" in
    --memory) memory=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown option '$arg'" >&2; usage >&2; exit 2 ;;
  esac
done

port="${PORT:-7071}"
export ApiKeys__Events="${ApiKeys__Events:-local-events-key-change-me}"
export ApiKeys__Admin="${ApiKeys__Admin:-local-admin-key-change-me}"

pids=()
host_pid=""
stop() {
  trap - EXIT INT TERM
  # The host first, while its storage is still up (it stops its workers and gives up its task-hub leases), then Azurite.
  if [ -n "$host_pid" ]; then
    kill "$host_pid" 2>/dev/null || true
    wait "$host_pid" 2>/dev/null || true
  fi
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'echo; echo "Stopping..."; exit 0' INT TERM

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for() { # port, what, seconds
  for _ in $(seq 1 $(( $3 * 5 ))); do
    if listening "$1"; then return 0; fi
    sleep 0.2
  done
  echo "run.sh: $2 did not start listening on port $1 within $3 s" >&2
  exit 1
}

# Azurite and the dashboard's build tools, pinned in package-lock.json.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing the pinned npm packages with npm ci ..."
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "$memory" -eq 0 ]; then
  for p in 10000 10001 10002; do
    if listening "$p"; then
      echo "run.sh: port $p is in use (another Azurite?). Stop it, or use ./run.sh --memory." >&2
      exit 1
    fi
  done
  mkdir -p .azurite
  # In its own session: Ctrl-C reaches the host and this script, and Azurite is stopped after the host (see stop).
  setsid node_modules/.bin/azurite --location .azurite --skipApiVersionCheck --loose --disableTelemetry --silent &
  pids+=($!)
  wait_for 10001 Azurite 30
  wait_for 10002 Azurite 30
  export AzureWebJobsStorage="UseDevelopmentStorage=true"
  storage="Azurite (data in .azurite/)"
else
  export AzureWebJobsStorage="memory"
  storage="the in-memory store (nothing is kept)"
fi

if listening "$port"; then
  echo "run.sh: port $port is in use; set PORT to another one." >&2
  exit 1
fi

echo "Building the dashboard and the host ..."
npm run --silent build >/dev/null
dotnet build src/ScenarioEngine.Host -c Release -nologo -v q

export Engine__Workers="${Engine__Workers:-true}"
export Samples__Load=true
export Samples__Path="$PWD/samples"
dotnet src/ScenarioEngine.Host/bin/Release/net10.0/ScenarioEngine.Host.dll --urls "http://localhost:$port" &
host_pid=$!
wait_for "$port" "The host" 60

base="http://localhost:$port"
cat <<INFO

ScenarioEngine is running on $storage.
  Dashboard    $base/              (sign in with the admin key)
  API          $base/api            (events key: $ApiKeys__Events, admin key: $ApiKeys__Admin)
  OpenAPI      $base/api/openapi/v1.json
  Health       $base/api/health
  Journeys     curl -s -H 'X-Api-Key: $ApiKeys__Admin' $base/api/journeys

Try it: a customer and a purchase of 6,800 yen (the post-purchase-cross-sell sample sends a thank-you):
  curl -s -X POST $base/api/events -H 'Content-Type: application/json' -H 'X-Api-Key: $ApiKeys__Events' -d '[
    {"type":"identify","customerId":"c1","occurredAt":"$(date -u +%Y-%m-%dT%H:%M:%SZ)","properties":{"email":"c1@example.com","firstName":"Mai","consent":{"email":true}}},
    {"type":"purchase","customerId":"c1","occurredAt":"$(date -u +%Y-%m-%dT%H:%M:%SZ)","properties":{"orderId":"o-1","amount":6800}}]'
  curl -s -H 'X-Api-Key: $ApiKeys__Admin' $base/api/customers/c1/timeline

Press Ctrl-C to stop.
INFO

wait "$host_pid"

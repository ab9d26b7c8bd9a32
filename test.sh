#!/usr/bin/env bash
# Runs every test project of the solution and ends with one line "N passed, N failed[, N skipped]".
# Installs the pinned npm packages (Azurite, ajv, the dashboard's) when missing or older than package-lock.json, builds the
# dashboard (npm run build), and installs Debian's chromium and fonts-noto-cjk for the browser tests when /usr/bin/chromium is
# missing (apt-get; needs root or sudo). The test fixtures start Azurite and Chromium themselves.
set -uo pipefail
cd "$(dirname "$0")"

fail() { echo "$1"; echo "0 passed, 1 failed"; exit 1; }

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing the pinned npm packages from package-lock.json ..."
  npm ci --no-audit --no-fund --loglevel=error || fail "npm ci failed"
fi
npm run --silent build >/dev/null || fail "The dashboard build (npm run build) failed; run it to see why."

if [ ! -x /usr/bin/chromium ] || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
  echo "Installing Debian's chromium and fonts-noto-cjk for the browser tests ..."
  sudo=""
  [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && sudo="sudo"
  { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk; } >/dev/null 2>&1 \
    || fail "Installing chromium and fonts-noto-cjk with apt-get failed (root or sudo and Debian's package mirror are needed)."
  [ -x /usr/bin/chromium ] || fail "/usr/bin/chromium is still missing after apt-get install chromium."
fi

out=$(mktemp)
dotnet build ScenarioEngine.sln -c Release -nologo -v q 2>&1 | tee "$out.build"
build_rc=${PIPESTATUS[0]}
if [ "$build_rc" -ne 0 ]; then
  echo "Build failed."
  echo "0 passed, 1 failed"
  exit 1
fi

dotnet test ScenarioEngine.sln -c Release --no-build -nologo "$@" 2>&1 | tee "$out"
test_rc=${PIPESTATUS[0]}

# VSTest prints one summary per test assembly: "Passed!  - Failed: 0, Passed: 12, Skipped: 0, Total: 12, ..."
read -r passed failed skipped assemblies < <(grep -E '(Passed|Failed)! +- Failed: ' "$out" | awk '
  { for (i = 1; i <= NF; i++) {
      if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
    n++ }
  END { printf "%d %d %d %d\n", p, f, s, n }')
expected=$(ls -d tests/*.Tests | wc -l)
rm -f "$out" "$out.build"
if [ "$assemblies" -lt "$expected" ]; then
  echo "Only $assemblies of $expected test projects reported results."
  failed=$((failed + expected - assemblies))
  test_rc=1
fi
line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$test_rc" -eq 0 ] && [ "$failed" -eq 0 ]

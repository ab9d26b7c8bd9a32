#!/usr/bin/env bash
# Runs every test project of the solution and ends with one line "N passed, N failed[, N skipped]".
# Installs the pinned npm tools (Azurite, ajv) first when they are missing; the test fixtures start Azurite.
set -uo pipefail
cd "$(dirname "$0")"

if [ ! -x node_modules/.bin/azurite ] || [ ! -d node_modules/ajv ]; then
  echo "Installing the pinned npm tools (Azurite, ajv) from package-lock.json ..."
  npm ci --no-audit --no-fund || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }
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

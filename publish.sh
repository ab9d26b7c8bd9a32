#!/usr/bin/env bash
# Publishes the Azure Functions isolated-worker app (src/ScenarioEngine.Functions) for linux-x64 to publish/functionapp: the
# worker, host.json, functions.metadata and the worker's extensions. Deploy it as a zip to the Function App of infra/main.bicep
# (see docs/hosting.md).
set -euo pipefail
cd "$(dirname "$0")"

out=publish/functionapp
rm -rf "$out"
dotnet publish src/ScenarioEngine.Functions/ScenarioEngine.Functions.csproj -c Release -r linux-x64 --self-contained false \
  -o "$out" -nologo -v q
for f in host.json functions.metadata worker.config.json extensions.json ScenarioEngine.Functions.dll; do
  [ -f "$out/$f" ] || { echo "publish.sh: $out/$f is missing" >&2; exit 1; }
done
functions=$(grep -c '"scriptFile"' "$out/functions.metadata")
echo "Published to $out: $functions functions (functions.metadata), host.json, worker ScenarioEngine.Functions.dll ($(du -sh "$out" | cut -f1))"
echo "Zip it with: (cd $out && zip -qr ../functionapp.zip .)"

#!/usr/bin/env bash
# Produces publish/functionapp: the self-contained linux-x64 host (the Azure Functions custom handler), host.json and one
# folder per function (functions/*). Deploy it as a zip to the Function App of infra/main.bicep (see docs/hosting.md).
set -euo pipefail
cd "$(dirname "$0")"

out=publish/functionapp
rm -rf "$out"
mkdir -p "$out"
dotnet publish src/ScenarioEngine.Host/ScenarioEngine.Host.csproj -c Release -r linux-x64 --self-contained true \
  -p:PublishSingleFile=false -o "$out" -nologo -v q
cp host.json "$out/"
for dir in functions/*/; do
  cp -r "$dir" "$out/"
done
chmod +x "$out/ScenarioEngine.Host"
echo "Published to $out: $(ls -d functions/*/ | wc -l) functions, handler $out/ScenarioEngine.Host"
echo "Zip it with: (cd $out && zip -qr ../functionapp.zip .)"

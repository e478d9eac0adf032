#!/usr/bin/env bash
# Runs every benchmark and writes docs/benchmarks.md (see the README's Benchmarks section). Not part of the tests:
# it takes about 20 minutes, and loads the machine and the local cluster.
# Needs root (the local cluster, reading job connection files), the .NET 10 SDK, node 20 and npm.
set -euo pipefail
cd "$(dirname "$0")/.."

bash deploy/local-cluster/cluster.sh up >/dev/null
dotnet build CondoBot.sln --configuration Release -warnaserror --nologo -v quiet
(cd bench/bolt && npm ci --no-audit --no-fund --silent)

# Micro-benchmarks first, on a quiet machine (the end-to-end runs below start processes that linger for seconds).
micro=bench/artifacts/micro
rm -rf "$micro"
dotnet bench/CondoBot.Benchmarks/bin/Release/net10.0/CondoBot.Benchmarks.dll \
  --filter '*' --job short --exporters github --artifacts "$micro" >bench/artifacts-micro.log 2>&1 \
  || { tail -50 bench/artifacts-micro.log; exit 1; }

dotnet bench/CondoBot.Bench/bin/Release/net10.0/CondoBot.Bench.dll "$PWD" docs/benchmarks.md "$micro/results" "$@"

#!/usr/bin/env bash
# Runs every test: brings the local site up (installing it on a fresh machine; needs root), builds the solution
# once, runs each test project, and ends with one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."

bash deploy/local-cluster/cluster.sh up >/dev/null
bash deploy/postgres/local-postgres.sh >/dev/null
bash tests/browser/setup.sh
# Login shells the gate's tests run the authorize line and the forced command under (besides sh and bash).
command -v tcsh >/dev/null && command -v fish >/dev/null \
  || DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends tcsh fish >/dev/null
dotnet build CondoBot.sln --configuration Debug -warnaserror --nologo -v quiet

results=$(mktemp -d)
status=0
for project in tests/*.Tests/*.csproj; do
  name=$(basename "$project" .csproj)
  dotnet test "$project" --no-build --nologo --logger "trx;LogFileName=$name.trx" --results-directory "$results" || status=1
done

# One closing line for the whole run, counted from the test results.
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(f).getroot().find(".//{*}Counters")
    passed += int(c.get("passed", 0)); failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0))
    # A skipped test is counted in total but not in executed.
    skipped += int(c.get("total", 0)) - int(c.get("executed", 0))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
rm -rf "$results"
exit $status

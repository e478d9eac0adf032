#!/usr/bin/env bash
# Runs CondoBot on its embedded defaults: SQLite in ./data, the console front door, and the local cluster
# (sshd + Slurm + Jupyter on loopback, installed and started by deploy/local-cluster/cluster.sh; needs root).
# Type commands (`key condouser`, `start -A cnms -t 0:30:00`, `stop`, `help`) one per line.
set -euo pipefail
cd "$(dirname "$0")/.."

facts=$(bash deploy/local-cluster/cluster.sh up)
eval "$facts"
export Clusters__local__LoginHost="$CONDO_LOGIN_HOST"
export Clusters__local__LoginPort="$CONDO_LOGIN_PORT"
export Clusters__local__HostKeySha256="$CONDO_HOST_KEY_SHA256"
export Storage__DataDirectory="${Storage__DataDirectory:-$PWD/data}"
# The local cluster answers in a second or two; poll it often so the demo feels immediate.
export Sessions__PollInterval="${Sessions__PollInterval:-00:00:01}"

# The screen is for the conversation: the service's log goes to a file, named once when the console starts.
export Terminal__LogFile="${Terminal__LogFile:-$Storage__DataDirectory/condobot.log}"

echo "Building CondoBot (about a minute the first time)..." >&2
dotnet build src/CondoBot.Host --nologo -v quiet -clp:NoSummary >&2

echo "CondoBot on the local cluster at $CONDO_LOGIN_HOST:$CONDO_LOGIN_PORT (test logins: $CONDO_USERS). Type 'help'." >&2
exec dotnet run --no-build --project src/CondoBot.Host -- console "$@"

#!/usr/bin/env bash
# Runs CondoBot on its embedded defaults: SQLite in ./data, the console front door, and the local site installed and
# started by deploy/local-cluster/cluster.sh (needs root): the clusters `local` (Debian 13, Slurm 24.11, JupyterLab 4,
# the default) and `legacy` (Debian 12, Slurm 22.05), and the external login host both are reached through from
# outside. Type commands (`key condouser`, `start -A cnms -t 0:30:00`, `start --cluster legacy`, `stop`, `help`) one
# per line.
set -euo pipefail
cd "$(dirname "$0")/.."

facts=$(bash deploy/local-cluster/cluster.sh up)
eval "$facts"

# Every cluster setting is given here, so the demo does not depend on what the embedded defaults name.
export Clusters__Default=local
for cluster in local legacy; do
  prefix=CONDO_${cluster^^}_
  host=${prefix}LOGIN_HOST port=${prefix}LOGIN_PORT key=${prefix}HOST_KEY_SHA256 launch=${prefix}LAUNCH_COMMAND
  url=${prefix}URL_PATH nodessh=${prefix}NODE_SSH
  export "Clusters__${cluster}__LoginHost=${!host}"
  export "Clusters__${cluster}__LoginPort=${!port}"
  export "Clusters__${cluster}__HostKeySha256=${!key}"
  export "Clusters__${cluster}__ExternalLoginHost=$CONDO_EXTERNAL_HOST"
  export "Clusters__${cluster}__LaunchCommand=${!launch}"
  export "Clusters__${cluster}__UrlPath=${!url}"
  # Where users may SSH to the node (local's tnode01), JupyterLab listens on a private Unix socket there.
  if [[ -n ${!nodessh:-} ]]; then export "Clusters__${cluster}__NodeSsh=true"; else export "Clusters__${cluster}__NodeSsh=false"; fi
done
export Storage__DataDirectory="${Storage__DataDirectory:-$PWD/data}"
# The local site answers in a second or two; poll it often so the demo feels immediate.
export Sessions__PollInterval="${Sessions__PollInterval:-00:00:01}"

# The screen is for the conversation: the service's log goes to a file, named once when the console starts.
export Terminal__LogFile="${Terminal__LogFile:-$Storage__DataDirectory/condobot.log}"

echo "Building CondoBot (about a minute the first time)..." >&2
dotnet build src/CondoBot.Host --nologo -v quiet -clp:NoSummary >&2

cat >&2 <<EOF
CondoBot on the local site (test logins: $CONDO_USERS). Type 'help'.
  cluster local (default): login node $CONDO_LOCAL_LOGIN_HOST:$CONDO_LOCAL_LOGIN_PORT, Slurm $CONDO_LOCAL_SLURM, JupyterLab 4
  cluster legacy:          login node $CONDO_LEGACY_LOGIN_HOST:$CONDO_LEGACY_LOGIN_PORT, Slurm $CONDO_LEGACY_SLURM, the classic Notebook
  external login host:     $CONDO_EXTERNAL_HOST (port $CONDO_EXTERNAL_PORT), for the outside commands
EOF
exec dotnet run --no-build --project src/CondoBot.Host -- console "$@"

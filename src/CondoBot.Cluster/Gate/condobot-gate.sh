#!/bin/sh
# CondoBot gate: the only program a CondoBot key may run on this login node.
#
# authorized_keys runs it for the bot's key as a forced command:
#   restrict,command="/bin/sh PATH-OF-THIS-FILE KEYTAG" ssh-ed25519 ... condobot-...
# sshd puts what the bot asked for in SSH_ORIGINAL_COMMAND. It must be one of the verbs below, with arguments this
# program checks itself; anything else is refused and logged (syslog when /dev/log exists, else ~/.condobot/gate.log).
# The job script is written here, from the submit verb's checked values and the site settings below: a key that
# reaches this gate can start JupyterLab, never code of its own.
#
#   version                           condobot-gate PROTOCOL BUILD
#   identity                          the login name (id -un)
#   sessions                          the user's CondoBot jobs: id|comment
#   board [SESSION...]                the user's CondoBot jobs, a marker, then the sessions' connection and activity files
#   poll JOB SESSION                  one job, a marker, then the session's connection and activity files
#   watch SESSION...                  for up to WATCH_ROUNDS x 2 s: "ended SESSION" once each session's end marker appears
#   partitions                        partitions and node states (sinfo)
#   submit cluster=C session=S port=P nodes=N time=T [account=A] [partition=P] [gpus=G] [after=JOB] [env=E] [keep=SESSION]
#   cancel JOB                        only a CondoBot job of this user
#   output JOB                        the last lines of the job's output file, JupyterLab tokens hidden
#   revoke                            removes this key's own line from ~/.ssh/authorized_keys
#
# With CONDOBOT_NODE_SSH=1 (users may SSH to the nodes running their jobs), JupyterLab listens on no port at all: only
# on a Unix socket of mode 0600 in a fresh directory of mode 0700 on the node, which the connection file names
# (socket=); the printed tunnel logs in to the node and forwards to it. With 0, it listens on a port of the node
# (port=), where any user of the cluster can reach it and only its token stands in the way.
#
# POSIX sh only: it runs under /bin/sh whatever the user's login shell is. No verb is the name of a common program, so
# a key authorized without the gate fails on each of them ("not found") instead of running something else.

# --- site settings (begin) ---
GATE_BUILD=site
CONDOBOT_PREAMBLE=''
CONDOBOT_LAUNCH='jupyter lab'
CONDOBOT_PORT_MIN=20000
CONDOBOT_PORT_MAX=60000
CONDOBOT_NODE_SSH=0
# How often (seconds) a running job records JupyterLab's activity for the bot's idle check.
CONDOBOT_ACTIVITY_EVERY=30
# cluster_settings NAME sets the values for the cluster the bot names in a submission, or fails for a cluster this
# gate does not serve. A site-wide gate serves one cluster, whatever the bot calls it: the values above.
cluster_settings() { return 0; }
# environment_settings CLUSTER ENV sets an environment's preamble (run after the cluster's) and launch command, or
# fails for an environment this gate does not hold. None here.
CONDOBOT_ENV_PREAMBLE=''
environment_settings() { return 1; }
# --- site settings (end) ---

GATE_PROTOCOL=3
JOB_NAME=condobot
MARKER='@@condobot squeue-exit'
LAUNCH_ATTEMPTS=5
# A watch looks every 2 s and lasts at most this many looks (5 min), shorter than the bot keeps a connection: a key
# removed from authorized_keys is never kept alive by a watch. The bot starts the next one.
WATCH_ROUNDS=150

tag=${1-}
request=${SSH_ORIGINAL_COMMAND-}
set -f
cd "$HOME" || exit 1

log_refusal() {
  # What was asked, printable characters only and at most 200 of them, so the log cannot be forged or flooded.
  asked=$(printf '%s' "$request" | tr -c 'A-Za-z0-9 =:._,/+@%-' '?' | cut -c1-200)
  entry="refused for $(id -un 2>/dev/null) key ${tag:-none}: $1: ${asked:-(a shell or a subsystem)}"
  if [ -S /dev/log ] && command -v logger >/dev/null 2>&1 && logger -t condobot-gate -p auth.warning -- "$entry" 2>/dev/null; then
    return 0
  fi
  # Kept under a megabyte: a flood of refusals must not fill the user's home.
  [ ! -f .condobot/gate.log ] || [ "$(wc -c < .condobot/gate.log)" -lt 1048576 ] || return 0
  (umask 077 && mkdir -p .condobot && printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$entry" >> .condobot/gate.log) 2>/dev/null
}

refuse() {
  log_refusal "$1"
  echo "condobot-gate: refused: $1 (this key can only run CondoBot's own commands)" >&2
  exit 126
}

# matches VALUE PATTERN-OF-ALLOWED-CHARACTERS MAX-LENGTH: non-empty, only those characters, not too long.
matches() {
  [ -n "$1" ] && [ "${#1}" -le "$3" ] || return 1
  case $1 in *[!$2]*) return 1 ;; esac
  return 0
}

number() { matches "$1" '0-9' "${2:-9}" && case $1 in 0?*) return 1 ;; esac; }

session_id() { matches "$1" '0-9a-f' 32 && [ "${#1}" -eq 32 ]; }

slurm_name() { matches "$1" 'A-Za-z0-9_.-' 64 && case $1 in [A-Za-z0-9]*) return 0 ;; esac; return 1; }

walltime() {
  matches "$1" '0-9:-' 16 || return 1
  case $1 in *[0-9]) ;; *) return 1 ;; esac
  case $1 in [0-9]*) return 0 ;; esac
  return 1
}

me() { id -un; }

board() {
  squeue --noheader --states=all --user "$(me)" --name="$JOB_NAME" --format='%i|%T|%N|%L|%S|%r|%e|%D'
  echo "$MARKER $? $(date +%z)"
  [ $# -gt 0 ] || exit 0
  files=
  for s; do files="$files .condobot/$s.conn .condobot/$s.activity"; done
  # shellcheck disable=SC2086 # session ids are 32 hex digits, checked before.
  grep -H '' -- $files 2>/dev/null
  exit 0
}

poll() {
  squeue --noheader --states=all --jobs "$1" --format='%i|%T|%N|%L|%S|%r|%e|%D'
  echo "$MARKER $? $(date +%z)"
  cat ".condobot/$2.conn" ".condobot/$2.activity" 2>/dev/null
  exit 0
}

# watch SESSION...: prints "ended SESSION" once for each session whose end marker is there or appears, looking every
# 2 s (file tests only: no Slurm command, nothing for slurmctld), and "@@condobot watching" every 30 s, so a watch
# whose bot went away dies on the closed pipe instead of running out its rounds. Exits once every session has ended.
watch() {
  left=$#
  round=0
  while [ "$round" -lt "$WATCH_ROUNDS" ]; do
    for s; do
      case " $told " in *" $s "*) continue ;; esac
      [ -f ".condobot/$s.ended" ] || continue
      echo "ended $s" || exit 0
      told="$told $s"
      left=$((left - 1))
    done
    [ "$left" -gt 0 ] || exit 0
    round=$((round + 1))
    [ $((round % 15)) -ne 0 ] || echo "@@condobot watching" || exit 0
    sleep 2
  done
  echo "@@condobot watch-over"
  exit 0
}

cancel() {
  job=$1
  if ! listed=$(squeue --noheader --states=all --jobs "$job" --user "$(me)" --name="$JOB_NAME" --format='%i' 2>&1); then
    # A job Slurm has already purged is gone, which is what cancelling wants; any other failure is passed on.
    case $listed in *"Invalid job id"*) echo "$listed" >&2; exit 0 ;; esac
    echo "$listed" >&2
    exit 1
  fi
  case " $(echo $listed) " in
    *" $job "*) exec scancel "$job" ;;
  esac
  echo "scancel: error: Kill job error on job id $job: Access/permission denied (not a CondoBot job of $(me))" >&2
  exit 210
}

# The batch script for one session. JupyterLab gets a fresh token only in its environment (never on a command line),
# and the private connection file is written once it answers: that is how the bot learns the session is ready. On a
# port, it moves to another port of the site's range if the chosen one is taken. The token is also kept in
# SESSION.token while the job runs; a follow-on (keep=) marks it with SESSION.keep, so the job leaves it behind at its
# end, and the follow-on takes it over (and removes it): an open browser tab's URL stays good. While JupyterLab runs, the
# job writes what JupyterLab says of its own activity to SESSION.activity every CONDOBOT_ACTIVITY_EVERY seconds (see
# lab_activity), which board and poll return with the connection file: how the bot tells an idle lab from a busy one.
# Whatever ends the job (JupyterLab shut down from its menu, scancel, the walltime: both send SIGTERM first, which the
# TERM trap turns into a prompt exit, as JupyterLab runs in the background), the EXIT trap's last act is SESSION.ended,
# the marker the watch verb looks for: how the bot hears of an end within seconds without asking slurmctld.
job_script() {
  cat <<EOF
#!/bin/bash
# CondoBot session $session: JupyterLab on the first node of this job.
umask 077
conn="\$HOME/.condobot/$session.conn"
token_file="\$HOME/.condobot/$session.token"
keep_mark="\$HOME/.condobot/$session.keep"
activity="\$HOME/.condobot/$session.activity"
ended="\$HOME/.condobot/$session.ended"
EOF
  if [ "$CONDOBOT_NODE_SSH" = 1 ]; then
    cat <<EOF
# A fresh directory only this user can enter, on the node; the path stays far below a socket address's 107 bytes.
labdir=\$(mktemp -d /tmp/condobot-${session%????????????????????????}.XXXXXXXX) || exit 1
sock="\$labdir/jupyter.sock"
trap 'rm -f "\$conn" "\$conn.tmp" "\$activity" "\$activity.tmp"; [ -f "\$keep_mark" ] || rm -f "\$token_file"; rm -f "\$keep_mark"; rm -rf "\$labdir"; : > "\$ended"' EXIT
EOF
  else
    echo "trap 'rm -f \"\$conn\" \"\$conn.tmp\" \"\$activity\" \"\$activity.tmp\"; [ -f \"\$keep_mark\" ] || rm -f \"\$token_file\"; rm -f \"\$keep_mark\"; : > \"\$ended\"' EXIT"
  fi
  echo "trap 'exit 143' TERM"
  if [ -n "$CONDOBOT_PREAMBLE" ]; then
    echo '# Site preamble'
    printf '%s\n' "$CONDOBOT_PREAMBLE"
  fi
  if [ -n "$env" ]; then
    echo "# Environment $env"
    [ -z "$CONDOBOT_ENV_PREAMBLE" ] || printf '%s\n' "$CONDOBOT_ENV_PREAMBLE"
  fi
  cat <<EOF
export XDG_RUNTIME_DIR=""
EOF
  if [ -n "$keep" ]; then
    cat <<EOF
kept_file="\$HOME/.condobot/$keep.token"
JUPYTER_TOKEN="\$(tr -cd '0-9a-f' < "\$kept_file" 2>/dev/null)"
rm -f "\$kept_file"
kept=1
[ "\${#JUPYTER_TOKEN}" -eq 48 ] || kept=0
EOF
  else
    echo 'kept=0'
  fi
  cat <<EOF
[ "\$kept" = 1 ] || JUPYTER_TOKEN="\$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \\n')"
export JUPYTER_TOKEN
printf '%s\\n' "\$JUPYTER_TOKEN" > "\$token_file"
node="\${SLURMD_NODENAME:-\$(hostname -s)}"
EOF
  [ "$CONDOBOT_NODE_SSH" = 1 ] || echo "port=$port"
  cat <<'EOF'
# lab_get PATH: GET PATH from this job's JupyterLab, the body on stdout; an HTTP error fails. On a port, JupyterLab
# refuses a Host that is not local (allow_remote_access), so the request names localhost whatever address it goes to;
# the loopback address is tried next. The one place that knows how to reach JupyterLab. The
# token goes in a header read from stdin (printf is a builtin), never on a command line.
lab_get() {
EOF
  if [ "$CONDOBOT_NODE_SSH" = 1 ]; then
    cat <<'EOF'
  printf 'header = "Authorization: token %s"\n' "$JUPYTER_TOKEN" | curl -sf --max-time 2 --config - --unix-socket "$sock" "http://localhost$1"
}
EOF
  else
    cat <<'EOF'
  printf 'header = "Authorization: token %s"\n' "$JUPYTER_TOKEN" | curl -sf --max-time 2 --config - -H 'Host: localhost' "http://$node:$port$1" \
    || printf 'header = "Authorization: token %s"\n' "$JUPYTER_TOKEN" | curl -sf --max-time 2 --config - "http://127.0.0.1:$port$1"
}
EOF
  fi
  cat <<'EOF'
# lab_activity: JupyterLab's own account of its activity (/api/status: last_activity, connections; /api/kernels: each
# kernel's execution_state), written atomically as key=value lines with the time in epoch seconds. Neither request
# counts as activity itself (/api/status is not tracked; no_track_activity for the kernels). Nothing is written when
# JupyterLab does not answer, so a stale file shows by its checked= time.
lab_activity() {
  status=$(lab_get /api/status) && kernels=$(lab_get '/api/kernels?no_track_activity=1') || return 0
  last=$(printf '%s' "$status" | sed -n 's/.*"last_activity": *"\([0-9T:.Z+-]*\)".*/\1/p')
  [ -n "$last" ] && last=$(date -d "$last" +%s 2>/dev/null) || return 0
  connections=$(printf '%s' "$status" | sed -n 's/.*"connections": *\([0-9]*\).*/\1/p')
  busy=$(printf '%s' "$kernels" | grep -o '"execution_state": *"busy"' | wc -l)
  count=$(printf '%s' "$kernels" | grep -o '"execution_state"' | wc -l)
  printf 'last_activity=%s\nconnections=%s\nbusy_kernels=%s\nkernels=%s\nchecked=%s\n' \
    "$last" "${connections:-0}" "$busy" "$count" "$(date +%s)" > "$activity.tmp" && mv "$activity.tmp" "$activity"
}
EOF
  echo "for attempt in \$(seq 1 $LAUNCH_ATTEMPTS); do"
  if [ "$CONDOBOT_NODE_SSH" = 1 ]; then
    cat <<EOF
  $CONDOBOT_LAUNCH --sock="\$sock" --ServerApp.sock_mode=0600 --no-browser &
  pid=\$!
  while kill -0 "\$pid" 2>/dev/null; do
    if [ -S "\$sock" ] && lab_get /api > /dev/null; then
      printf 'node=%s\\nsocket=%s\\ntoken=%s\\nready=%s\\nkept=%s\\n' "\$node" "\$sock" "\$JUPYTER_TOKEN" "\$(date +%s)" "\$kept" > "\$conn.tmp"
EOF
  else
    cat <<EOF
  $CONDOBOT_LAUNCH --ip=0.0.0.0 --port="\$port" --port-retries=0 --no-browser &
  pid=\$!
  while kill -0 "\$pid" 2>/dev/null; do
    if lab_get /api > /dev/null; then
      printf 'node=%s\\nport=%s\\ntoken=%s\\nready=%s\\nkept=%s\\n' "\$node" "\$port" "\$JUPYTER_TOKEN" "\$(date +%s)" "\$kept" > "\$conn.tmp"
EOF
  fi
  cat <<EOF
      mv "\$conn.tmp" "\$conn"
      ( while kill -0 "\$pid" 2>/dev/null; do lab_activity; sleep $CONDOBOT_ACTIVITY_EVERY; done ) &
      watcher=\$!
      wait "\$pid"
      status=\$?
      kill "\$watcher" 2>/dev/null
      exit \$status
    fi
    sleep 0.5
  done
  wait "\$pid"
EOF
  if [ "$CONDOBOT_NODE_SSH" = 1 ]; then
    cat <<EOF
  echo "CondoBot: JupyterLab stopped before answering on \$sock (attempt \$attempt)" >&2
  rm -f "\$sock"
EOF
  else
    cat <<EOF
  echo "CondoBot: JupyterLab stopped before answering on port \$port (attempt \$attempt)" >&2
  port=\$(( $CONDOBOT_PORT_MIN + (RANDOM * 32768 + RANDOM) % $((CONDOBOT_PORT_MAX - CONDOBOT_PORT_MIN)) ))
EOF
  fi
  cat <<EOF
done
echo "CondoBot: JupyterLab did not start" >&2
exit 1
EOF
}

submit() {
  cluster= session= port= nodes= time= account= partition= gpus=0 after= env= keep=
  for a; do
    case $a in
      cluster=*) cluster=${a#*=} ;;
      session=*) session=${a#*=} ;;
      port=*) port=${a#*=} ;;
      nodes=*) nodes=${a#*=} ;;
      time=*) time=${a#*=} ;;
      account=*) account=${a#*=} ;;
      partition=*) partition=${a#*=} ;;
      gpus=*) gpus=${a#*=} ;;
      after=*) after=${a#*=} ;;
      env=*) env=${a#*=} ;;
      keep=*) keep=${a#*=} ;;
      *) refuse "submit takes cluster=, session=, port=, nodes=, time=, account=, partition=, gpus=, after=, env= and keep=" ;;
    esac
  done
  matches "$cluster" 'A-Za-z0-9_-' 32 || refuse "submit: cluster= must be a cluster name"
  cluster_settings "$cluster" || refuse "submit: this gate has no settings for cluster $cluster"
  session_id "$session" || refuse "submit: session= must be 32 hex digits"
  number "$port" 5 && [ "$port" -ge "$CONDOBOT_PORT_MIN" ] && [ "$port" -le "$CONDOBOT_PORT_MAX" ] \
    || refuse "submit: port= must be a number from $CONDOBOT_PORT_MIN to $CONDOBOT_PORT_MAX"
  number "$nodes" 4 && [ "$nodes" -ge 1 ] || refuse "submit: nodes= must be a positive number"
  number "$gpus" 3 || [ "$gpus" = 0 ] || refuse "submit: gpus= must be a number"
  walltime "$time" || refuse "submit: time= must be a Slurm time limit such as 02:00:00 or 1-00:00:00"
  [ -z "$account" ] || slurm_name "$account" || refuse "submit: account= must be a Slurm account name"
  [ -z "$partition" ] || slurm_name "$partition" || refuse "submit: partition= must be a Slurm partition name"
  [ -z "$after" ] || { number "$after" 12 && [ "$after" -ge 1 ]; } || refuse "submit: after= must be a job id"
  [ -z "$env" ] || matches "$env" 'A-Za-z0-9_-' 32 || refuse "submit: env= must be an environment name"
  [ -z "$env" ] || environment_settings "$cluster" "$env" || refuse "submit: this gate has no environment $env for cluster $cluster"
  [ -z "$keep" ] || { session_id "$keep" && [ -n "$after" ] && [ "$keep" != "$session" ]; } \
    || refuse "submit: keep= must be the session id of the job named by after="

  umask 077
  mkdir -p .condobot && chmod 700 .condobot || exit 1
  # The session followed keeps its token at its end for this one (see job_script).
  [ -z "$keep" ] || : > ".condobot/$keep.keep" || exit 1
  # End markers of sessions that ended more than a day ago have been watched for long enough.
  find .condobot -maxdepth 1 -name '*.ended' -mtime +0 -exec rm -f {} + 2>/dev/null
  set -- --parsable --job-name="$JOB_NAME" --comment="condobot:$session"
  [ -z "$account" ] || set -- "$@" --account "$account"
  [ -z "$partition" ] || set -- "$@" --partition "$partition"
  [ "$gpus" = 0 ] || set -- "$@" --gpus-per-node="$gpus"
  [ -z "$after" ] || set -- "$@" --dependency="afterany:$after"
  set -- "$@" --nodes "$nodes" --time "$time" --output=.condobot/slurm-%j.out
  job_script | sbatch "$@"
}

# The last lines of a session job's output (the file its submission named), to explain a job that ended before
# JupyterLab answered. Anything that looks like a token is hidden here already: JupyterLab prints its URL with it.
output() {
  file=".condobot/slurm-$1.out"
  [ -f "$file" ] || { echo "condobot-gate: job $1 left no output file" >&2; exit 0; }
  tail -n 40 "$file" | sed -e 's/token=[A-Za-z0-9]*/token=(hidden)/g' -e 's/[0-9a-fA-F]\{32,\}/(hidden)/g'
  exit 0
}

revoke() {
  matches "$tag" '0-9a-f' 32 || refuse "revoke: this key's line names no key tag"
  keys=.ssh/authorized_keys
  lock=.ssh/authorized_keys.condobot-lock
  i=0
  until mkdir "$lock" 2>/dev/null; do
    i=$((i + 1))
    [ "$i" -lt 50 ] || { echo "condobot-gate: $lock is held; try again" >&2; exit 75; }
    sleep 0.2
  done
  trap 'rmdir "$lock" 2>/dev/null' EXIT
  count=$(grep -c -F " $tag\"" "$keys" 2>/dev/null)
  if [ "${count:-0}" -eq 0 ]; then
    echo "condobot-gate: revoked 0"
    exit 0
  fi
  tmp=$keys.condobot.$$
  grep -v -F " $tag\"" "$keys" > "$tmp"
  chmod 600 "$tmp" && mv -f "$tmp" "$keys" || { rm -f "$tmp"; exit 1; }
  echo "condobot-gate: revoked $count"
  exit 0
}

[ "${#request}" -le 4096 ] || refuse "request too long"
case $request in
  *[!A-Za-z0-9\ =:._-]*) refuse "characters outside the gate's vocabulary" ;;
esac
# shellcheck disable=SC2086 # split on spaces on purpose; globbing is off (set -f) and the characters checked above.
set -- $request
verb=${1-}
[ $# -eq 0 ] || shift
case $verb in
  version) [ $# -eq 0 ] || refuse "version takes no arguments"; echo "condobot-gate $GATE_PROTOCOL $GATE_BUILD" ;;
  identity) [ $# -eq 0 ] || refuse "identity takes no arguments"; exec id -un ;;
  sessions)
    [ $# -eq 0 ] || refuse "sessions takes no arguments"
    exec squeue --noheader --states=all --user "$(me)" --name="$JOB_NAME" --format='%i|%k' ;;
  board)
    for s; do session_id "$s" || refuse "board takes session ids"; done
    board "$@" ;;
  poll)
    [ $# -eq 2 ] && number "$1" 12 && session_id "$2" || refuse "poll takes a job id and a session id"
    poll "$1" "$2" ;;
  watch)
    [ $# -ge 1 ] || refuse "watch takes session ids"
    for s; do session_id "$s" || refuse "watch takes session ids"; done
    told=
    watch "$@" ;;
  partitions) [ $# -eq 0 ] || refuse "partitions takes no arguments"; exec sinfo --noheader --format='%P|%a|%t|%D|%l' ;;
  submit) submit "$@" ;;
  cancel)
    [ $# -eq 1 ] && number "$1" 12 || refuse "cancel takes one job id"
    cancel "$1" ;;
  output)
    [ $# -eq 1 ] && number "$1" 12 || refuse "output takes one job id"
    output "$1" ;;
  revoke) [ $# -eq 0 ] || refuse "revoke takes no arguments"; revoke ;;
  *) refuse "not a CondoBot command" ;;
esac

#!/usr/bin/env bash
# CondoBot local site on one Debian 12 machine: two real Slurm clusters, an external login host and SSH to
# compute nodes, each an sshd of its own on a loopback address.
#
#   legacy   the host's own Debian 12 packages: sshd 127.0.0.1:2222, munge, Slurm 22.05 (node001), jupyter-server
#   local    (the default) a Debian 13 root: sshd 127.0.0.3:2223, munge, Slurm 24.11 (tnode01), JupyterLab 4;
#            tnode01 accepts SSH (127.0.0.4:22) from users with a running job on it
#   external login host 127.0.0.2:22, forwarding only to the login nodes
# The Debian 13 parts are in site.sh.
#
# Usage: cluster.sh [up|down [local|legacy]|status|facts|authorize USER]
#
#   up (default)    Install what is missing, write configs that changed, start daemons that are not
#                   running, wait for the nodes, then print the site's facts (KEY='VALUE' lines, per
#                   cluster: CONDO_LOCAL_..., CONDO_LEGACY_..., CONDO_EXTERNAL_...) on stdout and write
#                   them to /run/condobot-site/facts.env; the legacy cluster's facts are also written to
#                   /run/condobot-cluster/facts.env under their older names (CONDO_LOGIN_HOST, ...).
#                   Idempotent; a no-op run is fast. Everything else goes to stderr, so
#                   `eval "$(cluster.sh up)"` works. The Debian 13 root is built once (a few minutes) in
#                   /var/lib/condobot-site and rebuilt only when its package list changes.
#   down [local|legacy]  Stop every daemon of the site (or of one cluster) by the PIDs in their
#                   pidfiles; for `local`, also what still runs inside the root (job steps), then unmount
#                   the root's /proc and /home.
#   status          Show which daemons run, and `sinfo` of both clusters. Exit 0 if all run, 3 otherwise.
#   facts           Print the facts without starting anything; exit 1 if the site is not up.
#   authorize USER  Append one authorized_keys line (read from stdin) to a test user's
#                   ~/.ssh/authorized_keys, so a person can follow the bot's "authorize this key" step.
#
# Assumptions: Debian 12, run as root, no systemd and no cgroups needed. Only the sshd on
# 127.0.0.1:2222 started here is ever touched; a system sshd on port 22 is left alone.
set -euo pipefail

export PATH="/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin${PATH:+:$PATH}"
export DEBIAN_FRONTEND=noninteractive
export LC_ALL=C

# ---------------------------------------------------------------------------------------------
# Settings
# ---------------------------------------------------------------------------------------------
readonly PACKAGES=(openssh-server munge slurmctld slurmd slurm-client slurm-wlm-basic-plugins
                   jupyter-server jupyter-core jupyter-notebook curl debootstrap)

readonly TEST_USERS=(condouser condouser2 condouser3)
# First account of each list is the user's default account.
declare -rA USER_ACCOUNTS=(
  [condouser]="cnms,birthright"
  [condouser2]="ccsd,birthright"
  [condouser3]="birthright"
)

readonly LOGIN_HOST=127.0.0.1
readonly LOGIN_PORT=2222
readonly NODE=node001
readonly PARTITIONS="debug short"

readonly STATE_DIR=/run/condobot-cluster
readonly FACTS_FILE=$STATE_DIR/facts.env
readonly LOCK_FILE=$STATE_DIR/lock

readonly MUNGE_KEY=/etc/munge/munge.key
readonly MUNGE_PIDFILE=/run/munge/munged.pid

readonly SLURM_CONF=/etc/slurm/slurm.conf
readonly SLURM_LUA=/etc/slurm/job_submit.lua
readonly ACCOUNTS_FILE=/etc/slurm/condobot-accounts
readonly SLURM_LOG_DIR=/var/log/slurm
readonly SLURM_STATE_DIR=/var/lib/slurm/slurmctld
readonly SLURMD_SPOOL_DIR=/var/lib/slurm/slurmd
readonly SLURMCTLD_PIDFILE=/run/slurmctld.pid
readonly SLURMD_PIDFILE=/run/slurmd.pid
readonly JOBCOMP_LOG=$SLURM_LOG_DIR/jobcomp.log

readonly SSHD_CONFIG=/etc/ssh/condobot_sshd_config
readonly SSHD_PIDFILE=/run/condobot-sshd.pid
readonly SSHD_LOG=/var/log/condobot-sshd.log
readonly HOST_KEY=/etc/ssh/ssh_host_ed25519_key

readonly JUPYTER_LAB_WRAPPER=/usr/local/bin/jupyter-lab

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
log() { printf 'cluster.sh: %s\n' "$*" >&2; }
die() { printf 'cluster.sh: error: %s\n' "$*" >&2; exit 1; }

require_root() { ((EUID == 0)) || die "must run as root"; }

# A no-op `up` must be fast, and process creation is slow on some sandboxes (several ms each), so
# the common path avoids subshells and external commands: files are read with `read`, generated
# text goes into variables, and results come back in globals instead of through $(...).

# Serialise concurrent up/down/authorize runs (e.g. parallel test fixtures).
take_lock() {
  [[ -d $STATE_DIR ]] || install -d -m 755 "$STATE_DIR"
  exec 9>"$LOCK_FILE"
  flock 9
}

# text VAR <<EOF ... EOF: stores a here-document in VAR, final newline included, without a subshell.
text() { IFS= read -r -d '' "$1" || true; }

# write_if_changed PATH MODE OWNER:GROUP CONTENT
# Writes CONTENT atomically when the file's content differs; returns 0 if it wrote, 1 if the file
# was already up to date (then nothing is touched). Mode and owner are set when writing.
write_if_changed() {
  local path=$1 mode=$2 owner=$3 content=$4 current="" tmp
  if [[ -f $path ]]; then
    IFS= read -r -d '' current <"$path" || true
    [[ $current == "$content" ]] && return 1
  fi
  tmp=$(mktemp "${path}.XXXXXX")
  printf '%s' "$content" >"$tmp"
  chmod "$mode" "$tmp"
  chown "$owner" "$tmp"
  mv -f "$tmp" "$path"
  log "wrote $path"
  return 0
}

# alive PID: the process exists and is not a zombie. (kill -0 alone succeeds on a zombie, and a
# daemon whose parent is a container init that does not reap stays a zombie for a while.)
alive() {
  local stat=""
  # As non-root (status/facts), kill -0 on root's or munge's daemons fails with EPERM; /proc decides.
  kill -0 "$1" 2>/dev/null || ((EUID != 0)) || return 1
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  stat=${stat##*) }          # drop "PID (comm) ", comm may contain spaces
  [[ ${stat:0:1} != Z ]]
}

# daemon_pid PIDFILE COMM: succeeds, with the PID in $DAEMON_PID, if the pidfile names a live
# process whose command name is COMM (guards against a stale pidfile whose PID was reused).
DAEMON_PID=""
daemon_pid() {
  local pidfile=$1 comm=$2 pid="" actual=""
  DAEMON_PID=""
  [[ -r $pidfile ]] || return 1
  { read -r pid <"$pidfile"; } 2>/dev/null || true
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  { read -r actual <"/proc/$pid/comm"; } 2>/dev/null || return 1
  [[ $actual == "$comm" ]] || return 1
  DAEMON_PID=$pid
}

# close_fds_and_exec COMMAND...: exec COMMAND with only stdin/stdout/stderr open. Some daemons
# (munged) keep every inherited descriptor: the caller's stdout pipe (carrying the facts: would hang
# `$(cluster.sh up)`), our lock on fd 9 (would block every later run), or a test runner's pipes.
close_fds_and_exec() {
  local fd
  for fd in /proc/self/fd/*; do
    fd=${fd##*/}
    ((fd > 2)) && eval "exec $fd>&-" 2>/dev/null || true
  done
  exec "$@"
}

# start_daemon NAME PIDFILE COMM COMMAND...: runs COMMAND (which daemonizes) unless NAME already
# runs, then waits for its pidfile. Returns 0 if it started the daemon, 1 if it was running.
start_daemon() {
  local name=$1 pidfile=$2 comm=$3 i
  shift 3
  if daemon_pid "$pidfile" "$comm"; then
    return 1
  fi
  rm -f "$pidfile"
  log "starting $name"
  (close_fds_and_exec "$@") </dev/null >&2 || die "$name failed to start (command: $*)"
  # These daemons fork and write the pidfile a moment after the command returns.
  for ((i = 0; i < 100; i++)); do
    daemon_pid "$pidfile" "$comm" && return 0
    sleep 0.1
  done
  die "$name did not come up within 10 s (no live pid in $pidfile); see its log"
}

# stop_daemon NAME PIDFILE COMM: SIGTERM by pidfile, wait up to 15 s, SIGKILL as a last resort,
# then remove the pidfile (a stale /run/slurmctld.pid breaks Debian's package removal).
stop_daemon() {
  local name=$1 pidfile=$2 comm=$3 pid i
  if daemon_pid "$pidfile" "$comm"; then
    pid=$DAEMON_PID
    log "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 150; i++)); do
      alive "$pid" || break
      sleep 0.1
    done
    if alive "$pid"; then
      log "$name (pid $pid) ignored SIGTERM for 15 s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do
        alive "$pid" || break
        sleep 0.1
      done
    fi
  fi
  rm -f "$pidfile"
}

# ---------------------------------------------------------------------------------------------
# Packages
# ---------------------------------------------------------------------------------------------
ensure_packages() {
  local installed missing=() p
  # One dpkg-query for all packages; it exits non-zero when some are unknown, which is expected.
  installed=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' "${PACKAGES[@]}" 2>/dev/null || true)
  for p in "${PACKAGES[@]}"; do
    [[ $'\n'$installed$'\n' == *$'\n'"$p installed"$'\n'* ]] || missing+=("$p")
  done
  ((${#missing[@]} == 0)) && return 0

  log "installing missing packages: ${missing[*]}"
  # Keep maintainer scripts from starting the packaged services (a system sshd on :22, munge,
  # slurmctld without our config): we start our own instances below. Docker images often ship
  # such a policy-rc.d already; only add (and later remove) ours if none exists.
  local own_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\n# temporary, from CondoBot cluster.sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    own_policy=1
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  apt-get update >&2
  apt-get install -y --no-install-recommends "${PACKAGES[@]}" >&2
  if ((own_policy)); then
    rm -f /usr/sbin/policy-rc.d
    trap - EXIT
  fi
}

# ---------------------------------------------------------------------------------------------
# Users
# ---------------------------------------------------------------------------------------------
# Fills USER_HOME[user], USER_GID[user] and USER_PW[user] (shadow password field) for the test
# users that exist, with two getent calls in all.
declare -A USER_HOME=() USER_GID=() USER_PW=()
load_users() {
  local name pw uid gid gecos home shell rest
  USER_HOME=() USER_GID=() USER_PW=()
  while IFS=: read -r name pw uid gid gecos home shell; do
    USER_HOME[$name]=$home USER_GID[$name]=$gid
  done < <(getent passwd "${TEST_USERS[@]}" || true)
  while IFS=: read -r name pw rest; do
    USER_PW[$name]=$pw
  done < <(getent shadow "${TEST_USERS[@]}" || true)
}

# ~/.ssh (700) and ~/.ssh/authorized_keys (600) owned by the user. With force=1 the modes and
# owners are (re)set even when both exist (sshd's StrictModes rejects a group-writable file).
ensure_user_ssh_dir() {
  local user=$1 force=${2:-0} home=${USER_HOME[$1]} gid=${USER_GID[$1]}
  if ((force)) || [[ ! -d $home/.ssh ]]; then
    install -d -m 700 -o "$user" -g "$gid" "$home/.ssh"
  fi
  if [[ ! -e $home/.ssh/authorized_keys ]]; then
    install -m 600 -o "$user" -g "$gid" /dev/null "$home/.ssh/authorized_keys"
  elif ((force)); then
    chown "$user:$gid" "$home/.ssh/authorized_keys"
    chmod 600 "$home/.ssh/authorized_keys"
  fi
}

ensure_users() {
  local user created=0
  load_users
  for user in "${TEST_USERS[@]}"; do
    if [[ -z ${USER_HOME[$user]:-} ]]; then
      log "creating user $user"
      useradd --create-home --shell /bin/bash "$user"
      created=1
    fi
  done
  ((created)) && load_users
  for user in "${TEST_USERS[@]}"; do
    # useradd leaves the password field as '!' (locked); with UsePAM no, sshd then refuses even
    # public-key logins. '*' means "no password works" but the account is not locked.
    [[ ${USER_PW[$user]:-} == '*' ]] || usermod -p '*' "$user"
    ensure_user_ssh_dir "$user"
  done
}

# Users whose login shell is tcsh or fish, for the gate's tests under a real sshd (GateLoginShellTests): on this
# machine only, and let in by no sshd of the site (the test runs its own for them). The shells come with tests/run.sh;
# without one, its user is not made.
readonly SHELL_USERS=(condotcsh:/usr/bin/tcsh condofish:/usr/bin/fish)

ensure_shell_users() {
  local entry user shell home
  for entry in "${SHELL_USERS[@]}"; do
    user=${entry%%:*} shell=${entry#*:}
    [[ -x $shell ]] || continue
    if ! getent passwd "$user" >/dev/null; then
      log "creating user $user (login shell $shell)"
      useradd --create-home --shell "$shell" "$user"
    fi
    [[ $(getent passwd "$user" | cut -d: -f7) == "$shell" ]] || usermod -s "$shell" "$user"
    # '*' and not useradd's locked '!': sshd without PAM refuses public-key logins to a locked account.
    [[ $(getent shadow "$user" | cut -d: -f2) == '*' ]] || usermod -p '*' "$user"
    home=$(getent passwd "$user" | cut -d: -f6)
    [[ -d $home/.ssh ]] || install -d -m 700 -o "$user" -g "$(id -g "$user")" "$home/.ssh"
    [[ -e $home/.ssh/authorized_keys ]] || install -m 600 -o "$user" -g "$(id -g "$user")" /dev/null "$home/.ssh/authorized_keys"
  done
}

# ---------------------------------------------------------------------------------------------
# munge
# ---------------------------------------------------------------------------------------------
ensure_munge() {
  daemon_pid "$MUNGE_PIDFILE" munged && return 0
  if [[ ! -s $MUNGE_KEY ]]; then
    log "creating munge key"
    install -d -m 700 -o munge -g munge /etc/munge
    mungekey --create --force --keyfile="$MUNGE_KEY"
  fi
  # munged refuses to start with a key that is readable by others or not owned by munge.
  chown munge:munge "$MUNGE_KEY"
  chmod 400 "$MUNGE_KEY"
  install -d -o munge -g munge -m 755 /run/munge
  if start_daemon munged "$MUNGE_PIDFILE" munged runuser -u munge -- /usr/sbin/munged; then
    # The pidfile can appear before the socket answers; Slurm's daemons need a working munge.
    local i
    for ((i = 0; i < 50; i++)); do
      munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && return 0
      sleep 0.1
    done
    die "munged runs but does not answer (see /var/log/munge/munged.log)"
  fi
}

# ---------------------------------------------------------------------------------------------
# Slurm
# ---------------------------------------------------------------------------------------------
slurm_conf_content() {
  text SLURM_CONF_CONTENT <<EOF
# Managed by CondoBot deploy/local-cluster/cluster.sh; local edits are overwritten.
# Single-machine Slurm 22.05 without systemd, cgroups or slurmdbd.
ClusterName=condo
SlurmctldHost=localhost
AuthType=auth/munge
CredType=cred/munge
SlurmUser=slurm
SlurmdUser=root
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$SLURM_STATE_DIR
SlurmdSpoolDir=$SLURMD_SPOOL_DIR
SlurmctldPidFile=$SLURMCTLD_PIDFILE
SlurmdPidFile=$SLURMD_PIDFILE
SlurmctldLogFile=$SLURM_LOG_DIR/slurmctld.log
SlurmdLogFile=$SLURM_LOG_DIR/slurmd.log
# No cgroups here: track job processes through /proc and do no task binding.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
# No slurmdbd: associations cannot be enforced, so job_submit.lua checks accounts instead.
AccountingStorageType=accounting_storage/none
JobSubmitPlugins=lua
# One line per finished job: the stand-in for sacct.
JobCompType=jobcomp/filetxt
JobCompLoc=$JOBCOMP_LOG
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
MailProg=/bin/true
# A node that was down because slurmd stopped returns to service when slurmd registers again.
ReturnToService=2
MinJobAge=300
# Reject over-limit jobs at submission (like the real cluster) instead of leaving them pending.
EnforcePartLimits=ALL
# Trust the node definition below rather than the hardware, so a 2-core machine runs 8 one-CPU jobs.
SlurmdParameters=config_overrides
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=8 RealMemory=8000 State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=12:00:00 State=UP
PartitionName=short Nodes=$NODE Default=NO MaxTime=00:10:00 State=UP
EOF
}

job_submit_lua_content() {
  text SLURM_LUA_CONTENT <<'EOF'
-- Managed by CondoBot deploy/local-cluster/cluster.sh; local edits are overwritten.
--
-- Per-user account enforcement without slurmdbd. The allow-list file is re-read on every
-- submission, so editing it needs no restart. Each line: USER ACCOUNT[,ACCOUNT...]
-- (the first account is the user's default). A rejected job fails exactly like on a cluster with
-- AccountingStorageEnforce=associations: "Invalid account or account/partition combination specified".

local ALLOW_FILE = "/etc/slurm/condobot-accounts"
local INVALID_ACCOUNT = slurm.ESLURM_INVALID_ACCOUNT or 2045

local function user_name_of(uid)
  local f = io.open("/etc/passwd", "r")
  if not f then return nil end
  local found = nil
  for line in f:lines() do
    local name, id = line:match("^([^:]*):[^:]*:(%d+):")
    if id and tonumber(id) == uid then found = name; break end
  end
  f:close()
  return found
end

local function accounts_of(user)
  local f = io.open(ALLOW_FILE, "r")
  if not f then return nil end
  local found = nil
  for line in f:lines() do
    line = line:gsub("#.*$", "")
    local u, list = line:match("^%s*(%S+)%s+(%S+)%s*$")
    if u == user then
      found = {}
      for acct in list:gmatch("[^,%s]+") do found[#found + 1] = acct:lower() end
      break
    end
  end
  f:close()
  return found
end

-- Returns (slurm return code, account to use).
local function check(uid, requested)
  local user = user_name_of(uid)
  local allowed = user and accounts_of(user)
  if not allowed or #allowed == 0 then
    slurm.log_info("condobot job_submit: uid %s (%s) has no accounts", tostring(uid), tostring(user))
    return INVALID_ACCOUNT, nil
  end
  if requested == nil or requested == "" then
    return slurm.SUCCESS, allowed[1]
  end
  local want = requested:lower()
  for _, acct in ipairs(allowed) do
    if acct == want then return slurm.SUCCESS, want end
  end
  slurm.log_info("condobot job_submit: user %s may not use account %s", user, requested)
  return INVALID_ACCOUNT, nil
end

function slurm_job_submit(job_desc, part_list, submit_uid)
  if submit_uid == 0 then return slurm.SUCCESS end -- root is not restricted
  local rc, account = check(submit_uid, job_desc.account)
  if rc == slurm.SUCCESS then job_desc.account = account end
  return rc
end

function slurm_job_modify(job_desc, job_rec, part_list, modify_uid)
  if modify_uid == 0 or job_desc.account == nil then return slurm.SUCCESS end
  local rc, account = check(modify_uid, job_desc.account)
  if rc == slurm.SUCCESS then job_desc.account = account end
  return rc
end

return slurm.SUCCESS
EOF
}

accounts_content() {
  local user
  ACCOUNTS_CONTENT="# Managed by CondoBot deploy/local-cluster/cluster.sh: USER ACCOUNT[,ACCOUNT...] (first = default)"$'\n'
  for user in "${TEST_USERS[@]}"; do
    ACCOUNTS_CONTENT+="$user ${USER_ACCOUNTS[$user]}"$'\n'
  done
}

ensure_hosts_entry() {
  # The tunnel target the bot prints is node001:PORT, so the name must resolve on the login node.
  local addr names
  while read -r addr names; do
    [[ $addr == 127.0.0.1 && " ${names%%#*} " == *" $NODE "* ]] && return 0
  done </etc/hosts
  log "adding '127.0.0.1 $NODE' to /etc/hosts"
  printf '127.0.0.1 %s\n' "$NODE" >>/etc/hosts
}

wait_node_ready() {
  local deadline=$((SECONDS + 20)) state base last_resume=-10
  while :; do
    # Node state as sinfo prints it (idle, mix, alloc, down*, drain, ...); empty while unreachable.
    state=$(sinfo -h -n "$NODE" -o %t 2>/dev/null || true)
    state=${state%%$'\n'*}
    base=${state%%[^a-z]*}   # strip flag suffixes such as '*' (not responding) or '~'
    case $base in
      idle | mix | alloc | comp)
        [[ $state == *'*'* ]] || return 0 ;;
      down | drain | drng | fail | failg)
        # Left down/drained by an earlier run (e.g. slurmd killed); bring it back, at most every 2 s.
        if [[ $state != *'*'* ]] && ((SECONDS - last_resume >= 2)); then
          log "node $NODE is $state; resuming it"
          scontrol update nodename="$NODE" state=resume >&2 || true
          last_resume=$SECONDS
        fi ;;
    esac
    ((SECONDS < deadline)) || die "node $NODE not ready after 20 s (state '${state:-unknown}'); see $SLURM_LOG_DIR"
    sleep 0.2
  done
}

ensure_slurm() {
  local conf_changed=0
  [[ -d /etc/slurm ]] || install -d -m 755 /etc/slurm
  if [[ ! -d $SLURM_LOG_DIR || ! -d $SLURM_STATE_DIR || ! -d $SLURMD_SPOOL_DIR ]]; then
    install -d -o slurm -g slurm -m 755 "$SLURM_LOG_DIR" /var/lib/slurm "$SLURM_STATE_DIR"
    install -d -o root -g root -m 755 "$SLURMD_SPOOL_DIR"
  fi
  ensure_hosts_entry

  slurm_conf_content
  job_submit_lua_content
  accounts_content
  write_if_changed "$SLURM_CONF" 644 root:root "$SLURM_CONF_CONTENT" && conf_changed=1
  # job_submit/lua reloads the script by itself when its mtime changes; no restart needed.
  write_if_changed "$SLURM_LUA" 644 root:root "$SLURM_LUA_CONTENT" || true
  # slurmctld (running as user slurm) reads this on every submission: must be world-readable.
  write_if_changed "$ACCOUNTS_FILE" 644 root:root "$ACCOUNTS_CONTENT" || true

  if ((conf_changed)); then
    # Node and partition definitions need a daemon restart, not just `scontrol reconfigure`.
    if daemon_pid "$SLURMCTLD_PIDFILE" slurmctld || daemon_pid "$SLURMD_PIDFILE" slurmd; then
      log "slurm.conf changed: restarting slurmd and slurmctld"
      stop_daemon slurmd "$SLURMD_PIDFILE" slurmd
      stop_daemon slurmctld "$SLURMCTLD_PIDFILE" slurmctld
    fi
  fi

  start_daemon slurmctld "$SLURMCTLD_PIDFILE" slurmctld /usr/sbin/slurmctld || true
  start_daemon slurmd "$SLURMD_PIDFILE" slurmd /usr/sbin/slurmd -N "$NODE" || true
  wait_node_ready
}

# ---------------------------------------------------------------------------------------------
# sshd on 127.0.0.1:2222
# ---------------------------------------------------------------------------------------------
sshd_config_content() {
  text SSHD_CONFIG_CONTENT <<EOF
# Managed by CondoBot deploy/local-cluster/cluster.sh; local edits are overwritten.
# A second sshd on loopback only, for the test users; the system sshd (if any) is not affected.
ListenAddress $LOGIN_HOST
Port $LOGIN_PORT
HostKey $HOST_KEY
PidFile $SSHD_PIDFILE
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthorizedKeysFile .ssh/authorized_keys
UsePAM no
PermitRootLogin no
AllowUsers ${TEST_USERS[*]}
AllowTcpForwarding yes
X11Forwarding no
PrintMotd no
# VERBOSE logs every connection and accepted key, so tests can count connections in the log.
LogLevel VERBOSE
# Tests may open many connections at once; do not drop unauthenticated ones early.
MaxStartups 100:30:200
MaxSessions 64
Subsystem sftp internal-sftp
EOF
}

ensure_sshd() {
  [[ -s $HOST_KEY && -s $HOST_KEY.pub ]] || { log "generating ssh host keys"; ssh-keygen -A >&2; }
  # privilege-separation directory, normally created by the init system
  [[ -d /run/sshd ]] || install -d -m 755 /run/sshd
  if [[ ! -e $SSHD_LOG ]]; then
    install -m 640 -o root -g adm /dev/null "$SSHD_LOG" 2>/dev/null || install -m 640 /dev/null "$SSHD_LOG"
  fi
  sshd_config_content
  if write_if_changed "$SSHD_CONFIG" 644 root:root "$SSHD_CONFIG_CONTENT"; then
    /usr/sbin/sshd -t -f "$SSHD_CONFIG" || die "sshd rejects $SSHD_CONFIG"
    # Restart rather than SIGHUP: on SIGHUP sshd re-executes itself and briefly looks dead, so the
    # start check below could race it into a second instance. Open sessions survive the restart.
    stop_daemon "sshd on $LOGIN_HOST:$LOGIN_PORT" "$SSHD_PIDFILE" sshd
  fi
  # sshd must be started by absolute path (it re-executes itself per connection).
  start_daemon "sshd on $LOGIN_HOST:$LOGIN_PORT" "$SSHD_PIDFILE" sshd \
    /usr/sbin/sshd -f "$SSHD_CONFIG" -E "$SSHD_LOG" || true
}

# ---------------------------------------------------------------------------------------------
# Jupyter
# ---------------------------------------------------------------------------------------------
jupyter_wrapper_content() {
  text JUPYTER_WRAPPER_CONTENT <<'EOF'
#!/bin/sh
# Installed by CondoBot deploy/local-cluster/cluster.sh.
# JupyterLab is not packaged in Debian 12. jupyter-server is the server underneath it, with the same
# token auth and /api endpoints, so `jupyter lab ...` (which jupyter-core resolves to this
# `jupyter-lab` on PATH) runs a real Jupyter server.
exec /usr/bin/jupyter-server "$@"
EOF
}

ensure_jupyter() {
  jupyter_wrapper_content
  if write_if_changed "$JUPYTER_LAB_WRAPPER" 755 root:root "$JUPYTER_WRAPPER_CONTENT"; then
    # Only checked when (re)installed: starting Python costs a few hundred ms.
    jupyter lab --version >/dev/null 2>&1 || die "'jupyter lab --version' fails with the wrapper"
  fi
}

# ---------------------------------------------------------------------------------------------
# Facts
# ---------------------------------------------------------------------------------------------
facts_content() {
  local bits fp rest
  read -r bits fp rest < <(ssh-keygen -lf "$HOST_KEY.pub")   # "256 SHA256:... comment (ED25519)"
  [[ $fp == SHA256:* ]] || die "could not read the fingerprint of $HOST_KEY.pub"
  local -a kv=(
    CONDO_LOGIN_HOST "$LOGIN_HOST"
    CONDO_LOGIN_PORT "$LOGIN_PORT"
    CONDO_HOST_KEY_SHA256 "$fp"
    CONDO_USERS "${TEST_USERS[*]}"
    CONDO_NODE "$NODE"
    CONDO_PARTITIONS "$PARTITIONS"
    CONDO_SSHD_LOG "$SSHD_LOG"
    CONDO_JOBCOMP_LOG "$JOBCOMP_LOG"
  )
  local i q="'" v
  FACTS=""
  for ((i = 0; i < ${#kv[@]}; i += 2)); do
    v=${kv[i + 1]//$q/$q\\$q$q}   # shell single-quoting: ' becomes '\''
    FACTS+="${kv[i]}='$v'"$'\n'
  done
}

# name pidfile comm, one per line, in start order
daemon_table() {
  printf '%s\n' \
    "munged $MUNGE_PIDFILE munged" \
    "slurmctld $SLURMCTLD_PIDFILE slurmctld" \
    "slurmd $SLURMD_PIDFILE slurmd" \
    "sshd $SSHD_PIDFILE sshd"
}

all_running() {
  daemon_pid "$MUNGE_PIDFILE" munged && daemon_pid "$SLURMCTLD_PIDFILE" slurmctld &&
    daemon_pid "$SLURMD_PIDFILE" slurmd && daemon_pid "$SSHD_PIDFILE" sshd
}

# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------
cmd_up() {
  require_root
  local t0=${EPOCHREALTIME/[.,]/} ms
  # From here on stdout is reserved for the facts: everything else (apt, daemons) goes to stderr.
  exec 3>&1 1>&2
  take_lock
  ensure_packages
  ensure_users
  ensure_shell_users
  ensure_jupyter
  ensure_munge
  ensure_slurm
  ensure_sshd
  facts_content
  write_if_changed "$FACTS_FILE" 644 root:root "$FACTS" || true
  ensure_local_cluster
  site_facts_content
  [[ -d $SITE_STATE_DIR ]] || install -d -m 755 "$SITE_STATE_DIR"
  write_if_changed "$SITE_FACTS_FILE" 644 root:root "$SITE_FACTS" || true
  printf '%s' "$SITE_FACTS" >&3
  ms=$(((${EPOCHREALTIME/[.,]/} - t0) / 1000))
  log "site up ($ms ms)"
}

cmd_down() {
  require_root
  local which=${1:-all}
  case $which in all | local | legacy) ;; *) die "usage: $0 down [local|legacy] (default: both)" ;; esac
  take_lock
  if [[ $which != legacy ]]; then
    if [[ -d $ROOT ]]; then
      stop_root_daemons
      stop_root_processes
      unmount_below "$ROOT"
    fi
    rm -f "$SITE_FACTS_FILE"
  fi
  if [[ $which != local ]]; then
    # Reverse start order. Running jobs' slurmstepd processes are not killed; slurmd picks them up
    # again after the next `up` (unless they ended meanwhile).
    stop_daemon sshd "$SSHD_PIDFILE" sshd
    stop_daemon slurmd "$SLURMD_PIDFILE" slurmd
    stop_daemon slurmctld "$SLURMCTLD_PIDFILE" slurmctld
    stop_daemon munged "$MUNGE_PIDFILE" munged
    rm -f "$FACTS_FILE" "$SITE_FACTS_FILE"
  fi
  log "down: $which"
}

cmd_status() {
  local name pidfile comm rc=0
  while read -r name pidfile comm; do
    if daemon_pid "$pidfile" "$comm"; then
      printf '%-10s running (pid %s)\n' "$name" "$DAEMON_PID"
    else
      printf '%-10s stopped\n' "$name"
      rc=3
    fi
  done < <(daemon_table; root_daemon_table)
  if command -v sinfo >/dev/null && daemon_pid "$SLURMCTLD_PIDFILE" slurmctld; then
    printf '\nlegacy: %s\n' "$(sinfo -V)"
    sinfo || rc=3
  fi
  if daemon_pid "$ROOT$R_SLURMCTLD_PIDFILE" slurmctld; then
    printf '\nlocal: %s\n' "$(in_root sinfo -V)"
    in_root sinfo || rc=3
  fi
  return "$rc"
}

cmd_facts() {
  all_running && root_all_running || die "the site is not up (run: $0 up)"
  site_facts_content
  printf '%s' "$SITE_FACTS"
}

cmd_authorize() {
  require_root
  local user=${1:-} u ok=0 line extra file
  [[ -n $user ]] || die "usage: $0 authorize USER < key.pub"
  for u in "${TEST_USERS[@]}"; do [[ $u == "$user" ]] && ok=1; done
  ((ok)) || die "'$user' is not a test user (${TEST_USERS[*]})"
  load_users
  [[ -n ${USER_HOME[$user]:-} ]] || die "user $user does not exist yet (run: $0 up)"

  IFS= read -r line || [[ -n $line ]] || die "expected one authorized_keys line on stdin"
  line=${line%$'\r'}
  while IFS= read -r extra || [[ -n $extra ]]; do
    [[ -z ${extra//[[:space:]]/} ]] || die "expected exactly one line on stdin"
  done
  [[ -n ${line//[[:space:]]/} ]] || die "expected one authorized_keys line on stdin"
  printf '%s\n' "$line" | ssh-keygen -lf - >/dev/null 2>&1 || die "not a valid authorized_keys line"

  take_lock
  ensure_user_ssh_dir "$user" 1
  file=${USER_HOME[$user]}/.ssh/authorized_keys
  if grep -qxF -- "$line" "$file"; then
    log "key already authorized for $user"
    return 0
  fi
  # Appending as root keeps the file's owner and mode; add a newline first if the last line lacks one.
  if [[ -s $file && $(tail -c 1 "$file" | od -An -c | tr -d ' ') != '\n' ]]; then
    printf '\n' >>"$file"
  fi
  printf '%s\n' "$line" >>"$file"
  log "authorized key for $user: $(printf '%s\n' "$line" | ssh-keygen -lf - 2>/dev/null)"
}

# shellcheck source=deploy/local-cluster/site.sh
source "$(dirname "${BASH_SOURCE[0]}")/site.sh"

main() {
  local cmd=${1:-up}
  (($# > 0)) && shift
  case $cmd in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    status) cmd_status "$@" ;;
    facts) cmd_facts "$@" ;;
    authorize) cmd_authorize "$@" ;;
    -h | --help | help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' ;;
    *) die "unknown command '$cmd' (up|down [local|legacy]|status|facts|authorize USER)" ;;
  esac
}

main "$@"

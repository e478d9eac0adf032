# CondoBot local site: the parts beside the host's Debian 12 cluster. Sourced by cluster.sh, which provides the
# helpers (log, die, text, write_if_changed, daemon_pid, start_daemon, stop_daemon, load_users, TEST_USERS).
#
#   cluster `local`      a Debian 13 root (debootstrap, kept in $ROOT between runs, rebuilt when its package list
#                        changes) running munge, Slurm 24.11 (slurmctld :6917, slurmd :6918, node tnode01), a login
#                        node sshd on 127.0.0.3:2223 and JupyterLab 4 with an ipykernel. /home is the host's (bind
#                        mount), and the test users have the host's uids, so both clusters share one home per user.
#   external login host  an sshd of its own on 127.0.0.2:22 (in the root, with its own host key) that lets the test
#                        users log in and forward only to the login nodes and to its own loopback (the relay of the
#                        step-by-step tunnel).
#   node SSH             an sshd on tnode01's address (127.0.0.4:22) that lets a user in only while they have a
#                        running job on tnode01 (asked of slurmctld on every login).

readonly SITE_DIR=/var/lib/condobot-site
readonly ROOT=$SITE_DIR/trixie
readonly ROOT_SUITE=trixie
readonly ROOT_PACKAGES=(jupyterlab python3-ipykernel jupyter-core openssh-server openssh-client munge slurmctld slurmd
                        slurm-client slurm-wlm-basic-plugins curl procps)
readonly ROOT_STAMP=.condobot-packages

readonly SITE_STATE_DIR=/run/condobot-site
readonly SITE_FACTS_FILE=$SITE_STATE_DIR/facts.env

readonly LOCAL_LOGIN_HOST=127.0.0.3
readonly LOCAL_LOGIN_PORT=2223
readonly LOCAL_NODE=tnode01
readonly LOCAL_NODE_ADDR=127.0.0.4
readonly EXTERNAL_HOST=127.0.0.2
readonly EXTERNAL_PORT=22

# Paths inside the root (prefix $ROOT to reach them from the host).
readonly R_SSH_DIR=/etc/ssh/condobot
readonly R_LOG_DIR=/var/log/condobot
readonly R_SLURM_LOG_DIR=/var/log/slurm
readonly R_MUNGE_PIDFILE=/run/munge/munged.pid
readonly R_SLURMCTLD_PIDFILE=/run/slurmctld.pid
readonly R_SLURMD_PIDFILE=/run/slurmd.pid
readonly R_NODE_KEYS_COMMAND=/usr/local/sbin/condobot-node-keys

# sshd roles in the root: name address port
readonly ROOT_SSHDS=("login $LOCAL_LOGIN_HOST $LOCAL_LOGIN_PORT" "external $EXTERNAL_HOST $EXTERNAL_PORT"
                     "node $LOCAL_NODE_ADDR 22")

in_root() { chroot "$ROOT" "$@"; }

# The Debian mirror this machine's own apt sources name (deb822 .sources files or one-line sources.list).
MIRROR=""
find_mirror() {
  local f line
  MIRROR=""
  for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -r $f ]] || continue
    while read -r line; do
      line=${line%%#*}
      case $line in
        URIs:*) line=${line#URIs:} ;;
        deb\ *) line=${line#deb }; line=${line#\[*\] } ;;
        *) continue ;;
      esac
      read -r line _ <<<"$line"
      [[ $line == */debian && $line != *security* ]] && { MIRROR=$line; return 0; }
    done <"$f"
  done
  MIRROR=http://deb.debian.org/debian
}

# ---------------------------------------------------------------------------------------------
# Mounts: each is checked in /proc/mounts first, so `up` never stacks a second one.
# ---------------------------------------------------------------------------------------------
mounted() {
  local src dst rest
  while read -r src dst rest; do
    [[ $dst == "$1" ]] && return 0
  done </proc/mounts
  return 1
}

ensure_root_mounts() {
  mounted "$ROOT/proc" || { log "mounting $ROOT/proc"; mount -t proc proc "$ROOT/proc"; }
  mounted "$ROOT/home" || { log "bind-mounting /home at $ROOT/home"; mount --bind /home "$ROOT/home"; }
}

# Unmounts everything below DIR (deepest first); fails if something stays mounted.
unmount_below() {
  local dir=$1 src dst rest i
  local -a found=()
  while read -r src dst rest; do
    [[ $dst == "$dir" || $dst == "$dir"/* ]] && found+=("$dst")
  done </proc/mounts
  for ((i = ${#found[@]} - 1; i >= 0; i--)); do
    log "unmounting ${found[i]}"
    umount "${found[i]}" || umount -l "${found[i]}" || die "could not unmount ${found[i]}"
  done
  while read -r src dst rest; do
    [[ $dst == "$dir" || $dst == "$dir"/* ]] && die "$dst is still mounted"
  done </proc/mounts
  return 0
}

# ---------------------------------------------------------------------------------------------
# The root: debootstrap, then the packages installed inside (debootstrap's --include cannot configure them).
# ---------------------------------------------------------------------------------------------
root_is_current() {
  local stamp=""
  [[ -r $ROOT/$ROOT_STAMP ]] || return 1
  IFS= read -r stamp <"$ROOT/$ROOT_STAMP" || true
  [[ $stamp == "${ROOT_PACKAGES[*]}" ]]
}

build_root() {
  local new=$ROOT.new t0=$SECONDS
  command -v debootstrap >/dev/null || die "debootstrap is missing"
  find_mirror
  install -d -m 755 "$SITE_DIR"
  unmount_below "$new"
  if [[ ! -e $new/.condobot-debootstrapped ]]; then
    rm -rf --one-file-system "$new"
    log "building a Debian $ROOT_SUITE root in $new from $MIRROR (a few minutes, once)"
    debootstrap --variant=minbase "$ROOT_SUITE" "$new" "$MIRROR" >&2 || die "debootstrap failed (see above)"
    touch "$new/.condobot-debootstrapped"
  fi
  log "installing ${ROOT_PACKAGES[*]} in the root"
  # The packaged services must not start inside the root: cluster.sh starts its own instances.
  printf '#!/bin/sh\nexit 101\n' >"$new/usr/sbin/policy-rc.d"
  chmod 755 "$new/usr/sbin/policy-rc.d"
  cp /etc/resolv.conf "$new/etc/resolv.conf" 2>/dev/null || true
  mounted "$new/proc" || mount -t proc proc "$new/proc"
  local rc=0
  { chroot "$new" apt-get update && chroot "$new" apt-get install -y --no-install-recommends "${ROOT_PACKAGES[@]}" &&
      chroot "$new" apt-get clean; } >&2 || rc=$?
  umount "$new/proc"
  ((rc == 0)) || die "installing packages in $new failed (see above)"
  printf '%s\n' "${ROOT_PACKAGES[*]}" >"$new/$ROOT_STAMP"

  if [[ -d $ROOT ]]; then
    log "replacing the old root (its package list changed)"
    stop_root_daemons
    stop_root_processes
    unmount_below "$ROOT"
    # The hosts keep their keys (people's known hosts stay valid) and the cluster its munge key.
    if [[ -d $ROOT$R_SSH_DIR ]]; then
      install -d -m 755 "$new$R_SSH_DIR"
      cp -p "$ROOT$R_SSH_DIR"/*_host_ed25519_key* "$new$R_SSH_DIR/" 2>/dev/null || true
    fi
    [[ -s $ROOT/etc/munge/munge.key ]] && cp -p "$ROOT/etc/munge/munge.key" "$new/etc/munge/munge.key"
    rm -rf --one-file-system "$ROOT.old"
    mv "$ROOT" "$ROOT.old"
  fi
  mv "$new" "$ROOT"
  if [[ -d $ROOT.old ]]; then
    unmount_below "$ROOT.old"
    rm -rf --one-file-system "$ROOT.old"
  fi
  log "root ready ($((SECONDS - t0)) s)"
}

ensure_root() {
  root_is_current || build_root
  ensure_root_mounts
}

# Test users inside the root with the host's uids and gids (their homes are the host's, bind-mounted).
ensure_root_users() {
  local name pw uid gid gecos home shell line have=""
  [[ -r $ROOT/etc/passwd ]] && IFS= read -r -d '' have <"$ROOT/etc/passwd" || true
  while IFS=: read -r name pw uid gid gecos home shell; do
    [[ $have == *$'\n'"$name:"* ]] && continue
    log "creating user $name ($uid:$gid) in the root"
    in_root groupadd -f -g "$gid" "$name"
    in_root useradd -u "$uid" -g "$gid" -d "$home" -M -s /bin/bash -p '*' "$name"
  done < <(getent passwd "${TEST_USERS[@]}")
}

# ---------------------------------------------------------------------------------------------
# munge and Slurm 24.11 in the root
# ---------------------------------------------------------------------------------------------
ensure_root_munge() {
  daemon_pid "$ROOT$R_MUNGE_PIDFILE" munged && return 0
  if [[ ! -s $ROOT/etc/munge/munge.key ]]; then
    log "creating the root's munge key"
    in_root mungekey --create --force --keyfile=/etc/munge/munge.key
  fi
  in_root chown munge:munge /etc/munge/munge.key
  chmod 400 "$ROOT/etc/munge/munge.key"
  in_root install -d -o munge -g munge -m 755 /run/munge /var/log/munge /var/lib/munge
  if start_daemon "munged (local)" "$ROOT$R_MUNGE_PIDFILE" munged chroot "$ROOT" runuser -u munge -- /usr/sbin/munged; then
    local i
    for ((i = 0; i < 50; i++)); do
      in_root sh -c 'munge -n | unmunge' >/dev/null 2>&1 && return 0
      sleep 0.1
    done
    die "munged in the root runs but does not answer (see $ROOT/var/log/munge/munged.log)"
  fi
}

root_slurm_conf_content() {
  text ROOT_SLURM_CONF_CONTENT <<EOF
# Managed by CondoBot deploy/local-cluster/site.sh; local edits are overwritten.
# Cluster "local": Slurm 24.11 in a Debian 13 root, beside the host's Slurm on other ports, without systemd,
# cgroups or slurmdbd.
ClusterName=local
SlurmctldHost=localhost
AuthType=auth/munge
CredType=cred/munge
SlurmUser=slurm
SlurmdUser=root
SlurmctldPort=6917
SlurmdPort=6918
StateSaveLocation=/var/lib/slurm/slurmctld
SlurmdSpoolDir=/var/lib/slurm/slurmd
SlurmctldPidFile=$R_SLURMCTLD_PIDFILE
SlurmdPidFile=$R_SLURMD_PIDFILE
SlurmctldLogFile=$R_SLURM_LOG_DIR/slurmctld.log
SlurmdLogFile=$R_SLURM_LOG_DIR/slurmd.log
# Job ids far from the other cluster's, so the two never name the same file in the shared homes.
FirstJobId=1000000
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobSubmitPlugins=lua
JobCompType=jobcomp/filetxt
JobCompLoc=$R_SLURM_LOG_DIR/jobcomp.log
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
MinJobAge=300
EnforcePartLimits=ALL
SlurmdParameters=config_overrides
NodeName=$LOCAL_NODE NodeAddr=$LOCAL_NODE_ADDR CPUs=8 RealMemory=8000 State=UNKNOWN
PartitionName=debug Nodes=$LOCAL_NODE Default=YES MaxTime=12:00:00 State=UP
PartitionName=short Nodes=$LOCAL_NODE Default=NO MaxTime=00:10:00 State=UP
EOF
}

root_hosts_content() {
  text ROOT_HOSTS_CONTENT <<EOF
# Managed by CondoBot deploy/local-cluster/site.sh.
127.0.0.1 localhost
$EXTERNAL_HOST external
$LOCAL_LOGIN_HOST login01
$LOCAL_NODE_ADDR $LOCAL_NODE
EOF
}

wait_root_node_ready() {
  local deadline=$((SECONDS + 30)) state base last_resume=-10
  while :; do
    state=$(in_root sinfo -h -n "$LOCAL_NODE" -o %t 2>/dev/null || true)
    state=${state%%$'\n'*}
    base=${state%%[^a-z]*}
    case $base in
      idle | mix | alloc | comp)
        [[ $state == *'*'* ]] || return 0 ;;
      down | drain | drng | fail | failg)
        if [[ $state != *'*'* ]] && ((SECONDS - last_resume >= 2)); then
          log "node $LOCAL_NODE is $state; resuming it"
          in_root scontrol update nodename="$LOCAL_NODE" state=resume >&2 || true
          last_resume=$SECONDS
        fi ;;
    esac
    ((SECONDS < deadline)) || die "node $LOCAL_NODE not ready after 30 s (state '${state:-unknown}'); see $ROOT$R_SLURM_LOG_DIR"
    sleep 0.2
  done
}

ensure_root_slurm() {
  local conf_changed=0
  if [[ ! -d $ROOT/var/lib/slurm/slurmd ]]; then
    in_root install -d -o slurm -g slurm -m 755 "$R_SLURM_LOG_DIR" /var/lib/slurm /var/lib/slurm/slurmctld
    in_root install -d -m 755 /var/lib/slurm/slurmd
  fi
  root_hosts_content
  write_if_changed "$ROOT/etc/hosts" 644 root:root "$ROOT_HOSTS_CONTENT" || true
  root_slurm_conf_content
  job_submit_lua_content
  accounts_content
  write_if_changed "$ROOT/etc/slurm/slurm.conf" 644 root:root "$ROOT_SLURM_CONF_CONTENT" && conf_changed=1
  # Slurm 24.11's slurmd stops at start-up unless the cgroup plugin is off (there are no cgroups here).
  write_if_changed "$ROOT/etc/slurm/cgroup.conf" 644 root:root $'CgroupPlugin=disabled\n' && conf_changed=1
  write_if_changed "$ROOT/etc/slurm/job_submit.lua" 644 root:root "$SLURM_LUA_CONTENT" || true
  write_if_changed "$ROOT/etc/slurm/condobot-accounts" 644 root:root "$ACCOUNTS_CONTENT" || true
  if ((conf_changed)); then
    if daemon_pid "$ROOT$R_SLURMCTLD_PIDFILE" slurmctld || daemon_pid "$ROOT$R_SLURMD_PIDFILE" slurmd; then
      log "the root's slurm.conf changed: restarting its slurmd and slurmctld"
      stop_daemon "slurmd (local)" "$ROOT$R_SLURMD_PIDFILE" slurmd
      stop_daemon "slurmctld (local)" "$ROOT$R_SLURMCTLD_PIDFILE" slurmctld
    fi
  fi
  start_daemon "slurmctld (local)" "$ROOT$R_SLURMCTLD_PIDFILE" slurmctld chroot "$ROOT" /usr/sbin/slurmctld || true
  start_daemon "slurmd (local)" "$ROOT$R_SLURMD_PIDFILE" slurmd chroot "$ROOT" /usr/sbin/slurmd -N "$LOCAL_NODE" || true
  wait_root_node_ready
}

# ---------------------------------------------------------------------------------------------
# sshds in the root: the login node, the external login host, the compute node
# ---------------------------------------------------------------------------------------------
node_keys_command_content() {
  text NODE_KEYS_COMMAND_CONTENT <<EOF
#!/bin/sh
# Managed by CondoBot deploy/local-cluster/site.sh.
# sshd's AuthorizedKeysCommand on $LOCAL_NODE: a user's own authorized keys count only while slurmctld says the user
# has a running job on this node, as pam_slurm allows it on a site's compute nodes.
user=\$1
jobs=\$(squeue --noheader --user="\$user" --nodelist=$LOCAL_NODE --states=running --format=%i 2>/dev/null) || exit 0
[ -n "\$jobs" ] || exit 0
cat "/home/\$user/.ssh/authorized_keys" 2>/dev/null
exit 0
EOF
}

root_sshd_config_content() {
  local role=$1 addr=$2 port=$3 extra
  case $role in
    login) extra="AllowTcpForwarding yes"$'\n'"AuthorizedKeysFile .ssh/authorized_keys" ;;
    external)
      # Forwards reach the login nodes, or this host's own loopback (the relay of the step-by-step tunnel), nothing else.
      extra="AllowTcpForwarding local"$'\n'"PermitOpen $LOCAL_LOGIN_HOST:$LOCAL_LOGIN_PORT $LOGIN_HOST:$LOGIN_PORT localhost:*"
      extra+=$'\n'"AuthorizedKeysFile .ssh/authorized_keys" ;;
    node)
      # The printed tunnel forwards to JupyterLab's Unix socket (streamlocal). sshd lets a socket forward through only
      # when local TCP forwarding is on too and PermitOpen is unset: PermitOpen (and AllowTcpForwarding no) would
      # deny it as well.
      extra="AllowTcpForwarding local"$'\n'"AllowStreamLocalForwarding local"$'\n'"AuthorizedKeysFile none"
      extra+=$'\n'"AuthorizedKeysCommand $R_NODE_KEYS_COMMAND %u"$'\n'"AuthorizedKeysCommandUser root" ;;
  esac
  text ROOT_SSHD_CONFIG_CONTENT <<EOF
# Managed by CondoBot deploy/local-cluster/site.sh; local edits are overwritten.
ListenAddress $addr
Port $port
HostKey $R_SSH_DIR/${role}_host_ed25519_key
PidFile /run/condobot-$role-sshd.pid
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
UsePAM no
PermitRootLogin no
AllowUsers ${TEST_USERS[*]}
$extra
X11Forwarding no
PrintMotd no
LogLevel VERBOSE
MaxStartups 100:30:200
MaxSessions 64
Subsystem sftp internal-sftp
EOF
}

# Every host's key, for the root's system-wide known hosts: what a site's own hosts know about each other.
root_known_hosts_content() {
  local kt key rest
  ROOT_KNOWN_HOSTS_CONTENT="# Managed by CondoBot deploy/local-cluster/site.sh."$'\n'
  read -r kt key rest <"$HOST_KEY.pub"
  ROOT_KNOWN_HOSTS_CONTENT+="[$LOGIN_HOST]:$LOGIN_PORT $kt $key"$'\n'
  read -r kt key rest <"$ROOT$R_SSH_DIR/login_host_ed25519_key.pub"
  ROOT_KNOWN_HOSTS_CONTENT+="[$LOCAL_LOGIN_HOST]:$LOCAL_LOGIN_PORT,[login01]:$LOCAL_LOGIN_PORT $kt $key"$'\n'
  read -r kt key rest <"$ROOT$R_SSH_DIR/external_host_ed25519_key.pub"
  ROOT_KNOWN_HOSTS_CONTENT+="$EXTERNAL_HOST,external $kt $key"$'\n'
  read -r kt key rest <"$ROOT$R_SSH_DIR/node_host_ed25519_key.pub"
  ROOT_KNOWN_HOSTS_CONTENT+="$LOCAL_NODE,$LOCAL_NODE_ADDR $kt $key"$'\n'
}

ensure_root_sshds() {
  local entry role addr port
  [[ -d $ROOT$R_SSH_DIR ]] || install -d -m 755 "$ROOT$R_SSH_DIR"
  [[ -d $ROOT$R_LOG_DIR ]] || install -d -m 755 "$ROOT$R_LOG_DIR"
  [[ -d $ROOT/run/sshd ]] || install -d -m 755 "$ROOT/run/sshd"
  node_keys_command_content
  in_root install -d -m 755 /usr/local/sbin
  write_if_changed "$ROOT$R_NODE_KEYS_COMMAND" 755 root:root "$NODE_KEYS_COMMAND_CONTENT" || true
  for entry in "${ROOT_SSHDS[@]}"; do
    read -r role addr port <<<"$entry"
    if [[ ! -s $ROOT$R_SSH_DIR/${role}_host_ed25519_key ]]; then
      log "generating the $role host key"
      ssh-keygen -q -t ed25519 -N '' -C "$role" -f "$ROOT$R_SSH_DIR/${role}_host_ed25519_key"
    fi
  done
  root_known_hosts_content
  write_if_changed "$ROOT/etc/ssh/ssh_known_hosts" 644 root:root "$ROOT_KNOWN_HOSTS_CONTENT" || true
  for entry in "${ROOT_SSHDS[@]}"; do
    read -r role addr port <<<"$entry"
    root_sshd_config_content "$role" "$addr" "$port"
    if write_if_changed "$ROOT$R_SSH_DIR/${role}_sshd_config" 644 root:root "$ROOT_SSHD_CONFIG_CONTENT"; then
      in_root /usr/sbin/sshd -t -f "$R_SSH_DIR/${role}_sshd_config" || die "sshd rejects $ROOT$R_SSH_DIR/${role}_sshd_config"
      stop_daemon "$role sshd on $addr:$port" "$ROOT/run/condobot-$role-sshd.pid" sshd
    fi
    start_daemon "$role sshd on $addr:$port" "$ROOT/run/condobot-$role-sshd.pid" sshd \
      chroot "$ROOT" /usr/sbin/sshd -f "$R_SSH_DIR/${role}_sshd_config" -E "$R_LOG_DIR/$role-sshd.log" || true
  done
}

# ---------------------------------------------------------------------------------------------
# JupyterLab on the node's own address
# ---------------------------------------------------------------------------------------------
# Every host of this site shares one loopback interface, so a JupyterLab listening on 0.0.0.0 (as the bot asks)
# would also answer on the external login host's localhost, where the step-by-step tunnel puts its relay, and the
# relay could not open its port. On a real site each host has its own. So `jupyter lab` in the root listens on the
# address of the node it runs on ($SLURMD_NODENAME), the way it would on a node with its own interfaces.
jupyter_node_wrapper_content() {
  text JUPYTER_NODE_WRAPPER_CONTENT <<'EOF2'
#!/bin/sh
# Managed by CondoBot deploy/local-cluster/site.sh (the packaged script is /usr/bin/jupyter-lab.distrib).
# In a job, listen on the node's own address instead of every address of the shared loopback interface.
addr=""
if [ -n "${SLURMD_NODENAME:-}" ]; then
  set -f
  entry=$(getent hosts "$SLURMD_NODENAME") && addr=${entry%%[ 	]*}
  set +f
fi
if [ -n "$addr" ]; then
  for arg in "$@"; do
    shift
    [ "$arg" = --ip=0.0.0.0 ] && arg="--ip=$addr"
    set -- "$@" "$arg"
  done
fi
exec /usr/bin/jupyter-lab.distrib "$@"
EOF2
}

ensure_root_jupyter() {
  if [[ ! -e $ROOT/usr/bin/jupyter-lab.distrib ]]; then
    in_root dpkg-divert --quiet --local --rename --add /usr/bin/jupyter-lab
  fi
  jupyter_node_wrapper_content
  write_if_changed "$ROOT/usr/bin/jupyter-lab" 755 root:root "$JUPYTER_NODE_WRAPPER_CONTENT" || true
}

# ---------------------------------------------------------------------------------------------
# Whole root
# ---------------------------------------------------------------------------------------------
ensure_local_cluster() {
  ensure_root
  ensure_root_users
  ensure_root_jupyter
  ensure_root_munge
  ensure_root_slurm
  ensure_root_sshds
}

# name pidfile comm, one per line, in start order
root_daemon_table() {
  printf '%s\n' \
    "munged(local) $ROOT$R_MUNGE_PIDFILE munged" \
    "slurmctld(local) $ROOT$R_SLURMCTLD_PIDFILE slurmctld" \
    "slurmd(local) $ROOT$R_SLURMD_PIDFILE slurmd" \
    "sshd(login) $ROOT/run/condobot-login-sshd.pid sshd" \
    "sshd(external) $ROOT/run/condobot-external-sshd.pid sshd" \
    "sshd(node) $ROOT/run/condobot-node-sshd.pid sshd"
}

root_all_running() {
  local name pidfile comm
  while read -r name pidfile comm; do
    daemon_pid "$pidfile" "$comm" || return 1
  done < <(root_daemon_table)
}

stop_root_daemons() {
  local -a rows
  local i name pidfile comm
  mapfile -t rows < <(root_daemon_table)
  for ((i = ${#rows[@]} - 1; i >= 0; i--)); do
    read -r name pidfile comm <<<"${rows[i]}"
    stop_daemon "$name" "$pidfile" "$comm"
  done
}

# Whatever still runs inside the root once its daemons are stopped (job steps, JupyterLab): found by their root
# directory, so nothing outside the root is touched. SIGTERM, then SIGKILL after 5 s.
stop_root_processes() {
  local link pid i
  local -a pids=()
  for link in /proc/[0-9]*/root; do
    [[ $(readlink "$link" 2>/dev/null) == "$ROOT" ]] || continue
    pid=${link#/proc/}; pid=${pid%/root}
    pids+=("$pid")
  done
  ((${#pids[@]} > 0)) || return 0
  log "stopping ${#pids[@]} processes still running in the root"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    for pid in "${pids[@]}"; do alive "$pid" && break; done
    alive "$pid" || return 0
    sleep 0.1
  done
  kill -KILL "${pids[@]}" 2>/dev/null || true
}

# ---------------------------------------------------------------------------------------------
# Facts of the whole site: per-cluster keys (CONDO_LOCAL_..., CONDO_LEGACY_...) and the external login host.
# ---------------------------------------------------------------------------------------------
fingerprint_of() {
  local bits fp rest
  read -r bits fp rest < <(ssh-keygen -lf "$1")
  [[ $fp == SHA256:* ]] || die "could not read the fingerprint of $1"
  FINGERPRINT=$fp
}

site_facts_content() {
  local -a kv=(CONDO_CLUSTERS "local legacy" CONDO_DEFAULT_CLUSTER local CONDO_USERS "${TEST_USERS[*]}")
  fingerprint_of "$ROOT$R_SSH_DIR/login_host_ed25519_key.pub"
  kv+=(CONDO_LOCAL_LOGIN_HOST "$LOCAL_LOGIN_HOST" CONDO_LOCAL_LOGIN_PORT "$LOCAL_LOGIN_PORT"
       CONDO_LOCAL_HOST_KEY_SHA256 "$FINGERPRINT" CONDO_LOCAL_HOST_KEY "$ROOT$R_SSH_DIR/login_host_ed25519_key.pub"
       CONDO_LOCAL_NODES "$LOCAL_NODE" CONDO_LOCAL_NODE_ADDR "$LOCAL_NODE_ADDR" CONDO_LOCAL_PARTITIONS "$PARTITIONS" CONDO_LOCAL_ROOT "$ROOT"
       CONDO_LOCAL_SLURM "24.11" CONDO_LOCAL_LAUNCH_COMMAND "jupyter lab" CONDO_LOCAL_URL_PATH /lab
       CONDO_LOCAL_SSHD_LOG "$ROOT$R_LOG_DIR/login-sshd.log" CONDO_LOCAL_JOBCOMP_LOG "$ROOT$R_SLURM_LOG_DIR/jobcomp.log")
  fingerprint_of "$ROOT$R_SSH_DIR/node_host_ed25519_key.pub"
  kv+=(CONDO_LOCAL_NODE_SSH "$LOCAL_NODE_ADDR" CONDO_LOCAL_NODE_HOST_KEY_SHA256 "$FINGERPRINT"
       CONDO_LOCAL_NODE_HOST_KEY "$ROOT$R_SSH_DIR/node_host_ed25519_key.pub"
       CONDO_LOCAL_NODE_SSHD_LOG "$ROOT$R_LOG_DIR/node-sshd.log")
  fingerprint_of "$HOST_KEY.pub"
  kv+=(CONDO_LEGACY_LOGIN_HOST "$LOGIN_HOST" CONDO_LEGACY_LOGIN_PORT "$LOGIN_PORT"
       CONDO_LEGACY_HOST_KEY_SHA256 "$FINGERPRINT" CONDO_LEGACY_HOST_KEY "$HOST_KEY.pub"
       CONDO_LEGACY_NODES "$NODE" CONDO_LEGACY_NODE_ADDR 127.0.0.1 CONDO_LEGACY_PARTITIONS "$PARTITIONS" CONDO_LEGACY_ROOT /
       CONDO_LEGACY_SLURM "22.05" CONDO_LEGACY_LAUNCH_COMMAND "jupyter notebook" CONDO_LEGACY_URL_PATH /tree
       CONDO_LEGACY_SSHD_LOG "$SSHD_LOG" CONDO_LEGACY_JOBCOMP_LOG "$JOBCOMP_LOG")
  fingerprint_of "$ROOT$R_SSH_DIR/external_host_ed25519_key.pub"
  kv+=(CONDO_EXTERNAL_HOST "$EXTERNAL_HOST" CONDO_EXTERNAL_PORT "$EXTERNAL_PORT"
       CONDO_EXTERNAL_HOST_KEY_SHA256 "$FINGERPRINT" CONDO_EXTERNAL_HOST_KEY "$ROOT$R_SSH_DIR/external_host_ed25519_key.pub"
       CONDO_EXTERNAL_SSHD_LOG "$ROOT$R_LOG_DIR/external-sshd.log")
  local i q="'" v
  SITE_FACTS=""
  for ((i = 0; i < ${#kv[@]}; i += 2)); do
    v=${kv[i + 1]//$q/$q\\$q$q}
    SITE_FACTS+="${kv[i]}='$v'"$'\n'
  done
}

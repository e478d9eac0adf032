#!/usr/bin/env bash
# Records the board's start and end times (squeue's %S and %e) and node count (%D) on a real cluster of the local site,
# for usage: a job that ran about 20 s to its end, one cancelled after about 10 s, one still running, one cancelled in
# the queue. As condouser3; run as root with the site up (no accounting on the local site, so squeue is the record):
#   bash record-times.sh slurm-22.05
#   bash record-times.sh slurm-24.11 /var/lib/condobot-site/trixie
set -u
out=$1; root=${2:-}
mkdir -p "$out"
if [[ -n $root ]]; then P=(chroot "$root"); else P=(); fi
as() { "${P[@]}" runuser -u condouser3 -- sh -c 'cd ~ && exec "$@"' sh "$@"; }
sb() { as sbatch --parsable --job-name=condobot -A birthright -t 5 --output=/dev/null "$@"; }
short=$(sb --comment=condobot:recorded-short --wrap "sleep 20")
stopped=$(sb --comment=condobot:recorded-stopped --wrap "sleep 300")
running=$(sb --comment=condobot:recorded-running --wrap "sleep 300")
queued=$(sb --comment=condobot:recorded-queued --begin=now+1hour --wrap true)
sleep 10; as scancel "$stopped" "$queued"; sleep 15
ids="$short $stopped $running $queued"
for i in $(seq 1 30); do
  state=$(as squeue --noheader --states=all --jobs "$short" --format=%T)
  [[ $state == COMPLETED ]] && break
  sleep 1
done
keep() { local line id; while IFS= read -r line; do id=${line%%|*}; [[ " $ids " == *" $id "* || $line == @@* ]] && printf '%s\n' "$line"; done; }
as sh -c 'squeue --noheader --states=all --user condouser3 --name=condobot "--format=%i|%T|%N|%L|%S|%r|%e|%D"; echo "@@condobot squeue-exit $? +0000"' | keep >"$out/board-times.out"
printf 'short=%s\nstopped=%s\nrunning=%s\nqueued=%s\n' $short $stopped $running $queued >"$out/jobs-times.txt"
as scancel $ids 2>/dev/null

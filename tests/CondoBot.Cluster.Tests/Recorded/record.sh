#!/usr/bin/env bash
# Records what the bot's own Slurm commands print on a real cluster of the local site, for one fixed scenario
# (running, start time later, held, waiting on a dependency, completed, failed, cancelled), as condouser3. Run as root
# with the site up:
#   bash record.sh slurm-22.05                                 # the legacy cluster (the machine's own Slurm)
#   bash record.sh slurm-24.11 /var/lib/condobot-site/trixie   # the local cluster (Debian 13 root)
# Only the scenario's own jobs are kept. board-queue.out was recorded the same way with the node full (a job asking for
# all of its CPUs), so that later jobs wait on Resources and Priority; no file holds a token.
set -u
out=$1; root=${2:-}
mkdir -p "$out"
if [[ -n $root ]]; then P=(chroot "$root"); else P=(); fi
as() { "${P[@]}" runuser -u condouser3 -- sh -c 'cd ~ && exec "$@"' sh "$@"; }
sb() { as sbatch --parsable --job-name=condobot -A birthright -t 5 "$@"; }
run=$(sb --comment=condobot:recorded-running --wrap "sleep 300")
begin=$(sb --comment=condobot:recorded-begin --begin=now+1hour --wrap true)
held=$(sb --comment=condobot:recorded-held --hold --wrap true)
dep=$(sb --comment=condobot:recorded-dep --dependency=afterok:$begin --wrap true)
done_=$(sb --comment=condobot:recorded-done --wrap true)
fail=$(sb --comment=condobot:recorded-fail --wrap "exit 3")
cancel=$(sb --comment=condobot:recorded-cancel --wrap "sleep 300")
sleep 5; as scancel "$cancel"; sleep 3
ids="$run $begin $held $dep $done_ $fail $cancel"
keep() { local line id; while IFS= read -r line; do id=${line%%|*}; [[ " $ids " == *" $id "* || $line == @@* ]] && printf '%s\n' "$line"; done; }
printf '%s\n' "$run" >"$out/sbatch-parsable.out"
as sbatch --parsable -A nope -t 5 --wrap true 2>"$out/sbatch-invalid-account.err"
as sbatch --parsable -A birthright -p short -t 20 --wrap true 2>"$out/sbatch-time-limit.err"
as sbatch --parsable -A birthright -p nosuch -t 5 --wrap true 2>"$out/sbatch-invalid-partition.err"
as sh -c 'squeue --noheader --states=all --user condouser3 --name=condobot "--format=%i|%T|%N|%L|%S|%r"; echo "@@condobot squeue-exit $? +0000"' | keep >"$out/board.out"
as sh -c 'squeue --noheader --states=all --user condouser3 "--format=%i|%k"' | keep >"$out/find-by-session.out"
as sh -c 'squeue --noheader --states=all --jobs 999999 "--format=%i|%T|%N|%L|%S|%r"; echo "@@condobot squeue-exit $? +0000"' >"$out/poll-purged.out" 2>"$out/poll-purged.err"
as sinfo --noheader "--format=%P|%a|%t|%D|%l" >"$out/sinfo.out"
"${P[@]}" runuser -u condouser2 -- scancel "$run" 2>"$out/scancel-other-user.err"
"${P[@]}" sinfo -V >"$out/version.out"
printf 'running=%s\nbegin=%s\nheld=%s\ndependency=%s\ncompleted=%s\nfailed=%s\ncancelled=%s\n' $run $begin $held $dep $done_ $fail $cancel >"$out/jobs.txt"
as scancel $ids 2>/dev/null

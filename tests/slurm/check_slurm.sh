#!/bin/sh
# tests/slurm/check_slurm.sh [HFSCOPE] - `make check-slurm`: a real Slurm on this machine.
# Installs slurm-wlm and munge from Debian when missing (skips, exit 0, with a message when it
# cannot), then, inside a private network namespace whose only interface is the loopback
# (so every daemon listens on 127.0.0.1 only), starts munged, slurmctld and slurmd with a minimal
# configuration in a temporary directory; submits `hfscope patchset run --shard
# $SLURM_ARRAY_TASK_ID/N` as an array job over a generated 110-point grid, waits, merges the
# shard outputs with `patchset merge --patchset`, and compares them point for point with a
# one-machine run. A trap tears everything down on any exit: jobs cancelled, daemons stopped,
# and any process left in the namespace reported (a failure) and ended by its id.
set -u
cd "$(dirname "$0")/../.." || exit 1
HF=$(readlink -f "${1:-build/hfscope}")
REF=$(readlink -f "${HF_REFERENCE_DIR:-tests/reference}")
NSHARD=${NSHARD:-4}
[ -x "$HF" ] || { echo "check-slurm: $HF is not built" >&2; exit 1; }

skip() { echo "check-slurm: SKIP: $*"; exit 0; }

# ---- outside the namespace: packages, then re-run inside `unshare --net` ----
if [ "${HF_SLURM_INNER:-}" != 1 ]; then
    if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null ||
        ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
        SUDO=""
        if [ "$(id -u)" != 0 ]; then
            command -v sudo >/dev/null && sudo -n true 2>/dev/null || skip "slurm-wlm and munge are not installed and installing them needs root (or sudo without a password)"
            SUDO="sudo -n"
        fi
        command -v apt-get >/dev/null || skip "slurm-wlm and munge are not installed and this system has no apt-get"
        echo "check-slurm: installing slurm-wlm and munge from Debian"
        # the packages' own service units must not start a system-wide Slurm: policy-rc.d says no
        prc=/usr/sbin/policy-rc.d
        had_prc=0; [ -e "$prc" ] && had_prc=1
        [ $had_prc = 1 ] || { printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$prc" >/dev/null && $SUDO chmod 755 "$prc"; }
        $SUDO apt-get update -qq >/dev/null 2>&1
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
            slurm-wlm munge >/dev/null 2>&1; rc=$?
        [ $had_prc = 1 ] || $SUDO rm -f "$prc"
        [ $rc -eq 0 ] || skip "apt-get install slurm-wlm munge failed (exit $rc; no network or no Debian archive?)"
    fi
    [ "$(id -u)" = 0 ] || skip "the daemons need root (run make check-slurm as root)"
    command -v unshare >/dev/null || skip "no unshare(1) to give the daemons a loopback-only network"
    unshare --net true 2>/dev/null || skip "cannot create a network namespace (no CAP_SYS_ADMIN)"
    HF_SLURM_INNER=1 exec unshare --net sh "$0" "$HF"
fi

# ---- inside the namespace ----
# Slurm resolves its listening address with AI_ADDRCONFIG, which wants one non-loopback IPv4
# address configured: a TEST-NET-1 address (RFC 5737) on lo, reachable from nowhere else
ip link set lo up && ip addr add 192.0.2.1/32 dev lo ||
    { echo "check-slurm: cannot set up the loopback" >&2; exit 1; }
D=$(mktemp -d /tmp/hfscope-slurm.XXXXXX) || exit 1
chmod 755 "$D"
NODE=$(hostname -s)
MY_NS=$(readlink /proc/self/ns/net)
pids="" ctld=""
teardown() {
    rc=$?
    trap '' INT TERM HUP # a second ^C must not cut the teardown short
    trap - EXIT
    if [ -n "$ctld" ] && kill -0 "$ctld" 2>/dev/null; then
        jobs_left=$(timeout 10 squeue -h -o %i 2>/dev/null)
        [ -n "$jobs_left" ] && timeout 10 scancel $jobs_left 2>/dev/null
        i=0
        while [ $i -lt 20 ] && [ -n "$(timeout 5 squeue -h 2>/dev/null)" ]; do sleep 0.5; i=$((i + 1)); done
    fi
    for p in $pids; do kill "$p" 2>/dev/null; done
    for p in $pids; do
        i=0; while [ $i -lt 40 ] && kill -0 "$p" 2>/dev/null; do sleep 0.25; i=$((i + 1)); done
        kill -0 "$p" 2>/dev/null && { echo "check-slurm: pid $p did not stop; killing it"; kill -9 "$p"; rc=1; }
    done
    # anything else still in this namespace was started by these daemons (a slurmstepd)
    for d in /proc/[0-9]*; do
        p=${d#/proc/}
        [ "$p" = $$ ] && continue
        [ "$(readlink "$d/ns/net" 2>/dev/null)" = "$MY_NS" ] || continue
        grep -q "^PPid:[[:space:]]*$$\$" "$d/status" 2>/dev/null && continue # this shell's pipes
        echo "check-slurm: process $p ($(tr '\0' ' ' <"$d/cmdline")) left running; killing it"
        kill -9 "$p" 2>/dev/null; rc=1
    done
    if [ $rc -ne 0 ]; then
        for f in "$D"/*.log; do [ -f "$f" ] && { echo "--- $f (last lines)"; tail -n 15 "$f"; }; done
    fi
    rm -rf "$D"
    [ $rc -eq 0 ] && echo "check-slurm: teardown done, nothing left running"
    exit $rc
}
trap teardown EXIT
trap 'exit 130' INT TERM HUP
die() { echo "check-slurm: FAIL: $*"; exit 1; }

mkdir -p "$D/munge" "$D/state" "$D/spool" "$D/work/results" "$D/work/logs" && chmod 711 "$D/munge"
# munge: a fresh key; root-owned daemon with private socket, pid, log and seed files
dd if=/dev/urandom of="$D/munge/munge.key" bs=1024 count=1 2>/dev/null && chmod 400 "$D/munge/munge.key"
munged --force --foreground --key-file="$D/munge/munge.key" --socket="$D/munge/munge.sock" \
    --pid-file="$D/munge/munged.pid" --log-file="$D/munged.log" --seed-file="$D/munge/seed" \
    >"$D/munged.out" 2>&1 &
pids="$pids $!"
i=0; while [ ! -S "$D/munge/munge.sock" ] && [ $i -lt 40 ]; do sleep 0.25; i=$((i + 1)); done
[ -S "$D/munge/munge.sock" ] || die "munged did not start"
munge --socket="$D/munge/munge.sock" -n | unmunge --socket="$D/munge/munge.sock" >/dev/null ||
    die "munge cannot decode its own credential"

CPUS=$(nproc)
cat >"$D/slurm.conf" <<EOF
# a one-node Slurm on 127.0.0.1 for hfscope's check-slurm
ClusterName=hfscope
SlurmctldHost=$NODE(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
AuthInfo=socket=$D/munge/munge.sock
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool
SlurmctldPidFile=$D/slurmctld.pid
SlurmdPidFile=$D/slurmd.pid
SlurmctldLogFile=$D/slurmctld.log
SlurmdLogFile=$D/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
SlurmctldTimeout=30
SlurmdTimeout=30
KillWait=5
MessageTimeout=5
MinJobAge=300
NodeName=$NODE NodeAddr=127.0.0.1 NodeHostname=$NODE CPUs=$CPUS State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$D/slurm.conf"
slurmctld -D -c -f "$SLURM_CONF" >"$D/slurmctld.out" 2>&1 &
ctld=$!
pids="$pids $ctld"
slurmd -D -f "$SLURM_CONF" -N "$NODE" >"$D/slurmd.out" 2>&1 &
slurmd_pid=$!
pids="$pids $slurmd_pid"
t0=$(date +%s)
until timeout 5 sinfo -h -N -o '%t' 2>/dev/null | grep -q '^idle'; do
    kill -0 "$ctld" 2>/dev/null || die "slurmctld exited: $(tail -n 3 "$D/slurmctld.log")"
    kill -0 "$slurmd_pid" 2>/dev/null || die "slurmd exited: $(tail -n 3 "$D/slurmd.log")"
    [ $(($(date +%s) - t0)) -lt 60 ] || die "the node did not become idle in 60 s: $(timeout 5 sinfo -N 2>&1)"
    sleep 0.5
done
echo "check-slurm: slurmctld, slurmd and munged up on 127.0.0.1 ($(sinfo -h -o '%P %D nodes %c CPUs %t'))"
# the namespace's only interface is lo (127.0.0.1 and 192.0.2.1): nothing is reachable from outside
echo "check-slurm: interfaces in the namespace: $(ip -o addr show | awk '{ print $2, $4 }' | tr '\n' ' ')"
ports=""
for h in $(awk 'NR > 1 && $4 == "0A" { split($2, a, ":"); print a[2] }' /proc/net/tcp); do
    ports="$ports $(printf '%d' "0x$h")"
done
echo "check-slurm: TCP ports listening in the namespace:$ports"

# ---- the grid, the array job, the merge ----
. tests/slurm/grid.sh
BKG=$REF/pyhf_example_patchset/workspace.json
DIGEST=$(hf_example_digest "$REF")
W=$D/work
hf_grid "$DIGEST" 10 11 >"$W/grid.json"
npoints=$(grep -o '"name":"sig_' "$W/grid.json" | wc -l)
[ "$npoints" -ge 100 ] || die "the grid has $npoints points"
cat >"$W/hfscope.sh" <<EOF
#!/bin/sh
#SBATCH --job-name=hfscope
#SBATCH --array=0-$((NSHARD - 1))
#SBATCH --cpus-per-task=1
#SBATCH --output=$W/logs/hfscope_%a.out
set -eu
N=\$((SLURM_ARRAY_TASK_MAX + 1))
exec "$HF" patchset run "$BKG" "$W/grid.json" --what limit -j "\${SLURM_CPUS_PER_TASK:-1}" \\
    --shard "\$SLURM_ARRAY_TASK_ID/\$N" -o "$W/results/limits_\${SLURM_ARRAY_TASK_ID}.jsonl" -q
EOF
t0=$(date +%s)
jobid=$(sbatch --parsable --chdir="$W" "$W/hfscope.sh") || die "sbatch failed"
echo "check-slurm: submitted array job $jobid ($NSHARD shards of a $npoints-point grid)"
i=0
while [ -n "$(timeout 10 squeue -h -j "$jobid" 2>/dev/null)" ]; do
    [ $(($(date +%s) - t0)) -lt 300 ] || die "the array job did not finish in 5 minutes"
    sleep 0.5
done
echo "check-slurm: array job finished in $(( $(date +%s) - t0 )) s"
for s in $(seq 0 $((NSHARD - 1))); do
    [ -s "$W/results/limits_$s.jsonl" ] || die "shard $s wrote nothing: $(cat "$W/logs/hfscope_$s.out" 2>/dev/null)"
    echo "check-slurm: shard $s: $(grep -c . "$W/results/limits_$s.jsonl") points"
done
"$HF" patchset merge "$W"/results/limits_*.jsonl --patchset "$W/grid.json" -o "$W/merged.jsonl" ||
    die "patchset merge exit $?"
"$HF" patchset run -q "$BKG" "$W/grid.json" --what limit -j 2 -o "$W/one.jsonl" || die "one-machine run exit $?"
strip() { sed 's/,"seconds":[^,}]*//; s/,"finished":[^,}]*//' "$1" | sort; }
strip "$W/merged.jsonl" >"$W/a"; strip "$W/one.jsonl" >"$W/b"
cmp -s "$W/a" "$W/b" || die "the merged Slurm shards differ from the one-machine run: $(diff "$W/a" "$W/b" | head -n 4)"
echo "check-slurm: PASS: $(grep -c . "$W/merged.jsonl") points from $NSHARD Slurm array tasks equal the one-machine run point for point"

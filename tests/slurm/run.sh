#!/usr/bin/env bash
# A real Slurm test: installs Debian's Slurm and MUNGE if needed, starts a one-node cluster
# on this machine, submits tests/data/small-sweep.toml as a 4-task job array
# (docs/cluster/sweep.sbatch) plus a merge job that waits on it (--dependency=afterok), and
# checks that the merged result is byte-identical to a local unsharded sweep. Stops the
# daemons afterwards, whatever happened. Needs root (apt-get, daemons); run by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
  echo "slurm test: installing slurmctld, slurmd, slurm-client and munge"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurmctld slurmd slurm-client munge >/dev/null
fi

cargo build --release --quiet
BIN=$ROOT/target/release/reformsim
WORK=$(mktemp -d /tmp/reformsim-slurm.XXXXXX)
chmod 755 "$WORK"

cleanup() {
  scontrol shutdown >/dev/null 2>&1 || true
  sleep 1
  pkill -x slurmd >/dev/null 2>&1 || true
  pkill -x slurmctld >/dev/null 2>&1 || true
  pkill -x munged >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# MUNGE: a key, then the daemon as its own user.
mkdir -p /etc/munge /run/munge /var/lib/munge /var/log/munge
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
fi
chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
chmod 400 /etc/munge/munge.key
chmod 755 /run/munge
pgrep -x munged >/dev/null || runuser -u munge -- /usr/sbin/munged
munge -n | unmunge >/dev/null

# Slurm: one node (this machine, as slurmd -C describes it), one partition, no cgroups.
HOST=$(hostname -s)
NODE=$(slurmd -C | head -1)
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=reformsim-ci
SlurmctldHost=$HOST
AuthType=auth/munge
SlurmUser=root
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
$NODE State=UNKNOWN
PartitionName=ci Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld
slurmd
for _ in $(seq 1 60); do
  if sinfo -h -o '%T' 2>/dev/null | grep -qE '^(idle|mixed)'; then break; fi
  sleep 1
done
sinfo

# The sweep as an array of 4 shards, and the merge after it.
PARTS=$WORK/parts
MERGED=$WORK/merged
ARRAY=$(sbatch --parsable --array=0-3 --cpus-per-task=1 --chdir="$ROOT" \
  --output="$WORK/sweep-%A_%a.log" --export=ALL,REFORMSIM="$BIN" \
  docs/cluster/sweep.sbatch tests/data/small-sweep.toml "$PARTS")
MERGE=$(sbatch --parsable --dependency=afterok:"$ARRAY" --chdir="$ROOT" \
  --output="$WORK/merge-%j.log" --export=ALL,REFORMSIM="$BIN" \
  docs/cluster/merge.sbatch "$PARTS" "$MERGED")
echo "submitted array job $ARRAY and merge job $MERGE"

for _ in $(seq 1 300); do
  if [ -z "$(squeue -h -j "$ARRAY,$MERGE" 2>/dev/null)" ]; then break; fi
  sleep 1
done
if [ ! -f "$MERGED/manifest.json" ]; then
  echo "slurm test: the merge job wrote no manifest" >&2
  cat "$WORK"/*.log >&2 || true
  tail -20 /var/log/slurm/slurmctld.log /var/log/slurm/slurmd.log >&2 || true
  exit 1
fi

LOCAL=$WORK/local
"$BIN" sweep tests/data/small-sweep.toml --quiet --out "$LOCAL"
for f in runs.csv points.csv manifest.json; do
  cmp "$LOCAL/$f" "$MERGED/$f"
done
echo "slurm test: 4 array tasks + merge (afterok) give the same bytes as a local sweep"

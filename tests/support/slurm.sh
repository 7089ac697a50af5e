#!/usr/bin/env bash
# A one-node Slurm cluster for the tests labelled slurm: Debian's slurmctld,
# slurmd and munge, with a private munged, configured in a folder under
# /tmp. No system service or file under /etc is used.
#
#   source slurm.sh; slurm_start   starts it, exports SLURM_CONF
#   slurm_stop                     stops it and removes its folder
# Needs to run as root (SlurmUser=root), as CI does.

slurm_start() {
  SLURM_DIR=$(mktemp -d /tmp/vigie-slurm.XXXXXX)
  chmod 755 "$SLURM_DIR"  # munged wants every folder above its socket searchable.
  mkdir "$SLURM_DIR"/{state,spool,log,run}
  local ports
  ports=$(python3 -c 'import socket
ss=[socket.socket() for _ in "ab"]
[s.bind(("127.0.0.1", 0)) for s in ss]
print(*[s.getsockname()[1] for s in ss])')
  read -r SLURM_CTLD_PORT SLURM_SLURMD_PORT <<< "$ports"
  mungekey --create --keyfile="$SLURM_DIR/munge.key"
  munged -F --key-file="$SLURM_DIR/munge.key" --socket="$SLURM_DIR/munge.sock" \
    --pid-file="$SLURM_DIR/run/munged.pid" --log-file="$SLURM_DIR/log/munged.log" \
    --seed-file="$SLURM_DIR/munged.seed" > /dev/null 2>&1 &
  SLURM_MUNGED=$!
  for _ in $(seq 100); do [[ -S $SLURM_DIR/munge.sock ]] && break; sleep 0.05; done
  cat > "$SLURM_DIR/slurm.conf" <<CONF
ClusterName=vigietest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$SLURM_CTLD_PORT
SlurmdPort=$SLURM_SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$SLURM_DIR/munge.sock
StateSaveLocation=$SLURM_DIR/state
SlurmdSpoolDir=$SLURM_DIR/spool
SlurmctldPidFile=$SLURM_DIR/run/slurmctld.pid
SlurmdPidFile=$SLURM_DIR/run/slurmd.pid
SlurmctldLogFile=$SLURM_DIR/log/slurmctld.log
SlurmdLogFile=$SLURM_DIR/log/slurmd.log
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
InactiveLimit=0
MinJobAge=300
KillWait=5
NodeName=node1 NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  export SLURM_CONF=$SLURM_DIR/slurm.conf
  slurmctld -D -f "$SLURM_CONF" > "$SLURM_DIR/log/slurmctld.stdout" 2>&1 &
  SLURM_CTLD=$!
  slurmd -D -N node1 -f "$SLURM_CONF" > "$SLURM_DIR/log/slurmd.stdout" 2>&1 &
  SLURM_SLURMD=$!
  for _ in $(seq 300); do [[ $(sinfo -h -n node1 -o %t 2>/dev/null) == idle ]] && return 0; sleep 0.1; done
  echo "slurm.sh: the node never became idle" >&2
  cat "$SLURM_DIR"/log/*.log >&2
  return 1
}

slurm_stop() {
  [[ -n ${SLURM_DIR:-} ]] || return 0
  scontrol shutdown > /dev/null 2>&1 || true
  local p
  for p in ${SLURM_CTLD:-} ${SLURM_SLURMD:-} ${SLURM_MUNGED:-}; do
    [[ $p == "${SLURM_MUNGED:-}" ]] && kill -TERM "$p" 2> /dev/null
    for _ in $(seq 150); do kill -0 "$p" 2> /dev/null || break; sleep 0.1; done
    kill -9 "$p" 2> /dev/null || true
    wait "$p" 2> /dev/null || true
  done
  rm -rf "$SLURM_DIR"
  SLURM_DIR=
}

#!/usr/bin/env bash
# A single-machine Slurm (Debian 12, slurm-wlm 22.05) for the NPU center's integration tests and for trying
# `bitgoeul npu submit` by hand, after the tested recipe in ../shared/slurm-local: a private munged, one slurmctld
# and three slurmd on loopback (rngd1, rngd2 with 8 fake FuriosaAI RNGD cards each as GRES npu:rngd, atom1 with
# 8 Rebellions ATOM cards as npu:atom; the cards are plain files), accounting from the job-completion log
# (jobcomp/filetxt, read by `sacct --completion`), no slurmdbd.
#
#   scripts/slurm_local.sh start  STATE_DIR   write the configuration into STATE_DIR, start the daemons, wait until
#                                             every node is idle; prints the line to source: `. STATE_DIR/env.sh`
#   scripts/slurm_local.sh stop   STATE_DIR   cancel every job, wait for them, stop every daemon by its pid file
#   scripts/slurm_local.sh status STATE_DIR   which daemons run (by pid file) and sinfo
#
# SLURM_LOCAL_PORT (default 26817) is the controller's port; slurmd ports follow it (port+1, port+101..port+103), so
# two clusters on one machine need ports 200 apart. Run as root (the daemons run as root, as in the recipe).
set -euo pipefail

usage() {
  echo "usage: $0 start|stop|status STATE_DIR" >&2
  exit 2
}
[ $# -eq 2 ] || usage
action="$1"
state="$2"
case "$action" in start | stop | status) ;; *) usage ;; esac
mkdir -p "$state"
state="$(cd "$state" && pwd)"
port="${SLURM_LOCAL_PORT:-26817}"
nodes=(rngd1 rngd2 atom1)
export SLURM_CONF="$state/slurm.conf"

# pid_alive FILE: the pid in FILE names a live process.
pid_alive() {
  [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

# stop_pids FILE...: TERM every live process named in the pid files at once, wait up to 10 s for all of them,
# KILL those still alive, remove the files.
stop_pids() {
  local file pid pids=() names=()
  for file in "$@"; do
    if pid_alive "$file"; then
      pid="$(cat "$file")"
      kill "$pid" 2>/dev/null || true
      pids+=("$pid")
      names+=("$(basename "$file" .pid)")
    fi
  done
  local deadline=$((SECONDS + 10)) alive
  while [ $SECONDS -lt $deadline ]; do
    alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  local i
  for i in "${!pids[@]}"; do
    if kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "slurm_local: ${names[$i]} (pid ${pids[$i]}) ignored TERM; killing it" >&2
      kill -9 "${pids[$i]}" 2>/dev/null || true
    fi
    echo "stopped ${names[$i]} (pid ${pids[$i]})"
  done
  rm -f "$@"
}

# wait_for_file FILE SECONDS NAME: FILE appears and names a live process within SECONDS.
wait_for_file() {
  local deadline=$((SECONDS + $2))
  while [ $SECONDS -lt $deadline ]; do
    pid_alive "$1" && return 0
    sleep 0.1
  done
  echo "slurm_local: $3 did not start (no live pid in $1); see $state/log" >&2
  return 1
}

# fail MESSAGE: print it with the end of the controller's log, stop what was started, exit 1.
fail() {
  echo "slurm_local: $1" >&2
  tail -n 5 "$state/log/slurmctld.log" >&2 2> /dev/null || true
  stop > /dev/null 2>&1 || true
  exit 1
}

write_config() {
  local host
  host="$(hostname -s)"
  mkdir -p "$state/log" "$state/ctld" "$state/fakedev" "$state/munge"
  chmod 700 "$state/munge"
  for i in 0 1 2 3 4 5 6 7; do
    touch "$state/fakedev/rngd$i" "$state/fakedev/atom$i"
  done
  cat > "$state/slurm.conf" << EOF
# Written by scripts/slurm_local.sh; one host, loopback only.
ClusterName=bitgoeul
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$state/munge/munge.socket
MailProg=/bin/true
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SlurmdParameters=config_overrides
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc=$state/log/jobcomp.txt
PriorityType=priority/basic
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
KillWait=2
MinJobAge=600
InactiveLimit=0
StateSaveLocation=$state/ctld
SlurmdSpoolDir=$state/spool-%n
SlurmctldPidFile=$state/slurmctld.pid
SlurmdPidFile=$state/slurmd-%n.pid
SlurmctldLogFile=$state/log/slurmctld.log
SlurmdLogFile=$state/log/slurmd-%n.log
GresTypes=npu
NodeName=rngd[1-2] NodeHostname=$host NodeAddr=127.0.0.1 Port=[$((port + 101))-$((port + 102))] CPUs=16 RealMemory=16000 Gres=npu:rngd:8
NodeName=atom1 NodeHostname=$host NodeAddr=127.0.0.1 Port=$((port + 103)) CPUs=16 RealMemory=16000 Gres=npu:atom:8
PartitionName=npu Nodes=rngd[1-2],atom1 Default=YES MaxTime=INFINITE State=UP
EOF
  cat > "$state/gres.conf" << EOF
NodeName=rngd[1-2] Name=npu Type=rngd File=$state/fakedev/rngd[0-7]
NodeName=atom1 Name=npu Type=atom File=$state/fakedev/atom[0-7]
EOF
  cat > "$state/env.sh" << EOF
export SLURM_CONF=$state/slurm.conf
EOF
}

start() {
  command -v slurmctld > /dev/null && command -v munged > /dev/null || {
    echo "slurm_local: slurmctld/slurmd/munge are not installed (scripts/install_deps.sh installs them)" >&2
    exit 1
  }
  if pid_alive "$state/slurmctld.pid"; then
    echo "slurm_local: already running in $state (slurmctld pid $(cat "$state/slurmctld.pid"))" >&2
    exit 1
  fi
  # A clear message instead of a daemon's "Address already in use" in its log.
  for p in "$port" $((port + 1)) $((port + 101)) $((port + 102)) $((port + 103)); do
    if (exec 3<> "/dev/tcp/127.0.0.1/$p") 2> /dev/null; then
      echo "slurm_local: port $p is in use (another local Slurm?); choose others with SLURM_LOCAL_PORT" >&2
      exit 1
    fi
  done
  write_config
  # A private munge key and socket, so nothing here touches the machine's munged.
  [ -s "$state/munge/munge.key" ] || mungekey --create --keyfile="$state/munge/munge.key" 2> /dev/null ||
    dd if=/dev/urandom of="$state/munge/munge.key" bs=1024 count=1 status=none
  chmod 600 "$state/munge/munge.key"
  munged --force --key-file="$state/munge/munge.key" --socket="$state/munge/munge.socket" \
    --pid-file="$state/munge/munged.pid" --log-file="$state/munge/munged.log" \
    --seed-file="$state/munge/munged.seed"
  wait_for_file "$state/munge/munged.pid" 10 munged || fail "munged did not start"
  slurmctld -f "$SLURM_CONF" -i || fail "slurmctld refused to start"
  wait_for_file "$state/slurmctld.pid" 20 slurmctld || fail "slurmctld did not start"
  for node in "${nodes[@]}"; do
    slurmd -f "$SLURM_CONF" -N "$node" || fail "slurmd $node refused to start"
  done
  for node in "${nodes[@]}"; do
    wait_for_file "$state/slurmd-$node.pid" 20 "slurmd $node" || fail "slurmd $node did not start"
  done
  # Ready when every node is idle (30 s at most; each sinfo gives up after 5 s).
  local idle=0 deadline=$((SECONDS + 30))
  while [ $SECONDS -lt $deadline ]; do
    pid_alive "$state/slurmctld.pid" || fail "slurmctld exited"
    idle="$(timeout 5 sinfo -h -N -o '%N %T' 2> /dev/null | grep -c ' idle$' || true)"
    [ "$idle" -eq "${#nodes[@]}" ] && break
    sleep 0.1
  done
  [ "$idle" -eq "${#nodes[@]}" ] || fail "nodes not idle after 30 s: $(timeout 5 sinfo -h -N -o '%N:%T:%E' | tr '\n' ' ')"
  sinfo -N -o '%N %G %T'
  echo "slurm running in $state; use it with: . $state/env.sh"
}

stop() {
  if pid_alive "$state/slurmctld.pid"; then
    # Jobs first, so no job step outlives its slurmd.
    local ids
    ids="$(timeout 5 squeue -h -o '%i' 2> /dev/null || true)"
    if [ -n "$ids" ]; then
      # shellcheck disable=SC2086
      timeout 5 scancel $ids 2> /dev/null || true
      local deadline=$((SECONDS + 30))
      while [ $SECONDS -lt $deadline ]; do
        [ -z "$(timeout 5 squeue -h -t all -o '%i %T' 2> /dev/null | grep -E ' (PENDING|RUNNING|COMPLETING|CONFIGURING|SUSPENDED|REQUEUED)' || true)" ] && break
        sleep 0.2
      done
    fi
  fi
  local node slurmd_files=()
  for node in "${nodes[@]}"; do slurmd_files+=("$state/slurmd-$node.pid"); done
  stop_pids "${slurmd_files[@]}"
  stop_pids "$state/slurmctld.pid"
  stop_pids "$state/munge/munged.pid"
}

status() {
  local running=0
  for file in "$state/munge/munged.pid" "$state/slurmctld.pid" "${nodes[@]/#/$state/slurmd-}"; do
    file="${file%.pid}.pid"
    if pid_alive "$file"; then
      echo "running: $(basename "$file" .pid) (pid $(cat "$file"))"
      running=$((running + 1))
    else
      echo "stopped: $(basename "$file" .pid)"
    fi
  done
  if pid_alive "$state/slurmctld.pid"; then timeout 5 sinfo -N -o '%N %G %T' || true; fi
  [ "$running" -gt 0 ]
}

"$action"

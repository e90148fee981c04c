# A real one-node corosync + pacemaker cluster in its own network, mount,
# IPC, UTS and PID namespaces, for the console's live tests and benchmark
# (sourced, POSIX sh).  Nothing of the host changes: corosync.conf, the CIB
# and the logs live in a temporary directory bind-mounted over the usual
# paths inside the private mount namespace.
#   solo_up DIR      starts it; SOLO_PID is the namespace's init (host pid)
#   solo_x CMD...    runs CMD inside
#   solo_wait_dc S   waits up to S seconds until crm_mon shows a DC
#   solo_pcmk stop|kill|start, solo_corosync stop|start
#   solo_down        kills everything in the namespace
# Needs root, unshare and nsenter (util-linux).
# The single-quoted commands are expanded inside the namespace, on purpose:
# shellcheck disable=SC2016

solo_can_run() {
    [ "$(id -u)" = 0 ] || { echo "needs root (namespaces)"; return 1; }
    for c in unshare nsenter corosync pacemakerd crm_mon cibadmin; do
        command -v $c > /dev/null 2>&1 || { echo "needs $c"; return 1; }
    done
    unshare --net --mount --ipc --pid --fork true 2> /dev/null \
        || { echo "cannot create namespaces here"; return 1; }
    id hacluster > /dev/null 2>&1 || { echo "needs the hacluster user"; return 1; }
}

solo_up() {
    SOLO_DIR=$1
    mkdir -p "$SOLO_DIR"
    cat > "$SOLO_DIR/init.sh" <<'EOS'
#!/bin/sh
st=$1
mkdir -p $st/corosync $st/pcmk/cib $st/pcmk/pengine $st/pcmk/blackbox \
    $st/pcmk/cores $st/log/pacemaker $st/corosync-lib
mount --make-rprivate /
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /dev/shm
mount --bind $st/corosync /etc/corosync
mount --bind $st/pcmk /var/lib/pacemaker
mount --bind $st/corosync-lib /var/lib/corosync
mount --bind $st/log /var/log
# The first CIB with dc-deadtime shortened (Pacemaker's 20 s): the only
# node's first election need not wait for a peer that never comes.
cibadmin --empty > /var/lib/pacemaker/cib/cib.xml &&
    CIB_file=/var/lib/pacemaker/cib/cib.xml crm_attribute --type crm_config \
        --name dc-deadtime --update 2s
chmod 600 /var/lib/pacemaker/cib/cib.xml
chown -R hacluster:haclient /var/lib/pacemaker /var/log/pacemaker
ip link set lo up
cat > /etc/corosync/corosync.conf <<EOC
totem {
    version: 2
    cluster_name: solo
    transport: knet
    crypto_cipher: none
    crypto_hash: none
}
nodelist {
    node {
        ring0_addr: 127.0.0.1
        name: solo1
        nodeid: 1
    }
}
quorum {
    provider: corosync_votequorum
}
logging {
    to_logfile: yes
    logfile: /var/log/corosync.log
    to_stderr: no
    to_syslog: no
}
EOC
echo ready > $st/ready
# PID 1 of the namespace reaps the daemons that a test kills.
exec python3 -c '
import os, time
while True:
    try:
        os.wait()
    except ChildProcessError:
        time.sleep(0.2)
'
EOS
    chmod +x "$SOLO_DIR/init.sh"
    unshare --net --mount --ipc --uts --pid --fork --mount-proc \
        "$SOLO_DIR/init.sh" "$SOLO_DIR" > "$SOLO_DIR/unshare.log" 2>&1 &
    _u=$!
    _end=$(( $(date +%s) + 20 ))
    SOLO_PID=
    while [ "$(date +%s)" -le "$_end" ]; do
        SOLO_PID=$(pgrep -P "$_u" 2> /dev/null | head -1)
        [ -n "$SOLO_PID" ] && [ -e "$SOLO_DIR/ready" ] && break
        sleep 0.1
    done
    [ -n "$SOLO_PID" ] && [ -e "$SOLO_DIR/ready" ] || return 1
    solo_corosync start && solo_pcmk start
}

solo_x() { nsenter -t "$SOLO_PID" -m -u -i -n -p "$@"; }

solo_corosync() {
    case $1 in
        start) solo_x sh -c 'setsid corosync -f > /var/log/corosync.out 2>&1 &'
               _end=$(( $(date +%s) + 30 ))
               while ! solo_x corosync-quorumtool -s > /dev/null 2>&1; do
                   [ "$(date +%s)" -gt "$_end" ] && return 1
                   sleep 0.2
               done ;;
        stop) solo_x sh -c 'kill -TERM $(pgrep -x corosync)'
              _end=$(( $(date +%s) + 30 ))
              while solo_x pgrep -x corosync > /dev/null; do
                  [ "$(date +%s)" -gt "$_end" ] && return 1
                  sleep 0.2
              done ;;
    esac
}

solo_pcmk() {
    case $1 in
        start) solo_x sh -c 'PCMK_logfile=/var/log/pacemaker/pacemaker.log \
                   setsid pacemakerd -f > /var/log/pcmk.out 2>&1 &' ;;
        kill) # A crash: pacemakerd and its daemons, by pid.
              solo_x sh -c 'p=$(pgrep -x pacemakerd); \
                  [ -n "$p" ] && kill -KILL $p $(pgrep -P $p)'
              _end=$(( $(date +%s) + 30 ))
              while solo_x pgrep -x pacemaker-based > /dev/null; do
                  [ "$(date +%s)" -gt "$_end" ] && return 1
                  sleep 0.2
              done ;;
        stop) solo_x sh -c 'kill -TERM $(pgrep -x pacemakerd)'
              _end=$(( $(date +%s) + 60 ))
              while solo_x pgrep -x pacemakerd > /dev/null; do
                  [ "$(date +%s)" -gt "$_end" ] && return 1
                  sleep 0.2
              done ;;
    esac
}

solo_wait_dc() {
    _end=$(( $(date +%s) + ${1:-90} ))
    while [ "$(date +%s)" -le "$_end" ]; do
        solo_x crm_mon -1 2> /dev/null | grep -q "Current DC: solo1" && return 0
        sleep 0.5
    done
    return 1
}

solo_down() {
    [ -n "${SOLO_PID:-}" ] && kill -KILL "$SOLO_PID" 2> /dev/null
    SOLO_PID=
}

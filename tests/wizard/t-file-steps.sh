#!/bin/sh
# The wizard's file steps (cluster: corosync.conf and authkey; dhcp:
# dhcpd.conf and the packaged service) with a real peer over ssh.
#
# The test runs in a mount namespace of its own: the "peer" nodetwo is an
# sshd on 127.0.0.1 that sees /etc/corosync and /etc/dhcp bind-mounted
# from the test's directory, and the init links (/etc/rc?.d) are copies,
# so nothing of this machine's configuration is touched.  The local node
# (nodeone) writes under HACON_ROOT.  Checked:
#  * the generated corosync.conf (golden copy, test_gen.c) is accepted by
#    corosync's parser, the generated dhcpd.conf by dhcpd -t;
#  * dhcp applies on both nodes (the same file, the packaged service
#    disabled in the init links), a rerun finds it done and changes nothing;
#  * a peer that refuses the write (read-only) fails the step after the
#    local files were written: they are restored byte for byte, a file
#    that was absent is absent again.
. "$HACON_TOP/tests/tap.sh"
tap_need_root
tap_need_cmd unshare sshd ssh ssh-keygen dhcpd corosync
[ -x "$HACON" ] || tap_skip_all "build/hacon not built (make)"

if [ -z "${HC_WIZ_NS:-}" ]; then
    HC_WIZ_NS=1 exec unshare -m --propagation private "$0" "$@"
    tap_skip_all "cannot make a mount namespace"
fi

work=$(mktemp -d /tmp/hacon-wizfile.XXXXXX)
sshd_pid= loop=
cleanup() {
    [ -n "$loop" ] && losetup -d "$loop" 2> /dev/null
    [ -n "$sshd_pid" ] && {
        ssh -F "$work/ssh_config" -O exit nodetwo > /dev/null 2>&1
        kill "$sshd_pid" 2> /dev/null; }
    [ -n "${HC_KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
export LC_ALL=C TZ=UTC
golden=$HACON_TOP/tests/wizard/golden

# ------------------------------------------------------------ the peer
peer=$work/peer
mkdir -p "$peer/corosync" "$peer/dhcp" "$work/rc"
mount --bind "$peer/corosync" /etc/corosync || tap_skip_all "bind mounts not allowed"
mount --bind "$peer/dhcp" /etc/dhcp
for rc in /etc/rc?.d; do
    cp -a "$rc" "$work/rc/"
    mount --bind "$work/rc/$(basename "$rc")" "$rc"
done
# The peer runs each command through root's shell, which reads root's
# .bashrc: this machine's may be slow (an interpreter manager's set-up
# took 0.6 s per command, ~60 commands here).  A fresh node's is empty.
root_home=$(getent passwd root | cut -d: -f6)
if [ -f "$root_home/.bashrc" ]; then
    : > "$work/bashrc"
    mount --bind "$work/bashrc" "$root_home/.bashrc"
fi
ssh-keygen -q -t ed25519 -N '' -f "$work/host_key"
ssh-keygen -q -t ed25519 -N '' -f "$work/id"
cp "$work/id.pub" "$work/authorized_keys"
port=$((20000 + $$ % 20000))
cat > "$work/sshd_config" <<EOF
Port $port
ListenAddress 127.0.0.1
HostKey $work/host_key
PidFile $work/sshd.pid
AuthorizedKeysFile $work/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
StrictModes no
UsePAM no
EOF
cat > "$work/ssh_config" <<EOF
Host nodetwo
    HostName 127.0.0.1
    Port $port
    User root
    IdentityFile $work/id
    StrictHostKeyChecking no
    UserKnownHostsFile /dev/null
    LogLevel ERROR
    # One connection for the whole test: ssh is the slow part here.
    ControlMaster auto
    ControlPath $work/cm-%C
    ControlPersist 120
EOF
mkdir -p /run/sshd
/usr/sbin/sshd -D -f "$work/sshd_config" -E "$work/sshd.log" &
sshd_pid=$!
export HACON_SSH_CONFIG=$work/ssh_config
up=false
for _ in $(seq 50); do
    ssh -F "$HACON_SSH_CONFIG" -o BatchMode=yes nodetwo true 2> /dev/null && {
        up=true; break; }
    sleep 0.1
done
$up || tap_skip_all "the test sshd did not start: $(tail -2 "$work/sshd.log")"
tap_ok "peer nodetwo answers over ssh"

export HACON_ROOT=$work/root HACON_STATE_DIR=$work/state
mkdir -p "$HACON_ROOT/etc/dhcp" "$HACON_ROOT/etc/corosync"
ans=$work/answers
cat > "$ans" <<EOF
local_node=nodeone
service_net=10.10.102.0/24
EOF
# Each step alone, out of the tutorial's order (the steps before it are
# not done here): applied with --force.
setup() { "$HACON" setup "$@" > "$work/out" 2>&1; }

# ------------------------------------------------------------ preflight
{ cat "$ans"; echo ha_if=hcnoif0; echo drbd_disk=/dev/hcnodisk1; } > "$work/ans.pre"
setup plan preflight --answers "$work/ans.pre"
tap_check "preflight: blocked here (exit 3)" [ $? -eq 3 ]
tap_check "preflight: names the nodes (once for both), the answer with its value and what to do" \
    grep -q 'nodeone, nodetwo: ha_if=hcnoif0 is no network interface there (ip link): answer ha_if= the interface on the HA network' "$work/out"
tap_check "preflight: the disk named with its answer, and the way out without DRBD" \
    grep -q 'nodeone, nodetwo: drbd_disk=/dev/hcnodisk1 (storage=drbd) is not a block device there: answer drbd_disk= the disk DRBD replicates, or, without DRBD, storage=shared and shared_disk= a disk both nodes see' "$work/out"
tap_check "preflight: ... and where the answers are changed" \
    grep -q "(answers: e in the console's setup screen, or hacon --answers FILE)\$" "$work/out"
{ cat "$ans"; echo storage=shared; echo shared_disk=/dev/hcnodisk2; } > "$work/ans.pre"
setup plan preflight --answers "$work/ans.pre"
tap_check "preflight: storage=shared: shared_disk named with its value" \
    grep -q 'nodeone, nodetwo: shared_disk=/dev/hcnodisk2 (storage=shared) is not a block device there: answer shared_disk= a disk both nodes see' "$work/out"

# ------------------------------------------------------------ dhcp
setup plan dhcp --answers "$ans"
tap_check "dhcp: plan" [ $? -eq 0 ]
tap_check "dhcp: the plan shows the file for both nodes" \
    grep -q '\[nodetwo\] /etc/dhcp/dhcpd.conf' "$work/out"
tap_check "dhcp: the plan shows the corrected lease-file-name" \
    grep -q '+lease-file-name "/data/dhcp/dhcpd.leases";' "$work/out"
setup apply dhcp --answers "$ans" --yes --force
tap_check "dhcp: applied and verified with dhcpd -t" [ $? -eq 0 ]
tap_diff "dhcp: dhcpd.conf as golden" "$golden/dhcpd.conf" "$HACON_ROOT/etc/dhcp/dhcpd.conf"
cmp -s "$HACON_ROOT/etc/dhcp/dhcpd.conf" "$peer/dhcp/dhcpd.conf"
tap_check "dhcp: the same file on the peer" [ $? -eq 0 ]
dhcpd -t -q -cf "$peer/dhcp/dhcpd.conf" > /dev/null 2>&1
tap_check "dhcp: dhcpd -t accepts it" [ $? -eq 0 ]
if ls /etc/rc2.d/S*isc-dhcp-server > /dev/null 2>&1; then
    tap_fail "dhcp: the packaged service still starts at boot"
else
    tap_ok "dhcp: the packaged service no longer starts at boot"
fi
cp -a "$HACON_ROOT/etc/dhcp/dhcpd.conf" "$work/dhcpd.before"
"$HACON" setup list --answers "$ans" > "$work/list" 2>&1
grep -q '^[0-9] dhcp  *done' "$work/list"
tap_check "dhcp: rerun finds it done" [ $? -eq 0 ]
setup apply dhcp --answers "$ans" --yes --force
tap_check "dhcp: rerun has nothing to do" grep -q 'Nothing to do' "$work/out"
cmp -s "$work/dhcpd.before" "$HACON_ROOT/etc/dhcp/dhcpd.conf"
tap_check "dhcp: rerun leaves the file as it was" [ $? -eq 0 ]

# A changed range and a peer that refuses the write: rolled back.
printf 'range_start=10.10.101.50\n' >> "$ans"
mount -o remount,bind,ro /etc/dhcp
setup apply dhcp --answers "$ans" --yes --force
tap_check "dhcp: a peer that cannot be written fails the step (exit 1)" [ $? -eq 1 ]
tap_check "dhcp: ... and says it rolled back" grep -q 'rolled back to' "$work/out"
cp "$work/out" "$work/out.dhcpfail"
cmp -s "$work/dhcpd.before" "$HACON_ROOT/etc/dhcp/dhcpd.conf"
tap_check "dhcp: the local dhcpd.conf is restored byte for byte" [ $? -eq 0 ]
mount -o remount,bind,rw /etc/dhcp

# ------------------------------------------------------------ drbd
if [ -e /proc/drbd ] || modinfo drbd > /dev/null 2>&1; then
    tap_skip "drbd: this machine has the DRBD module (the blocked path needs none)"
else
    setup plan drbd --answers "$ans"
    tap_check "drbd: without the module the step is blocked (exit 3)" [ $? -eq 3 ]
    tap_check "drbd: ... and says so: the node, the answer, what to do, the shared disk's state" \
        grep -q 'nodeone: storage=drbd, but the node has no DRBD kernel module (no /proc/drbd, modinfo drbd finds none): install DRBD on both nodes, or answer storage=shared with shared_disk= a disk both nodes see (shared_disk=/dev/drbd1 is not a block device on both nodes)' "$work/out"
fi
truncate -s 64M "$work/disk.img"
loop=$(losetup -f --show "$work/disk.img" 2> /dev/null)
if [ -n "$loop" ]; then
    cat > "$work/ans.shared" <<EOF
local_node=nodeone
storage=shared
shared_disk=$loop
mountpoint=$work/data
EOF
    setup apply drbd --answers "$work/ans.shared" --yes --force
    tap_check "shared disk: applied (mkfs, mount point on both nodes)" [ $? -eq 0 ]
    tap_check "shared disk: ext4 on $loop" [ "$(blkid -o value -s TYPE "$loop")" = ext4 ]
    setup apply drbd --answers "$work/ans.shared" --yes --force
    tap_check "shared disk: rerun has nothing to do" grep -q 'Nothing to do' "$work/out"
    losetup -d "$loop" && loop=
else
    tap_skip "shared disk: no loop device"
fi

# ------------------------------------------------------------ cluster
printf '# an old corosync.conf\ntotem {\n\tversion: 2\n}\n' \
    > "$HACON_ROOT/etc/corosync/corosync.conf"
cp -a "$HACON_ROOT/etc/corosync/corosync.conf" "$work/corosync.before"
setup plan cluster --answers "$ans"
tap_check "cluster: plan" [ $? -eq 0 ]
cp "$work/out" "$work/out.clplan"
tap_check "cluster: the authkey is planned but not shown" grep -q 'secret: 256 bytes' "$work/out"
tap_check "cluster: the nodelist is in the diff" \
    grep -q '^ *+ *ring0_addr: 10.10.100.2$' "$work/out"
head -c 256 /dev/urandom > "$work/authkey"
sed "s|crypto_hash: sha256|crypto_hash: sha256\n\tkeyfile: $work/authkey|" \
    "$golden/corosync.conf" > "$work/corosync.t.conf"
corosync -c "$work/corosync.t.conf" -t > "$work/corosync.t" 2>&1
# Off the cluster's nodes corosync stops at "No valid name found for local
# host", after the parser and the checks of the configuration passed.
if grep -q 'parser error\|parse error in config: [^N]' "$work/corosync.t"; then
    tap_fail "cluster: corosync -t: $(grep error "$work/corosync.t" | head -1)"
else
    tap_ok "cluster: corosync's parser accepts corosync.conf"
fi
mount -o remount,bind,ro /etc/corosync
setup apply cluster --answers "$ans" --yes --force
tap_check "cluster: a peer that cannot be written fails the step (exit 1)" [ $? -eq 1 ]
cmp -s "$work/corosync.before" "$HACON_ROOT/etc/corosync/corosync.conf"
tap_check "cluster: the old corosync.conf is restored byte for byte" [ $? -eq 0 ]
tap_check "cluster: the authkey that was absent is absent again" \
    [ ! -e "$HACON_ROOT/etc/corosync/authkey" ]
if grep -q 'running .*start' "$work/out"; then
    tap_fail "cluster: something was started"
else
    tap_ok "cluster: nothing was started"
fi
mount -o remount,bind,rw /etc/corosync

# An equivalent corosync.conf on both nodes (the same cluster in other
# words: a token timeout, other logging, comments) is kept, and the plan
# shows how it differs; one without two_node is replaced.
{ echo "# the admin's own"; sed 's/^\tcrypto_hash: sha256$/&\n\ttoken: 3000/; /to_syslog/d' \
    "$golden/corosync.conf"; } > "$HACON_ROOT/etc/corosync/corosync.conf"
cp "$HACON_ROOT/etc/corosync/corosync.conf" "$peer/corosync/corosync.conf"
setup plan cluster --answers "$ans"
tap_check "cluster: an equivalent corosync.conf is kept on both nodes, said so" sh -c \
    "grep -q '\[nodeone\] /etc/corosync/corosync.conf: an equivalent configuration is in place' '$work/out' &&
     grep -q '\[nodetwo\] /etc/corosync/corosync.conf: an equivalent configuration is in place' '$work/out' &&
     ! grep -q '\] /etc/corosync/corosync.conf (mode' '$work/out'"
tap_check "cluster: ... with the diff of what differs" sh -c \
    "grep -q '^ *-# the admin.s own' '$work/out' && grep -q '^ *- *token: 3000' '$work/out' &&
     grep -q '^ *+ *to_syslog: yes' '$work/out'"
sed -i '/two_node/d' "$peer/corosync/corosync.conf"
setup plan cluster --answers "$ans"
tap_check "cluster: a corosync.conf without two_node: 1 is not equivalent: replaced" sh -c \
    "grep -q '\[nodetwo\] /etc/corosync/corosync.conf (mode 0644, changed' '$work/out' &&
     ! grep -q '\[nodetwo\] /etc/corosync/corosync.conf: an equivalent' '$work/out'"
tap_done

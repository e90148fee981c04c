#!/bin/sh
# The wizard's file steps (cluster: corosync.conf and authkey; dhcp:
# dhcpd.conf or kea-dhcp4.conf and the packaged service) with a real peer
# over ssh.
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
#    that was absent is absent again;
#  * the authkey: written on the peer to a fresh name under umask 077 (the
#    peer's base64 is watched: the file it writes is 0600), restored by a
#    rollback, and its bytes (raw or base64, the old key's and the new
#    one's) are in no file of the state directory (checkpoints,
#    transcripts) and not in hacon's output.
. "$HACON_TOP/tests/tap.sh"
tap_need_root
tap_need_cmd unshare sshd ssh ssh-keygen dhcpd corosync
[ -x "$HACON" ] || tap_skip_all "build/hacon not built (make)"

if [ -z "${HC_WIZ_NS:-}" ]; then
    HC_WIZ_NS=1 exec unshare -m --propagation private "$0" "$@"
    tap_skip_all "cannot make a mount namespace"
fi

work=$(mktemp -d /tmp/hacon-wizfile.XXXXXX)
sshd_pid= loop= ocf_bound= preloop=
cleanup() {
    [ -n "${sock:-}" ] && tmux -L "$sock" kill-server 2> /dev/null
    [ -n "$loop" ] && losetup -d "$loop" 2> /dev/null
    [ -n "$sshd_pid" ] && {
        ssh -F "$work/ssh_config" -O exit nodetwo > /dev/null 2>&1
        kill "$sshd_pid" 2> /dev/null; }
    # The host's agent directories are bound into $work/ocf (a tmpfs):
    # unmounted first, and rm never crosses into another filesystem.
    if [ -n "$ocf_bound" ]; then
        umount -R /usr/lib/ocf/resource.d 2> /dev/null
        umount -R "$work/ocf" 2> /dev/null
    fi
    [ -n "$preloop" ] && losetup -d "$preloop" 2> /dev/null
    [ -n "${HC_KEEP:-}" ] || rm -rf --one-file-system "$work"
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
# The peer's commands find $work/bin first: its base64 notes the mode and
# name of the file it decodes into (the authkey's temporary file).
mkdir -p "$work/bin"
cat > "$work/bin/base64" <<EOF
#!/bin/sh
if [ "\$1" = -d ]; then
    echo "\$(stat -L -c %a /proc/\$\$/fd/1) \$(readlink /proc/\$\$/fd/1)" >> "$work/base64.log"
fi
exec /usr/bin/base64 "\$@"
EOF
chmod 755 "$work/bin/base64"
watched=false
if [ -f "$root_home/.bashrc" ]; then
    echo "PATH=$work/bin:\$PATH" > "$work/bashrc"
    mount --bind "$work/bashrc" "$root_home/.bashrc"
    watched=true
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

# detect_answers: without the DRBD module here, the facts fill storage and
# shared_disk: on the command line, and in the console's answers form
# (tmux), whose s saves them for the steps.  $loop is a block device on
# both nodes (the peer is this machine).
detect_answers() {
    printf 'local_node=nodeone\ndrbd_disk=%s\n' "$loop" > "$work/ans.detect"
    "$HACON" setup answers --detect --answers "$work/ans.detect" > "$work/detect" 2>&1
    grep -A1 -x "# detected: nodeone has no DRBD kernel module; $loop is a block device on both nodes" \
        "$work/detect" | grep -qx storage=shared
    tap_check "answers --detect: storage=shared, with the fact that says why" [ $? -eq 0 ]
    tap_check "answers --detect: the disk that is there as shared_disk" \
        grep -qx "shared_disk=$loop" "$work/detect"
    tap_check "answers --detect: an answer of the file is kept (drbd_disk)" \
        grep -qx "drbd_disk=$loop" "$work/detect"
    if ! command -v tmux > /dev/null; then
        tap_skip "answers form: no tmux"
        return
    fi
    sock=hcfile$$
    cp "$HACON_TOP/tests/golden/cib/tutorial.xml" "$work/cib.xml"
    tmux -L "$sock" new-session -d -s f -x 80 -y 24 \
        "CIB_file=$work/cib.xml TERM=screen-256color LANG=C.UTF-8 '$HACON' --answers '$work/ans.detect'; sleep 600"
    . "$HACON_TOP/tests/screen/screen-lib.sh"
    wait_for f "dhcp (ocf:hacon:dhcpd)" 20 > /dev/null
    T send-keys -t f w
    wait_gone f "checking" 60 > /dev/null
    wait_re f "Detected on the nodes: storage=shared, shared_disk=$loop" 30
    tap_check "the setup list says what the nodes have (storage=shared, $loop)" [ $? -eq 0 ]
    T send-keys -t f e
    wait_for f "Answers of the guided setup" 10 > /dev/null
    T send-keys -t f g
    for _ in $(seq 13); do T send-keys -t f Down; done
    wait_re f '^storage += shared +detected' 30 &&
        wait_for f 'detected: nodeone has no DRBD kernel module' 5
    tap_check "answers form: storage=shared detected on the nodes, said on screen" [ $? -eq 0 ]
    T send-keys -t f Down Down Down Down Down Down
    tap_check "answers form: shared_disk=$loop detected" \
        wait_re f "^shared_disk += $loop +detected" 10
    T send-keys -t f s
    tap_check "answers form: s saves them for the steps" \
        wait_for f "answers saved to $HACON_STATE_DIR/answers" 10
    tap_check "the saved file holds the detected answers and their facts" \
        bash -c "grep -qx 'storage=shared' '$HACON_STATE_DIR/answers' &&
                 grep -qx 'shared_disk=$loop' '$HACON_STATE_DIR/answers' &&
                 grep -q '^# detected: nodeone has no DRBD' '$HACON_STATE_DIR/answers'"
    tmux -L "$sock" kill-server 2> /dev/null
}

# ------------------------------------------------------------ preflight
{ cat "$ans"; echo ha_if=hcnoif0; echo drbd_disk=/dev/hcnodisk1; } > "$work/ans.pre"
setup plan preflight --answers "$work/ans.pre"
tap_check "preflight: blocked here (exit 3)" [ $? -eq 3 ]
tap_check "preflight: names the nodes (once for both), the answer with its value and what to do" \
    grep -q 'nodeone, nodetwo: ha_if=hcnoif0 is no network interface there (ip link): answer ha_if= the interface on the HA network' "$work/out"
tap_check "preflight: the disk named with its answer, and the way out without DRBD" \
    grep -q 'nodeone, nodetwo: drbd_disk=/dev/hcnodisk1 (storage=drbd) is not a block device there: answer drbd_disk= the disk DRBD replicates, or, without DRBD, storage=shared and shared_disk= a disk both nodes see' "$work/out"
tap_check "preflight: ... and where the answers are changed" \
    grep -q "(e: answers form)\$" "$work/out"
printf 'local_node=nodeone\nservice_if=hcnoif0\n' > "$work/ans.noif"
setup plan dhcp --answers "$work/ans.noif" --force
tap_check "dhcp: a missing service interface named with its answer and what to do" \
    grep -q 'nodeone: no interface service_if=hcnoif0: answer service_if= (the clients'"'"' side) (e: answers form)' "$work/out"
{ cat "$ans"; echo storage=shared; echo shared_disk=/dev/hcnodisk2; } > "$work/ans.pre"
setup plan preflight --answers "$work/ans.pre"
tap_check "preflight: storage=shared: shared_disk named with its value" \
    grep -q 'nodeone, nodetwo: shared_disk=/dev/hcnodisk2 (storage=shared) is not a block device there: answer shared_disk= a disk both nodes see' "$work/out"

# ------------------------------------------------------------ hacon on both
# The peer gets this node's hacon when it has none or another: here
# hacon runs from the build tree (installed from source), so the program
# and the agent are copied.  The peer's /usr/local/bin, its OCF agents'
# directory and /var/lib/hacon are the test's own; nodeone and nodetwo
# resolve; the HA and service interfaces are lo, the disk a loop device.
# The hacon package is not installed here meanwhile (tests/deb/t-deb.sh
# takes the same lock while it installs it).
exec 8> /tmp/hacon-deb.lock
flock -s 8
ocf=/usr/lib/ocf/resource.d
mkdir -p "$work/peerbin" "$work/ocf" "$work/varlib"
mount --bind "$work/peerbin" /usr/local/bin
mount -t tmpfs -o mode=0755,size=1m hc-ocf "$work/ocf"
ocf_bound=1
for d in "$ocf"/*; do
    [ -d "$d" ] && [ "${d##*/}" != hacon ] || continue
    mkdir "$work/ocf/${d##*/}" && mount --bind "$d" "$work/ocf/${d##*/}"
done
mount --rbind "$work/ocf" "$ocf"
made_varlib=
[ -d /var/lib/hacon ] || { mkdir /var/lib/hacon && made_varlib=1; }
mount --bind "$work/varlib" /var/lib/hacon
{ cat /etc/hosts; echo "127.0.0.1 nodeone nodetwo"; } > "$work/hosts"
mount --bind "$work/hosts" /etc/hosts
truncate -s 8M "$work/pre.img"
preloop=$(losetup -f --show "$work/pre.img" 2> /dev/null)
for a in "$HACON_TOP"/agents/*; do
    install -D -m 755 "$a" "$HACON_ROOT$ocf/hacon/${a##*/}"
done
version=$("$HACON" --version | sed 's/^hacon //')
{ cat "$ans"; echo ha_if=lo; echo service_if=lo; echo "drbd_disk=${preloop:-/dev/null}"; } \
    > "$work/ans.hacon"
peer() { ssh -F "$HACON_SSH_CONFIG" -o BatchMode=yes nodetwo "$@"; }
if [ -z "$preloop" ]; then
    tap_skip "preflight installs hacon on the peer: no loop device"
else
    setup plan preflight --answers "$work/ans.hacon"
    tap_check "preflight: a peer without hacon is no longer a blocker (exit 0)" [ $? -eq 0 ]
    cp "$work/out" "$work/preflight.plan"
    grep -q "nodetwo: no hacon on its PATH, the agent $ocf/hacon/dhcpd is missing, the agent $ocf/hacon/kea-dhcp4 is missing: hacon $version is installed there from this node" "$work/out"
    tap_check "preflight: the plan says what the peer lacks and what is done" [ $? -eq 0 ]
    tap_check "preflight: the plan shows the program copied to nodetwo:/usr/local/bin/hacon" \
        grep -q "this node's hacon, $HACON, copied to nodetwo over ssh" "$work/out"
    tap_check "preflight: the plan shows the agent copied" \
        grep -q "this node's agent ocf:hacon:dhcpd copied to nodetwo" "$work/out"
    "$HACON" setup list --answers "$work/ans.hacon" > "$work/list" 2>&1
    tap_check "preflight: listed as to do" grep -Eq '^1 preflight +to do' "$work/list"
    setup apply preflight --answers "$work/ans.hacon" --yes
    tap_check "preflight: applied and verified" [ $? -eq 0 ]
    tap_check "preflight: nodetwo runs hacon $version now" \
        [ "$(peer hacon --version)" = "hacon $version" ]
    tap_check "preflight: nodetwo has this hacon's agent" \
        cmp -s "$HACON_TOP/agents/dhcpd" "$ocf/hacon/dhcpd"
    tap_check "preflight: the agent is executable there" test -x "$ocf/hacon/dhcpd"
    tap_check "preflight: nodetwo has this hacon's Kea agent" \
        cmp -s "$HACON_TOP/agents/kea-dhcp4" "$ocf/hacon/kea-dhcp4"
    "$HACON" setup list --answers "$work/ans.hacon" > "$work/list" 2>&1
    tap_check "preflight: done after the install" grep -Eq '^1 preflight +done' "$work/list"
    setup apply preflight --answers "$work/ans.hacon" --yes
    tap_check "preflight: a rerun has nothing to do" grep -q 'Nothing to do' "$work/out"
    # Another version of the agent there: replaced, and a rollback puts
    # it back as it was.
    echo "# another version" >> "$ocf/hacon/dhcpd"
    cp -p "$ocf/hacon/dhcpd" "$work/agent.other"
    setup plan preflight --answers "$work/ans.hacon"
    tap_check "preflight: an agent of another version on the peer is named" \
        grep -q "the agent $ocf/hacon/dhcpd is another version" "$work/out"
    setup apply preflight --answers "$work/ans.hacon" --yes
    tap_check "preflight: the peer's agent replaced by this hacon's" \
        cmp -s "$HACON_TOP/agents/dhcpd" "$ocf/hacon/dhcpd"
    setup rollback preflight --answers "$work/ans.hacon" --yes
    tap_check "preflight: rollback puts the other agent back byte for byte" \
        cmp -s "$work/agent.other" "$ocf/hacon/dhcpd"
    # An agent here that is not this hacon's blocks: it cannot be right
    # to copy it.
    echo "# edited" >> "$HACON_ROOT$ocf/hacon/dhcpd"
    setup plan preflight --answers "$work/ans.hacon"
    tap_check "preflight: this node's own agent of another version blocks (exit 3)" [ $? -eq 3 ]
    tap_check "preflight: and says so" \
        grep -q "the agent $ocf/hacon/dhcpd on this node is not hacon $version's" "$work/out"
    install -m 755 "$HACON_TOP/agents/dhcpd" "$HACON_ROOT$ocf/hacon/dhcpd"
    losetup -d "$preloop" && preloop=
fi
umount /etc/hosts /var/lib/hacon /usr/local/bin
umount -R "$ocf"
umount -R "$work/ocf" && ocf_bound=
[ -n "$made_varlib" ] && rmdir /var/lib/hacon
flock -u 8

# ------------------------------------------------------------ dhcp
setup plan dhcp --answers "$ans"
tap_check "dhcp: plan" [ $? -eq 0 ]
tap_check "dhcp: the plan shows the file for both nodes" \
    grep -q '\[nodetwo\] /etc/dhcp/dhcpd.conf' "$work/out"
tap_check "dhcp: the plan shows the corrected lease-file-name" \
    grep -q '+lease-file-name "/data/dhcp/dhcpd.leases";' "$work/out"
# AppArmor: a dhcpd profile confines only where AppArmor is enabled (the
# module's parameter, checked on each node; the peer, this machine, has
# the profile of Debian's package and AppArmor off, or on).
mkdir -p "$HACON_ROOT/etc/apparmor.d" "$HACON_ROOT/sys/module/apparmor/parameters"
echo '# profile' > "$HACON_ROOT/etc/apparmor.d/usr.sbin.dhcpd"
peer_aa=false
[ -e /etc/apparmor.d/usr.sbin.dhcpd ] && \
    [ "$(cat /sys/module/apparmor/parameters/enabled 2> /dev/null)" = Y ] && peer_aa=true
setup plan dhcp --answers "$ans"
if $peer_aa; then
    tap_skip "AppArmor: enabled on this machine (the peer): a warning is right"
else
    tap_check "AppArmor: a profile where AppArmor is not enabled: no warning" \
        sh -c "! grep -q 'WARNING: AppArmor' '$work/out'"
fi
echo N > "$HACON_ROOT/sys/module/apparmor/parameters/enabled"
setup plan dhcp --answers "$ans"
$peer_aa || tap_check "AppArmor: enabled=N: no warning" sh -c "! grep -q 'WARNING: AppArmor' '$work/out'"
echo Y > "$HACON_ROOT/sys/module/apparmor/parameters/enabled"
setup plan dhcp --answers "$ans"
tap_check "AppArmor enabled here: the warning names this node" \
    grep -q '^WARNING: AppArmor is enabled on nodeone' "$work/out"
rm -r "$HACON_ROOT/etc/apparmor.d" "$HACON_ROOT/sys"

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

# What an admin sets for the clients; the floating IP is no router unless
# the admin says so.
{ cat "$ans"; printf '%s\n' routers=10.10.101.254 dns_servers=10.10.101.53 \
    domain_name=example.org default_lease_time=3600 max_lease_time=86400; } \
    > "$work/ans.opts"
setup plan dhcp --answers "$work/ans.opts"
if grep -q '^ *+ *option routers 10.10.101.254;' "$work/out" \
    && grep -q '^ *+ *option domain-name-servers 10.10.101.53;' "$work/out" \
    && grep -q '^ *+ *option domain-name "example.org";' "$work/out" \
    && grep -q '^ *+default-lease-time 3600;' "$work/out" \
    && grep -q '^ *+max-lease-time 86400;' "$work/out"; then
    tap_ok "dhcp: the admin's router, DNS servers, domain and lease times"
else
    tap_fail "dhcp: the admin's router, DNS servers, domain and lease times"
    sed 's/^/# /' "$work/out"
fi
tap_check "dhcp: the plan says what the tutorial copies and how hacon does" \
    grep -q 'Tutorial says: copy the directory /var/lib/dhcp .* hacon does so with cp -a' \
    "$work/out"
tap_check "dhcp: the floating IP is not the clients' router by default" \
    sh -c "! grep -q 'option routers' '$golden/dhcpd.conf'"

# The tutorial's placeholder as the nodes' own subnet: warned about.
sed 's|^service_net=.*|service_net=127.0.1.10/32|' "$ans" > "$work/ans.ph"
setup plan dhcp --answers "$work/ans.ph"
tap_check "dhcp: the placeholder subnet 127.0.1.10/32 is warned about" \
    grep -q "^WARNING: service_net=127.0.1.10/32 looks like the tutorial's placeholder" \
    "$work/out"

# The admin's own dhcpd.conf (hacon's first line removed, edited), the same
# on both nodes: dhcpd -t accepts it and it keeps the leases on /data, so
# the step is done and the file stays.
sed -e '1d' -e 's/^default-lease-time 600;/default-lease-time 900;/' \
    "$HACON_ROOT/etc/dhcp/dhcpd.conf" > "$work/admin.conf"
cp "$work/admin.conf" "$HACON_ROOT/etc/dhcp/dhcpd.conf"
cp "$work/admin.conf" /etc/dhcp/dhcpd.conf
"$HACON" setup list --answers "$ans" > "$work/list" 2>&1
tap_check "dhcp: a working hand-edited dhcpd.conf is done" \
    [ "$(awk '$2 == "dhcp" { print $3 }' "$work/list")" = done ]
setup apply dhcp --answers "$ans" --yes --force
if grep -q 'edited by hand: dhcpd -t accepts it' "$work/out" \
    && grep -q 'Nothing to do' "$work/out" \
    && cmp -s "$work/admin.conf" "$HACON_ROOT/etc/dhcp/dhcpd.conf" \
    && cmp -s "$work/admin.conf" /etc/dhcp/dhcpd.conf; then
    tap_ok "dhcp: ... kept on both nodes, and the plan says why"
else
    tap_fail "dhcp: ... kept on both nodes, and the plan says why"
    sed 's/^/# /' "$work/out"
fi
{ cat "$ans"; echo dhcpd_conf_rewrite=yes; } > "$work/ans.rw"
setup plan dhcp --answers "$work/ans.rw"
tap_check "dhcp: dhcpd_conf_rewrite=yes shows the diff that replaces it" \
    grep -q '^ *-default-lease-time 900;' "$work/out"
# A hand edit that dhcpd -t refuses is replaced, with the diff.
printf 'this is not dhcpd syntax;\n' >> "$HACON_ROOT/etc/dhcp/dhcpd.conf"
setup plan dhcp --answers "$ans"
tap_check "dhcp: a hand-edited dhcpd.conf that fails dhcpd -t is replaced (diff)" \
    sh -c "grep -q 'fails dhcpd -t' '$work/out' &&
           grep -q '^ *-this is not dhcpd syntax;' '$work/out'"
cp "$work/dhcpd.before" "$HACON_ROOT/etc/dhcp/dhcpd.conf"
cp "$work/dhcpd.before" /etc/dhcp/dhcpd.conf

# AppArmor on both nodes, where it is enabled: here (under HACON_ROOT) the
# profile without the shared filesystem, enabled; on the peer (its own
# /etc/apparmor.d) the profile with the line that allows it.
mkdir -p "$HACON_ROOT/etc/apparmor.d/local" \
    "$HACON_ROOT/sys/module/apparmor/parameters" "$work/aa/local"
echo 'profile dhcpd {}' > "$HACON_ROOT/etc/apparmor.d/usr.sbin.dhcpd"
echo Y > "$HACON_ROOT/sys/module/apparmor/parameters/enabled"
echo 'profile dhcpd {}' > "$work/aa/usr.sbin.dhcpd"
echo '/data/** lrw,' > "$work/aa/local/usr.sbin.dhcpd"
mount --bind "$work/aa" /etc/apparmor.d
setup plan dhcp --answers "$ans"
tap_check "AppArmor: the node whose profile denies /data is named" \
    grep -q '^WARNING: AppArmor is enabled on nodeone and confines dhcpd .*: add "/data/\*\* lrw,"' \
    "$work/out"
tap_check "AppArmor: the node whose profile allows it is not" \
    sh -c "! grep -q 'AppArmor.*nodetwo' '$work/out'"
echo N > "$HACON_ROOT/sys/module/apparmor/parameters/enabled"
setup plan dhcp --answers "$ans"
tap_check "AppArmor: no warning where AppArmor is not enabled" \
    sh -c "! grep -q 'WARNING: AppArmor' '$work/out'"
umount /etc/apparmor.d
rm -rf "$HACON_ROOT/etc/apparmor.d" "$HACON_ROOT/sys"

# ------------------------------------------------------------ dhcp, Kea
# dhcp_server=kea: kea-dhcp4.conf from the same answers, the same on both
# nodes, checked by kea-dhcp4 -t (which wants the interface: lo here), the
# packaged kea-dhcp4-server disabled in the init links, Kea's AppArmor
# profile (Debian's has no local part: the rule goes in the profile).
if ! command -v kea-dhcp4 > /dev/null; then
    tap_skip "kea: no kea-dhcp4 (kea-dhcp4-server)"
else
mkdir -p "$peer/kea" "$HACON_ROOT/etc/kea"
mount --bind "$peer/kea" /etc/kea
cat > "$work/ans.kea" <<EOF
local_node=nodeone
service_net=10.10.102.0/24
dhcp_server=kea
service_if=lo
EOF
sed -e 's/"eth2"/"lo"/g' -e 's/addresses on eth2:/addresses on lo:/' "$golden/kea-dhcp4.conf" > "$work/kea-golden.conf"
setup plan dhcp --answers "$work/ans.kea"
tap_check "kea: the plan shows kea-dhcp4.conf for both nodes" \
    grep -q '\[nodetwo\] /etc/kea/kea-dhcp4.conf' "$work/out"
tap_check "kea: the plan says why Kea (dhcpd's end of life in December 2022)" \
    grep -q 'ISC Kea serves, not the tutorial.s dhcpd, which reached its end of life in December 2022' "$work/out"
mkdir -p "$HACON_ROOT/etc/apparmor.d" "$HACON_ROOT/sys/module/apparmor/parameters"
echo 'profile kea-dhcp4 {}' > "$HACON_ROOT/etc/apparmor.d/usr.sbin.kea-dhcp4"
echo Y > "$HACON_ROOT/sys/module/apparmor/parameters/enabled"
setup plan dhcp --answers "$work/ans.kea"
tap_check "kea: AppArmor: this node's Kea profile denies the lease file: named, with the rule" \
    grep -q '^WARNING: AppArmor is enabled on nodeone and confines Kea .*add "owner /data/kea/kea-leases4.csv\* rw," to both profiles' \
    "$work/out"
printf 'profile kea-dhcp4 {\n  owner /data/kea/kea-leases4.csv* rw,\n}\n' \
    > "$HACON_ROOT/etc/apparmor.d/usr.sbin.kea-dhcp4"
setup plan dhcp --answers "$work/ans.kea"
tap_check "kea: AppArmor: a profile with the rule is not warned about" \
    sh -c "! grep -q 'AppArmor is enabled on nodeone' '$work/out'"
rm -rf "$HACON_ROOT/etc/apparmor.d" "$HACON_ROOT/sys"
setup apply dhcp --answers "$work/ans.kea" --yes --force
tap_check "kea: dhcp applied and verified with kea-dhcp4 -t on both nodes" [ $? -eq 0 ]
tap_diff "kea: kea-dhcp4.conf as golden (its interface lo)" "$work/kea-golden.conf" \
    "$HACON_ROOT/etc/kea/kea-dhcp4.conf"
tap_check "kea: the same file on the peer" \
    cmp -s "$HACON_ROOT/etc/kea/kea-dhcp4.conf" "$peer/kea/kea-dhcp4.conf"
if ls /etc/rc2.d/S*kea-dhcp4-server > /dev/null 2>&1; then
    tap_fail "kea: the packaged kea-dhcp4-server still starts at boot"
else
    tap_ok "kea: the packaged kea-dhcp4-server no longer starts at boot"
fi
setup apply dhcp --answers "$work/ans.kea" --yes --force
tap_check "kea: rerun has nothing to do" grep -q 'Nothing to do' "$work/out"
# The admin's own kea-dhcp4.conf (hacon's first line removed, edited) that
# Kea accepts and that keeps the leases on /data: kept on both nodes.
sed -e '1d' -e 's/"valid-lifetime": 600/"valid-lifetime": 900/' \
    "$HACON_ROOT/etc/kea/kea-dhcp4.conf" > "$work/kea-admin.conf"
cp "$work/kea-admin.conf" "$HACON_ROOT/etc/kea/kea-dhcp4.conf"
cp "$work/kea-admin.conf" /etc/kea/kea-dhcp4.conf
setup apply dhcp --answers "$work/ans.kea" --yes --force
if grep -q 'edited by hand: kea-dhcp4 -t accepts it' "$work/out" \
    && grep -q 'Nothing to do' "$work/out" \
    && cmp -s "$work/kea-admin.conf" "$HACON_ROOT/etc/kea/kea-dhcp4.conf"; then
    tap_ok "kea: a working hand-edited kea-dhcp4.conf is kept, and the plan says why"
else
    tap_fail "kea: a working hand-edited kea-dhcp4.conf is kept"
    sed 's/^/# /' "$work/out"
fi
# ... but not one whose leases are off the shared filesystem.
sed 's|/data/kea/kea-leases4.csv|/var/lib/kea/kea-leases4.csv|' "$work/kea-admin.conf" \
    > "$HACON_ROOT/etc/kea/kea-dhcp4.conf"
setup plan dhcp --answers "$work/ans.kea"
tap_check "kea: a hand-edited kea-dhcp4.conf with its leases off /data is replaced (diff)" \
    sh -c "grep -q 'keeps its leases in /var/lib/kea/kea-leases4.csv, not on the shared filesystem' '$work/out' &&
           grep -q '^ *+ *\"name\": \"/data/kea/kea-leases4.csv\",' '$work/out'"
{ cat "$work/ans.kea"; echo dhcp_agent=ocf:hacon:dhcpd; } > "$work/ans.kea-bad"
setup plan dhcp --answers "$work/ans.kea-bad"
tap_check "kea: dhcp_agent=ocf:hacon:dhcpd with dhcp_server=kea is refused, with what to answer" \
    grep -q 'dhcp_agent=ocf:hacon:dhcpd runs dhcpd, but dhcp_server=kea' "$work/out"
umount /etc/kea
fi

# ------------------------------------------------------------ drbd
if [ -e /proc/drbd ] || modinfo drbd > /dev/null 2>&1; then
    tap_skip "drbd: this machine has the DRBD module (the blocked path needs none)"
else
    setup plan drbd --answers "$ans"
    tap_check "drbd: without the module the step is blocked (exit 3)" [ $? -eq 3 ]
    tap_check "drbd: ... and says so: the node, the answer, what to do, the shared disk's state" \
        grep -q 'nodeone has no DRBD kernel module (storage=drbd): install DRBD on both nodes, or answer storage=shared and shared_disk= a disk both nodes see (shared_disk=/dev/drbd1 is not a block device on both)' "$work/out"
fi
# Overwriting a disk's data is named on the command line, node and
# device, for the drbd and fence steps only; it is no answer (the console's apply
# passes answers and --yes, never --overwrite).
setup plan drbd --answers "$ans" --overwrite nodetwo
tap_check "drbd --overwrite: NODE without :DEVICE is refused (exit 2)" sh -c \
    "[ $? -eq 2 ] && grep -q 'overwrite nodetwo: give NODE:DEVICE' '$work/out'"
setup apply dhcp --answers "$ans" --yes --overwrite nodetwo:/dev/sdb1
tap_check "drbd --overwrite: refused for another step (exit 2)" sh -c \
    "[ $? -eq 2 ] && grep -q 'drbd and fence steps only' '$work/out'"
{ cat "$ans"; echo overwrite=nodetwo:/dev/sdb1; } > "$work/ans.ow"
setup plan drbd --answers "$work/ans.ow"
tap_check "drbd --overwrite: no answers file can give it (exit 2)" sh -c \
    "[ $? -eq 2 ] && grep -q \"unknown answer 'overwrite'\" '$work/out'"
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
    # The lease copy (ERRATA 12): what the tutorial copies, /var/lib/dhcp
    # with its owners and modes (here a dhcpd user's, nobody), onto the
    # shared disk mounted for the copy.
    mkdir -p "$work/vardhcp" "$work/mnt"
    printf 'lease 10.10.101.150 {\n}\n' > "$work/vardhcp/dhcpd.leases"
    printf 'old\n' > "$work/vardhcp/dhcpd.leases~"
    chown -R nobody:nogroup "$work/vardhcp"
    chmod 750 "$work/vardhcp"
    mount --bind "$work/vardhcp" /var/lib/dhcp
    printf 'leases=%s\nservice_net=10.10.102.0/24\n' "$work/data/dhcp/dhcpd.leases" \
        >> "$work/ans.shared"
    setup plan dhcp --answers "$work/ans.shared"
    tap_check "lease copy: the crm line is the copy that runs (cp -a /var/lib/dhcp)" \
        grep -qF "mount $loop $work/data; cp -a /var/lib/dhcp $work/data/dhcp; umount $work/data" \
        "$work/out"
    cp "$work/out" "$work/out.leasecopy-plan"
    setup apply dhcp --answers "$work/ans.shared" --yes --force
    tap_check "lease copy: dhcp applied" [ $? -eq 0 ]
    cp "$work/out" "$work/out.leasecopy"
    if mount "$loop" "$work/mnt"; then
        if [ "$(stat -c '%U:%G %a' "$work/mnt/dhcp")" = "nobody:nogroup 750" ] \
            && [ "$(stat -c %U "$work/mnt/dhcp/dhcpd.leases")" = nobody ] \
            && [ -e "$work/mnt/dhcp/dhcpd.leases~" ] \
            && grep -q 10.10.101.150 "$work/mnt/dhcp/dhcpd.leases"; then
            tap_ok "lease copy: the directory and its files, with owners and modes"
        else
            tap_fail "lease copy: the directory and its files, with owners and modes"
            ls -la "$work/mnt" "$work/mnt/dhcp" | sed 's/^/# /'
        fi
        umount "$work/mnt"
    else
        tap_fail "lease copy: the shared disk mounts for the check"
    fi
    umount /var/lib/dhcp
    if [ -e /proc/drbd ] || modinfo drbd > /dev/null 2>&1; then
        tap_skip "detected answers: this machine has the DRBD module"
    else
        detect_answers
    fi
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
tap_check "cluster: the plan says how hacon makes the authkey" \
    grep -q 'corosync-keygen   # hacon makes the same 256-byte authkey itself (getrandom)' \
    "$work/out"
# A CIB file is not a cluster: with CIB_file= set, pacemaker is still
# started (cibadmin would read the file and answer).
cp "$HACON_TOP/tests/golden/cib/bare.xml" "$work/cib-file.xml"
CIB_file=$work/cib-file.xml "$HACON" setup plan cluster --answers "$ans" \
    > "$work/out.cibfile" 2>&1
CIB_file=$work/cib-file.xml "$HACON" setup list --answers "$ans" \
    > "$work/list.cibfile" 2>&1
if grep -q '# start pacemakerd on nodeone' "$work/out.cibfile" \
    && ! grep -q 'part of the cluster runs already' "$work/list.cibfile"; then
    tap_ok "cluster: with CIB_file= the plan still starts pacemaker"
else
    tap_fail "cluster: with CIB_file= the plan still starts pacemaker"
    grep -e 'start ' -e cluster "$work/out.cibfile" "$work/list.cibfile" | sed 's/^/# /'
fi
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

# ------------------------------------------------------------ the authkey
# This node's key (kept by the plan: it is long enough) goes to the peer,
# whose old key is another.  The daemons' start is a script that notes what
# it was asked; a failure injected after the apply makes the rollback
# restore the peer's old key.
head -c 256 /dev/urandom > "$work/key.new"
head -c 256 /dev/urandom > "$work/key.old"
install -m 0400 "$work/key.new" "$HACON_ROOT/etc/corosync/authkey"
install -m 0400 "$work/key.old" "$peer/corosync/authkey"
: > "$work/base64.log"
printf '#!/bin/sh\necho "$@" >> %s/svc.log\n' "$work" > "$work/svc"
chmod 755 "$work/svc"
{ cat "$ans"; echo service_manager=command; echo "start_command=$work/svc"; } \
    > "$work/ans.key"
HACON_WIZARD_FAIL=cluster:apply setup apply cluster --answers "$work/ans.key" --yes --force
tap_check "authkey: the step wrote the peer and was rolled back (exit 1)" \
    sh -c "[ $? -eq 1 ] && grep -q 'rolled back to' '$work/out'"
cp "$work/out" "$work/out.key"
cmp -s "$work/key.old" "$peer/corosync/authkey"
tap_check "authkey: the peer's old key is restored byte for byte" [ $? -eq 0 ]
tap_check "authkey: ... with mode 400" [ "$(stat -c %a "$peer/corosync/authkey")" = 400 ]
tap_check "authkey: the daemons' start ran and its undo too" \
    grep -q 'stop corosync' "$work/svc.log"
if $watched && [ -s "$work/base64.log" ]; then
    sed 's/^/# peer wrote: /' "$work/base64.log"
    tap_check "authkey: every file the peer wrote was 0600 while written" \
        sh -c "! grep -v '^600 ' '$work/base64.log'"
    tap_check "authkey: ... under a fresh name (mktemp), not a fixed one" \
        sh -c "grep -q '/authkey\.hacon-[A-Za-z0-9]\{6\}\$' '$work/base64.log' &&
               ! grep -q 'hacon-tmp' '$work/base64.log'"
else
    tap_skip "authkey: the peer's writes cannot be watched (no root .bashrc)"
    tap_skip "authkey: ... under a fresh name"
fi
# The keys' bytes, raw and base64 (whole, a part, and a line as a
# 76-column encoder cuts it), in every file under the state directory and
# in hacon's output.
leaks=$(python3 - "$work/key.old" "$work/key.new" "$HACON_STATE_DIR" "$work/out.key" <<'PY'
import base64, os, sys
needles = []
for k in sys.argv[1:3]:
    k = open(k, 'rb').read()
    b = base64.b64encode(k)
    needles += [k, k[:32], b, b[:44], base64.encodebytes(k).split(b'\n')[0]]
files = [sys.argv[4]]
for d, _, fs in os.walk(sys.argv[3]):
    files += [os.path.join(d, f) for f in fs]
for f in files:
    data = open(f, 'rb').read()
    if any(n in data for n in needles):
        print(f)
PY
)
tap_check "authkey: in no file of the state directory, not in the output" [ -z "$leaks" ]
[ -z "$leaks" ] || echo "$leaks" | sed 's/^/# the key is in: /'
cp_dir=$(ls -d "$HACON_STATE_DIR"/checkpoints/cluster-* | tail -1)
tap_check "authkey: the checkpoint's transcript has the read, not the key" \
    grep -q 'secret output: [0-9]* bytes, not kept' "$cp_dir/transcript"
# ------------------------------------------------------------ a full disk
# The state directory on a small tmpfs of this test's mount namespace;
# the daemons' start (a script) fills it, as a log that grows can.  The
# undo of the start is on record before the start ran; the next command's
# undo cannot be recorded: the step stops there, naming the file, and the
# rollback still stops what was started and restores every file on both
# nodes byte for byte; the transcript that cannot be saved is named too.
full=$work/fullstate
mkdir -p "$full"
if mount -t tmpfs -o size=256k,mode=0700 hc-full "$full" 2> /dev/null; then
    for f in "$HACON_ROOT/etc/corosync/corosync.conf" \
             "$HACON_ROOT/etc/corosync/authkey" \
             "$peer/corosync/corosync.conf" "$peer/corosync/authkey"; do
        if [ -e "$f" ]; then
            cp -p "$f" "$f.hc-before"
            stat -c '%a %u %g' "$f" > "$f.hc-mode"
        fi
    done
    : > "$work/svc.log"
    cat > "$work/svc-fill" <<EOF
#!/bin/sh
echo "\$@" >> "$work/svc.log"
[ "\$1" = start ] && cat /dev/zero > "$full/fill" 2> /dev/null
exit 0
EOF
    chmod 755 "$work/svc-fill"
    { cat "$ans"; echo service_manager=command; echo "start_command=$work/svc-fill"; } \
        > "$work/ans.full"
    HACON_STATE_DIR=$full setup apply cluster --answers "$work/ans.full" --yes --force
    rc=$?
    cp "$work/out" "$work/out.full"
    sed 's/^/#   /' "$work/out.full" | tail -n 12
    tap_check "full disk: the step fails (exit 1)" [ $rc -eq 1 ]
    tap_check "full disk: ... naming the undo record it could not write" \
        grep -q "cannot record the undo in $full/checkpoints/cluster-[0-9-]*/undo: No space left on device" \
        "$work/out.full"
    tap_check "full disk: ... and the transcript it could not save" \
        grep -q "cannot write $full/checkpoints/cluster-[0-9-]*/transcript: No space left on device" \
        "$work/out.full"
    tap_check "full disk: one daemon was started, and stopped by the rollback" \
        sh -c "[ \"\$(cat '$work/svc.log')\" = 'start corosync
stop corosync' ]"
    same=true
    for f in "$HACON_ROOT/etc/corosync/corosync.conf" \
             "$HACON_ROOT/etc/corosync/authkey" \
             "$peer/corosync/corosync.conf" "$peer/corosync/authkey"; do
        if [ -e "$f.hc-before" ]; then
            cmp -s "$f.hc-before" "$f" &&
                [ "$(stat -c '%a %u %g' "$f")" = "$(cat "$f.hc-mode")" ] ||
                { same=false; echo "# changed: $f"; }
        elif [ -e "$f" ]; then
            same=false; echo "# appeared: $f"
        fi
    done
    tap_check "full disk: every file on both nodes as before (bytes, mode, owner)" $same
    # An explicit rollback on the full disk: done, and the record it
    # cannot write is named.
    HACON_STATE_DIR=$full setup rollback cluster --answers "$work/ans.full" --yes
    rc=$?
    tap_check "full disk: rollback: exit 1, the transcript it cannot save named" \
        sh -c "[ $rc -eq 1 ] && grep -q 'cannot write $full/checkpoints/cluster-[0-9-]*/transcript: No space left on device' '$work/out'"
    # A CIB step on a CIB file: its checkpoint cannot be written, so it
    # changes nothing.
    cp "$HACON_TOP/tests/golden/cib/bare.xml" "$work/full-cib.xml"
    cp "$work/full-cib.xml" "$work/full-cib.before"
    CIB_file=$work/full-cib.xml HACON_STATE_DIR=$full \
        setup apply stonith --answers "$ans" --yes
    rc=$?
    tap_check "full disk: a CIB step fails (exit 1), naming the checkpoint file" \
        sh -c "[ $rc -eq 1 ] && grep -q '$full/checkpoints/stonith-[0-9-]*/cib.xml' '$work/out'"
    cmp -s "$work/full-cib.before" "$work/full-cib.xml"
    tap_check "full disk: ... and the CIB is as it was" [ $? -eq 0 ]
    umount "$full"
else
    for i in 1 2 3 4 5 6 7 8; do tap_skip "full disk: cannot mount a tmpfs"; done
fi

# ------------------------------------------------------------ a start that hangs
# The daemons' start starts a daemon (its own session, as daemons do) and
# then hangs until its deadline (60 s; 5 s here, HACON_START_TIMEOUT_S,
# the wait is not what is tested): the command fails by timing out, and
# the rollback still runs its undo, which stops the daemon.
cat > "$work/svc-hang" <<EOF
#!/bin/sh
echo "\$@" >> "$work/svc-hang.log"
case \$1 in
start) setsid sh -c 'echo \$\$ > "$work/daemon.pid"; exec sleep 600' \
           < /dev/null > /dev/null 2>&1 &
       sleep 120 ;;
stop) [ -s "$work/daemon.pid" ] && kill "\$(cat "$work/daemon.pid")" ;;
esac
exit 0
EOF
chmod 755 "$work/svc-hang"
: > "$work/svc-hang.log"
{ cat "$ans"; echo service_manager=command; echo "start_command=$work/svc-hang"; } \
    > "$work/ans.hang"
t0=$(date +%s)
HACON_START_TIMEOUT_S=5 setup apply cluster --answers "$work/ans.hang" --yes --force
rc=$?
t_hang=$(( $(date +%s) - t0 ))
cp "$work/out" "$work/out.hang"
tap_check "hanging start: the step fails when the start times out (exit 1, after ${t_hang} s, its deadline 5 s)" \
    sh -c "[ $rc -eq 1 ] && grep -q 'svc-hang start corosync: timed out' '$work/out.hang' &&
           [ $t_hang -ge 5 ] && [ $t_hang -lt 60 ]"
tap_check "hanging start: the rollback ran the undo of the command that timed out" \
    grep -q '^stop corosync$' "$work/svc-hang.log"
dpid=$(cat "$work/daemon.pid" 2> /dev/null)
# Stopped: gone, or a zombie that this machine's init has yet to reap.
alive() {
    [ -r "/proc/$1/stat" ] && [ "$(cut -d' ' -f3 "/proc/$1/stat" 2> /dev/null)" != Z ]
}
for _ in $(seq 50); do
    [ -n "$dpid" ] && alive "$dpid" || break
    sleep 0.1
done
if [ -z "$dpid" ]; then
    tap_fail "hanging start: the daemon did not start"
elif alive "$dpid"; then
    tap_fail "hanging start: the daemon it started is still running (pid $dpid)"
    kill "$dpid"
else
    tap_ok "hanging start: the daemon it started is stopped"
fi
tap_done

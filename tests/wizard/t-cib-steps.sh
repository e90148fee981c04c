#!/bin/sh
# The wizard's CIB steps (stonith, quorum, resources, migrate) headless on
# a CIB file (CIB_file=, as Pacemaker's own tools use it), starting from
# the bare two-node fixture:
#  * each step applies, crm_verify is clean on every CIB it writes, and
#    crmsh (the oracle) shows the intended primitives and constraints and
#    none of the tutorial's three constraint mistakes;
#  * the tutorial's own configuration (ms, backwards colocations, doubled
#    orders) is corrected;
#  * rerun: every step is done and the CIB file is byte-identical;
#  * failures (a real one where it can be made, else HACON_WIZARD_FAIL)
#    roll back to the exact previous configuration; so does an explicit
#    `hacon setup rollback`.
# The "cluster" that runs the resources is crm_simulate.
. "$HACON_TOP/tests/tap.sh"
tap_need_cmd crm_simulate crm_verify cibadmin crm_resource crm_attribute crm
[ -x "$HACON" ] || tap_skip_all "build/hacon not built (make)"

work=$(mktemp -d /tmp/hacon-wizard.XXXXXX)
trap 'rm -rf "$work"' EXIT
export LC_ALL=C TZ=UTC
bare=$HACON_TOP/tests/golden/cib/bare.xml

# fresh NAME: a new CIB file, state and root directory for one scenario.
fresh() {
    d=$work/$1
    mkdir -p "$d/state" "$d/root"
    cp "$bare" "$d/cib.xml"
    export CIB_file="$d/cib.xml" HACON_STATE_DIR="$d/state" HACON_ROOT="$d/root"
    ans=$d/answers
    printf 'quorum=ignore\n' > "$ans"
}
setup() { "$HACON" setup "$@" > "$d/out" 2>&1; }
conf() { cibadmin -Q --scope configuration 2> /dev/null; }
# crmsh takes seconds per call: one snapshot per state, read by has/hasnt.
snap() { crm configure show > "$d/show" 2> /dev/null; }
show() { cat "$d/show"; }
verify_clean() {
    if crm_verify -x "$CIB_file" > "$d/verify" 2>&1; then
        tap_ok "$1: crm_verify clean"
    else
        tap_fail "$1: crm_verify: $(head -3 "$d/verify")"
    fi
}
has() { # DESC PATTERN: the snapshot has a line matching PATTERN
    if show | grep -Eq "$2"; then tap_ok "$1"; else
        tap_fail "$1 (no line /$2/)"; show | sed 's/^/# /'; fi
}
hasnt() {
    if show | grep -Eq "$2"; then tap_fail "$1"; show | grep -E "$2" | sed 's/^/# /'
    else tap_ok "$1"; fi
}
state_of() { "$HACON" setup list --answers "$ans" | awk -v s="$1" '$2 == s { print $3 }'; }
# Plays the cluster: runs the transitions until settled, as the
# status section would record them.
settle() {
    for _ in 1 2 3; do
        crm_simulate -x "$CIB_file" -S -O "$d/sim.xml" > /dev/null 2>&1 &&
            cp "$d/sim.xml" "$CIB_file"
    done
}
same_conf() { # DESC FILE-WITH-EXPECTED-CONFIG
    conf > "$d/conf.now"
    tap_diff "$1" "$2" "$d/conf.now"
}

# ------------------------------------------------------------ the tutorial, corrected
fresh main
setup list --answers "$ans"
tap_check "list: stonith to do on the bare CIB" [ "$(state_of stonith)" = to ]
tap_check "list: migrate blocked before resources" [ "$(state_of migrate)" = blocked ]

# The quorum step before stonith: crm_verify's own messages, the cause
# and the step that fixes it, on lines of their own.
setup plan quorum --answers "$ans"
tap_check "plan quorum before stonith: blocked (exit 3)" [ $? -eq 3 ]
tap_check "... with crm_verify's messages" \
    grep -q '^  error: Resource start-up disabled since no STONITH resources' "$d/out"
tap_check "... the cause and the step that fixes it" \
    grep -q '^Cause: fencing is on .* Step stonith fixes it' "$d/out"
if grep -q '\\n' "$d/out"; then tap_fail "... no escaped newline (backslash-n)"
    sed 's/^/# /' "$d/out"; else tap_ok "... no escaped newline (backslash-n)"; fi
"$HACON" setup answers > "$d/answers.all" 2>&1
tap_check "help: drbd_version says where auto looks" \
    grep -q '^# DRBD syntax (auto: the version in /proc/drbd, else modinfo' "$d/answers.all"

setup plan stonith --answers "$ans"
tap_check "plan stonith shows the crm shell line" \
    grep -q 'crm configure property stonith-enabled=false' "$d/out"
tap_check "plan stonith warns about fencing" grep -q '^WARNING: Without fencing' "$d/out"
tap_check "plan stonith shows the crm_diff" grep -q 'name="stonith-enabled" value="false"' "$d/out"
cmp -s "$bare" "$CIB_file"; tap_check "plan changes nothing" [ $? -eq 0 ]

for s in stonith quorum resources; do
    if setup apply $s --answers "$ans" --yes; then
        tap_ok "apply $s"
    else
        tap_fail "apply $s: $(tail -3 "$d/out")"
    fi
    verify_clean "after $s"
done
# A step that is done still says what it is and why.
setup plan quorum --answers "$ans"
if grep -q 'Nothing to do: the step is done' "$d/out" \
    && grep -q "two_node: 1 keeps quorum" "$d/out"; then
    tap_ok "quorum done: the plan still explains two_node and ignore"
else
    tap_fail "quorum done: the plan still explains two_node and ignore"
    sed 's/^/# /' "$d/out"
fi
snap
has "stonith-enabled=false" 'stonith-enabled=false'
has "no-quorum-policy=ignore (answer quorum=ignore)" 'no-quorum-policy=ignore'
has "primitive drbd-r0 ocf:linbit:drbd" '^primitive drbd-r0 ocf:linbit:drbd'
has "promotable clone drbd-r0-master" '^clone drbd-r0-master drbd-r0'
show | grep -A1 '^clone drbd-r0-master' | grep -q 'promotable=true'
tap_check "the clone is promotable (not ms)" [ $? -eq 0 ]
has "fs_data Filesystem on /dev/drbd1 at /data" '^primitive fs_data (ocf:heartbeat:)?Filesystem'
has "testnet IPaddr2 10.10.101.1/24 on eth2" 'params ip=10.10.101.1 cidr_netmask=24 nic=eth2'
has "dhcp is ocf:hacon:dhcpd" '^primitive dhcp ocf:hacon:dhcpd'
has "colocation fs_data with the promoted DRBD" '^colocation fs_with_drbd inf: fs_data drbd-r0-master:(Promoted|Master)$'
has "colocation testnet with the promoted DRBD" '^colocation ip_with_drbd inf: testnet drbd-r0-master:(Promoted|Master)$'
has "colocation dhcp with fs_data" '^colocation dhcp_with_fs inf: dhcp fs_data$'
has "colocation dhcp with testnet" '^colocation dhcp_with_ip inf: dhcp testnet$'
has "order promote before fs_data" '^order drbd_before_fs Mandatory: drbd-r0-master:promote fs_data:start$'
has "order fs_data before dhcp" '^order fs_before_dhcp Mandatory: fs_data dhcp$'
has "order testnet before dhcp (mistake 3 fixed)" '^order ip_before_dhcp Mandatory: testnet dhcp$'
hasnt "no colocation with a resource drbd (mistake 1)" '^colocation .* drbd$'
hasnt "no DRBD role placed with the filesystem (mistake 2)" '^colocation .* inf: drbd-r0-master(:[A-Za-z]+)? fs_data'
hasnt "no IP or filesystem placed with dhcp (mistake 2)" '^colocation .* inf: (testnet|fs_data) dhcp$'

# The cluster runs it (simulated): everything on one node.
settle
setup apply migrate --answers "$ans" --yes
tap_check "migrate: moved and verified" grep -q 'waiting until dhcp runs on nodetwo' "$d/out"
tap_check "migrate: the crm line is the command that runs (--promoted)" \
    grep -q '^  crm_resource --move -r drbd-r0-master -N nodetwo --promoted ' "$d/out"
tap_check "migrate: followed until dhcp runs on nodetwo" \
    grep -q 'dhcp nodetwo, fs_data nodetwo, testnet nodetwo, drbd-r0-master nodetwo' "$d/out"
snap
hasnt "migrate: the move constraint is cleared" 'cli-(prefer|ban)'
tap_check "migrate: step done" [ "$(state_of migrate)" = done ]
grep -q '^\[.*\] crm_resource --move -r drbd-r0-master -N nodetwo --promoted$' \
    "$HACON_STATE_DIR"/checkpoints/migrate-*/transcript
tap_check "migrate: the transcript with the checkpoint records the move" [ $? -eq 0 ]
verify_clean "after migrate"

# Rerun: everything is done, nothing changes.
cp "$CIB_file" "$d/before-rerun.xml"
"$HACON" setup list --answers "$ans" > "$d/list"
n=$(grep -Ec '^ *[0-9]+ (fence|stonith|quorum|resources|migrate) +done ' "$d/list")
tap_check "rerun: all 4 CIB steps done, and fence (fencing=none) ($n)" [ "$n" -eq 5 ]
for s in stonith quorum resources migrate; do
    setup apply $s --answers "$ans" --yes
    grep -q 'Nothing to do' "$d/out"; tap_check "rerun apply $s: nothing to do" [ $? -eq 0 ]
done
cmp -s "$d/before-rerun.xml" "$CIB_file"
tap_check "rerun: the CIB file is byte-identical (epoch unchanged)" [ $? -eq 0 ]

# An explicit rollback returns to the checkpoint before the step.
conf > "$d/conf.with"
setup rollback resources --answers "$ans" --yes
snap
hasnt "rollback resources: the resources are gone" '^primitive'
tap_check "rollback resources: step to do again" [ "$(state_of resources)" = to ]
setup apply resources --answers "$ans" --yes
same_conf "re-apply after rollback gives the same configuration" "$d/conf.with"

# A leftover of a move made by another tool is listed and cleared.
settle
crm_resource --move -r dhcp -N nodeone > /dev/null 2>&1
tap_check "leftover: migrate partly done with cli-prefer-dhcp" [ "$(state_of migrate)" = partly ]
setup plan migrate --answers "$ans"
tap_check "leftover: the plan lists cli-prefer-dhcp" grep -q 'cli-prefer-dhcp' "$d/out"
setup apply migrate --answers "$ans" --yes
snap
hasnt "leftover: cleared" 'cli-prefer-dhcp'

# ------------------------------------------------------------ failures roll back
fresh fail
conf > "$d/conf.0"
HACON_WIZARD_FAIL=stonith:verify setup apply stonith --answers "$ans" --yes
tap_check "stonith: injected verify failure exits 1" [ $? -eq 1 ]
tap_check "stonith: the failure says it rolled back" grep -q 'rolled back to' "$d/out"
same_conf "stonith: configuration as before the failure" "$d/conf.0"
setup apply stonith --answers "$ans" --yes

conf > "$d/conf.1"
HACON_WIZARD_FAIL=quorum:apply setup apply quorum --answers "$ans" --yes
tap_check "quorum: injected apply failure exits 1" [ $? -eq 1 ]
same_conf "quorum: configuration as before the failure" "$d/conf.1"
setup apply quorum --answers "$ans" --yes

# A real failure: both nodes in standby, nothing can start, so verify
# fails and the resources go again.
crm_attribute --node nodeone --name standby --update on > /dev/null 2>&1
crm_attribute --node nodetwo --name standby --update on > /dev/null 2>&1
conf > "$d/conf.2"
setup plan resources --answers "$ans"
tap_check "resources: the plan warns first that the service would not run" \
    sh -c "grep '^WARNING: ' '$d/out' | head -1 | grep -q '^WARNING: THE SERVICE WOULD NOT RUN: .*dhcp stopped, fs_data stopped'"
setup apply resources --answers "$ans" --yes
tap_check "resources: verify fails when nothing can run (exit 1)" [ $? -eq 1 ]
tap_check "resources: the error says where things are" grep -q 'dhcp stopped' "$d/out"
same_conf "resources: configuration as before the failure" "$d/conf.2"
crm_attribute --node nodeone --name standby --delete > /dev/null 2>&1
crm_attribute --node nodetwo --name standby --delete > /dev/null 2>&1
setup apply resources --answers "$ans" --yes
tap_check "resources: applies once the nodes are back" [ $? -eq 0 ]
settle

# A bad value is refused before anything happens.
cp "$CIB_file" "$d/cib.before"
printf 'vip=10.10.101.300\n' > "$d/bad"
setup plan resources --answers "$d/bad"
tap_check "bad value: refused (exit 2)" [ $? -eq 2 ]
tap_check "bad value: names file, line and key" grep -q "bad:1: bad value 10.10.101.300 for vip" "$d/out"
printf 'vip=10.10.101.150\n' > "$d/bad"
setup plan resources --answers "$d/bad"
tap_check "inconsistent: VIP inside the range refused" [ $? -eq 2 ]
cmp -s "$d/cib.before" "$CIB_file"; tap_check "bad value: CIB untouched" [ $? -eq 0 ]

# Migrate to a node that does not exist: crm_resource fails, rolled back.
conf > "$d/conf.3"
printf 'quorum=ignore\nmove_to=nodethree\n' > "$d/a3"
setup apply migrate --answers "$d/a3" --yes
tap_check "migrate to an unknown node fails (exit 1)" [ $? -eq 1 ]
same_conf "migrate: configuration as before the failure" "$d/conf.3"
# Migrate without the clear, failing in verify: the cli-prefer goes too.
printf 'quorum=ignore\nmove_clear=no\n' > "$d/a4"
HACON_WIZARD_FAIL=migrate:verify setup apply migrate --answers "$d/a4" --yes
tap_check "migrate: injected verify failure exits 1" [ $? -eq 1 ]
same_conf "migrate: the move constraint is rolled back" "$d/conf.3"
setup apply migrate --answers "$d/a4" --yes
snap
has "migrate move_clear=no: the cli-prefer constraint stays" '^location cli-prefer-drbd-r0-master'
tap_check "migrate move_clear=no: step then partly done" [ "$(state_of migrate)" = partly ]

# ------------------------------------------------------------ prerequisites
# resources before stonith: crm_verify refuses the plan (no fencing
# device), and the refusal says which step is missing.  Then resources
# before quorum: its plan says what is missing first; apply refuses
# without --force and changes nothing; --force applies it.
fresh prereq
setup plan resources --answers "$ans"
tap_check "prereq: resources before stonith is blocked (exit 3)" [ $? -eq 3 ]
tap_check "prereq: the blocked plan names the step needed first" \
    grep -q 'step resources needs first: stonith (to do' "$d/out"
setup apply stonith --answers "$ans" --yes
setup plan resources --answers "$ans"
tap_check "prereq: the plan starts its warnings with the step needed first" \
    sh -c "grep '^WARNING: ' '$d/out' | head -1 | grep -q '^WARNING: NOT READY: this step needs this step done first: quorum (to do'"
tap_check "prereq: the plan says where the simulation ends, the first transition explained" \
    sh -c "grep -q 'At the end of the simulation .* the service runs on node' '$d/out' &&
           grep -q 'The preview below is the first transition only: it ends with dhcp stopped' '$d/out'"
cp "$CIB_file" "$d/cib.before"
setup apply resources --answers "$ans" --yes
tap_check "prereq: apply without --force refused (exit 4)" [ $? -eq 4 ]
tap_check "prereq: the refusal names the missing step and the override" \
    grep -q 'not applied: it needs first: quorum (to do.*(--force applies it anyway)' "$d/out"
cmp -s "$d/cib.before" "$CIB_file"; tap_check "prereq: the refusal changed nothing" [ $? -eq 0 ]
setup apply resources --answers "$ans" --yes --force
tap_check "prereq: --force applies it" sh -c \
    "[ $? -eq 0 ] && grep -q 'Applying resources with --force, before: quorum' '$d/out'"
setup apply quorum --answers "$ans" --yes
setup plan migrate --answers "$ans"
tap_check "prereq: with every step before it done, no NOT READY" \
    sh -c "! grep -q 'NOT READY' '$d/out'"

# ------------------------------------------------------------ from the tutorial's own CIB
fresh tutorial
cat > "$d/tutorial.crm" <<'EOF'
property stonith-enabled=false no-quorum-policy=ignore
primitive testnet ocf:heartbeat:IPaddr2 params ip="10.10.101.1" cidr_netmask="24" nic="eth2"
primitive drbd-r0 ocf:linbit:drbd params drbd_resource="r0" op monitor interval="29s" role="Master" op monitor interval="31s" role="Slave"
ms drbd-r0-master drbd-r0 meta master-max="1" master-node-max="1" clone-max="2" clone-node-max="1"
primitive fs_data ocf:heartbeat:Filesystem params device="/dev/drbd/by-res/r0" directory="/data" fstype="ext3"
colocation fs_on_drbd inf: drbd-r0-master:Master fs_data
order fs_after_drbd inf: drbd-r0-master:promote fs_data:start
primitive dhcp ocf:heartbeat:Dummy
colocation dhcp_on_net inf: testnet dhcp
colocation dhcp_on_fs inf: fs_data dhcp
order dhcp_after_fs inf: fs_data:start dhcp:start
EOF
if crm configure load update "$d/tutorial.crm" > "$d/load" 2>&1; then
    tap_ok "the tutorial's configuration loads through crmsh"
    setup plan resources --answers "$ans"
    tap_check "tutorial: plan says fs_on_drbd is backwards" grep -q 'removes colocation fs_on_drbd' "$d/out"
    tap_check "tutorial: plan says dhcp_on_net is backwards" grep -q 'removes colocation dhcp_on_net' "$d/out"
    setup apply resources --answers "$ans" --yes
    tap_check "tutorial: resources applied" [ $? -eq 0 ]
    verify_clean "tutorial corrected"
    snap
    hasnt "tutorial: backwards colocations gone" '^colocation (fs_on_drbd|dhcp_on_net|dhcp_on_fs) '
    hasnt "tutorial: doubled orders gone" '^order (fs_after_drbd|dhcp_after_fs) '
    has "tutorial: ocf:hacon:dhcpd replaces its agent" '^primitive dhcp ocf:hacon:dhcpd'
    has "tutorial: fs_data on /dev/drbd1, ext4" 'params device="?/dev/drbd1"? directory="?/data"? fstype=ext4'
    has "tutorial: testnet before dhcp" '^order ip_before_dhcp Mandatory: testnet dhcp$'
else
    tap_fail "crm configure load update of the tutorial: $(tail -2 "$d/load")"
fi

# ------------------------------------------------------------ shared disk, two_node
fresh shared
printf 'storage=shared\nshared_disk=/dev/drbd1\nquorum=two_node\n' > "$ans"
setup apply quorum --answers "$ans" --yes
tap_check "two_node: blocked without corosync.conf (exit 3)" [ $? -eq 3 ]
mkdir -p "$HACON_ROOT/etc/corosync"
printf 'quorum {\n\tprovider: corosync_votequorum\n\ttwo_node: 1\n}\n' \
    > "$HACON_ROOT/etc/corosync/corosync.conf"
setup apply stonith --answers "$ans" --yes
setup apply quorum --answers "$ans" --yes
tap_check "two_node: done once corosync.conf has two_node: 1" [ "$(state_of quorum)" = done ]
snap
hasnt "two_node: no no-quorum-policy=ignore" 'no-quorum-policy=ignore'
setup apply resources --answers "$ans" --yes
tap_check "shared: resources applied" [ $? -eq 0 ]
verify_clean "shared"
snap
hasnt "shared: no DRBD resource" 'drbd-r0'
has "shared: testnet with fs_data" '^colocation ip_with_fs inf: testnet fs_data$'
settle
setup apply migrate --answers "$ans" --yes
tap_check "shared: migrate moves fs_data and all with it" \
    grep -q 'dhcp nodetwo, fs_data nodetwo, testnet nodetwo' "$d/out"
# ------------------------------------------------------------ a warning only
# crm_verify exits 78 on a warning alone (here the deprecated
# stonith-action=poweroff the CIB already holds) as on an error.  A
# warning alone does not refuse the plan: it is shown, on a WARNING line
# of its own, and the step applies; an error refuses it, and the refusal
# names the warnings beside the errors.
fresh warned
cibadmin -M -o crm_config -X '<cluster_property_set id="cib-bootstrap-options"><nvpair id="cib-bootstrap-options-stonith-action" name="stonith-action" value="poweroff"/></cluster_property_set>' > /dev/null 2>&1
setup plan quorum --answers "$ans"
tap_check "a warning and an error (quorum before stonith): refused (exit 3)" [ $? -eq 3 ]
tap_check "... the refusal names the error and the warning" sh -c \
    "grep -q '^  error: Resource start-up disabled since no STONITH resources' '$d/out' &&
     grep -q \"^  warning: Support for stonith-action of 'poweroff' is deprecated\" '$d/out'"
setup plan stonith --answers "$ans"
tap_check "a warning only: the plan is shown, not refused (exit 0)" [ $? -eq 0 ]
tap_check "... its warning on a WARNING line of its own" \
    grep -q "^WARNING: crm_verify warns: Support for stonith-action of 'poweroff' is deprecated" "$d/out"
tap_check "... and in crm_verify's word on the planned CIB" \
    sh -c "sed -n '/^crm_verify of the planned CIB:/,/^\$/p' '$d/out' | grep -q \"warning: Support for stonith-action of 'poweroff'\""
# Pacemaker 2.1 (unpack_config) warns "Blind faith: not fencing unseen
# nodes" of every CIB whose startup fencing is off, as it is whenever
# stonith-enabled=false; crm_verify -VV shows it beside another warning.
# Here the plan turns fencing off itself and warns what that means: the
# line is not listed again, the note says where it went.
tap_check "... crm_verify's Blind faith (this plan's stonith-enabled=false) not listed as a warning of its own" \
    sh -c "grep -q 'warning: Blind faith: not fencing unseen nodes' '$d/out' &&
     ! grep -q '^WARNING: crm_verify warns: Blind faith' '$d/out' &&
     grep -q 'Blind faith: not fencing unseen nodes.* is the stonith-enabled=false this plan sets' '$d/out'"
setup apply stonith --answers "$ans" --yes
rc=$?
tap_check "a warning only: apply applies the step (exit $rc)" sh -c \
    "[ $rc -eq 0 ] && [ \"\$(crm_attribute -t crm_config -n stonith-enabled -G -q 2> /dev/null)\" = false ]"
# On a CIB whose fencing is off already, a plan that leaves it so lists
# Blind faith with its cause.
setup plan quorum --answers "$ans"
tap_check "fencing off already, another warning: Blind faith listed with its cause" \
    grep -q '^WARNING: crm_verify warns: Blind faith: not fencing unseen nodes. Fencing is off' "$d/out"
tap_done

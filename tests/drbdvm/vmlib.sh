# drbdvm: two qemu VMs (software emulation, no KVM) booted straight from
# Debian's kernel with a busybox initramfs, running the kernel's own DRBD
# 8.4 module and drbd-utils, linked by a qemu socket netdev on 127.0.0.1.
# Sourced by bash scripts (t-drbdvm.sh, capture.sh).
#
#   drbdvm_check              echo why the VMs cannot run here, or nothing
#   drbdvm_initrd DIR CONF [FILE...]   build DIR/initrd.gz with CONF as
#                             /etc/drbd.conf and FILEs in /bin; CONF ""
#                             for none; DRBDVM_INIT: another /init,
#                             DRBDVM_MODULES: more modules (paths under
#                             the kernel's module tree) for that init
#   drbdvm_start DIR          boot alpha and beta; consoles in DIR/*.console;
#                             fails when they are not ready within
#                             DRBDVM_BOOT_SECS (90)
#   vm NODE SECS CMD...       run CMD in NODE's shell, print its output,
#                             return its status (124 on deadline)
#   vm_wait NODE SECS COND    poll the shell condition COND in NODE
#   drbdvm_poweroff           power both off, wait for qemu to end
#   drbdvm_stop               kill and reap both VMs (callers trap EXIT)
#
# The host talks to each VM's shell over a second serial port (a FIFO pair,
# qemu's "pipe" chardev): every command is followed by a marker line with
# its exit status, so the host knows when it ended without fixed sleeps.

drbdvm_kver() {
    local d
    for d in /lib/modules/*/kernel/drivers/block/drbd/drbd.ko; do
        [ -f "$d" ] || continue
        d=${d#/lib/modules/}; d=${d%%/*}
        [ -f "/boot/vmlinuz-$d" ] && { echo "$d"; return 0; }
    done
    return 1
}

drbdvm_check() {
    command -v qemu-system-x86_64 > /dev/null || { echo "needs qemu-system-x86 (make deps)"; return; }
    command -v cpio > /dev/null || { echo "needs cpio (make deps)"; return; }
    command -v depmod > /dev/null || { echo "needs kmod (make deps)"; return; }
    [ -x /usr/sbin/drbdsetup ] || { echo "needs drbd-utils (make deps)"; return; }
    [ -x /lib/drbd/drbdsetup-84 ] || { echo "needs drbd-utils with the 8.4 helpers"; return; }
    drbdvm_kver > /dev/null || { echo "needs linux-image-amd64 with drbd.ko (make deps)"; return; }
    [ -r /boot/vmlinuz-"$(drbdvm_kver)" ] || { echo "cannot read the kernel image"; return; }
}

# Copies a dynamically linked program and the libraries it needs.
_drbdvm_copy_prog() {
    local root=$1 prog=$2 dest=${3:-$2} l
    mkdir -p "$root$(dirname "$dest")"
    cp -L "$prog" "$root$dest"
    for l in $(ldd "$prog" 2>/dev/null | grep -o '/[^ ]*'); do
        [ -e "$root$l" ] && continue
        mkdir -p "$root$(dirname "$l")"; cp -L "$l" "$root$l"
    done
}

drbdvm_initrd() {
    local dir=$1 conf=$2; shift 2
    local kv root m M a f
    kv=$(drbdvm_kver) || return 1
    M=/lib/modules/$kv
    root=$dir/root
    rm -rf "$root"
    mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,run,var/lib/drbd,var/run/drbd,lib/drbd,usr/lib/drbd,etc/drbd.d}
    _drbdvm_copy_prog "$root" /bin/busybox
    for a in $(/bin/busybox --list); do
        [ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"
    done
    ln -sf ../bin/busybox "$root/sbin/modprobe"
    for m in kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko \
             kernel/drivers/virtio/virtio_pci_modern_dev.ko \
             kernel/drivers/virtio/virtio_pci_legacy_dev.ko \
             kernel/drivers/virtio/virtio_pci.ko kernel/drivers/block/virtio_blk.ko \
             kernel/net/core/failover.ko kernel/drivers/net/net_failover.ko \
             kernel/drivers/net/virtio_net.ko kernel/crypto/crc32c_generic.ko \
             kernel/lib/libcrc32c.ko kernel/lib/lru_cache.ko \
             kernel/drivers/block/drbd/drbd.ko $DRBDVM_MODULES; do
        [ -f "$M/$m" ] || continue   # built in, in some kernels
        mkdir -p "$root/lib/modules/$kv/$(dirname "$m")"
        cp "$M/$m" "$root/lib/modules/$kv/$m"
    done
    cp "$M"/modules.order "$M"/modules.builtin* "$root/lib/modules/$kv/" 2>/dev/null
    depmod -b "$root" "$kv" || return 1
    for f in /usr/sbin/drbdadm /usr/sbin/drbdsetup /usr/sbin/drbdmeta \
             /lib/drbd/drbdadm-84 /lib/drbd/drbdsetup-84; do
        # drbdadm looks for its helpers and for modprobe under /sbin, /lib.
        _drbdvm_copy_prog "$root" "$f" "/sbin/${f##*/}"
        case $f in /lib/drbd/*) _drbdvm_copy_prog "$root" "$f" ;; esac
    done
    for f in "$@"; do _drbdvm_copy_prog "$root" "$f" "/bin/${f##*/}"; done
    [ -z "$conf" ] || cp "$conf" "$root/etc/drbd.conf"
    cp "${DRBDVM_INIT:-$HACON_TOP/tests/drbdvm/guest-init}" "$root/init"
    chmod +x "$root/init"
    (cd "$root" && find . | cpio -o -H newc 2> /dev/null | gzip -1) > "$dir/initrd.gz"
}

_drbdvm_pids=""
_drbdvm_dir=""

# Ports: the two VMs are linked over 127.0.0.1:PORT; a free one is chosen
# from the PID so that parallel runs do not collide.
_drbdvm_port() {
    local p=$((20000 + ($$ * 7 + RANDOM) % 30000)) i
    for i in 1 2 3 4 5 6 7 8 9 10; do
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2> /dev/null; then
            echo "$p"; return
        fi
        p=$((p + 1))
    done
    echo "$p"
}

_drbdvm_boot() {
    local node=$1 addr=$2 mac=$3 net=$4 dir=$_drbdvm_dir kv
    kv=$(drbdvm_kver)
    rm -f "$dir/$node.ctl.in" "$dir/$node.ctl.out"
    mkfifo "$dir/$node.ctl.in" "$dir/$node.ctl.out"
    truncate -s "${DRBDVM_DISK:-64M}" "$dir/$node.img"
    qemu-system-x86_64 -machine q35 -accel tcg -m 384 -smp 1 \
        -display none -no-reboot -nodefaults \
        -kernel "/boot/vmlinuz-$kv" -initrd "$dir/initrd.gz" \
        -append "console=ttyS0 quiet panic=-1 node=$node addr=$addr" \
        -serial "file:$dir/$node.console" \
        -chardev "pipe,id=ctl,path=$dir/$node.ctl" -serial chardev:ctl \
        -drive "file=$dir/$node.img,if=virtio,format=raw" \
        -netdev "socket,id=n0,$net" \
        -device "virtio-net-pci,netdev=n0,mac=$mac" &
    _drbdvm_pids="$_drbdvm_pids $!"
    eval "_drbdvm_pid_$node=$!"
}

drbdvm_stop() {
    local p
    for p in $_drbdvm_pids; do kill "$p" 2> /dev/null; done
    for p in $_drbdvm_pids; do wait "$p" 2> /dev/null; done
    _drbdvm_pids=""
}

# Boots both VMs and waits until both shells answer.
drbdvm_start() {
    _drbdvm_dir=$1
    local port
    port=$(_drbdvm_port)
    _drbdvm_boot alpha 10.99.0.1 52:54:00:99:00:01 "listen=127.0.0.1:$port"
    # qemu's listening socket must exist before beta connects to it.
    local i=0
    while ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2> /dev/null; do
        i=$((i + 1)); [ $i -gt 100 ] && { echo "drbdvm: alpha's qemu did not listen" >&2; return 1; }
        sleep 0.1
    done
    _drbdvm_boot beta 10.99.0.2 52:54:00:99:00:02 "connect=127.0.0.1:$port"
    exec 21<> "$_drbdvm_dir/alpha.ctl.out" 22<> "$_drbdvm_dir/alpha.ctl.in"
    exec 23<> "$_drbdvm_dir/beta.ctl.out" 24<> "$_drbdvm_dir/beta.ctl.in"
    # Both boot at once: one deadline for the two.
    local end=$((SECONDS + ${DRBDVM_BOOT_SECS:-90}))
    _vm_read alpha $((end - SECONDS)) "drbdvm: alpha ready" > /dev/null || return 1
    _vm_read beta $((end - SECONDS > 1 ? end - SECONDS : 1)) "drbdvm: beta ready" > /dev/null || return 1
}

_vm_fds() {
    case $1 in
        alpha) _rfd=21 _wfd=22 ;;
        beta) _rfd=23 _wfd=24 ;;
        *) return 1 ;;
    esac
}

# Prints NODE's output lines until one starts with MARK; the rest of that
# line goes to _vm_last.  Returns 124 when SECS pass first.
_vm_read() {
    local node=$1 secs=$2 mark=$3 line end part=""
    _vm_fds "$node" || return 2
    end=$((SECONDS + secs))
    while [ $SECONDS -lt $end ]; do
        # A read that times out mid-line keeps what it got: save it.
        if ! IFS= read -r -t 1 line <&"$_rfd"; then
            part=$part$line
        else
            line=$part${line%$'\r'}
            part=""
            case $line in
                "$mark"*) _vm_last=${line#"$mark"}; return 0 ;;
                *) printf '%s\n' "$line" ;;
            esac
        fi
    done
    echo "drbdvm: $node: no answer within ${secs}s" >&2
    return 124
}

_vm_seq=0
vm() {
    local node=$1 secs=$2 rc; shift 2
    _vm_fds "$node" || return 2
    _vm_seq=$((_vm_seq + 1))
    # One line; the guest answers "@@END-<status> <seq>".
    printf '%s #@@SEQ-%s\n' "$*" "$_vm_seq" >&"$_wfd"
    _vm_read "$node" "$secs" "@@END-" || return 124
    rc=${_vm_last%% *}
    [ "${_vm_last#* }" = "$_vm_seq" ] || { echo "drbdvm: $node: out of step" >&2; return 125; }
    return "$rc"
}

# Powers both VMs off (no answer comes) and waits for qemu to end.
drbdvm_poweroff() {
    local n p end
    for n in alpha beta; do
        _vm_fds "$n" && printf 'sync; poweroff -f\n' >&"$_wfd"
    done
    end=$((SECONDS + 30))
    for p in $_drbdvm_pids; do
        while kill -0 "$p" 2> /dev/null && [ $SECONDS -lt $end ]; do sleep 0.2; done
    done
    drbdvm_stop
}

# Polls COND (a shell condition run in NODE) every 0.2 s for SECS seconds.
vm_wait() {
    local node=$1 secs=$2; shift 2
    vm "$node" $((secs + 10)) "i=0; until $*; do i=\$((i+1)); [ \$i -gt $((secs * 5)) ] && break; sleep 0.2; done; $*"
}

#!/bin/bash
# The Debian package, as an admin meets it, with dpkg on this machine:
#  * `make deb` builds hacon_VERSION_ARCH.deb (debhelper), and lintian
#    finds no error and no warning in it and its .changes;
#  * dpkg -i installs exactly the files of the package, hacon --version
#    says the package's version, the man pages, the agent (its meta-data
#    through Pacemaker) and the bash completion (a Tab in an interactive
#    bash) work;
#  * dpkg -i over itself upgrades cleanly; dpkg -r removes every file;
#    dpkg -P purges: nothing of the package is left, dpkg forgets it.
# The machine is left as it was found: a hacon package installed before
# is repacked first (dpkg-repack) and installed again at the end; files
# on the package's paths that no package owned are put back.
#
# The namespace test clusters see this machine's /usr, but run hacon and
# its agent from their own stage (tests/cluster/node-init), and the VM
# suite installs its own copy in the VMs: neither changes under them
# while this test installs and removes the package.
. "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
tap_need_root
tap_need_cmd dpkg dpkg-deb dpkg-buildpackage dh lintian tmux
[ -r /usr/share/bash-completion/bash_completion ] \
    || tap_skip_all "needs bash-completion (make deps installs it)"
work=$(mktemp -d /tmp/hacon-deb.XXXXXX)
tmux_sock=hacon-deb-$$
before=
cleanup() {
    tmux -L "$tmux_sock" kill-server 2> /dev/null
    [ -n "$before" ] && restore
    [ -n "${HC_KEEP:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export LC_ALL=C

# dpkg ARGS: dpkg, waiting (5 minutes at most) while another dpkg or apt
# holds its lock.
dpkg_run() {
    local i
    for i in $(seq 150); do
        dpkg "$@" > "$work/dpkg.out" 2>&1 && return 0
        grep -q 'lock' "$work/dpkg.out" || break
        sleep 2
    done
    sed 's/^/# dpkg: /' "$work/dpkg.out"
    return 1
}
status_of() { dpkg-query -W -f='${db:Status-Abbrev}${Version}' hacon 2> /dev/null; }

# ------------------------------------------------------------ build
version=$(awk 'NR == 1 { gsub(/[()]/, "", $2); print $2; exit }' \
    "$HACON_TOP/debian/changelog")
arch=$(dpkg --print-architecture)
deb=$HACON_TOP/hacon_${version}_${arch}.deb
changes=$HACON_TOP/build/deb/hacon_${version}_${arch}.changes
# The unit tests run in make check already.
make -s -C "$HACON_TOP" deb DEB_BUILD_OPTIONS=nocheck > "$work/build.log" 2>&1
rc=$?
tap_check "make deb builds hacon_${version}_${arch}.deb" \
    sh -c '[ "$1" -eq 0 ] && [ -f "$2" ] && [ -f "$3" ]' - "$rc" "$deb" "$changes"
[ -f "$deb" ] || { tail -n 30 "$work/build.log" | sed 's/^/# /'; tap_done; }
if grep -q 'debhelper-compat (= 13)' "$HACON_TOP/debian/control" &&
    grep -qE '^ +dh_(strip|shlibdeps|builddeb)' "$HACON_TOP/build/deb/build.log"; then
    tap_ok "built by debhelper, compat 13"
else
    tap_fail "built by debhelper, compat 13"
fi
lintian --info --display-info "$changes" > "$work/lintian" 2> /dev/null
grep -E '^[EW]: ' "$work/lintian" > "$work/lintian.ew"
tap_check "lintian: no error and no warning on the .deb and .changes" \
    [ ! -s "$work/lintian.ew" ]
sed 's/^/# lintian: /' "$work/lintian" | grep -v '^# lintian: N:' | head -20

dpkg-deb -f "$deb" Package Version Architecture Depends Recommends \
    > "$work/control"
tap_check "the package is hacon $version for $arch" \
    grep -qx "Version: $version" "$work/control"
tap_check "Depends: Pacemaker's tools and the libraries (shlibs)" sh -c \
    "grep '^Depends:' '$work/control' | grep -q 'pacemaker-cli-utils' &&
     grep '^Depends:' '$work/control' | grep -q 'libcib'"
tap_check "Recommends: corosync, pacemaker, drbd-utils, isc-dhcp-server or kea-dhcp4-server" sh -c \
    "for p in corosync pacemaker drbd-utils isc-dhcp-server kea-dhcp4-server resource-agents; do
         grep '^Recommends:' '$work/control' | grep -qw \$p || exit 1; done"

# The package's paths, as dpkg -L lists them ("/." is the root).
dpkg-deb -c "$deb" | awk '{ p = $6; sub(/^\./, "", p); sub(/\/$/, "", p);
    print (p == "" ? "/." : p) }' | sort > "$work/paths"
for f in /usr/bin/hacon /usr/lib/ocf/resource.d/hacon/dhcpd \
    /usr/lib/ocf/resource.d/hacon/kea-dhcp4 \
    /usr/share/man/man1/hacon.1.gz /usr/share/man/man7/ocf_hacon_dhcpd.7.gz \
    /usr/share/man/man7/ocf_hacon_kea-dhcp4.7.gz \
    /usr/share/bash-completion/completions/hacon \
    /usr/share/doc/hacon/copyright /usr/share/doc/hacon/changelog.gz; do
    tap_check "the package has $f" grep -qxF "$f" "$work/paths"
done

# ------------------------------------------------------------ as found
# tests/wizard/t-file-steps.sh uses this machine as its ssh peer without
# hacon: it holds this lock (shared) meanwhile.
exec 8> /tmp/hacon-deb.lock
flock 8
# What is there before: the package's state, and which of its paths exist.
before=$(status_of)
[ -n "$before" ] || before=none
while read -r p; do
    [ -e "$p" ] || [ -L "$p" ] && echo "$p"
done < "$work/paths" > "$work/existed"
# A hacon package installed here is repacked, to be put back at the end.
case $before in
    ii*)
        if command -v dpkg-repack > /dev/null &&
            (cd "$work" && dpkg-repack hacon > "$work/repack.log" 2>&1); then
            tap_ok "hacon ${before#ii } was installed here: repacked to restore it"
        else
            msg="hacon ${before#ii } is installed here and cannot be repacked (dpkg-repack) to be restored"
            before=
            tap_skip_all "$msg"
        fi ;;
    none|un*|n*) ;;
    *)  msg="the hacon package is half installed here ($before)"
        before=
        tap_skip_all "$msg" ;;
esac
# Files on the package's paths that no package owns (a make install):
# saved, to be put back after the purge.
: > "$work/unowned"
if [ "${before%% *}" = none ]; then
    while read -r p; do
        [ -f "$p" ] && ! dpkg -S "$p" > /dev/null 2>&1 && echo "$p"
    done < "$work/existed" > "$work/unowned"
    [ -s "$work/unowned" ] && tar -cpf "$work/unowned.tar" -P -T "$work/unowned"
fi

# restore: the machine as it was found.
restore() {
    case $before in
        ii*) dpkg_run -i "$work"/hacon_*.deb ;;
        *) [ -n "$(status_of)" ] && dpkg_run -P hacon ;;
    esac
    [ -s "$work/unowned" ] && tar -xpf "$work/unowned.tar" -P
    before=
}

# ------------------------------------------------------------ install
# gone: the paths of the package that exist now and did not before.
gone() {
    while read -r p; do
        { [ -e "$p" ] || [ -L "$p" ]; } && ! grep -qxF "$p" "$work/existed" \
            && echo "$p"
    done < "$work/paths"
}
installed_ok() {
    local what=$1
    tap_check "$what: dpkg says installed, version $version" \
        [ "$(status_of)" = "ii $version" ]
    dpkg -L hacon | sort > "$work/listed"
    tap_diff "$what: dpkg -L lists exactly the package's files" \
        "$work/paths" "$work/listed"
    missing=$(while read -r p; do [ -e "$p" ] || echo "$p"; done < "$work/paths")
    tap_check "$what: every file is there${missing:+ (missing: $missing)}" \
        [ -z "$missing" ]
    dpkg --verify hacon > "$work/verify" 2>&1
    tap_check "$what: dpkg --verify finds every file as packaged" \
        [ ! -s "$work/verify" ]
    tap_check "$what: /usr/bin/hacon --version says hacon $version" \
        [ "$(/usr/bin/hacon --version)" = "hacon $version" ]
}

if [ "${before%% *}" = ii ]; then
    dpkg_run -P hacon
    tap_check "the earlier hacon purged for the test" [ -z "$(status_of)" ]
fi
dpkg_run -i "$deb"
tap_check "dpkg -i installs it" [ $? -eq 0 ]
installed_ok "installed"
tap_check "man hacon finds the package's page" \
    [ "$(man -w hacon 2> /dev/null)" = /usr/share/man/man1/hacon.1.gz ]
tap_check "man ocf_hacon_dhcpd finds the agent's page" \
    [ "$(man -w 7 ocf_hacon_dhcpd 2> /dev/null)" = /usr/share/man/man7/ocf_hacon_dhcpd.7.gz ]
crm_resource --show-metadata ocf:hacon:dhcpd > "$work/meta" 2>&1
tap_check "Pacemaker finds ocf:hacon:dhcpd and its meta-data" \
    grep -q '<resource-agent name="dhcpd"' "$work/meta"
tap_check "man ocf_hacon_kea-dhcp4 finds the Kea agent's page" \
    [ "$(man -w 7 ocf_hacon_kea-dhcp4 2> /dev/null)" = /usr/share/man/man7/ocf_hacon_kea-dhcp4.7.gz ]
crm_resource --show-metadata ocf:hacon:kea-dhcp4 > "$work/meta" 2>&1
tap_check "Pacemaker finds ocf:hacon:kea-dhcp4 and its meta-data" \
    grep -q '<resource-agent name="kea-dhcp4"' "$work/meta"
tap_check "the copyright file says which licence (DEP-5)" sh -c \
    "head -1 /usr/share/doc/hacon/copyright | grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' &&
     grep -q '^License: ' /usr/share/doc/hacon/copyright"

# The completion, as an admin meets it: an interactive bash with
# bash-completion, Tab after "hacon setup pl".
tmux -L "$tmux_sock" -f /dev/null new-session -d -x 120 -y 10 \
    "env -i HOME=$work TERM=xterm PATH=/usr/sbin:/usr/bin:/sbin:/bin bash --noprofile --norc -i"
tmux -L "$tmux_sock" send-keys ". /usr/share/bash-completion/bash_completion; clear" Enter
sleep 1
tmux -L "$tmux_sock" send-keys "hacon setup pl" Tab
for _ in $(seq 20); do
    tmux -L "$tmux_sock" capture-pane -p > "$work/pane"
    grep -q 'hacon setup plan' "$work/pane" && break
    sleep 0.5
done
tap_check "Tab in bash completes 'hacon setup pl' to 'hacon setup plan'" \
    grep -q 'hacon setup plan' "$work/pane"
grep -q 'hacon setup plan' "$work/pane" || sed 's/^/# pane: /' "$work/pane"
tmux -L "$tmux_sock" kill-server 2> /dev/null

# ------------------------------------------------------------ upgrade
dpkg_run -i "$deb"
tap_check "dpkg -i again (an upgrade over itself)" [ $? -eq 0 ]
installed_ok "upgraded"

# ------------------------------------------------------------ remove
dpkg_run -r hacon
tap_check "dpkg -r removes it" [ $? -eq 0 ]
left=$(gone)
tap_check "removed: no file of the package is left${left:+ (left: $left)}" \
    [ -z "$left" ]
st=$(status_of)
tap_check "removed: dpkg does not list it as installed ($st)" \
    sh -c "case '$st' in ''|un*|rc*) exit 0 ;; *) exit 1 ;; esac"

# ------------------------------------------------------------ purge
dpkg_run -i "$deb"
tap_check "installed again after the removal" [ "$(status_of)" = "ii $version" ]
dpkg_run -P hacon
tap_check "dpkg -P purges it" [ $? -eq 0 ]
left=$(gone)
tap_check "purged: nothing of the package is left${left:+ (left: $left)}" \
    [ -z "$left" ]
tap_check "purged: dpkg has forgotten it" [ -z "$(status_of)" ]
tap_check "purged: no path belongs to hacon" \
    sh -c "! dpkg -S /usr/bin/hacon > /dev/null 2>&1"

# ------------------------------------------------------------ as found
was=$before
restore
case $was in
    ii*) tap_check "the earlier hacon ${was#ii } is installed again" \
             [ "$(status_of)" = "$was" ] ;;
    *) tap_check "hacon is not installed, as before" [ -z "$(status_of)" ] ;;
esac
while read -r p; do [ -e "$p" ] || echo "$p"; done < "$work/existed" > "$work/lost"
tap_check "every path that was there before is there again" [ ! -s "$work/lost" ]
tap_done

#!/bin/bash
# The commands' arguments as an admin types them: every numeric option
# refuses a value that is not a number ("5x", which atoi read as 5) or is
# out of its range, with exit status 2 and a message that names the
# command, the option and the value; a value in range is taken.  Each
# command's --help is written from its table: it lists exactly the options
# that `hacon --list-options` gives for the command (which the completion
# is checked against), and `hacon help COMMAND` says the same.
. "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
[ -x "$HACON" ] || tap_skip_all "build/hacon not built (make)"
work=$(mktemp -d /tmp/hacon-opts.XXXXXX)
trap 'rm -rf "$work"' EXIT
# Nothing here may reach a cluster: no CIB, reports in the work dir.
export CIB_file=$work/no-cib.xml HACON_FAILOVER_DIR=$work/reports
leases=$HACON_TOP/tests/leases/fixtures/real-1/dhcpd.leases
proc=$HACON_TOP/tests/drbd/captures/connected-uptodate.alpha.proc
hosts="--host alpha=10.0.0.1 --host beta=10.0.0.2"

# refused DESC PATTERN HACON-ARGS...: exit 2, and the first line of stderr
# matches PATTERN (grep -E).
refused() {
    desc=$1 pat=$2
    shift 2
    timeout 30 "$HACON" "$@" > "$work/out" 2> "$work/err" < /dev/null
    rc=$?
    if [ $rc -eq 2 ] && head -n 1 "$work/err" | grep -qE -- "$pat"; then
        tap_ok "$desc"
    else
        tap_fail "$desc (exit $rc: $(head -n 1 "$work/err"))"
    fi
}
# taken DESC HACON-ARGS...: the command ran (exit 0).
taken() {
    desc=$1
    shift
    timeout 30 "$HACON" "$@" > "$work/out" 2> "$work/err" < /dev/null
    rc=$?
    if [ $rc -eq 0 ]; then
        tap_ok "$desc"
    else
        tap_fail "$desc (exit $rc: $(head -n 1 "$work/err"))"
    fi
}
nan='is not a (whole )?number'

# failover-test: --repeat, --timeout.
refused "failover-test --timeout 5x: not a number of seconds" \
    '^hacon failover-test: --timeout: "5x" is not a number of seconds \(1-3600\)' \
    failover-test --timeout 5x move
refused "failover-test --timeout 0: out of range" \
    '^hacon failover-test: --timeout: "0" is out of range \(1-3600 seconds\)' \
    failover-test --timeout 0 move
refused "failover-test --timeout 3601: out of range" \
    '^hacon failover-test: --timeout: "3601" is out of range' \
    failover-test --timeout 3601 move
refused "failover-test --repeat 2x: not a number" \
    "^hacon failover-test: --repeat: \"2x\" $nan \\(1-1000\\)" \
    failover-test --repeat 2x move
refused "failover-test --repeat 1001: out of range" \
    '^hacon failover-test: --repeat: "1001" is out of range \(1-1000\)' \
    failover-test --repeat 1001 move
refused "failover-test -t5x (short option): not a number" \
    '^hacon failover-test: --timeout: "5x" is not' failover-test -t5x move
refused "failover-test --timeout=' 5': not a number" \
    '^hacon failover-test: --timeout: " 5" is not' failover-test --timeout=' 5' move
refused "failover-test --timeout without a value" \
    '^hacon failover-test: --timeout needs a value' failover-test move --timeout
refused "failover-test with an unknown scenario names it" \
    '^hacon failover-test: no scenario "jump"' failover-test jump

# leases: --interval, --changes.
refused "leases --interval 50x: not a number of milliseconds" \
    '^hacon leases: --interval: "50x" is not a number of milliseconds \(10-3600000\)' \
    leases --leases "$leases" --no-config --interval 50x
refused "leases --interval 5: out of range" \
    '^hacon leases: --interval: "5" is out of range \(10-3600000 milliseconds\)' \
    leases --leases "$leases" --no-config --interval 5
refused "leases --changes 3x: not a number" \
    "^hacon leases: --changes: \"3x\" $nan" \
    leases --leases "$leases" --no-config --changes 3x
refused "leases --changes -1: out of range" \
    '^hacon leases: --changes: "-1" is out of range' \
    leases --leases "$leases" --no-config --changes=-1
refused "leases --sort=size: not a column" \
    '^hacon leases: --sort: "size" is not one of ip, mac, hostname' \
    leases --leases "$leases" --no-config --sort=size
taken "leases --changes 0 --interval 10 (in range) is taken" \
    leases --leases "$leases" --no-config --changes 0 --interval 10

# probe: --timeout, --count, --interval (no probe is sent: the
# arguments are refused first).
refused "probe --timeout 100ms: not a number of milliseconds" \
    '^hacon probe: --timeout: "100ms" is not a number of milliseconds \(1-600000\)' \
    probe --timeout 100ms 127.0.0.1
refused "probe --count 0: out of range" \
    '^hacon probe: --count: "0" is out of range \(1-' probe --count 0 127.0.0.1
refused "probe --interval 1.5: not a whole number" \
    '^hacon probe: --interval: "1.5" is not a number of milliseconds' \
    probe --interval 1.5 127.0.0.1

# drbd: --timeout, --dump-deadline (seconds, fractions allowed),
# --drbd-version, --minor, --port.
refused "drbd --timeout 5x: not a number of seconds" \
    '^hacon drbd: --timeout: "5x" is not a number of seconds \(0-86400\)' \
    drbd --proc "$proc" --timeout 5x
refused "drbd --dump-deadline abc: not a number of seconds" \
    '^hacon drbd: --dump-deadline: "abc" is not a number of seconds' \
    drbd --proc "$proc" --dump-deadline abc
refused "drbd --timeout -1: out of range" \
    '^hacon drbd: --timeout: "-1" is out of range' \
    drbd --proc "$proc" --timeout=-1
refused "drbd --timeout nan: not a number" \
    '^hacon drbd: --timeout: "nan" is not a number of seconds' \
    drbd --proc "$proc" --timeout nan
taken "drbd --timeout 1.5 --dump-deadline 0.5 (in range) is taken" \
    drbd --proc "$proc" --timeout 1.5 --dump-deadline 0.5
refused "drbd --drbd-version 9x: not a number" \
    "^hacon drbd: --drbd-version: \"9x\" $nan \\(8-9\\)" \
    drbd --gen-res r0 $hosts --drbd-version 9x
refused "drbd --minor 1x: not a number" \
    "^hacon drbd: --minor: \"1x\" $nan \\(0-1048575\\)" \
    drbd --gen-res r0 $hosts --minor 1x
refused "drbd --port 7789x: not a number" \
    "^hacon drbd: --port: \"7789x\" $nan \\(1-65535\\)" \
    drbd --gen-res r0 $hosts --port 7789x
refused "drbd --port 70000: out of range" \
    '^hacon drbd: --port: "70000" is out of range \(1-65535\)' \
    drbd --gen-res r0 $hosts --port 70000
refused "drbd --host a third time" \
    '^hacon drbd: --host: given more than 2 times' \
    drbd --gen-res r0 $hosts --host gamma=10.0.0.3
taken "drbd --gen-res --drbd-version 9 --minor 0 --port 7790 is taken" \
    drbd --gen-res r0 $hosts --drbd-version 9 --minor 0 --port 7790

# status: --format; every command: an unknown option, a flag with a value.
refused "status --format=xml: not one of text, json" \
    '^hacon status: --format: "xml" is not one of text, json' status --format=xml
refused "status --bogus: an unknown option, named with the command" \
    '^hacon status: unknown option --bogus' status --bogus
refused "setup list --yes=1: a flag takes no value" \
    '^hacon setup: --yes takes no value' setup list --yes=1
refused "setup --overwrite a third time" \
    '^hacon setup: --overwrite: given more than 2 times' \
    setup plan drbd --overwrite a:/dev/x --overwrite b:/dev/y --overwrite c:/dev/z
refused "crm without a line" '^hacon crm: an argument is missing' crm --dry-run
refused "the console: an unknown option" '^hacon: unknown option --bogus' --bogus

# --help from the table: each command's --help lists exactly the options
# of `hacon --list-options`.
"$HACON" --list-options > "$work/list" 2> "$work/list.err"
tap_check "hacon --list-options lists options" test -s "$work/list"
"$HACON" help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }' \
    > "$work/commands"
tap_check "hacon help lists commands" test -s "$work/commands"
while read -r cmd; do
    "$HACON" "$cmd" --help > "$work/help" 2>&1
    rc=$?
    tap_check "hacon $cmd --help: exit 0, a usage line" \
        sh -c "[ $rc -eq 0 ] && grep -q '^usage: hacon $cmd' '$work/help'"
    awk -v c="$cmd" '$1 == c { print $2 }' "$work/list" | sort -u > "$work/want"
    # The options column: "  -t, --timeout SECS" or "      --follow".
    sed -n 's/^  \(-[a-zA-Z], \)\{0,1\} *\(--[a-z][a-z0-9-]*\).*/\2/p' \
        "$work/help" | sed 's/=.*//' | sort -u > "$work/got"
    if [ -s "$work/want" ] && cmp -s "$work/want" "$work/got"; then
        tap_ok "hacon $cmd --help lists the options of its table ($(wc -l < "$work/want"))"
    else
        tap_fail "hacon $cmd --help lists the options of its table"
        diff "$work/want" "$work/got" | sed 's/^/# /'
    fi
    # The usage forms and notes, and the command's line in hacon help,
    # name no option that its table lacks.
    { cat "$work/help"; "$HACON" help | grep "^  $cmd "; } |
        grep -oE -- '--[a-z][a-z0-9-]*' | sort -u > "$work/named"
    extra=$(comm -23 "$work/named" "$work/want" | tr '\n' ' ')
    tap_check "hacon $cmd: its help and usage name only options of its table${extra:+ (not in it: $extra)}" \
        [ -z "$extra" ]
    "$HACON" help "$cmd" > "$work/help2" 2>&1
    tap_check "hacon help $cmd says what hacon $cmd --help says" \
        cmp -s "$work/help" "$work/help2"
    tap_check "hacon $cmd --help fits in 80 columns" \
        sh -c "! awk 'length > 80' '$work/help' | grep -q ."
done < "$work/commands"
# The console's options: hacon --help against the table.
"$HACON" --help > "$work/help" 2>&1
awk '$1 == "hacon" { print $2 }' "$work/list" | sort -u > "$work/want"
sed -n '1,/^commands:/s/^  \(-[a-zA-Z], \)\{0,1\} *\(--[a-z][a-z0-9-]*\).*/\2/p' \
    "$work/help" | sort -u > "$work/got"
if [ -s "$work/want" ] && cmp -s "$work/want" "$work/got"; then
    tap_ok "hacon --help lists the console's options of its table"
else
    tap_fail "hacon --help lists the console's options of its table"
    diff "$work/want" "$work/got" | sed 's/^/# /'
fi
tap_done

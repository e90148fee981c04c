#!/bin/sh
# Kea's lease file as a real kea-dhcp4 writes it for real clients (busybox
# udhcpc in a network namespace): DISCOVER/REQUEST, RELEASE, DECLINE (an
# address that answers ARP), a hostname with a comma (Kea writes it as
# "&#x2c;"), lease file cleanup (kea-lfc: FILE.2 and FILE), then FILE.1
# and FILE.completed as a cleanup leaves them when Kea stops in its midst.
# Kea's own statistics (statistic-get-all over its control socket) are the
# referee: after every step, `hacon leases` counts per subnet what Kea
# counts (assigned-addresses, total-addresses), reading the files here and
# over "ssh" (a wrapper that runs the commands here), and following the
# file as Kea appends.  Set HC_KEA_FIXTURES=DIR to keep each step's files.
. "${HACON_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
. "$HACON_TOP/tests/agent/lib.sh"

tap_need_root
tap_need_cmd ip kea-dhcp4 kea-lfc busybox python3
ip netns list > /dev/null 2>&1 || tap_skip_all "needs ip netns"
[ -x "$HACON" ] || tap_skip_all "needs $HACON (make)"

trap 'kea_stop; hca_teardown' EXIT
trap 'exit 1' INT TERM
hca_setup || tap_skip_all "cannot create network namespaces here"

CONF=$HCA_T/kea-dhcp4.conf
LEASES=$HCA_T/lib/kea-leases4.csv
SOCK=$HCA_T/run/kea4.sock
export KEA_PIDFILE_DIR="$HCA_T/run" KEA_LOCKFILE_DIR="$HCA_T/run"
export KEA_LOGGER_DESTINATION="$HCA_T/kea.log"

# lfc-interval is $1 (0: no cleanup).
write_conf() {
    cat > "$CONF" <<EOF
# kea-dhcp4.conf of the lease test: two pools, one a prefix.
{ "Dhcp4": {
    "interfaces-config": { "interfaces": [ "srv0" ] },
    "control-socket": { "socket-type": "unix", "socket-name": "$SOCK" },
    <?include "$HCA_T/db.json"?>
    // Declined addresses come back after this many seconds.
    "decline-probation-period": 3600,
    "valid-lifetime": 600,
    /* Kea drops what is not a host name's character by default; this
       keeps what the client sent. */
    "hostname-char-set": "",
    "subnet4": [ {
        "id": 1,
        "subnet": "10.88.0.0/24",
        "pools": [ { "pool": "10.88.0.100 - 10.88.0.104" },
                   { "pool": "10.88.0.120/30" } ]
    } ]
} }
EOF
    cat > "$HCA_T/db.json" <<EOF
"lease-database": { "type": "memfile", "name": "$LEASES",
                    "lfc-interval": $1 },
EOF
}

KEA_PID=""
kea_start() {
    # Not through srv(): $! must be Kea's pid (ip netns exec execs it).
    ip netns exec "$SRV" kea-dhcp4 -c "$CONF" > "$HCA_T/kea.out" 2>&1 &
    KEA_PID=$!
    for _ in $(seq 100); do
        [ -S "$SOCK" ] && kea_cmd '{"command":"status-get"}' > /dev/null \
            && return 0
        sleep 0.1
    done
    return 1
}
kea_stop() {
    [ -n "$KEA_PID" ] || return 0
    kill "$KEA_PID" 2>/dev/null
    for _ in $(seq 50); do
        kill -0 "$KEA_PID" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$KEA_PID" 2>/dev/null
    KEA_PID=""
    rm -f "$SOCK" "$SOCK.lock"
}
# One command over Kea's control socket; its JSON answer on stdout.
kea_cmd() {
    python3 - "$SOCK" "$1" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode())
data = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    data += b
sys.stdout.write(data.decode())
EOF
}
# "SUBNET ASSIGNED TOTAL" from Kea's statistics (subnet[1] as 10.88.0.0/24).
kea_counts() {
    kea_cmd '{"command":"statistic-get-all"}' | python3 -c '
import json, sys
a = json.load(sys.stdin)
if isinstance(a, list):
    a = a[0]
st = a["arguments"]
print("10.88.0.0/24", st["subnet[1].assigned-addresses"][0][0],
      st["subnet[1].total-addresses"][0][0])'
}
# The same from hacon leases --format=json (ARGS: how it reads).
hacon_counts() {
    "$HACON" leases --format=json --config "$CONF" "$@" 2> "$HCA_T/hacon.err" \
        | python3 -c '
import json, sys
d = json.load(sys.stdin)
used = {}
total = {}
for r in d["ranges"]:
    used[r["subnet"]] = used.get(r["subnet"], 0) + r["used"]
    total[r["subnet"]] = total.get(r["subnet"], 0) + r["defined"]
for s in sorted(used):
    print(s, used[s], total[s])'
}
# referee DESC: hacon's counts equal Kea's, read here and over ssh.
referee() {
    want=$(kea_counts)
    got=$(hacon_counts --leases "$LEASES")
    if [ -n "$want" ] && [ "$got" = "$want" ]; then
        tap_ok "$1: hacon counts what Kea counts ($want)"
    else
        tap_fail "$1: hacon '$got', Kea '$want'"
        sed 's/^/# /' "$HCA_T/hacon.err" "$LEASES"*
    fi
    got=$(PATH=$HCA_T/bin:$PATH hacon_counts --leases "$LEASES" --node kea1)
    tap_check "$1: the same over ssh ($got)" test -n "$want" -a "$got" = "$want"
    if [ -n "$HC_KEA_FIXTURES" ]; then
        _d=$HC_KEA_FIXTURES/$(echo "$1" | tr -c 'a-zA-Z0-9\n' - | head -c 40)
        mkdir -p "$_d"
        cp "$LEASES"* "$_d/" 2>/dev/null
        echo "$want" > "$_d/kea-counts"
    fi
}
# client MAC [UDHCPC ARGS]: one exchange from a client with that MAC; the
# address is put on the link (a RELEASE is sent from it).
client() {
    _mac=$1
    shift
    cli ip addr flush dev cli0
    cli ip link set cli0 down
    cli ip link set cli0 address "$_mac"
    cli ip link set cli0 up
    cli timeout 30 busybox udhcpc -i cli0 -n -q -f -t 5 -T 1 \
        -s "$HCA_T/udhcpc.script" "$@" > "$HCA_T/udhcpc.log" 2>&1
}
cat > "$HCA_T/udhcpc.script" <<'SCRIPT'
#!/bin/sh
case $1 in
    bound|renew) ip addr flush dev "$interface"
                 ip addr add "$ip/${mask:-24}" dev "$interface" ;;
    deconfig) ip addr flush dev "$interface" ;;
esac
SCRIPT
chmod +x "$HCA_T/udhcpc.script"

# "ssh": runs the command here (hc_exec quotes it for a remote shell).
mkdir -p "$HCA_T/bin"
cat > "$HCA_T/bin/ssh" <<'EOF'
#!/bin/sh
while [ $# -gt 0 ] && [ "$1" != "--" ]; do shift; done
shift 2
exec sh -c "$*"
EOF
chmod +x "$HCA_T/bin/ssh"

write_conf 0
kea_start || {
    sed 's/^/# /' "$HCA_T/kea.out" "$HCA_T/kea.log"
    tap_skip_all "kea-dhcp4 does not start here"
}
tap_check "Kea writes its lease file (header only)" test -s "$LEASES"
referee "no lease yet"

# A follower of the file as Kea appends, started now.
"$HACON" leases --leases "$LEASES" --no-config --follow --interval 200 \
    > "$HCA_T/follow.out" 2> "$HCA_T/follow.err" &
FOLLOW=$!

for i in 1 2 3 4; do
    client "02:00:00:00:00:0$i" -x hostname:"pc$i" \
        || tap_fail "client $i gets a lease"
done
# "host,five" in hex: busybox would cut a hostname given as text at ','.
client 02:00:00:00:00:05 -x 0x0c:686f73742c66697665 \
    || tap_fail "client 5 gets a lease"
referee "five clients bound"
"$HACON" leases --leases "$LEASES" --config "$CONF" > "$HCA_T/text" 2>&1
# Kea 2.2 writes the comma as "&#x2c" (no ';').
kea_name=$(grep -o 'host&#x2c;*five' "$LEASES")
tap_check "Kea escaped the comma ($kea_name)" test -n "$kea_name"
tap_check "the hostname stays as Kea wrote it" \
    grep -qF " $kea_name " "$HCA_T/text"

# RELEASE: udhcpc -R releases on its way out (ended by a signal, once
# bound); Kea deletes the lease (a row with valid_lifetime 0).
cli ip addr flush dev cli0
cli ip link set cli0 down
cli ip link set cli0 address 02:00:00:00:00:02
cli ip link set cli0 up
ip netns exec "$CLI" busybox udhcpc -i cli0 -f -t 5 -T 1 -R \
    -s "$HCA_T/udhcpc.script" > "$HCA_T/udhcpc.log" 2>&1 &
UDHCPC=$!
for _ in $(seq 100); do
    cli ip -4 addr show dev cli0 | grep -q 'inet ' && break
    sleep 0.1
done
kill -TERM "$UDHCPC"
wait "$UDHCPC"
for _ in $(seq 50); do
    grep -q '^10\.88\.0\.[0-9]*,02:00:00:00:00:02,[^,]*,0,' "$LEASES" && break
    sleep 0.1
done
tap_check "Kea recorded the release (valid_lifetime 0)" \
    grep -q '^10\.88\.0\.[0-9]*,02:00:00:00:00:02,[^,]*,0,' "$LEASES"
referee "one released"
tap_check "the released address is gone from hacon's table" \
    sh -c "! '$HACON' leases --leases '$LEASES' --no-config | grep -q ' 02:00:00:00:00:02 '"

# DECLINE: the server's side of the link answers ARP for the address
# offered, udhcpc -a sees it taken and declines it.
offer=$(grep -o '10\.88\.0\.[0-9]*' "$HCA_T/udhcpc.log" | head -n 1)
cli ip addr flush dev cli0
cli ip link set cli0 down
cli ip link set cli0 address 02:00:00:00:00:06
cli ip link set cli0 up
free_ip=""
for a in 10.88.0.100 10.88.0.101 10.88.0.102 10.88.0.103 10.88.0.104 \
         10.88.0.120 10.88.0.121 10.88.0.122 10.88.0.123; do
    grep -q "^$a," "$LEASES" && [ "$(awk -F, -v a="$a" '$1 == a {v = $4} END {print v}' "$LEASES")" != 0 ] && continue
    free_ip=$a
    break
done
srv ip addr add "$free_ip/32" dev srv0
cli timeout 30 busybox udhcpc -i cli0 -n -q -f -t 3 -T 1 -a \
    -s "$HCA_T/udhcpc.script" -r "$free_ip" > "$HCA_T/udhcpc.log" 2>&1
srv ip addr del "$free_ip/32" dev srv0
tap_check "Kea recorded a declined address (state 1)" \
    grep -q ",1,[^,]*$" "$LEASES"
echo "# declined $free_ip (offered before: $offer)"
referee "one declined"
"$HACON" leases --leases "$LEASES" --no-config --state declined \
    > "$HCA_T/declined" 2>&1
tap_check "hacon shows it declined" grep -q "^$free_ip .*declined" "$HCA_T/declined"

# The follower saw every change as Kea appended: its last line counts
# what a fresh read counts, after one full read and appends only.
sleep 3
kill "$FOLLOW" 2>/dev/null
wait "$FOLLOW" 2>/dev/null
fresh=$("$HACON" leases --leases "$LEASES" --no-config --format=json \
    | python3 -c 'import json, sys
d = json.load(sys.stdin)["leases"]
print("%d addresses, %d active" % (len(d),
      sum(1 for l in d if l["state"] == "active")))')
last=$(tail -n 1 "$HCA_T/follow.out")
echo "# follower: $last"
case $last in
    *" $fresh, "*", 1 full reads, "*)
        tap_ok "the follower, fed as Kea appended, ends where a fresh read is ($fresh)" ;;
    *) tap_fail "the follower ends at '$last', a fresh read at '$fresh'" ;;
esac
case $last in
    *", 0 appends,"*) tap_fail "the follower read no appended bytes" ;;
    *) tap_ok "the follower read Kea's appends" ;;
esac

# Lease file cleanup: Kea moves the file to FILE.1, kea-lfc folds FILE.2
# and FILE.1 into FILE.2.  Turned on by a config reload, then off again
# once it has run, so that the files hold still for the comparison.
write_conf 1
kea_cmd '{"command":"config-reload"}' > /dev/null
for _ in $(seq 100); do
    [ -s "$LEASES.2" ] && [ ! -e "$LEASES.pid" ] && [ ! -e "$LEASES.1" ] && break
    sleep 0.1
done
write_conf 0
kea_cmd '{"command":"config-reload"}' > /dev/null
sleep 0.5
tap_check "lease file cleanup left FILE.2" test -s "$LEASES.2"
client 02:00:00:00:00:07 -x hostname:after-cleanup \
    || tap_fail "client 7 gets a lease after the cleanup"
referee "after lease file cleanup (FILE.2 and FILE)"

# FILE.1 and FILE.2, as after a cleanup that did not finish: Kea reads
# .2, then .1, then FILE.  Made from real rows: the current file becomes
# .1 while Kea is stopped, Kea starts on it and recounts.
kea_stop
mv "$LEASES" "$LEASES.1"
kea_start || { tap_fail "kea-dhcp4 restarts"; tail -n 5 "$HCA_T/kea.log" "$HCA_T/kea.out" | sed 's/^/# /'; }
client 02:00:00:00:00:08 -x hostname:eight || tap_fail "client 8 gets a lease"
referee "FILE.2, FILE.1 and FILE"

# FILE.completed: a finished cleanup not yet renamed; Kea then reads it
# and FILE, not .1 or .2.
kea_stop
cat "$LEASES.2" "$LEASES.1" | awk 'NR == 1 || !/^address,/' > "$LEASES.completed"
# A .1 that Kea must ignore now: one more lease in it.
printf '10.88.0.104,02:00:00:00:00:99,,600,%s,1,0,0,ignored,0,\n' \
    "$(( $(date +%s) + 600 ))" >> "$LEASES.1"
kea_start || { tap_fail "kea-dhcp4 restarts"; tail -n 5 "$HCA_T/kea.log" "$HCA_T/kea.out" | sed 's/^/# /'; }
referee "FILE.completed and FILE (FILE.1 and FILE.2 ignored)"
kea_stop

tap_done

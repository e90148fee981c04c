# The host side of tests/failover/host-request, for the suites that let
# hacon (inside a node) crash, stop or start a node or cut its HA link:
# sourced after tests/cluster/lib.sh, with CL set; fo_relay sets RD and
# relay_pid (the suite's cleanup kills it).
# fo_relay ACTION...: the host side of host-request.  Requests are read
# from a FIFO (one line: ID NODE ACTION); the result goes to done.ID.  Only
# the ACTIONs given are done (crash, stop, start: hc-cluster node NODE
# ACTION; cut, uncut: the node's HA link, eth1, corosync's only ring, down
# or up); anything else answers 2.
fo_relay() {
    local allowed=" $* "
    RD=$S/relay
    mkdir -p "$RD" && mkfifo "$RD/req"
    (
        exec 3<> "$RD/req"
        while read -r id node action <&3; do
            case $node in nodeone|nodetwo) ;; *) action=refused ;; esac
            case $allowed in *" $action "*) ;; *) action=refused ;; esac
            case $action in
                crash|stop|start)
                    "$CL" node "$node" "$action" > "$RD/log.$id" 2>&1
                    echo $? > "$RD/done.$id.tmp" ;;
                cut|uncut)
                    st=down; [ "$action" = uncut ] && st=up
                    ip -n "$(ns_of "$node")" link set eth1 "$st" > "$RD/log.$id" 2>&1
                    echo $? > "$RD/done.$id.tmp" ;;
                *) echo 2 > "$RD/done.$id.tmp" ;;
            esac
            mv "$RD/done.$id.tmp" "$RD/done.$id"
        done
    ) 9>&- &
    relay_pid=$!
}

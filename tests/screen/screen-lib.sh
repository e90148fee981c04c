# Helpers of the console's screen tests (sourced, POSIX sh): hacon in a
# private tmux server, screens read with capture-pane, waits with
# deadlines.  The caller sets sock (the tmux server name) and work (the
# directory hacon starts in).

# shellcheck disable=SC2154  # sock and work are set by the caller
T() { tmux -L "$sock" "$@"; }

# start NAME COLSxROWS ENV...: runs hacon in a new session NAME.  After
# hacon exits the pane prints "TTY-RESTORED" when the terminal settings
# are those from before, and "EXITED <status>".
# shellcheck disable=SC2154
start() {
    _name=$1 _size=$2; shift 2
    T new-session -d -s "$_name" -x "${_size%x*}" -y "${_size#*x}" \
        "cd '$work' && before=\$(stty -g) && env $* '$HACON'; rc=\$?; \
         [ \"\$(stty -g)\" = \"\$before\" ] && echo TTY-RESTORED; \
         echo EXITED \$rc; exec sleep 600"
}

screen() { T capture-pane -p -t "$1"; }

# _wait GREP-FLAG NAME PATTERN SECONDS [gone]: until grep FLAG finds
# PATTERN on the screen (with "gone": until it no longer does); on a
# timeout the screen is printed.  Quick polls first (most screens change
# within a second), then every half second: each poll forks a tmux client,
# a grep and a sleep, CPU that the cluster under test needs.
_wait() {
    _end=$(( $(date +%s) + $4 )) _nap=0.05 _n=0
    while :; do
        if screen "$2" 2>/dev/null | grep -q"$1" -- "$3"; then
            [ "${5:-}" = gone ] || return 0
        else
            [ "${5:-}" = gone ] && return 0
        fi
        [ "$(date +%s)" -gt "$_end" ] && break
        sleep "$_nap"
        _n=$((_n + 1))
        case $_n in 20) _nap=0.2 ;; 40) _nap=0.5 ;; esac
    done
    # Also on stderr, which reaches the suite's log when the caller threw
    # the screen away (> /dev/null): a wait that times out unseen costs
    # its whole deadline in every run.
    echo "# $0: timed out after $4 s waiting for '$3' ${5:+(gone) }on $2" >&2
    if [ "${5:-}" = gone ]; then
        echo "# timed out waiting for '$3' to leave $2; the screen was:"
    else
        echo "# timed out waiting for '$3' on $2; the screen was:"
    fi
    screen "$2" 2>/dev/null | sed 's/^/#   /'
    return 1
}

# wait_for NAME TEXT [SECONDS]: until the screen contains TEXT.
wait_for() { _wait F "$1" "$2" "${3:-20}"; }

# wait_re NAME REGEX [SECONDS]: until a line of the screen matches REGEX
# (grep -E).
wait_re() { _wait E "$1" "$2" "${3:-60}"; }

# wait_gone NAME TEXT [SECONDS]: until the screen no longer contains TEXT.
wait_gone() { _wait F "$1" "$2" "${3:-20}" gone; }

# quit NAME: q, then the console must be gone, the terminal restored, 0.
quit_ok() {
    T send-keys -t "$1" q
    if wait_for "$1" "EXITED" 10 && screen "$1" | grep -q "EXITED 0" \
        && screen "$1" | grep -q TTY-RESTORED; then
        tap_ok "$2: q exits 0 and restores the terminal"
    else
        tap_fail "$2: q exits 0 and restores the terminal"
    fi
    T kill-session -t "$1"
}


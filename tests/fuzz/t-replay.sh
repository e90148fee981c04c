#!/bin/sh
# Replays every fuzz target's seed corpus under ASan/UBSan: builds the
# targets (`make fuzz`, clang -fsanitize=fuzzer,address,undefined), then
# runs each corpus file once.  The corpus of tests/fuzz/fuzz_NAME.c is
# tests/fuzz/corpus/NAME/ (or corpus/fuzz_NAME/).
. "${HACON_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/tap.sh"
tap_need_cmd clang make
cd "$HACON_TOP" || exit 2
log=$(mktemp /tmp/hc-replay.XXXXXX)
trap 'rm -f "$log"' EXIT INT TERM
if ! make -s -j"$(nproc)" fuzz > "$log" 2>&1; then
    tap_fail "make fuzz"
    tail -n 20 "$log" | sed 's/^/# /'
    tap_done
fi
for src in tests/fuzz/fuzz_*.c; do
    [ -e "$src" ] || continue
    name=$(basename "$src" .c)
    bin=build/fuzz/$name
    dir=tests/fuzz/corpus/${name#fuzz_}
    [ -d "$dir" ] || dir=tests/fuzz/corpus/$name
    if [ ! -d "$dir" ] || [ -z "$(ls "$dir")" ]; then
        tap_fail "$name: no seed corpus in tests/fuzz/corpus/${name#fuzz_}/"
        continue
    fi
    n=$(ls "$dir" | wc -l)
    # Each file once; a crash, a sanitizer report or a 20 s hang fails.
    if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
       UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
       timeout 300 "$bin" -runs=1 -timeout=20 "$dir"/* > "$log" 2>&1; then
        tap_ok "$name: $n corpus files replayed clean"
    else
        tap_fail "$name: replay failed"
        grep -E 'ERROR|SUMMARY|runtime error|#[0-9] ' "$log" | head -20 \
            | sed 's/^/# /'
    fi
done
tap_done

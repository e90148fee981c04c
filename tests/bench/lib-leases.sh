# Shared by the lease benchmarks (bench-leases.sh, bench-kea-leases.sh;
# sourced, POSIX sh), after the script has set $top (the tree) and $tmp.
#
#   bench_build GEN      compiles tests/bench/GEN.c and bench_leases.c
#                        against build/libhacon.a into $b (build/bench)
#   ms CMD...            wall time of a command in us (ns resolution)
#   median               the median of the numbers on stdin, us as ms
#   ratio A B            A / B with two decimals (0 when B is 0)

b=$top/build/bench

bench_build() {
    mkdir -p "$b"
    cc -O2 -o "$b/$1" "$top/tests/bench/$1.c" || return 1
    # shellcheck disable=SC2046
    cc -O2 -std=gnu11 -D_GNU_SOURCE -I"$top/core" $(pkg-config --cflags glib-2.0) \
        -o "$b/bench_leases" "$top/tests/bench/bench_leases.c" \
        "$top/build/libhacon.a" $(pkg-config --libs glib-2.0 libxml-2.0)
}

ms() {
    t0=$(date +%s%N)
    "$@" > /dev/null 2>&1
    t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000 ))
}
median() { sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }

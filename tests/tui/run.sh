#!/bin/sh
# tests/tui/run.sh BIN - run every tests/tui/test_*.sh with HF=BIN; print PASS/FAIL per script
# and the closing line "N passed, N failed". A script exiting 77 is skipped.
BIN=${1:-build/hfscope}
export HF="$BIN"
pass=0; fail=0; skip=0
for t in tests/tui/test_*.sh; do
    [ -f "$t" ] || continue
    log=$(mktemp)
    start=$(date +%s)
    sh "$t" >"$log" 2>&1; rc=$?
    secs=$(( $(date +%s) - start ))
    if [ $rc -eq 0 ]; then pass=$((pass + 1)); echo "PASS $t (${secs}s)"
    elif [ $rc -eq 77 ]; then skip=$((skip + 1)); echo "SKIP $t"
    else fail=$((fail + 1)); echo "FAIL $t (${secs}s)"; sed 's/^/    /' "$log" | tail -40; fi
    rm -f "$log"
done
echo "tui: $pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]

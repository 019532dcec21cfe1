#!/bin/sh
# tests/cli/test_lint.sh - `hfscope lint`: every problem planted in tests/cli/data/lint_planted.json
# is found with its JSON pointer; on the reference workspaces lint reports exactly the findings
# listed in tests/cli/data/lint_references.txt (code and count per file; UPDATE_GOLDEN=1 rewrites
# it so that a change shows in review; samples of each code were checked by hand);
# exit codes 0 clean / 1 warnings / 2 bad input; -o writes the text or JSON atomically.
cd "$(dirname "$0")/../.." || exit 1
HF=${HF:-build/hfscope}
REF=${HF_REFERENCE_DIR:-tests/reference}
[ -x "$HF" ] || { echo "test_lint: $HF is not built" >&2; exit 1; }
. tests/cli/lib.sh
P=tests/cli/data/lint_planted.json

"$HF" lint --json "$P" >"$tmp/p.json"; rc=$?
[ $rc -eq 1 ] || fail "lint of the planted workspace exited $rc, expected 1 (warnings)"
flat=$(tr -d '\n\t ' <"$tmp/p.json")
while read -r code ptr; do
    case $flat in
    *"\"code\":\"$code\",\"pointer\":\"$ptr\""*) ;;
    *) fail "planted: no $code at $ptr" ;;
    esac
done <<'LIST'
normsys_same_side /channels/0/samples/1/modifiers/0/data
variation_identical /channels/0/samples/1/modifiers/1/data
implausible_effect /channels/0/samples/1/modifiers/2/data
histosys_same_side /channels/0/samples/1/modifiers/3/data
near_duplicate_modifier /channels/0/samples/1/modifiers/5
stat_nonpositive /channels/0/samples/1/modifiers/7/data/1
all_zero_sample /channels/0/samples/2/data
all_zero_sample /channels/1/samples/1/data
signal_without_background /channels/1/samples/0/data/0
near_duplicate_modifier /channels/1/samples/1/modifiers/0/name
stat_nonpositive /channels/2/samples/0/modifiers/0/data/0
unused_parameter /measurements/0/config/parameters/0
stat_dominates /channels/2
LIST
n=$(echo "$flat" | grep -o '"code":' | wc -l)
[ "$n" -eq 13 ] || fail "planted: $n findings, expected the 13 planted"
case $flat in *'"severity":"info","code":"stat_dominates"'*) ;; *) fail "stat_dominates is a note" ;; esac
"$HF" lint --json --measurement nopoi "$P" | tr -d '\n\t ' |
    grep -q '"code":"poi_absent","pointer":"/measurements/1/config/poi"' || fail "planted: POI absent"
"$HF" lint --measurement nosuch "$P" >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown measurement: exit 2"
# text and -o
"$HF" lint "$P" | head -1 | grep -q '0 errors, 12 warnings, 1 notes' || fail "text summary line"
"$HF" lint -v "$P" | grep -q 'stat_dominates' || fail "-v lists the notes"
"$HF" lint "$P" | grep -q 'stat_dominates' && fail "notes only with -v"
"$HF" lint "$P" -o "$tmp/l.txt" >"$tmp/stdout"; [ -s "$tmp/stdout" ] && fail "lint -o also printed"
"$HF" lint "$P" | cmp -s - "$tmp/l.txt" || fail "lint -o differs from what lint prints"
"$HF" lint --json "$P" -o "$tmp/l.json"; cmp -s "$tmp/l.json" "$tmp/p.json" || fail "lint --json -o"

# references: the listed findings and no others
: >"$tmp/refs.txt"
for w in "$REF"/*/workspace.json "$REF"/bkgonly/*_bkg.json; do
    [ -f "$w" ] || continue
    rel=${w#"$REF"/}
    "$HF" lint --json "$w" | tr -d '\n\t ' | grep -o '"code":"[a-z_]*"' | cut -d'"' -f4 |
        sort | uniq -c | while read -r cnt code; do echo "$rel $code $cnt"; done >>"$tmp/refs.txt"
    "$HF" lint -q "$w" >/dev/null; rc=$?
    if grep -q "^$rel " "$tmp/refs.txt"; then want=1; else want=0; fi
    [ $rc -eq $want ] || fail "lint $rel exited $rc, expected $want"
done
if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
    cp "$tmp/refs.txt" tests/cli/data/lint_references.txt
fi
diff -u tests/cli/data/lint_references.txt "$tmp/refs.txt" || fail "reference findings changed"

# bad input: exit 2, file and pointer
sed 's/"data": \[50.0, 10.0\]/"data": "x"/' "$P" >"$tmp/bad.json"
err=$("$HF" lint "$tmp/bad.json" -o "$tmp/out.txt" 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$err" | grep -q 'bad.json:/channels/0/samples/1/data' || fail "bad input: $rc $err"
[ ! -e "$tmp/out.txt" ] || fail "lint wrote output for bad input"
err=$("$HF" lint "$tmp/missing.json" 2>&1); echo "$err" | grep -q missing.json || fail "missing file: $err"

[ $nfail -eq 0 ] || { echo "test_lint: $nfail failures"; exit 1; }
echo "test_lint: ok"

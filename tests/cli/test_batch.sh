#!/bin/sh
# tests/cli/test_batch.sh - `patchset merge` on a generated 110-point grid: four shards merged
# equal a one-machine run point for point; points removed from a shard output are exactly the
# ones the merge reports missing (exit 1); duplicates are dropped and the newest of conflicting
# lines kept; results of two workspaces or two sets of options, a line that does not parse and a
# patchset whose labels do not match its values give exit 2 naming the file and line (or
# pointer); a resume into a file of other options is refused. Also `plot --what exclusion` on
# the grid (two labels: the mass plane; one label: limits against the mass).
cd "$(dirname "$0")/../.." || exit 1
HF=${HF:-build/hfscope}
REF=${HF_REFERENCE_DIR:-tests/reference}
[ -x "$HF" ] || { echo "test_batch: $HF is not built" >&2; exit 1; }
[ -d "$REF" ] || { echo "test_batch: no reference directory $REF" >&2; exit 77; }
. tests/cli/lib.sh
BKG=$REF/pyhf_example_patchset/workspace.json
. tests/slurm/grid.sh
DIGEST=$(hf_example_digest "$REF")
[ ${#DIGEST} -eq 64 ] || { echo "test_batch: no digest in the reference patchset"; exit 1; }
hf_grid "$DIGEST" 10 11 >"$tmp/grid.json"
# the numbers of a line without its timing and time stamp
strip() { sed 's/,"seconds":[^,}]*//; s/,"finished":[^,}]*//' "$@" | sort; }

"$HF" patchset run -q "$BKG" "$tmp/grid.json" -j 2 -o "$tmp/one.jsonl" || fail "one-machine run exit $?"
[ "$(grep -c . "$tmp/one.jsonl")" -eq 110 ] || fail "one-machine run: expected 110 lines"
grep -q '"workspace_sha256":"'"$DIGEST"'"' "$tmp/one.jsonl" || fail "run: no workspace digest in the lines"
grep -q '"options":"what=cls ' "$tmp/one.jsonl" || fail "run: no options in the lines"
for i in 0 1 2 3; do
    "$HF" patchset run -q "$BKG" "$tmp/grid.json" --shard $i/4 -o "$tmp/sh$i.jsonl" || fail "shard $i/4 exit $?"
done
"$HF" patchset merge "$tmp"/sh*.jsonl --patchset "$tmp/grid.json" -o "$tmp/m.jsonl" >"$tmp/out" 2>"$tmp/err" ||
    fail "merge of complete shards exit $?: $(cat "$tmp/err")"
[ ! -s "$tmp/out" ] || fail "merge of complete shards listed: $(cat "$tmp/out")"
strip "$tmp/one.jsonl" >"$tmp/s1"; strip "$tmp/m.jsonl" >"$tmp/s2"
cmp -s "$tmp/s1" "$tmp/s2" || fail "shards + merge differ from the one-machine run"
# the merged file is in patchset order
head -n 1 "$tmp/m.jsonl" | grep -q '"patch":"sig_100_0"' || fail "merge: not in patchset order"

# three points removed from shard 2: exactly those are missing, exit 1
sed -n '3p;7p;20p' "$tmp/sh2.jsonl" | grep -o '"patch":"[^"]*"' | cut -d'"' -f4 | sort >"$tmp/removed"
sed '3d;7d;20d' "$tmp/sh2.jsonl" >"$tmp/cut.jsonl"
"$HF" patchset merge -q "$tmp/sh0.jsonl" "$tmp/sh1.jsonl" "$tmp/cut.jsonl" "$tmp/sh3.jsonl" \
    --patchset "$tmp/grid.json" -o "$tmp/m2.jsonl" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] || fail "merge with missing points: exit $rc"
grep '^missing ' "$tmp/out" | cut -d' ' -f2 | sort >"$tmp/reported"
cmp -s "$tmp/removed" "$tmp/reported" || fail "merge reported '$(cat "$tmp/reported")', removed '$(cat "$tmp/removed")'"
[ "$(grep -c . "$tmp/m2.jsonl")" -eq 107 ] || fail "merge with missing points: expected 107 lines"
# a failed point is listed as failed
sed '5s/"poi":/"error":"fit did not converge","poi":/' "$tmp/sh1.jsonl" >"$tmp/f.jsonl"
"$HF" patchset merge "$tmp/sh0.jsonl" "$tmp/f.jsonl" "$tmp/sh2.jsonl" "$tmp/sh3.jsonl" \
    --patchset "$tmp/grid.json" -o "$tmp/m3.jsonl" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] && [ "$(grep -c '^failed ' "$tmp/out")" -eq 1 ] && grep -q "1 failed" "$tmp/err" ||
    fail "merge with a failed point: exit $rc, '$(cat "$tmp/out")'"

# exact duplicates dropped; of two conflicting lines the newer one is kept (whatever the order)
"$HF" patchset merge "$tmp"/sh*.jsonl "$tmp/sh0.jsonl" -o "$tmp/m4.jsonl" 2>"$tmp/err" || fail "merge with duplicates exit $?"
grep -q "$(grep -c . "$tmp/sh0.jsonl") exact duplicates dropped" "$tmp/err" || fail "merge: $(cat "$tmp/err")"
strip "$tmp/m4.jsonl" >"$tmp/s4"; cmp -s "$tmp/s1" "$tmp/s4" || fail "merge with duplicates changed the points"
head -n 1 "$tmp/sh3.jsonl" | sed 's/"cls_obs":[^,]*/"cls_obs":0.5/; s/"finished":[0-9.]*/"finished":9999999999/' >"$tmp/new.jsonl"
name=$(grep -o '"patch":"[^"]*"' "$tmp/new.jsonl")
"$HF" patchset merge -q "$tmp/new.jsonl" "$tmp"/sh*.jsonl -o "$tmp/m5.jsonl" || fail "merge with a conflict exit $?"
grep "$name" "$tmp/m5.jsonl" | grep -q '"cls_obs":0.5,' || fail "merge kept the older of two conflicting lines"

# bad input: exit 2 and one line naming the file and line
bad() { # bad WHAT EXPECTED-LOCATION ARGS...
    what=$1; loc=$2; shift 2
    "$HF" patchset merge "$@" -o "$tmp/bad.jsonl" >/dev/null 2>"$tmp/err"; rc=$?
    [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "^hfscope: error: $loc" "$tmp/err" ||
        fail "$what: exit $rc, stderr '$(cat "$tmp/err")'"
}
sed '4s/"workspace_sha256":"[0-9a-f]*"/"workspace_sha256":"0123abcd"/' "$tmp/sh1.jsonl" >"$tmp/ws2.jsonl"
bad "results of two workspaces" "$tmp/ws2.jsonl:4: .*workspace" "$tmp/sh0.jsonl" "$tmp/ws2.jsonl"
sed '2s/"options":"what=cls poi-value=1 /"options":"what=cls poi-value=2 /' "$tmp/sh1.jsonl" >"$tmp/op2.jsonl"
bad "results of two sets of options" "$tmp/op2.jsonl:2: .*options" "$tmp/sh0.jsonl" "$tmp/op2.jsonl"
sed '6s/"hfscope":"[^"]*"/"hfscope":"0.0.1"/' "$tmp/sh1.jsonl" >"$tmp/v2.jsonl"
bad "results of two versions" "$tmp/v2.jsonl:6: .*version" "$tmp/sh0.jsonl" "$tmp/v2.jsonl"
{ head -n 4 "$tmp/sh1.jsonl"; head -n 1 "$tmp/sh1.jsonl" | cut -c1-40; } >"$tmp/cut2.jsonl"
bad "a line that does not parse" "$tmp/cut2.jsonl:5: " "$tmp/sh0.jsonl" "$tmp/cut2.jsonl"
sed '2s/"values":\[[0-9]*,/"values":[7,/' "$tmp/sh1.jsonl" >"$tmp/val.jsonl"
bad "values not those of the patchset" "$tmp/val.jsonl:2:/values" "$tmp/val.jsonl" --patchset "$tmp/grid.json"
sed 's/"values":\[100,0\]/"values":[100]/' "$tmp/grid.json" >"$tmp/badlab.json"
bad "labels not matching values" "$tmp/badlab.json:/patches/0/metadata/values" "$tmp/sh0.jsonl" --patchset "$tmp/badlab.json"

# a resume into a file written with other options is refused
"$HF" patchset run -q "$BKG" "$tmp/grid.json" --poi-value 2 -o "$tmp/sh0.jsonl" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "sh0.jsonl:1: written by a run with another set of options" "$tmp/err" ||
    fail "resume with other options: exit $rc, '$(cat "$tmp/err")'"

# exclusion figures: the mass plane from the merged results (limits and CLs), a known ellipse,
# one label (limits against the mass), --what limits over the grid; bad input exits 2
"$HF" patchset run -q "$BKG" "$tmp/grid.json" --what limit -j 2 -o "$tmp/lim.jsonl" || fail "run --what limit exit $?"
"$HF" plot --what exclusion --results "$tmp/lim.jsonl" --patchset "$tmp/grid.json" -o "$tmp/excl.pdf" 2>"$tmp/err" ||
    fail "exclusion from limits: exit $?, $(cat "$tmp/err")"
[ -s "$tmp/excl.pdf" ] || fail "exclusion: no PDF"
"$HF" plot --what exclusion --results "$tmp/m.jsonl" --patchset "$tmp/grid.json" -o "$tmp/exclcls.png" ||
    fail "exclusion from CLs: exit $?"
[ "$(head -c 4 "$tmp/exclcls.png" | tail -c 3)" = PNG ] || fail "exclusion: not a PNG"
hf_circle_grid 15 12 "$tmp/circ.json" "$tmp/circ.jsonl"
"$HF" plot --what exclusion --results "$tmp/circ.jsonl" --patchset "$tmp/circ.json" -o "$tmp/circ.svg" ||
    fail "exclusion of the ellipse grid: exit $?"
# (the contour's distance from the known ellipse is checked in numbers by check_contour and by
# check_exclusion below; here: the figure is drawn)
grep -c '<path' "$tmp/circ.svg" | awk '{ exit !($1 > 10) }' || fail "exclusion svg: too few paths"
printf '{"metadata":{"description":"1d","digests":{"sha256":"%s"},"labels":["m_stop"],"references":{}},"version":"1.0.0","patches":[' "$DIGEST" >"$tmp/onel.json"
for i in 0 1 2 3 4 5 6 7; do
    m=$((200 + 100 * i)); s=$(awk -v m=$m 'BEGIN { printf "%.5f", 60 * exp(-(m - 200) / 350) }')
    [ $i -gt 0 ] && printf ',' >>"$tmp/onel.json"
    printf '{"metadata":{"name":"stop_%d","values":[%d]},"patch":[{"op":"replace","path":"/channels/0/samples/0/data","value":[%s,%s]}]}' \
        $m $m "$s" "$s" >>"$tmp/onel.json"
done
printf ']}\n' >>"$tmp/onel.json"
"$HF" patchset run -q "$BKG" "$tmp/onel.json" --what limit -o "$tmp/onel.jsonl" || fail "one-label run exit $?"
"$HF" plot --what exclusion --results "$tmp/onel.jsonl" --patchset "$tmp/onel.json" -o "$tmp/onel.pdf" ||
    fail "one-label exclusion exit $?"
"$HF" plot --what limits --results "$tmp/lim.jsonl" --patchset "$tmp/grid.json" -o "$tmp/plots" --format svg ||
    fail "--what limits exit $?"
# categories named by values, never by (truncated) patch names
grep -q '>sig_' "$tmp/plots/limits.svg" && fail "--what limits: patch names on the axis"
plotbad() { # plotbad WHAT EXPECTED-LOCATION RESULTS PATCHSET
    "$HF" plot --what exclusion --results "$3" --patchset "$4" -o "$tmp/bad.pdf" >/dev/null 2>"$tmp/err"; rc=$?
    [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "^hfscope: error: $2" "$tmp/err" &&
        [ ! -e "$tmp/bad.pdf" ] || fail "plot $1: exit $rc, stderr '$(cat "$tmp/err")'"
}
plotbad "results of two workspaces" "$tmp/ws2.jsonl:4: .*workspace" "$tmp/ws2.jsonl" "$tmp/grid.json"
plotbad "a line that does not parse" "$tmp/cut2.jsonl:5: " "$tmp/cut2.jsonl" "$tmp/grid.json"
plotbad "labels not matching values" "$tmp/badlab.json:/patches/0/metadata/values" "$tmp/m.jsonl" "$tmp/badlab.json"

[ $nfail -eq 0 ] || exit 1
echo "test_batch: ok"

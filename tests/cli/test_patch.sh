#!/bin/sh
# tests/cli/test_patch.sh - `patchset list|apply|run` and --patch: bad patches give one line naming
# the patch and the operation (exit 2); run streams one line per patch, the same for -j 1 and
# -j 2, resumes without redoing finished patches, repairs a cut last line, and shards partition
# the work.
cd "$(dirname "$0")/../.." || exit 1
HF=${HF:-build/hfscope}
REF=${HF_REFERENCE_DIR:-tests/reference}
[ -x "$HF" ] || { echo "test_patch: $HF is not built" >&2; exit 1; }
[ -d "$REF" ] || { echo "test_patch: no reference directory $REF" >&2; exit 77; }
. tests/cli/lib.sh
BKG=$REF/pyhf_example_patchset/workspace.json

# A patchset of 8 signal points: the signal yields scaled by k (values [k]), made for BKG: its
# digest is read from the reference patchset, which was made for the same workspace.
. tests/slurm/grid.sh
DIGEST=$(hf_example_digest "$REF")
[ ${#DIGEST} -eq 64 ] || { echo "test_patch: no digest in the reference patchset"; exit 1; }
{
    printf '{"metadata":{"description":"test grid","digests":{"sha256":"%s"},"labels":["k"],' "$DIGEST"
    printf '"references":{}},"version":"1.0.0","patches":['
    for k in 1 2 3 4 5 6 7 8; do
        [ $k -gt 1 ] && printf ','
        printf '{"metadata":{"name":"sig_%s","values":[%s]},"patch":[' $k $k
        printf '{"op":"test","path":"/channels/0/samples/0/name","value":"signal"},'
        printf '{"op":"replace","path":"/channels/0/samples/0/data","value":[%s,%s]}]}' \
            "$((4 * k))" "$((2 * k))"
    done
    printf ']}\n'
} >"$tmp/grid.json"

# list
"$HF" patchset list "$tmp/grid.json" >"$tmp/list.txt" || fail "list exit $?"
[ "$(grep -c '^sig_' "$tmp/list.txt")" -eq 8 ] || fail "list: expected 8 patches"
"$HF" patchset list --json "$tmp/grid.json" >"$tmp/list.json" || fail "list --json exit $?"
[ "$(grep -c '"name"' "$tmp/list.json")" -eq 8 ] || fail "list --json: expected 8 names"

# apply: the applied file equals --patch on the fly (same CLs)
"$HF" patchset apply "$BKG" "$tmp/grid.json" sig_3 -o "$tmp/s3.json" || fail "apply exit $?"
grep -q '"data":' "$tmp/s3.json" || fail "apply: no workspace written"
a=$("$HF" cls --json -q "$tmp/s3.json" | grep '"cls_obs"')
b=$("$HF" cls --json -q "$BKG" --patch "$tmp/grid.json:sig_3" | grep '"cls_obs"')
[ -n "$a" ] && [ "$a" = "$b" ] || fail "apply then cls ($a) != cls --patch ($b)"
# a patch name with colons (and a file name with one): --patch takes FILE:NAME at the first
# colon that leaves an existing file
sed 's/"sig_3"/"m:300:100"/' "$tmp/grid.json" >"$tmp/c:grid.json"
c=$("$HF" cls --json -q "$BKG" --patch "$tmp/c:grid.json:m:300:100" | grep '"cls_obs"')
[ -n "$c" ] && [ "$c" = "$b" ] || fail "--patch FILE:NAME with colons ($c) != sig_3 ($b)"
"$HF" patchset apply "$BKG" "$tmp/grid.json" nope -o "$tmp/x.json" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "no patch named 'nope'" "$tmp/err" && [ ! -e "$tmp/x.json" ] ||
    fail "apply unknown name: exit $rc, $(cat "$tmp/err")"

# the digest: a patchset made for another workspace is refused (exit 2, one line), unless
# --no-verify
sed "s/$DIGEST/$(echo "$DIGEST" | tr 0-9a-f 1-9a-f0)/" "$tmp/grid.json" >"$tmp/other.json"
"$HF" patchset apply "$BKG" "$tmp/other.json" sig_3 -o "$tmp/o.json" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "made for another workspace" "$tmp/err" &&
    [ ! -e "$tmp/o.json" ] || fail "apply with a wrong digest: exit $rc, $(cat "$tmp/err")"
"$HF" patchset run -q "$BKG" "$tmp/other.json" -o "$tmp/o.jsonl" 2>/dev/null; rc=$?
[ $rc -eq 2 ] && [ ! -s "$tmp/o.jsonl" ] || fail "run with a wrong digest: exit $rc"
"$HF" patchset apply --no-verify "$BKG" "$tmp/other.json" sig_3 -o "$tmp/o.json" && cmp -s "$tmp/o.json" "$tmp/s3.json" ||
    fail "apply --no-verify differs from a verified apply"

# bad patches through --patch: exit 2, one line with the file, pointer, patch and operation
for f in missing_path failing_test unknown_op bad_index; do
    "$HF" inspect "$BKG" --patch "tests/bad_patch/$f.json" >"$tmp/out" 2>"$tmp/err"; rc=$?
    [ $rc -eq 2 ] || fail "--patch $f: exit $rc"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "--patch $f: $(wc -l <"$tmp/err") lines on stderr"
    grep -q "^hfscope: error: tests/bad_patch/$f.json:/patches/0/patch/[0-9]*: patch '$f': operation [0-9]" "$tmp/err" ||
        fail "--patch $f: stderr '$(cat "$tmp/err")'"
done
"$HF" inspect "$BKG" --patch "$tmp/grid.json" >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && grep -q "holds 8 patches" "$tmp/err" || fail "--patch without name on 8 patches: exit $rc"
"$HF" patchset list tests/bad_patch/truncated.json >/dev/null 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "list truncated: exit $rc"

# run: one line per patch, same numbers for -j 1 and -j 2 (order may differ)
"$HF" patchset run -q "$BKG" "$tmp/grid.json" --what cls -j 1 -o "$tmp/r1.jsonl" || fail "run -j 1 exit $?"
"$HF" patchset run -q "$BKG" "$tmp/grid.json" --what cls -j 2 -o "$tmp/r2.jsonl" || fail "run -j 2 exit $?"
[ "$(wc -l <"$tmp/r1.jsonl")" -eq 8 ] || fail "run: $(wc -l <"$tmp/r1.jsonl") lines, expected 8"
strip() { sed 's/,"seconds":[^,}]*//; s/,"finished":[^,}]*//' "$1" | sort; }
strip "$tmp/r1.jsonl" >"$tmp/s1"; strip "$tmp/r2.jsonl" >"$tmp/s2"
cmp -s "$tmp/s1" "$tmp/s2" || fail "run -j 1 and -j 2 differ"
grep -q '"patch":"sig_5","values":\[5\]' "$tmp/r1.jsonl" || fail "run: no line for sig_5"
grep -q '"cls_exp":\[' "$tmp/r1.jsonl" || fail "run: no cls_exp"
# the run's CLs for a patch equals `cls --patch`
c5=$(grep '"sig_5"' "$tmp/r1.jsonl" | grep -o '"cls_obs":[^,]*' | cut -d: -f2)
d5=$("$HF" cls --json -q "$BKG" --patch "$tmp/grid.json:sig_5" | tr -d '\t ' | grep '"cls_obs"' | cut -d: -f2 | tr -d ,)
awk -v a="$c5" -v b="$d5" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d < 1e-12) }' ||
    fail "run sig_5 CLs $c5 != cls --patch $d5"

# resume: nothing left to do; a cut last line is repaired and that patch redone
"$HF" patchset run "$BKG" "$tmp/grid.json" -o "$tmp/r1.jsonl" 2>"$tmp/err" || fail "resume exit $?"
[ "$(wc -l <"$tmp/r1.jsonl")" -eq 8 ] || fail "resume added lines"
grep -q "0 evaluated, 8 already" "$tmp/err" || fail "resume: $(cat "$tmp/err")"
head -n 5 "$tmp/r2.jsonl" >"$tmp/r3.jsonl"
sed -n 6p "$tmp/r2.jsonl" | cut -c1-30 | tr -d '\n' >>"$tmp/r3.jsonl"
"$HF" patchset run -q "$BKG" "$tmp/grid.json" -j 2 -o "$tmp/r3.jsonl" || fail "resume after cut exit $?"
[ "$(wc -l <"$tmp/r3.jsonl")" -eq 8 ] || fail "resume after cut: $(wc -l <"$tmp/r3.jsonl") lines"
strip "$tmp/r3.jsonl" >"$tmp/s3"
cmp -s "$tmp/s1" "$tmp/s3" || fail "resumed run differs from a full run"

# shards 0/3, 1/3, 2/3 partition the patches
for i in 0 1 2; do
    "$HF" patchset run -q "$BKG" "$tmp/grid.json" --shard $i/3 -o "$tmp/sh.jsonl" || fail "shard $i/3 exit $?"
done
strip "$tmp/sh.jsonl" >"$tmp/s4"
cmp -s "$tmp/s1" "$tmp/s4" || fail "shards do not add up to the full run"
"$HF" patchset run "$BKG" "$tmp/grid.json" --shard 3/3 >/dev/null 2>&1; [ $? -eq 2 ] || fail "--shard 3/3 accepted"

# limits per patch
"$HF" patchset run -q "$BKG" "$tmp/grid.json" --what limit -j 2 -o "$tmp/lim.jsonl" || fail "run limit exit $?"
[ "$(grep -c '"exp":\[' "$tmp/lim.jsonl")" -eq 8 ] || fail "run --what limit: expected 8 limit lines"
# more signal, stronger limit: the limit on mu falls as k grows (null: above the POI bound 3,
# which only the weakest signals may reach)
grep -v '"obs":null' "$tmp/lim.jsonl" >"$tmp/lim2.jsonl"
# a null limit says why in the line (and is not an error, so a resume keeps it)
grep '"obs":null' "$tmp/lim.jsonl" | grep -v -q '"outside_range":{"obs":"CLs stays above' &&
    fail "run --what limit: a null limit without its reason"
[ "$(wc -l <"$tmp/lim2.jsonl")" -ge 4 ] || fail "run --what limit: fewer than 4 finite limits"
awk -F'"obs":' '{ split($1, a, "sig_"); split(a[2], b, "\""); split($2, c, ","); print b[1], c[1] }' "$tmp/lim2.jsonl" |
    sort -n | awk 'NR > 1 && $2 >= prev { bad = 1 } { prev = $2 } END { exit bad }' ||
    fail "limits do not fall with the signal yield"

# a write error (a full disk; here the file size limit, SIGXFSZ ignored so write() fails with
# EFBIG): one error line, exit 2, no summary, no empty file left; a partial file keeps only
# complete lines and resumes
# (stderr goes through a pipe: the size limit would stop the error line in a file too)
werr() {
    { (trap '' XFSZ; ulimit -f "$1"; shift; "$HF" "$@"); echo $? >"$tmp/rc"; } 2>&1 | cat >"$tmp/err"
    return "$(cat "$tmp/rc")"
}
rm -f "$tmp/full.jsonl"
werr 0 patchset run "$BKG" "$tmp/grid.json" --what cls -o "$tmp/full.jsonl"; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "^hfscope: error: cannot write" "$tmp/err" ||
    fail "run on a full disk: exit $rc, stderr '$(cat "$tmp/err")'"
[ -e "$tmp/full.jsonl" ] && fail "run on a full disk left $(wc -c <"$tmp/full.jsonl") bytes"
werr 1 patchset run "$BKG" "$tmp/grid.json" --what cls -o "$tmp/full.jsonl"; rc=$?
[ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "run on a disk full after 1 kB: exit $rc"
n=$(wc -l <"$tmp/full.jsonl")
[ "$n" -ge 1 ] && [ "$n" -lt 8 ] && [ "$(tail -c 1 "$tmp/full.jsonl" | od -An -c | tr -d ' ')" = '\n' ] ||
    fail "run on a disk full after 1 kB: $n lines, last byte not a newline"
"$HF" patchset run -q "$BKG" "$tmp/grid.json" --what cls -o "$tmp/full.jsonl" || fail "resume after a full disk: exit $?"
strip "$tmp/full.jsonl" >"$tmp/s5"
cmp -s "$tmp/s1" "$tmp/s5" || fail "resume after a full disk differs from a full run"
if [ -w /dev/full ]; then
    "$HF" patchset run "$BKG" "$tmp/grid.json" >/dev/full 2>"$tmp/err"; rc=$?
    [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "run >/dev/full: exit $rc, stderr '$(cat "$tmp/err")'"
    "$HF" patchset run "$BKG" "$tmp/grid.json" -o /dev/full 2>"$tmp/err"; rc=$?
    [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "run -o /dev/full: exit $rc, stderr '$(cat "$tmp/err")'"
fi

[ $nfail -eq 0 ] || { echo "test_patch: $nfail failures"; exit 1; }
echo "test_patch: ok"

#!/bin/sh
# tests/cli/test_tools.sh - the pyhf workspace tools: `digest` equals the digests pyhf recorded
# in tests/reference (reference.json /workspace/bkgonly_digest_sha256 and the patchsets'
# metadata); `sort` equals the jq program pyhf's documentation gives for `pyhf sort` (plus the
# measurement sort of Workspace.sorted); `rename`, `prune` and `combine` follow
# pyhf's Workspace rules (names, order, kept keys, join modes) and errors; bad input exits 2
# naming the file and pointer and writes nothing.
cd "$(dirname "$0")/../.." || exit 1
HF=${HF:-build/hfscope}
REF=${HF_REFERENCE_DIR:-tests/reference}
[ -x "$HF" ] || { echo "test_tools: $HF is not built" >&2; exit 1; }
. tests/cli/lib.sh
# the value of "KEY": "VALUE" in a JSON file (first occurrence)
json_str() { tr -d ' \n' <"$2" | grep -o "\"$1\":\"[^\"]*\"" | head -1 | cut -d'"' -f4; }

# --- digest: every reference workspace, against pyhf's recorded digests
n=0
for d in "$REF"/*/; do
    ws=$d/workspace.json
    [ -f "$ws" ] && [ -f "$d/reference.json" ] || continue
    want=$(json_str bkgonly_digest_sha256 "$d/reference.json")
    [ ${#want} -eq 64 ] || { fail "digest: no bkgonly_digest_sha256 in $d/reference.json"; continue; }
    got=$("$HF" digest "$ws") || fail "digest $ws exited $?"
    [ "$got" = "sha256:$want" ] || fail "digest $ws: $got, pyhf: $want"
    if [ -f "$d/patchset.json" ]; then
        ps=$(json_str sha256 "$d/patchset.json")
        [ "$got" = "sha256:$ps" ] || fail "digest $ws: $got, patchset metadata: $ps"
    fi
    n=$((n + 1))
done
[ $n -ge 5 ] || fail "digest: only $n reference workspaces"
ws=$REF/toy_1bin_normsys/workspace.json
want=$(json_str bkgonly_digest_sha256 "$REF/toy_1bin_normsys/reference.json")
[ "$("$HF" digest --json "$ws" | json_str sha256 /dev/stdin)" = "$want" ] || fail "digest --json"
[ "$("$HF" digest - <"$ws")" = "sha256:$want" ] || fail "digest of standard input"
"$HF" digest -o "$tmp/d.txt" "$ws" && [ "$(cat "$tmp/d.txt")" = "sha256:$want" ] || fail "digest -o"

# --- a workspace read through a pipe (grown into malloc'ed memory) loads as the file does (read
# into its parse pool, on huge pages at this size): the same tables, line for line
big=$REF/atlas_compressed_ewkinos_bkgonly/workspace.json
"$HF" inspect -q "$big" | tail -n +2 >"$tmp/file.txt" || fail "inspect $big exited $?"
cat "$big" | "$HF" inspect -q /dev/stdin | tail -n +2 >"$tmp/pipe.txt" || fail "inspect of a pipe"
[ "$(wc -l <"$tmp/file.txt")" -gt 200 ] || fail "inspect $big: $(wc -l <"$tmp/file.txt") lines"
cmp -s "$tmp/file.txt" "$tmp/pipe.txt" || fail "inspect of a pipe differs from inspect of the file"
# the same workspace cut off (a partial download; its text is inside the parse pool, which the
# failed parse releases): exit 2, one line with the position, nothing on stdout
head -c 500000 "$big" >"$tmp/cut.json"
"$HF" inspect "$tmp/cut.json" >"$tmp/out" 2>"$tmp/err"; rc=$?
[ $rc -eq 2 ] || fail "inspect of a cut workspace: exit $rc"
[ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "cut.json:.*unexpected end of file" "$tmp/err" ||
    fail "cut workspace: '$(cat "$tmp/err")'"
[ -s "$tmp/out" ] && fail "cut workspace: output on stdout"
"$HF" digest -a md5 "$ws" 2>/dev/null; [ $? -eq 2 ] || fail "digest -a md5 should exit 2"

# --- a small workspace, names out of order, ints and floats mixed (1 vs 1.0 changes a digest)
A=$tmp/a.json
cat >"$A" <<'JSON'
{"channels":[{"name":"SR","samples":[{"name":"sig","data":[5.0,2],"modifiers":[{"name":"mu","type":"normfactor","data":null},{"name":"lumi","type":"lumi","data":null}]},{"name":"bkg","data":[50,60.0],"modifiers":[{"name":"syst","type":"normsys","data":{"hi":1.1,"lo":0.9}},{"name":"syst","type":"histosys","data":{"hi_data":[52,63],"lo_data":[48,57]}},{"name":"lumi","type":"lumi","data":null},{"name":"stat_SR","type":"staterror","data":[3,4]}]}]},{"name":"CR","samples":[{"name":"bkg","data":[200],"modifiers":[{"name":"syst","type":"normsys","data":{"hi":1.05,"lo":0.95}},{"name":"lumi","type":"lumi","data":null}]}]}],
"observations":[{"name":"SR","data":[55,62]},{"name":"CR","data":[205]}],
"measurements":[{"name":"meas","config":{"poi":"mu","parameters":[{"name":"lumi","auxdata":[1.0],"sigmas":[0.02],"bounds":[[0.9,1.1]],"inits":[1.0]},{"name":"mu","bounds":[[0,10]]}]}},{"name":"alt","config":{"poi":"mu","parameters":[]}}],
"version":"1.0.0"}
JSON
DA=$("$HF" digest "$A")

# --- sort: pyhf documents `pyhf sort` as this jq program; Workspace.sorted also sorts
# measurements and their parameters
"$HF" sort "$A" >"$tmp/s.json" || fail "sort exited $?"
if command -v jq >/dev/null; then
    jq -S '.channels|=sort_by(.name)|.channels[].samples|=sort_by(.name)
           |.channels[].samples[].modifiers|=sort_by(.name,.type)|.observations|=sort_by(.name)
           |.measurements|=sort_by(.name)|.measurements[].config.parameters|=sort_by(.name)' \
        "$A" >"$tmp/jq.json"
    jq -S . "$tmp/s.json" | cmp -s - "$tmp/jq.json" || fail "sort differs from pyhf's jq equivalent"
fi
"$HF" sort "$tmp/s.json" | cmp -s - "$tmp/s.json" || fail "sort is not idempotent"
"$HF" sort -o "$tmp/s2.json" "$A" && cmp -s "$tmp/s.json" "$tmp/s2.json" || fail "sort -o"
grep -q '"data": \[$' "$tmp/s.json" && grep -q '^    "version": "1.0.0"$' "$tmp/s.json" ||
    fail "sort: not json.dumps(indent=4, sort_keys=True) layout"
# numbers keep int/float: the digest of the sorted copy of a sorted file is the file's
s2=$("$HF" digest "$tmp/s.json"); s3=$("$HF" sort "$tmp/s.json" | "$HF" digest -)
[ "$s2" = "$s3" ] || fail "sort changed the digest of a sorted workspace"
grep -q '5.0,' "$tmp/s.json" || grep -q '            5.0,' "$tmp/s.json" || fail "sort lost 5.0"

# --- prune/rename with nothing to do keep every reference's digest (pyhf's new spec keeps
# exactly the keys these workspaces have)
for d in "$REF"/*/; do
    ws=$d/workspace.json
    [ -f "$ws" ] || continue
    "$HF" prune "$ws" -o "$tmp/p.json" || { fail "prune $ws exited $?"; continue; }
    [ "$("$HF" digest "$tmp/p.json")" = "$("$HF" digest "$ws")" ] || fail "no-op prune of $ws changed its digest"
done

# --- rename: channels (and observations), samples, modifiers (and parameters, POI), measurements
out=$("$HF" rename "$A" -c SR:SRnew -s bkg:ttbar -m mu:mu_sig -m lumi:Lumi --measurement meas:m2 |
    tr -d ' \n')
case $out in
*'"name":"SRnew","samples"'*) ;; *) fail "rename: channel not renamed" ;;
esac
case $out in
*'"data":[55,62],"name":"SRnew"'*) ;; *) fail "rename: observation not renamed with its channel" ;;
esac
case $out in
*'"name":"m2"'*'"poi":"mu_sig"'*) ;; *) fail "rename: measurement or POI not renamed: $out" ;;
esac
case $out in
*'"name":"Lumi","sigmas"'*) ;; *) fail "rename: parameter config not renamed with its modifier" ;;
esac
[ "$(echo "$out" | grep -o '"name":"ttbar"' | wc -l)" -eq 2 ] || fail "rename: sample ttbar in both channels"
"$HF" rename "$A" -c SR:X -c X:SR >/dev/null 2>&1 && fail "rename X (not in the workspace) should fail"
err=$("$HF" rename "$A" -c XX:YY 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] && echo "$err" | grep -q "'XX' is not one of the channels in this workspace" ||
    fail "rename unknown channel: rc=$rc $err"
"$HF" rename "$A" -c SR 2>/dev/null; [ $? -eq 2 ] || fail "rename -c without OLD:NEW"
# renaming there and back gives the input's digest
"$HF" rename "$A" -c SR:Q -o "$tmp/r1.json" && "$HF" rename "$tmp/r1.json" -c Q:SR -o "$tmp/r2.json"
[ "$("$HF" digest "$tmp/r2.json")" = "$DA" ] || fail "rename there and back changed the digest"

# --- prune
"$HF" prune "$A" -m syst | tr -d ' \n' | grep -q '"syst"' && fail "prune -m syst left syst"
"$HF" prune "$A" -m lumi | tr -d ' \n' | grep -q '"name":"lumi"' && fail "prune -m lumi left its parameter config"
t=$("$HF" prune "$A" -t histosys | tr -d ' \n')
case $t in *histosys*) fail "prune -t histosys" ;; esac
case $t in *'"name":"syst","type":"normsys"'*) ;; *) fail "prune -t histosys removed normsys syst" ;; esac
"$HF" prune "$A" -c CR | tr -d ' \n' | grep -q '"CR"' && fail "prune -c CR left CR (or its observation)"
"$HF" prune "$A" --measurement alt | tr -d ' \n' | grep -q '"alt"' && fail "prune --measurement alt"
err=$("$HF" prune "$A" -t shapesys 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] && echo "$err" | grep -q "'shapesys' is not one of the modifier types" || fail "prune -t shapesys: $rc $err"
"$HF" prune "$A" -t foo 2>/dev/null; [ $? -eq 2 ] || fail "prune -t foo (not a type) should exit 2"
for what in "-s nope:samples" "-m nope:modifiers" "-c nope:channels" "--measurement nope:measurements"; do
    opt=${what%%:*}; kind=${what#*:}
    # shellcheck disable=SC2086
    err=$("$HF" prune "$A" $opt 2>&1 >/dev/null)
    echo "$err" | grep -q "'nope' is not one of the $kind in this workspace" || fail "prune $opt: $err"
done
err=$("$HF" prune "$A" -c SR -c CR -o "$tmp/none.json" 2>&1); rc=$?
[ $rc -eq 2 ] && [ ! -e "$tmp/none.json" ] || fail "prune of every channel: rc=$rc, wrote a file"

# --- combine
err=$("$HF" combine "$A" "$A" 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] && echo "$err" | grep -q "channels in common with the same name: 'SR', 'CR'" || fail "combine none: $err"
[ "$("$HF" combine --join outer "$A" "$A" | "$HF" digest -)" = "$DA" ] || fail "combine outer with itself"
"$HF" rename "$A" -c SR:SR2 -c CR:CR2 -o "$tmp/b.json"
err=$("$HF" combine "$A" "$tmp/b.json" 2>&1 >/dev/null)
echo "$err" | grep -q "measurements in common with the same name: 'meas', 'alt'" || fail "combine none, measurements: $err"
"$HF" rename "$tmp/b.json" --measurement meas:m3 --measurement alt:alt4 -o "$tmp/b2.json"
c=$("$HF" combine "$A" "$tmp/b2.json" | tr -d ' \n')
case $c in *'"name":"SR"'*'"name":"CR"'*'"name":"SR2"'*'"name":"CR2"'*) ;; *) fail "combine none: channel order" ;; esac
# outer: the same measurement in both is merged; split by channel and combine back = the input
"$HF" prune "$A" -c CR -o "$tmp/sr.json" && "$HF" prune "$A" -c SR -o "$tmp/cr.json"
"$HF" combine --join outer "$tmp/sr.json" "$tmp/cr.json" -o "$tmp/back.json" || fail "combine outer of halves"
[ "$("$HF" sort "$tmp/back.json" | "$HF" digest -)" = "$("$HF" sort "$A" | "$HF" digest -)" ] ||
    fail "prune by channel then combine outer is not the input"
# a changed channel of the same name: outer fails, left outer keeps left, right outer right
sed 's/"data":\[5.0,2\]/"data":[6.0,2]/' "$A" >"$tmp/c.json"
err=$("$HF" combine --join outer "$A" "$tmp/c.json" 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ] && echo "$err" | grep -q "channels in common with incompatible structure: 'SR'" || fail "combine outer clash: $err"
"$HF" combine --join 'left outer' -q "$A" "$tmp/c.json" | tr -d ' \n' | grep -q '\[5.0,2\]' || fail "left outer keeps left"
"$HF" combine --join right_outer -q "$A" "$tmp/c.json" | tr -d ' \n' | grep -q '\[6.0,2\]' || fail "right outer keeps right"
"$HF" combine --join 'left outer' "$A" "$tmp/c.json" 2>&1 >/dev/null | grep -q unsafe || fail "left outer warns"
# measurements of one name with another POI, or clashing parameter configs
sed 's/"name":"SR"/"name":"SR2"/g; s/"name":"CR"/"name":"CR2"/g' "$A" >"$tmp/b3.json"
sed 's/"poi":"mu","parameters":\[{/"poi":"lumi","parameters":[{/' "$tmp/b3.json" >"$tmp/d.json"
err=$("$HF" combine --join outer "$A" "$tmp/d.json" 2>&1 >/dev/null)
echo "$err" | grep -q "same measurements with incompatible POI: 'meas'" || fail "combine POI clash: $err"
sed 's/"sigmas":\[0.02\]/"sigmas":[0.05]/' "$tmp/b3.json" >"$tmp/e.json"
err=$("$HF" combine --join outer "$A" "$tmp/e.json" 2>&1 >/dev/null)
echo "$err" | grep -q "measurement ('meas') with incompatible parameter configs: 'lumi'" || fail "combine parameter clash: $err"
# --merge-channels (outer joins only): a channel of one name gets the other's new samples
sed 's/"name":"sig","data":\[5.0,2\],"modifiers":\[{"name":"mu","type":"normfactor","data":null},{"name":"lumi","type":"lumi","data":null}\]/"name":"sig2","data":[5.0,2],"modifiers":[]/' "$A" >"$tmp/m.json"
grep -q '"sig2"' "$tmp/m.json" || fail "test setup: no sig2"
m=$("$HF" combine --join outer --merge-channels "$A" "$tmp/m.json" | tr -d ' \n')
case $m in *'"name":"sig"'*'"name":"bkg"'*'"name":"sig2"'*) ;; *) fail "merge-channels: SR should hold sig, bkg, sig2" ;; esac
"$HF" combine --merge-channels "$A" "$tmp/m.json" 2>&1 | grep -q "only be merged with the 'outer'" ||
    fail "merge-channels with join none must fail"
"$HF" combine --join inner "$A" "$A" 2>/dev/null; [ $? -eq 2 ] || fail "combine --join inner should exit 2"

# --- bad input: exit 2, file and pointer (or line/column), nothing written
printf '{"channels": [}' >"$tmp/bad.json"
sed 's/"data":\[50,60.0\]/"data":"x"/' "$A" >"$tmp/bad2.json"
for cmd in "digest" "sort" "rename -c SR:X" "prune -c CR" "combine $A"; do
    # shellcheck disable=SC2086
    err=$("$HF" $cmd "$tmp/bad2.json" -o "$tmp/out.json" 2>&1); rc=$?
    [ $rc -eq 2 ] && echo "$err" | grep -q "bad2.json:/channels/0/samples/1/data" ||
        fail "$cmd on bad2.json: rc=$rc $err"
    # shellcheck disable=SC2086
    err=$("$HF" $cmd "$tmp/bad.json" -o "$tmp/out.json" 2>&1); rc=$?
    [ $rc -eq 2 ] && echo "$err" | grep -q "bad.json.*line 1" || fail "$cmd on bad.json: rc=$rc $err"
    [ ! -e "$tmp/out.json" ] || { fail "$cmd wrote output for bad input"; rm -f "$tmp/out.json"; }
    err=$("$HF" $cmd "$tmp/missing.json" 2>&1); rc=$?
    echo "$err" | grep -q "missing.json" && [ $rc -eq 2 ] || fail "$cmd on a missing file: $err"
done

[ $nfail -eq 0 ] || { echo "test_tools: $nfail failures"; exit 1; }
echo "test_tools: ok"

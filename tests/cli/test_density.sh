#!/bin/sh
# tests/cli/test_density.sh - `hfscope density`: text and --json results, the same numbers for
# any -j, figures written with -o (PNG and PDF magic), truths from a workspace template and a CSV
# column, and one-line usage errors with exit code 2 for bad options and bad sample files.
cd "$(dirname "$0")/../.." || exit 1
HF=${HF:-build/hfscope}
if [ ! -x "$HF" ]; then
    echo "test_density: $HF is not built" >&2
    exit 1
fi
. tests/cli/lib.sh
SMALL="--truth camelback --n 50 --bins 10 --reps 20 --draws 10:1e3"

# text summary
"$HF" density $SMALL >"$tmp/out" 2>"$tmp/err" || fail "text run exited $?"
for s in "histogram of the n true events" "KDE itself" "amplification" "bandwidth scan" \
    "binning scan" "theory sum p(1-p)/n"; do
    grep -qF "$s" "$tmp/out" || fail "text output lacks '$s'"
done

# --json: the contract's keys, and identical numbers for -j 1 and -j 3
"$HF" density $SMALL --json -j 1 >"$tmp/j1" 2>"$tmp/err" || fail "--json -j 1 exited $?"
"$HF" density $SMALL --json -j 3 >"$tmp/j3" 2>"$tmp/err" || fail "--json -j 3 exited $?"
cmp -s "$tmp/j1" "$tmp/j3" || fail "--json differs between -j 1 and -j 3"
for k in '"command":	"density"' '"truth":	"camelback"' '"n":	50' '"bins":	10' '"reps":	20' \
    '"bandwidth":	"silverman"' '"histogram":' '"mse_theory":' '"generated":' '"draws":	1000' \
    '"mse_err":' '"kde":' '"bias2":' '"train_variance":' '"amplification":' '"factor":'; do
    grep -qF "$k" "$tmp/j1" || fail "--json lacks $k"
done
if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
assert "density" not in d and all(k in d for k in ("truth", "n", "bins", "reps", "bandwidth",
    "histogram", "generated", "kde", "amplification"))
g=d["generated"]; a=d["amplification"]
assert len(g) == 3 and [x["draws"] for x in g] == [10, 100, 1000]
assert all(abs(x["factor"] - d["sum_p_1mp"] / y["mse"] / 50) < 1e-9 for x, y in zip(a, g))
assert abs(d["kde"]["mse"] - d["kde"]["bias2"] - d["kde"]["train_variance"]) < 1e-12' \
        "$tmp/j1" 2>"$tmp/err" || fail "--json numbers are inconsistent"
fi
# --no-reflect reaches the experiment
"$HF" density $SMALL --json --no-reflect >"$tmp/jn" 2>"$tmp/err" || fail "--no-reflect exited $?"
grep -qF '"reflect":	false' "$tmp/jn" || fail "--no-reflect is not in the result"
cmp -s "$tmp/j1" "$tmp/jn" && fail "--no-reflect does not change the result"

# another seed: other numbers
"$HF" density $SMALL --json --seed 7 >"$tmp/j7" 2>"$tmp/err" || fail "--seed 7 exited $?"
cmp -s "$tmp/j1" "$tmp/j7" && fail "--seed does not change the result"

# figures
"$HF" density $SMALL -q -o "$tmp/fig" >/dev/null 2>"$tmp/err" || fail "-o exited $?"
for f in mse decomposition bandwidth example; do
    p="$tmp/fig/density_$f.png"
    [ -s "$p" ] || { fail "missing $p"; continue; }
    [ "$(head -c 4 "$p" | tail -c 3)" = "PNG" ] || fail "$p is not a PNG"
done
# a directory that cannot be written: no directory, no figure left behind
"$HF" density $SMALL -q -o "$tmp/fig/density_mse.png/x" >/dev/null 2>"$tmp/err" &&
    fail "-o under a file succeeded"
[ -e "$tmp/fig/density_mse.png/x" ] && fail "-o under a file left something"
"$HF" density $SMALL -q -o "$tmp/pdf" --format pdf >/dev/null 2>"$tmp/err" || fail "pdf exited $?"
[ "$(head -c 5 "$tmp/pdf/density_mse.pdf" 2>/dev/null)" = "%PDF-" ] || fail "density_mse.pdf is not a PDF"

# the figures as text
"$HF" density $SMALL --cells 100x30 --ascii >"$tmp/out" 2>"$tmp/err" || fail "--cells exited $?"
grep -qF "Generated vs. true events: camelback" "$tmp/out" || fail "--cells lacks the MSE figure"
LC_ALL=C grep -q "$(printf '[\200-\377]')" "$tmp/out" && fail "--cells --ascii wrote non-ASCII bytes"

# a truth from a CSV column (by header name and by number)
{
    echo "# a comment"
    echo "id,x"
    i=0
    while [ $i -lt 400 ]; do echo "$i,$((i % 37)).5"; i=$((i + 1)); done
} >"$tmp/s.csv"
"$HF" density --sample "$tmp/s.csv:x" --n 30 --reps 5 --draws 100 >"$tmp/out" 2>"$tmp/err" ||
    fail "--sample FILE:x exited $?"
grep -qF "400 values" "$tmp/out" || fail "--sample did not read 400 values"
"$HF" density --sample "$tmp/s.csv:2" --range 0:40 --n 30 --reps 5 --draws 100 >/dev/null \
    2>"$tmp/err" || fail "--sample FILE:2 exited $?"

# a workspace template (n defaults to the template's effective MC events)
REF=${HF_REFERENCE_DIR:-tests/reference}
WS="$REF/atlas_tutorial_fullexample/workspace.json"
if [ -f "$WS" ]; then
    "$HF" density "$WS" --template SR_meff --reps 5 --draws 100 -q >"$tmp/out" 2>"$tmp/err" ||
        fail "--template exited $?"
    grep -qF "template SR_meff" "$tmp/out" || fail "--template output lacks its label"
fi

# bootstrap bands and the cost axis: their sections in text and JSON
"$HF" density $SMALL --bootstrap 20 --cost-sim 1e-2 --cost-gen 1e-5 --cost-train 0.1 \
    >"$tmp/out" 2>"$tmp/err" || fail "--bootstrap/--cost exited $?"
for s in "bootstrap ensembles: 20 KDEs" "debiased band" "nominal 68.3%" "equal compute" \
    "generative strategy starts at"; do
    grep -qF "$s" "$tmp/out" || fail "text output lacks '$s'"
done
"$HF" density $SMALL --bootstrap 20 --cost-sim 1e-2 --cost-gen 1e-5 --json >"$tmp/jb" \
    2>"$tmp/err" || fail "--bootstrap --json exited $?"
for k in '"bootstrap":' '"members":	20' '"coverage_debiased":' '"debiased":' '"naive":' \
    '"cost":' '"simulation":' '"generative":' '"crossover":' '"max_saving":'; do
    grep -qF "$k" "$tmp/jb" || fail "--json lacks $k"
done
"$HF" density $SMALL --bootstrap 20 --cost-sim 1e-2 --cost-gen 1e-5 -q -o "$tmp/fb" \
    >/dev/null 2>"$tmp/err" || fail "-o with --bootstrap and costs exited $?"
for f in cost coverage bootstrap; do
    [ -s "$tmp/fb/density_$f.png" ] || fail "missing density_$f.png"
done

# a generated template into a workspace: it validates and fits, and its patch gives the same
if [ -f "$WS" ]; then
    "$HF" density --to-workspace "$WS" --channel SR_meff --sample ttbar --n 400 --draws 1e4 \
        --bootstrap 20 -o "$tmp/gen.json" >"$tmp/out" 2>"$tmp/err" ||
        fail "--to-workspace exited $?"
    for s in "generated template for SR_meff/ttbar" "nominal template" \
        "generated template + band" "wrote"; do
        grep -qF "$s" "$tmp/out" || fail "--to-workspace output lacks '$s'"
    done
    [ -s "$tmp/gen.patch.json" ] || fail "--to-workspace wrote no patch"
    "$HF" fit "$tmp/gen.json" --json >"$tmp/f1" 2>"$tmp/err" || fail "fit of the new workspace exited $?"
    "$HF" fit "$WS" --patch "$tmp/gen.patch.json" --json >"$tmp/f2" 2>"$tmp/err" ||
        fail "fit with the patch exited $?"
    n1=$(sed -n 's/.*"twice_nll":[[:space:]]*\([-0-9.e+]*\).*/\1/p' "$tmp/f1" | head -1)
    n2=$(sed -n 's/.*"twice_nll":[[:space:]]*\([-0-9.e+]*\).*/\1/p' "$tmp/f2" | head -1)
    awk -v a="$n1" -v b="$n2" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d < 1e-9 * (a < 0 ? -a : a)) }' ||
        fail "workspace and patch fit differently: $n1 / $n2"
    "$HF" density --to-workspace "$WS" --channel SR_meff --sample ttbar --n 400 --draws 1e4 \
        --bootstrap 20 --modifier shapesys --band plain --json -o "$tmp/gen2.json" \
        >"$tmp/out" 2>"$tmp/err" || fail "--to-workspace shapesys exited $?"
    grep -qF '"modifier":	"shapesys"' "$tmp/out" || fail "shapesys not in the JSON"
    grep -qF '"gen_stat_SR_meff_ttbar"' "$tmp/gen2.json" || fail "no shapesys in the workspace"
    # errors write nothing
    expect2w() {
        "$HF" density -q "$@" >"$tmp/out" 2>"$tmp/err"
        rc=$?
        [ $rc -eq 2 ] || fail "density $* exited $rc, expected 2"
        [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "density $*: expected one error line"
        [ -e "$tmp/none.json" ] && fail "density $*: wrote a workspace"
    }
    expect2w --to-workspace "$WS" --channel nope --sample ttbar -o "$tmp/none.json"
    expect2w --to-workspace "$WS" --channel SR_meff --sample nope -o "$tmp/none.json"
    expect2w --to-workspace "$WS" --channel SR_meff -o "$tmp/none.json"
    expect2w --to-workspace "$WS" --channel SR_meff --sample ttbar
    expect2w --to-workspace "$WS" --channel SR_meff --sample ttbar --modifier lumi -o "$tmp/none.json"
    expect2w --to-workspace "$WS" --channel SR_meff --sample ttbar --draws 10,100 -o "$tmp/none.json"
    expect2w --to-workspace "$tmp/missing.json" --channel SR_meff --sample ttbar -o "$tmp/none.json"
    expect2w --to-workspace "$WS" --channel SR_meff --sample ttbar -o "$tmp/none.json" --bins 4
    expect2w --to-workspace "$WS" --channel SR_meff --sample ttbar -o "$tmp/none.json" \
        --patch-out "$tmp/none.json"
    # a patch that cannot be written leaves the workspace untouched, even when -o names it
    cp "$WS" "$tmp/ws.json"
    expect2w --to-workspace "$tmp/ws.json" --channel SR_meff --sample ttbar -o "$tmp/ws.json" \
        --n 100 --draws 100 --bootstrap 5 --patch-out "$tmp/nodir/p.json"
    cmp -s "$WS" "$tmp/ws.json" || fail "a failed patch write changed the workspace"
fi

# usage errors: exit 2, one line on stderr, nothing on stdout
printf 'x\n1\nbanana\n' >"$tmp/bad.csv"
expect2() {
    "$HF" density "$@" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 2 ] || fail "density $* exited $rc, expected 2"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "density $*: expected one error line"
    [ -s "$tmp/out" ] && fail "density $*: wrote to stdout"
}
expect2 --truth nope
expect2 --bandwidth wide
expect2 --bandwidth silverman*-1
expect2 --draws 0:10
expect2 --draws 10:1e12
expect2 --reps 1
expect2 --n 1
expect2 --bins 1
expect2 --sampling lots
expect2 --sample "$tmp/missing.csv"
expect2 --sample "$tmp/bad.csv"
expect2 --sample "$tmp/s.csv:nope"
expect2 --truth gaussian --sample "$tmp/s.csv"
expect2 --template SR
expect2 --bootstrap 1
expect2 --cost-sim 1e-3
expect2 --cost-sim 1e-3 --cost-gen -1
expect2 --channel SR_meff
expect2 --events "$tmp/s.csv" --sample "$tmp/s.csv"
"$HF" density --sample "$tmp/bad.csv" 2>&1 | grep -qF "bad.csv:3" || fail "bad sample error lacks FILE:LINE"

[ $nfail -eq 0 ]

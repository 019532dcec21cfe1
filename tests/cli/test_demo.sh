#!/bin/sh
# tests/cli/test_demo.sh - the bundled demo workspace (assets/demo/demo.json) opens and fits:
# `inspect` exits 0 and names every channel; `fit --json` exits 0 with "converged": true, and the
# features the demo is built around show up (zjets_xsec over-constrained, a positive mu_sig).
cd "$(dirname "$0")/../.." || exit 1
HF=${HF:-build/hfscope}
DEMO=assets/demo/demo.json
if [ ! -x "$HF" ]; then
    echo "test_demo: $HF is not built" >&2
    exit 1
fi
. tests/cli/lib.sh

CHANNELS="SR_lowMET SR_midMET SR_highMET CR_ttbar CR_wjets CR_zjets CR_diboson VR_transition"

# the list above must match the file (it is hand-written here so that hfscope is not its own truth)
for c in $CHANNELS; do
    # once as a channel, once as its observation
    k=$(grep -cF "\"name\": \"$c\"" "$DEMO")
    [ "$k" -eq 2 ] || fail "channel $c is named $k times in $DEMO, expected 2"
done

# inspect: text and --json both name every channel
"$HF" inspect "$DEMO" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -ne 0 ]; then
    fail "inspect exit code $rc"
else
    for c in $CHANNELS; do
        grep -qF -- "$c" "$tmp/out" || fail "inspect does not name channel $c"
    done
    grep -qi 'error' "$tmp/err" && fail "inspect printed an error"
fi
"$HF" inspect --json "$DEMO" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" -ne 0 ]; then
    fail "inspect --json exit code $rc"
else
    for c in $CHANNELS; do
        grep -qF -- "\"$c\"" "$tmp/out" || fail "inspect --json does not name channel $c"
    done
fi

# value_of NAME FIELD: FIELD of the parameter NAME in the fit --json output (pretty-printed,
# one member per line, as hf_cli_json_emit writes it)
value_of() {
    awk -v name="$1" -v field="$2" '
        $0 ~ "\"name\":[ \t]*\"" name "\"" { inside = 1; next }
        inside && $0 ~ "\"name\":" { inside = 0 }
        inside && $0 ~ "\"" field "\":" {
            sub(/.*":[ \t]*/, ""); sub(/[, \t]*$/, ""); print; exit
        }' "$tmp/fit.json"
}

"$HF" fit "$DEMO" --json >"$tmp/fit.json" 2>"$tmp/err"
rc=$?
if [ "$rc" -ne 0 ]; then
    fail "fit --json exit code $rc"
else
    grep -q '"converged":[[:space:]]*true' "$tmp/fit.json" || fail 'fit --json lacks "converged": true'
    grep -q '"command":[[:space:]]*"fit"' "$tmp/fit.json" || fail 'fit --json lacks "command": "fit"'
    for p in mu_sig mu_ttbar mu_wjets lumi zjets_xsec ttbar_generator jet_energy_scale; do
        grep -qF "\"$p\"" "$tmp/fit.json" || fail "fit --json does not list parameter $p"
    done
    # the over-constrained parameter: a unit prior, measured to well under half of it
    zerr=$(value_of zjets_xsec error)
    awk -v e="$zerr" 'BEGIN { exit !(e != "" && e + 0 > 0 && e + 0 < 0.3) }' ||
        fail "zjets_xsec error '$zerr' is not over-constrained (< 0.3)"
    # the other nuisance parameters keep more than half of their prior width
    derr=$(value_of diboson_xsec error)
    awk -v e="$derr" 'BEGIN { exit !(e != "" && e + 0 > 0.5 && e + 0 <= 1.05) }' ||
        fail "diboson_xsec error '$derr' outside (0.5, 1.05]"
    # the data were drawn with mu_sig = 0.6 (expected uncertainty ~0.3)
    mu=$(value_of mu_sig value)
    awk -v m="$mu" 'BEGIN { exit !(m != "" && m + 0 > 0 && m + 0 < 2) }' ||
        fail "mu_sig = '$mu' outside (0, 2)"
fi

if [ "$nfail" -ne 0 ]; then
    echo "demo: $nfail checks failed"
    exit 1
fi
echo "demo: all checks passed"

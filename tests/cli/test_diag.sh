#!/bin/sh
# tests/cli/test_diag.sh - fit --minos, nllshape, ranking --groups and constraints --expected:
# exit codes, JSON contracts (python3), nearest-name suggestions, malformed group files.
cd "$(dirname "$0")/../.." || exit 1
HF=${HF:-build/hfscope}
DEMO=assets/demo/demo.json
TOY=tests/reference/toy_1bin_normsys
[ -x "$HF" ] || { echo "test_diag: $HF is not built" >&2; exit 1; }
command -v python3 >/dev/null || { echo "test_diag: python3 needed for the JSON checks"; exit 77; }
. tests/cli/lib.sh
py() {
    python3 -c "import json,sys,math
d = json.load(open(sys.argv[1]))
$2" "$1"
}

# fit --minos: the POI's interval against iminuit's (reference.json), null for the others
if [ -f "$TOY/workspace.json" ]; then
    "$HF" fit --json --minos mu "$TOY/workspace.json" >"$tmp/f.json" 2>"$tmp/err" ||
        fail "fit --minos exit $?"
    python3 -c "import json,sys
d = json.load(open(sys.argv[1])); r = json.load(open(sys.argv[2]))['minos_minuit']['mu']
p = {q['name']: q for q in d['parameters']}
m = p['mu']['minos']
for side in ('lower', 'upper'):
    assert abs(m[side] - r[side]) <= max(0.02 * abs(r[side]), 2e-3), (side, m[side], r[side])
assert m['at_lower_limit'] is False and m['at_upper_limit'] is False
for n, q in p.items():
    if n != 'mu':
        assert q['minos'] == {'lower': None, 'upper': None}, q
" "$tmp/f.json" "$TOY/reference.json" || fail "fit --minos JSON"
fi
"$HF" fit --minos zjets_xsex "$DEMO" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "fit --minos with an unknown name: exit 2 expected"
grep -q "did you mean 'zjets_xsec'" "$tmp/err" || fail "fit --minos suggests no nearest name"

# nllshape: every free parameter, flags known; --np with the profile; unknown --np -> 2
"$HF" nllshape --json "$DEMO" >"$tmp/n.json" 2>"$tmp/err" || fail "nllshape exit $?"
py "$tmp/n.json" '
assert d["command"] == "nllshape"
known = {"kink", "flat", "double_minimum", "non_parabolic"}
assert len(d["parameters"]) > 10
for p in d["parameters"]:
    assert set(p["flags"]) <= known, p
    assert p["q_low"] >= -1e-9 and p["q_high"] >= -1e-9, p
' || fail "nllshape JSON"
"$HF" nllshape --json --np zjets_xsec --profile "$DEMO" >"$tmp/n1.json" 2>"$tmp/err" ||
    fail "nllshape --np exit $?"
py "$tmp/n1.json" '
(p,) = d["parameters"]
assert p["name"] == "zjets_xsec"
assert len(p["x"]) == len(p["q"]) == len(p["parabola"]) == len(p["profiled"]) == 41
assert all(b <= a + 1e-6 for a, b in zip(p["q"], p["profiled"]))
' || fail "nllshape --np JSON"
"$HF" nllshape --np zjets_xsex "$DEMO" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "nllshape --np unknown: exit 2 expected"
grep -q "did you mean 'zjets_xsec'" "$tmp/err" || fail "nllshape --np suggests no nearest name"
"$HF" nllshape --profile "$DEMO" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "nllshape --profile without --np: exit 2 expected"
"$HF" nllshape --np zjets_xsec --plot "$tmp/n.svg" "$DEMO" >/dev/null 2>"$tmp/err" ||
    fail "nllshape --plot exit $?"
grep -q "<svg" "$tmp/n.svg" || fail "nllshape --plot wrote no SVG"

# ranking --groups: inline patterns and a file; stat <= total; malformed file -> 2 + pointer
"$HF" ranking --json --no-prefit --groups 'jet=jet_*;xsec=*_xsec' "$DEMO" >"$tmp/r.json" \
    2>"$tmp/err" || fail "ranking --groups exit $?"
py "$tmp/r.json" '
g = d["groups"]
assert g["stat"] <= g["total"] + 1e-12
assert [b["name"] for b in g["breakdown"]] == ["jet", "xsec"]
assert all(b["parameters"] > 0 for b in g["breakdown"])
assert d["sorted_by"] in ("refit", "covariance")
assert any(not p["constrained"] for p in d["parameters"]), "normalisation factors missing"
' || fail "ranking --groups JSON"
printf '{"jet": ["jet_*"], "bad": [3]}' >"$tmp/g.json"
"$HF" ranking --groups "$tmp/g.json" "$DEMO" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "ranking with a malformed GROUPS.json: exit 2 expected"
grep -q "/bad/0" "$tmp/err" || fail "ranking --groups error names no JSON pointer"

# constraints --expected: fitted to the Asimov data, the data constrain zjets_xsec there too
"$HF" constraints --json --expected "$DEMO" >"$tmp/e.json" 2>"$tmp/err" ||
    fail "constraints --expected exit $?"
py "$tmp/e.json" '
assert d["data"] == "asimov"
z = [p for p in d["parameters"] if p["name"] == "zjets_xsec"][0]
assert abs(z["pull"]) < 1e-3, z["pull"]
assert z["postfit_over_prefit"] < 0.5
' || fail "constraints --expected JSON"

[ "$nfail" -eq 0 ]

#!/bin/sh
# tests/cli/test_syst.sh - systematics, constraints, decorrelate, ranking and gof on the demo
# workspace: exit codes, the JSON contract (checked with python3), written files, usage errors.
cd "$(dirname "$0")/../.." || exit 1
HF=${HF:-build/hfscope}
DEMO=assets/demo/demo.json
[ -x "$HF" ] || { echo "test_syst: $HF is not built" >&2; exit 1; }
command -v python3 >/dev/null || { echo "test_syst: python3 needed for the JSON checks"; exit 77; }
. tests/cli/lib.sh
# py FILE CODE: run python code with `d` the parsed JSON of FILE; exit status is the check
py() {
    python3 -c "import json,sys,math
d = json.load(open(sys.argv[1]))
$2" "$1"
}

# constraints: zjets_xsec is the one over-constrained parameter, constrained by CR_zjets;
# every parameter's shares add up to 1
"$HF" constraints --json "$DEMO" >"$tmp/c.json" 2>"$tmp/err" || fail "constraints exit $?"
py "$tmp/c.json" '
assert d["command"] == "constraints"
over = [p for p in d["parameters"] if p["over_constrained"]]
assert [p["name"] for p in over] == ["zjets_xsec"], over
z = over[0]
assert z["constrained_by"][0] == "CR_zjets", z["constrained_by"]
assert max(z["fisher_shares"], key=z["fisher_shares"].get) == "CR_zjets"
for p in d["parameters"]:
    assert abs(sum(p["fisher_shares"].values()) - 1) < 1e-9, p["name"]
    # channels are named only for parameters the data actually constrain
    assert p["postfit_over_prefit"] < 0.9 or p["constrained_by"] == [], p["name"]
    assert abs(p["postfit_over_prefit"] - p["postfit_error"] / p["prefit_error"]) < 1e-12
    # the observed information: its parts add up, channels add up to the parts
    i = p["information"]
    assert abs(i["prior"] + i["first_order"] + i["curvature"] - i["total"]) <= 1e-9 * i["total"]
    assert abs(sum(c["first_order"] for c in i["channels"].values()) - i["first_order"]) <= 1e-9 * i["total"]
    assert abs(sum(c["curvature"] for c in i["channels"].values()) - i["curvature"]) <= 1e-9 * i["total"]
    assert abs(p["conditional_error"] - i["total"] ** -0.5) <= 1e-12
    assert ("over_constrained" in p["flags"]) == p["over_constrained"]
assert "explanation" in z and "CR_zjets" in z["explanation"]
' || fail "constraints JSON"
"$HF" constraints --plot "$tmp/cons.svg" "$DEMO" >"$tmp/c.txt" 2>"$tmp/err" ||
    fail "constraints text exit $?"
grep -q "<svg" "$tmp/cons.svg" || fail "constraints --plot wrote no SVG"
grep -q "zjets_xsec: σ/σ₀ 0\.1.*first order (largest in CR_zjets)" "$tmp/c.txt" ||
    fail "constraints text does not name zjets_xsec and CR_zjets"
# lumi keeps its prior width (post/pre ~ 1): no channel is named as its constraint
awk '$1 == "lumi" && $3 >= 0.9 && /CR_/ {bad = 1} END {exit bad}' "$tmp/c.txt" ||
    fail "constraints text names channels for an unconstrained lumi"

# systematics: ttbar_generator is one-sided everywhere it acts
"$HF" systematics --json --np ttbar_generator "$DEMO" >"$tmp/s.json" 2>"$tmp/err" ||
    fail "systematics exit $?"
py "$tmp/s.json" '
e = d["systematics"]
assert len(e) > 0
assert all(x["parameter"] == "ttbar_generator" and "one-sided" in x["flags"] for x in e), e
' || fail "systematics JSON"

# symmetrise the one-sided ones and prune: a new workspace, a patch, and the comparison
"$HF" systematics --json --symmetrize one-sided --only-one-sided --prune 0.001 --compare \
    -o "$tmp/sym.json" --patch-out "$tmp/sym.patch.json" "$DEMO" >"$tmp/t.json" 2>"$tmp/err"
rc=$?
[ "$rc" -le 1 ] || fail "systematics --symmetrize exit $rc"
[ -s "$tmp/sym.json" ] || fail "no symmetrised workspace written"
py "$tmp/t.json" '
t = d["transform"]
assert t["symmetrized"] >= 4, t
assert "comparison" in d and len(d["comparison"]["parameters"]) > 0
' || fail "systematics transform JSON"
py "$tmp/sym.patch.json" 'assert isinstance(d, list) and len(d) > 0' || fail "patch is not an array"
"$HF" inspect "$tmp/sym.json" >/dev/null 2>"$tmp/err" || fail "symmetrised workspace does not load"
"$HF" systematics --json --np ttbar_generator "$tmp/sym.json" >"$tmp/s2.json" 2>"$tmp/err"
py "$tmp/s2.json" '
assert all("one-sided" not in x["flags"] and abs(x["norm_up"] + x["norm_down"]) < 1e-9
           for x in d["systematics"]), d["systematics"]
' || fail "symmetrised ttbar_generator is still one-sided"

# decorrelate jet_energy_scale per channel: one split parameter per channel, files written
"$HF" decorrelate --json --np jet_energy_scale --by channel -o "$tmp/dec.json" "$DEMO" \
    >"$tmp/d.json" 2>"$tmp/err"
rc=$?
[ "$rc" -le 1 ] || fail "decorrelate exit $rc"
[ -s "$tmp/dec.json" ] || fail "decorrelate wrote no workspace"
[ -s "$tmp/dec.patch.json" ] || fail "decorrelate wrote no patch"
py "$tmp/d.json" '
assert d["parameter"] == "jet_energy_scale" and d["by"] == "channel"
assert len(d["split"]) == 8, len(d["split"])
assert all(s["name"] == "jet_energy_scale_" + s["group"] for s in d["split"])
assert all(isinstance(s["value"], float) and s["error"] > 0 for s in d["split"])
assert "value" in d["original"] and d["output"].endswith("dec.json")
' || fail "decorrelate JSON"
echo '{"CRs": ["CR_ttbar", "CR_wjets", "CR_zjets", "CR_diboson"]}' >"$tmp/groups.json"
"$HF" decorrelate --json --no-fit --np jet_energy_scale --by "$tmp/groups.json" \
    -o "$tmp/dec2.json" "$DEMO" >"$tmp/d2.json" 2>"$tmp/err" || fail "decorrelate groups exit $?"
py "$tmp/d2.json" '
assert sorted(s["name"] for s in d["split"]) == ["jet_energy_scale", "jet_energy_scale_CRs"]
' || fail "decorrelate groups JSON"

# decorrelate a free parameter (the POI per region): no nan, "free" instead of a pull
"$HF" decorrelate --np mu_sig -o "$tmp/dec3.json" "$DEMO" >"$tmp/d3.txt" 2>"$tmp/err"
[ $? -le 1 ] || fail "decorrelate mu_sig exit"
grep -qi 'nan' "$tmp/d3.txt" && fail "decorrelate mu_sig prints nan"
grep -q '^mu_sig .* free  *free$' "$tmp/d3.txt" || fail "decorrelate mu_sig: no 'free' row"
"$HF" decorrelate --json --np mu_sig -o "$tmp/dec3.json" "$DEMO" >"$tmp/d3.json" 2>"$tmp/err"
py "$tmp/d3.json" '
assert d["original"]["free"] is True and "pull" not in d["original"]
assert all(s["free"] is True and "pull" not in s for s in d["split"])
' || fail "decorrelate mu_sig JSON"

# ranking: sorted by the largest post-fit impact, with a figure
"$HF" ranking --json -j 2 --plot "$tmp/rank.png" "$DEMO" >"$tmp/r.json" 2>"$tmp/err" ||
    fail "ranking exit $?"
py "$tmp/r.json" '
assert d["poi"] == "mu_sig"
k = [max(abs(p["impact_postfit"][0]), abs(p["impact_postfit"][1])) for p in d["parameters"]]
assert len(k) > 10 and k == sorted(k, reverse=True)
assert all(len(p["impact_prefit"]) == 2 for p in d["parameters"])
' || fail "ranking JSON"
[ "$(head -c 4 "$tmp/rank.png" | tail -c 3)" = "PNG" ] || fail "ranking figure is not a PNG"

# gof: the channel parts and the constraint part add up to the total
"$HF" gof --json --bins "$DEMO" >"$tmp/g.json" 2>"$tmp/err" || fail "gof exit $?"
py "$tmp/g.json" '
s = d["saturated"]
tot = sum(c["twice_nll_diff"] for c in d["channels"]) + s["aux_twice_nll_diff"]
assert abs(tot - s["twice_nll_diff"]) < 1e-9 * max(1, tot)
assert all(abs(sum(c["bins"]) - c["twice_nll_diff"]) < 1e-9 * max(1, c["twice_nll_diff"]) for c in d["channels"])
assert sum(c["nbins"] for c in d["channels"]) == 79
assert 0 < s["p_value"] < 1 and s["ndof"] > 0
c = d["compatibility"]
assert c["ndof"] == len(c["channels"]) - 1 and c["twice_nll_diff"] >= -1e-6
' || fail "gof JSON"

# usage errors exit 2
"$HF" decorrelate "$DEMO" >/dev/null 2>&1; [ $? -eq 2 ] || fail "decorrelate without --np"
"$HF" decorrelate --np no_such_np -o "$tmp/x.json" "$DEMO" >/dev/null 2>&1
[ $? -eq 2 ] || fail "decorrelate of an unknown parameter"
[ -e "$tmp/x.json" ] && fail "decorrelate wrote a file on error"
"$HF" systematics --symmetrize sideways -o "$tmp/y.json" "$DEMO" >/dev/null 2>&1
[ $? -eq 2 ] || fail "systematics --symmetrize sideways"
"$HF" systematics --prune 0.01 "$DEMO" >/dev/null 2>&1; [ $? -eq 2 ] || fail "prune without -o"
"$HF" systematics --np no_such_np "$DEMO" >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown --np"
# a model without a POI cannot be ranked
sed 's/"poi": *"mu_sig"/"poi": "not_in_model"/' "$DEMO" >"$tmp/nopoi.json"
"$HF" ranking -q "$tmp/nopoi.json" >/dev/null 2>"$tmp/err"; [ $? -eq 2 ] || fail "ranking without POI"
"$HF" constraints -q "$tmp/nopoi.json" >/dev/null 2>"$tmp/err" || fail "constraints without POI"

[ "$nfail" -eq 0 ]

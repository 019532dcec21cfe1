#!/bin/sh
# tests/cli/test_blind_mask.sh - blinding in the commands that print the POI, and masked fits:
# a blinded `fit` (text and JSON) holds no value of the POI, neither the unblinded fit's nor the
# blinded fit's own (the fit with the blinded channels masked gives it); its other parameters are
# that masked fit's; cls, limit, significance print no observed result, ranking gives
# expected impacts; `--mask` of a channel
# equals the fit of the workspace pruned of it; an unknown --mask name exits 2 with the nearest
# name; a command that cannot hide what blinding hides refuses --blind.
cd "$(dirname "$0")/../.." || exit 1
HF=${HF:-build/hfscope}
REF=${HF_REFERENCE_DIR:-tests/reference}
D=$REF/atlas_1Lbb_simplified
[ -x "$HF" ] || { echo "test_blind_mask: $HF is not built" >&2; exit 1; }
[ -f "$D/workspace.json" ] && [ -f "$D/patchset.json" ] || exit 77
command -v python3 >/dev/null || exit 77
. tests/cli/lib.sh
WS="$D/workspace.json --patch $D/patchset.json"

# --- fit --blind: JSON null + blinded, no POI value anywhere --------------------------------
"$HF" fit --json $WS -q >"$tmp/open.json" 2>"$tmp/err" || fail "fit exit $?"
"$HF" fit --json --blind $WS -q >"$tmp/b.json" 2>"$tmp/err" || fail "fit --blind exit $?"
"$HF" fit --blind $WS -q >"$tmp/b.txt" 2>"$tmp/err" || fail "fit --blind (text) exit $?"
chans=$(python3 -c 'import json,sys; print(",".join(json.load(open(sys.argv[1]))["blinded_channels"]))' \
    "$tmp/b.json") || fail "fit --blind --json: no blinded_channels"
[ -n "$chans" ] || fail "fit --blind: no channel blinded (the signal regions should be)"
"$HF" fit --json --mask "$chans" $WS -q >"$tmp/m.json" 2>"$tmp/err" || fail "fit --mask exit $?"
python3 - "$tmp/open.json" "$tmp/b.json" "$tmp/m.json" "$tmp/b.txt" <<'PY' || fail "fit --blind leaks the POI"
import json, sys
opened, blind, masked = (json.load(open(p)) for p in sys.argv[1:4])
text = open(sys.argv[4]).read() + open(sys.argv[2]).read()
poi = blind["poi"]
pb = [p for p in blind["parameters"] if p["name"] == poi][0]
assert pb["value"] is None and pb["error"] is None and pb["blinded"] is True, pb
assert blind["blinded"] is True
# the POI of the unblinded fit and of the fit that sees what the blinded fit sees: neither
# value nor error appears, in any usual format
for ref in (opened, masked):
    p = [q for q in ref["parameters"] if q["name"] == poi][0]
    if ref is opened:
        assert abs(p["value"]) > 1e-3, p  # the test can fail: a value to look for
    for v in (p["value"], p["error"]) if abs(p["value"]) > 1e-3 else (p["error"],):
        for f in ("%.4g", "%.6g", "%.3f", "%.4f", "%r"):
            s = f % v
            assert s not in text, (s, "found in the blinded output")
# every other parameter is the masked fit's (the blinded bins are out of the fit)
mv = {q["name"]: q for q in masked["parameters"]}
for q in blind["parameters"]:
    if q["name"] != poi:
        assert abs(q["value"] - mv[q["name"]]["value"]) <= 1e-9 * max(1, abs(q["value"])), q
assert "blinded" in open(sys.argv[4]).read()
PY

# --- tests: observed results blinded, expected ones given -------------------------------------
"$HF" cls --json --blind $WS -q >"$tmp/cls.json" 2>"$tmp/err" || fail "cls --blind exit $?"
"$HF" significance --json --blind $WS -q >"$tmp/sig.json" 2>"$tmp/err" ||
    fail "significance --blind exit $?"
"$HF" limit --json --blind $WS -q >"$tmp/lim.json" 2>"$tmp/err" || fail "limit --blind exit $?"
python3 - "$tmp/cls.json" "$tmp/sig.json" "$tmp/lim.json" <<'PY' || fail "tests print observed results"
import json, sys
cls, sig, lim = (json.load(open(p)) for p in sys.argv[1:4])
for k in ("cls_obs", "clsb_obs", "clb_obs", "q_obs"):
    assert cls[k] is None, k
assert cls["blinded"] is True and all(v == v for v in cls["cls_exp"])
for k in ("p0_obs", "z_obs", "q0_obs", "muhat"):
    assert sig[k] is None, k
assert sig["z_exp"] > 0
assert lim["obs"] is None and lim["blinded"] is True and lim["exp"][2] > 0
PY
"$HF" ranking --json --blind --no-prefit $WS -q >"$tmp/rk.json" 2>"$tmp/err" ||
    fail "ranking --blind exit $?"
python3 - "$tmp/rk.json" <<'PY' || fail "ranking --blind prints the POI or uses the data"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["poi_value"] is None and d["poi_error"] is None and d["data"] == "asimov", d
assert all(p["pull"] is None or abs(p["pull"]) < 1e-6 for p in d["parameters"]), "pulls on Asimov"
PY
"$HF" scan --blind $WS -q >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "scan of the POI with --blind: exit $rc (want 2)"
"$HF" inspect --blind "$D/workspace.json" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "inspect --blind: exit $rc (want 2: it cannot hide what blinding hides)"

# --- view --blind: the signal region's figure has no data point -------------------------------
sr=${chans%%,*}
"$HF" view --blind $WS -q -c "$sr" --color never --ascii -w 80 >"$tmp/v.txt" 2>"$tmp/err" ||
    fail "view --blind exit $?"
grep -q "blinded" "$tmp/v.txt" || fail "view --blind: the header does not say blinded"
grep -q "Data" "$tmp/v.txt" && fail "view --blind: a blinded channel's legend shows Data"
"$HF" view $WS -q -c "$sr" --color never --ascii -w 80 >"$tmp/v0.txt" 2>"$tmp/err" ||
    fail "view exit $?"
grep -q "Data" "$tmp/v0.txt" || fail "view: the unblinded figure has no Data (the test cannot fail)"

# --- --mask CH equals the fit of the workspace pruned of CH ------------------------------------
cr=$(python3 -c 'import json,sys; print([c["name"] for c in json.load(open(sys.argv[1]))["channels"] if c["name"] not in sys.argv[2].split(",")][-1])' \
    "$D/workspace.json" "$chans")
"$HF" fit --json --mask "$cr" $WS -q >"$tmp/mcr.json" 2>"$tmp/err" || fail "fit --mask $cr exit $?"
"$HF" fit --json --fit-regions "$(python3 -c 'import json,sys; print(",".join(c["name"] for c in json.load(open(sys.argv[1]))["channels"] if c["name"] != sys.argv[2]))' "$D/workspace.json" "$cr")" \
    $WS -q >"$tmp/fr.json" 2>"$tmp/err" || fail "fit --fit-regions exit $?"
python3 - "$tmp/mcr.json" "$tmp/fr.json" "$cr" <<'PY' || fail "--mask and --fit-regions disagree"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a["masked_channels"] == [sys.argv[3]] == b["masked_channels"], (a["masked_channels"], b["masked_channels"])
assert abs(a["twice_nll"] - b["twice_nll"]) < 1e-9
PY
"$HF" fit --mask "$cr" $WS -q >"$tmp/mt.txt" 2>"$tmp/err" || fail "fit --mask (text) exit $?"
grep -q "not in the fit (--mask): $cr" "$tmp/mt.txt" || fail "fit --mask does not say what is out"
# the pruned workspace, fitted: every parameter it has that does not act on the masked channel
# agrees (compare computed vs computed)
patch=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["patches"][0]["metadata"]["name"])' \
    "$D/patchset.json")
"$HF" patchset apply "$D/workspace.json" "$D/patchset.json" "$patch" -o "$tmp/full.json" \
    >/dev/null 2>"$tmp/err" || fail "patchset apply exit $?"
"$HF" prune "$tmp/full.json" --channel "$cr" -o "$tmp/pruned.json" >/dev/null 2>"$tmp/err" ||
    fail "prune --channel exit $?"
"$HF" fit --json "$tmp/pruned.json" -q >"$tmp/p.json" 2>"$tmp/err" || fail "fit pruned exit $?"
python3 - "$tmp/mcr.json" "$tmp/p.json" "$D/workspace.json" "$cr" <<'PY' || fail "masked fit differs from the pruned workspace's fit"
import json, sys
masked, pruned = (json.load(open(p)) for p in sys.argv[1:3])
ws, cr = json.load(open(sys.argv[3])), sys.argv[4]
touch = set()
for c in ws["channels"]:
    if c["name"] == cr:
        for s in c["samples"]:
            for m in s["modifiers"]:
                touch.add(m["name"])
mv = {q["name"]: q for q in masked["parameters"]}
n = 0
for q in pruned["parameters"]:
    base = q["name"].split("[")[0]
    if base in touch:
        continue
    n += 1
    v = mv[q["name"]]["value"]
    assert abs(v - q["value"]) <= 1e-6 * max(1, abs(v)), (q["name"], v, q["value"])
assert n > 0
PY

# --- unknown names: exit 2 with the nearest name ----------------------------------------------
"$HF" fit --mask "${cr}x" $WS -q >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "fit --mask with an unknown channel: exit $rc (want 2)"
grep -q "did you mean '$cr'" "$tmp/err" || fail "unknown --mask name: no nearest-name hint"
"$HF" limit --fit-regions 'XX*' $WS -q >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "limit --fit-regions matching nothing: exit $rc (want 2)"

[ $nfail -eq 0 ] || { echo "test_blind_mask: $nfail failures"; exit 1; }
echo "test_blind_mask: ok"

#!/bin/sh
# tests/cli/test_figures.sh - what a referee checks on the figures: a blinded report's text layer
# (pdftotext) holds no count of a blinded channel and not the fitted POI, control regions stay
# open; the all-regions summary figure; one page size in the report; malformed --style and
# --binning files exit 2 naming the file and JSON pointer (a wrong edge count names the channel).
cd "$(dirname "$0")/../.." || exit 1
HF=${HF:-build/hfscope}
REF=${HF_REFERENCE_DIR:-tests/reference}
SB=$REF/atlas_sbottom_SRA_full
EWK=$REF/atlas_compressed_ewkinos_bkgonly/workspace.json
[ -x "$HF" ] || { echo "test_figures: $HF is not built" >&2; exit 1; }
[ -f "$SB/workspace.json" ] && [ -f "$EWK" ] || exit 77
command -v pdftotext >/dev/null && command -v pdfinfo >/dev/null || exit 77
. tests/cli/lib.sh
PATCH="--patch $SB/patchset.json:sbottom_1300_850_60"

# the unblinded fit's POI, as the report would print it (%.4g), from hfscope fit --json
"$HF" fit --json $PATCH "$SB/workspace.json" >"$tmp/fit.json" 2>"$tmp/err" || fail "fit exit $?"
poi=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
p = [x for x in d["parameters"] if x["name"] == d["poi"]][0]
print("%s = %.4g \u00b1 %.2g" % (p["name"], p["value"], p["error"]))' "$tmp/fit.json") ||
    fail "fit JSON has no POI"
poiname=${poi%% =*}
# the test can fail: the unblinded report prints exactly this
"$HF" report $PATCH "$SB/workspace.json" -o "$tmp/u.pdf" >/dev/null 2>"$tmp/err" ||
    fail "report exit $?"
pdftotext -layout "$tmp/u.pdf" - | grep -qF -- "$poi" || fail "unblinded report lacks '$poi'"

"$HF" report --blind $PATCH "$SB/workspace.json" -o "$tmp/b.pdf" --table "$tmp/b.csv" \
    >/dev/null 2>"$tmp/err" || fail "report --blind exit $?"
pdftotext -layout "$tmp/b.pdf" "$tmp/b.txt" || fail "pdftotext"
grep -q "POI best fit.*= blinded" "$tmp/b.txt" || fail "blinded report prints the POI"
grep -qF -- "$poi" "$tmp/b.txt" && fail "blinded report holds the fitted POI ($poi)"
grep -qE -- "$poiname = [-0-9]" "$tmp/b.txt" && fail "blinded report prints a value of $poiname"
# the signal region (signal above 2% of the background) is blinded, the control region is not:
# the yield table's data row of each, read from the table written alongside (CSV) and the PDF
python3 - "$tmp/b.csv" "$SB/workspace.json" <<'PY' || fail "blinded yield table"
import csv, json, sys
rows = list(csv.reader(open(sys.argv[1])))
ws = json.load(open(sys.argv[2]))
obs = {o["name"]: o["data"] for o in ws["observations"]}
data = {r[0]: r for r in rows if len(r) > 1 and r[1] == "Data"}
assert data, rows[:3]
sr = [c for c in data if c.startswith("SR")]
cr = [c for c in data if c.startswith("CR")]
assert sr and cr, data.keys()
for c in sr:
    assert all(v in ("", "blinded", "nan") or "blind" in v for v in data[c][2:]), data[c]
for c in cr:
    assert str(int(sum(obs[c]))) in data[c], (data[c], sum(obs[c]))
PY
# no count of a blinded bin near its channel's name in the PDF's yield table
awk '/Data/ && /blinded/ {n++} END {exit n > 0 ? 0 : 1}' "$tmp/b.txt" ||
    fail "the PDF's yield table does not say blinded"

# --poi-value: post-fit from a conditional fit, titled as such; a value outside the bounds is
# a usage error
"$HF" report $PATCH "$SB/workspace.json" --poi-value 1 -o "$tmp/pv.pdf" >/dev/null 2>"$tmp/err" ||
    fail "report --poi-value exit $?"
pdftotext -layout "$tmp/pv.pdf" - | grep -q "post-fit · $poiname = 1 (fixed)" ||
    fail "report --poi-value: post-fit figures are not titled with the fixed POI"
"$HF" plot $PATCH "$SB/workspace.json" --postfit --poi-value 1e9 -o "$tmp/pv" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "plot --poi-value outside the bounds: exit $rc"

# one page size, a contents page, the summary figure among the pages
pdfinfo -f 1 -l 999 "$tmp/b.pdf" | awk '/^Page.*size/ {print $4, $6}' | sort -u >"$tmp/sizes"
[ "$(wc -l <"$tmp/sizes")" -eq 1 ] || fail "report pages of $(wc -l <"$tmp/sizes") sizes"
head -c 4000 "$tmp/b.txt" | grep -q "Contents" || fail "no contents page"
grep -q "All regions" "$tmp/b.txt" || fail "no all-regions summary in the report"

# plot --what summary: one PNG
"$HF" plot "$EWK" --what summary --format png -o "$tmp/s" >/dev/null 2>"$tmp/err" ||
    fail "plot --what summary exit $?"
[ -f "$tmp/s/summary_prefit.png" ] || fail "no summary_prefit.png"

# malformed style and binning files: exit 2, file and JSON pointer on one line
printf '{"label": "ATLAS", "colors": {"ttbar": "blue"}}\n' >"$tmp/st.json"
"$HF" plot "$SB/workspace.json" --channel SR_meff --style "$tmp/st.json" -o "$tmp/o" \
    >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "bad --style exit $rc"
grep -q "st.json:/colors/ttbar:" "$tmp/err" || fail "bad --style names no pointer"
printf '{"SR_meff": {"edges": [0, 1, 2]}}\n' >"$tmp/bn.json"
"$HF" plot "$SB/workspace.json" --channel SR_meff --binning "$tmp/bn.json" -o "$tmp/o" \
    >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "bad --binning exit $rc"
grep -q "bn.json:/SR_meff/edges: channel 'SR_meff' has 3 bins, so 4 edges; got 3" "$tmp/err" ||
    fail "wrong edge count does not name the channel"
[ -e "$tmp/o" ] && fail "a bad style or binning left an output directory"
printf '{"label": \n' >"$tmp/st2.json"
"$HF" report "$SB/workspace.json" --style "$tmp/st2.json" -o "$tmp/r.pdf" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc -eq 2 ] || fail "report: malformed --style exit $rc"
[ -e "$tmp/r.pdf" ] && fail "report wrote a PDF after a bad style"
exit $((nfail > 0))

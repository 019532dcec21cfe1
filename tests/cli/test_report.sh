#!/bin/sh
# tests/cli/test_report.sh - the report's ranking and upper-limit pages (their numbers against
# `hfscope limit --json` and `hfscope ranking --json` run here), the notes when a page is left
# out (no POI, --no-ranking/--no-limit), blinding (expected limits and expected impacts only),
# --groups for the summary figures (order and separators; a malformed groups file exits 2 with
# file and JSON pointer), and `plot --what brazil --limits` over the signal points' values.
cd "$(dirname "$0")/../.." || exit 1
HF=${HF:-build/hfscope}
REF=${HF_REFERENCE_DIR:-tests/reference}
DEMO=assets/demo/demo.json
EWK=$REF/atlas_compressed_ewkinos_bkgonly/workspace.json
NOPOI=$REF/bkgonly/atlas_susy_3Lresonance_2020_bkg.json
[ -x "$HF" ] || { echo "test_report: $HF is not built" >&2; exit 1; }
[ -f "$DEMO" ] && [ -f "$EWK" ] && [ -f "$NOPOI" ] || exit 77
command -v pdftotext >/dev/null && command -v python3 >/dev/null || exit 77
. tests/cli/lib.sh
# the value of KEY (obs, or exp index 0..4) of a limit --json document, as the page prints it
limval() {
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
v = d["obs"] if sys.argv[2] == "obs" else d["exp"][int(sys.argv[2])]
print("%.5g" % v)' "$1" "$2"
}

# --- the ranking and limit pages, their numbers computed here by the commands themselves
"$HF" report "$DEMO" -o "$tmp/r.pdf" -q 2>"$tmp/err" || fail "report exit $?"
pdftotext -layout "$tmp/r.pdf" "$tmp/r.txt" || fail "pdftotext"
"$HF" limit --json "$DEMO" >"$tmp/lim.json" 2>"$tmp/err" || fail "limit --json exit $?"
obs=$(limval "$tmp/lim.json" obs)
med=$(limval "$tmp/lim.json" 2)
p2=$(limval "$tmp/lim.json" 4)
grep -qE "^ *Observed +$obs\$" "$tmp/r.txt" || fail "limit page lacks the observed limit $obs"
grep -qE "^ *Expected \(median\) +$med\$" "$tmp/r.txt" || fail "limit page lacks the median $med"
grep -qE "^ *Expected \+2σ +$p2\$" "$tmp/r.txt" || fail "limit page lacks the +2 sigma limit $p2"
grep -qF "observed $obs, expected $med" "$tmp/r.txt" || fail "summary page lacks the limits"
for s in "Ranking" "Upper limit"; do
    grep -qE "^ *$s +[0-9]+\$" "$tmp/r.txt" || fail "contents page lacks '$s'"
    grep -ac "/Title ($s)" "$tmp/r.pdf" | grep -qx 1 || fail "outline lacks '$s'"
done
grep -q "impact on mu_sig" "$tmp/r.txt" || fail "no ranking figure"
# the parameter `hfscope ranking` ranks first is on the page
"$HF" ranking --json --no-prefit "$DEMO" >"$tmp/rank.json" 2>"$tmp/err" || fail "ranking exit $?"
top=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["parameters"][0]["name"])' \
    "$tmp/rank.json")
pdftotext -layout -f "$(grep -E '^ *Ranking +[0-9]+$' "$tmp/r.txt" | awk '{print $NF}')" \
    -l "$(grep -E '^ *Ranking +[0-9]+$' "$tmp/r.txt" | awk '{print $NF}')" "$tmp/r.pdf" - |
    grep -qF "$top" || fail "the ranking page lacks the top-ranked '$top'"

# --- pages left out say why on the summary page, and are not in the contents
"$HF" report "$DEMO" --no-ranking --no-limit -o "$tmp/n.pdf" -q 2>"$tmp/err" || fail "exit $?"
pdftotext -layout "$tmp/n.pdf" "$tmp/n.txt"
grep -qE "Ranking +left out \(--no-ranking\)" "$tmp/n.txt" || fail "no --no-ranking note"
grep -qE "Upper limit +left out \(--no-limit\)" "$tmp/n.txt" || fail "no --no-limit note"
grep -qE "^ *(Ranking|Upper limit) +[0-9]+\$" "$tmp/n.txt" && fail "left-out pages in contents"
"$HF" report "$NOPOI" --no-fit -o "$tmp/p.pdf" 2>"$tmp/err" >/dev/null || fail "no-POI exit $?"
pdftotext -layout "$tmp/p.pdf" "$tmp/p.txt"
[ "$(grep -c "left out: the model has no POI" "$tmp/p.txt")" -eq 2 ] ||
    fail "no-POI report: no note for both pages"

# --- blinded: the limit page shows expected limits only, those of `limit --blind`
"$HF" report "$DEMO" --blind -o "$tmp/b.pdf" -q 2>"$tmp/err" || fail "report --blind exit $?"
pdftotext -layout "$tmp/b.pdf" "$tmp/b.txt"
grep -qE "^ *Observed +blinded\$" "$tmp/b.txt" || fail "blinded limit page shows no 'blinded'"
grep -qF "$obs" "$tmp/b.txt" && fail "blinded report holds the observed limit $obs"
# the ranking page: expected impacts on Asimov data, as `ranking --blind` gives them
grep -qF "expected refit impacts (Asimov data; POI blinded)" "$tmp/b.txt" ||
    fail "blinded report: no expected-impacts note"
"$HF" ranking --blind --json --no-prefit "$DEMO" >"$tmp/brank.json" 2>"$tmp/err" ||
    fail "ranking --blind exit $?"
btop=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["parameters"][0]["name"])' \
    "$tmp/brank.json")
bpage=$(grep -E '^ *Ranking +[0-9]+$' "$tmp/b.txt" | awk '{print $NF}')
[ -n "$bpage" ] || fail "blinded report: no ranking page in the contents"
pdftotext -layout -f "$bpage" -l "$bpage" "$tmp/b.pdf" - | grep -qF "$btop" ||
    fail "the blinded ranking page lacks ranking --blind's top-ranked '$btop'"
"$HF" limit --blind --json "$DEMO" >"$tmp/blim.json" 2>"$tmp/err" || fail "limit --blind exit $?"
bmed=$(limval "$tmp/blim.json" 2)
grep -qE "^ *Expected \(median\) +$bmed\$" "$tmp/b.txt" ||
    fail "blinded limit page lacks limit --blind's median $bmed"

# --- --groups: the order given, then "other"; separators between groups
"$HF" plot "$EWK" --what summary --groups 'Signal=SR*;Control=CR*' --cells 160x50 \
    >"$tmp/g.txt" 2>"$tmp/err" || fail "plot --groups exit $?"
awk '/Signal/ && /Control/ { if (index($0, "Signal") < index($0, "Control")) ok = 1 }
     END { exit !ok }' "$tmp/g.txt" || fail "--groups: Signal is not left of Control"
[ "$(grep -c '┆' "$tmp/g.txt")" -gt 0 ] || fail "--groups: no separator"
"$HF" plot "$EWK" --what summary --cells 160x50 >"$tmp/d.txt" 2>/dev/null
awk '/ SR / && / CR / { if (index($0, " CR ") < index($0, " SR ")) ok = 1 } END { exit !ok }' \
    "$tmp/d.txt" || fail "default groups: CR is not left of SR"
printf '{"Signal": ["SR*"], "Top": ["CRtop*"]}\n' >"$tmp/groups.json"
"$HF" report "$EWK" --no-fit --groups "$tmp/groups.json" -o "$tmp/g.pdf" -q 2>"$tmp/err" ||
    fail "report --groups exit $?"
pdftotext -layout -l 1 "$tmp/g.pdf" - | awk '{print $1}' | grep -E '^(Signal|Top|Other)$' |
    tr '\n' ' ' >"$tmp/order"
[ "$(cat "$tmp/order")" = "Signal Top Other " ] || fail "report --groups sections: $(cat "$tmp/order")"
# malformed groups: one line naming the file and the JSON pointer, exit 2, nothing written
badgroups() { # CONTENT POINTER
    printf '%s\n' "$1" >"$tmp/bad.json"
    "$HF" plot "$EWK" --what summary --groups "$tmp/bad.json" -o "$tmp/bg.pdf" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 2 ] || fail "--groups $1: exit $rc"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "--groups $1: not one stderr line"
    grep -qF "$tmp/bad.json:$2" "$tmp/err" || fail "--groups $1: no '$2' in: $(cat "$tmp/err")"
    [ -e "$tmp/bg.pdf" ] && fail "--groups $1: wrote a figure"
}
badgroups '{"CR": "CR*"}' "/CR:"
badgroups '{"CR": ["CR*", 3]}' "/CR/1:"
badgroups '["CR*"]' " expected a non-empty object"
badgroups '{"CR": ["CR*"' " invalid JSON"
"$HF" report "$EWK" --groups "$tmp/bad.json" -o "$tmp/bg.pdf" 2>"$tmp/err"
[ $? -eq 2 ] || fail "report: malformed --groups does not exit 2"

# --- plot --what brazil --limits: the points' values name the categories (never the patch
# names); one value is a real axis
LIM=tests/render/limits.jsonl
"$HF" plot "$DEMO" --what brazil --limits "$LIM" -o "$tmp/l.pdf" -q 2>"$tmp/err" ||
    fail "brazil --limits exit $?"
pdftotext -layout "$tmp/l.pdf" "$tmp/l.txt"
grep -qF "1000, 130, 70" "$tmp/l.txt" || fail "brazil --limits: no category '1000, 130, 70'"
grep -q "sbottom_" "$tmp/l.txt" && fail "brazil --limits: patch names on the axis"
for m in 150 300 450; do
    printf '{"patch":"pt_%d","values":[%d],"obs":0.5,"exp":[0.2,0.3,0.4,0.6,0.8]}\n' $m $m
done >"$tmp/one.jsonl"
"$HF" plot "$DEMO" --what brazil --limits "$tmp/one.jsonl" -o "$tmp/one.pdf" -q 2>"$tmp/err" ||
    fail "brazil --limits (one value) exit $?"
pdftotext -layout "$tmp/one.pdf" "$tmp/one.txt"
grep -q "signal-point value" "$tmp/one.txt" || fail "one value: no value axis"
grep -q "pt_" "$tmp/one.txt" && fail "one value: patch names on the axis"
grep -qE "(^| )400( |$)" "$tmp/one.txt" || fail "one value: no tick at 400 (not a real axis)"

[ $nfail -eq 0 ] || exit 1
echo "test_report: all passed"

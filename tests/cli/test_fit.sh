#!/bin/sh
# tests/cli/test_fit.sh - fit from the command line: the published ABCD model that needs the
# fallback stages (converges, names its flat direction, records the stages), a forced failure
# (--max-iter 1: errors "n/a" in text and null in JSON, never 0; exit 1 from fit, report and the
# other commands that fit), the fit options' usage errors, and -v's stage log.
cd "$(dirname "$0")/../.." || exit 1
HF=${HF:-build/hfscope}
REF=${HF_REFERENCE_DIR:-tests/reference}
[ -x "$HF" ] || { echo "test_fit: $HF is not built" >&2; exit 1; }
WS=$REF/bkgonly/atlas_susy_2Ljets_2022_rjr_sr2l_low_bkg.json
[ -f "$WS" ] || { echo "test_fit: no $WS" >&2; exit 77; }
. tests/cli/lib.sh

# 1. converges (its minimum against pyhf's is checked in check_reference), names eff_A, eff_D
#    and mu_SR together, and -v logs each stage on stderr
"$HF" fit -q -v "$WS" >"$tmp/fit.txt" 2>"$tmp/fit.err"; rc=$?
[ $rc -eq 0 ] || fail "fit: exit $rc"
head -1 "$tmp/fit.txt" | grep -q '^fit converged' || fail "fit: $(head -1 "$tmp/fit.txt")"
grep '^flat direction:' "$tmp/fit.txt" | grep 'eff_A' | grep 'eff_D' | grep 'mu_SR' |
    grep -q 'determined only in combination' || fail "fit: the ABCD flat direction is not named"
grep -q '^hfscope: fit: newton: ' "$tmp/fit.err" || fail "fit -v: no newton stage line"
grep -q '^hfscope: fit: trust-region: ' "$tmp/fit.err" || fail "fit -v: no trust-region stage line"

# 2. the JSON records strategy, stages and restarts, and the flat direction
"$HF" fit -q --json "$WS" >"$tmp/fit.json"; rc=$?
[ $rc -eq 0 ] || fail "fit --json: exit $rc"
for key in strategy stage stage_reached restarts stages flat_directions eigenvalue weights; do
    grep -q "\"$key\"" "$tmp/fit.json" || fail "fit --json lacks $key"
done
tr -d '\n\t' <"$tmp/fit.json" | grep -q '"converged":true' || fail "fit --json: not converged"

# 2b. constraints names the same flat direction, in text and in its JSON's fit block
"$HF" constraints -q "$WS" >"$tmp/con.txt"; rc=$?
[ $rc -eq 0 ] || fail "constraints: exit $rc"
grep '^flat direction:' "$tmp/con.txt" | grep 'eff_A' | grep 'eff_D' | grep 'mu_SR' |
    grep -q 'determined only in combination' || fail "constraints: the ABCD flat direction is not named"
"$HF" constraints -q --json "$WS" | tr -d '\n\t ' >"$tmp/con.json"
grep -q '"fit":{[^}]*"flat_directions":\[{"parameters":\[[^]]*"eff_A"' "$tmp/con.json" ||
    fail "constraints --json: no flat direction with eff_A in the fit block"

# 3. forced failure: one iteration per stage
"$HF" fit -q --max-iter 1 "$WS" >"$tmp/bad.txt"; rc=$?
[ $rc -eq 1 ] || fail "fit --max-iter 1: exit $rc, expected 1"
head -1 "$tmp/bad.txt" | grep -q '^fit FAILED: .*stage' || fail "fit --max-iter 1: $(head -1 "$tmp/bad.txt")"
grep -q 'stage reached: random-restart' "$tmp/bad.txt" || fail "fit --max-iter 1: stage reached not shown"
grep -q '^mu_SR .* n/a ' "$tmp/bad.txt" || fail "fit --max-iter 1: mu_SR's error is not n/a"
awk '/^parameter/ { t = 1; next } t && NF >= 3 && $3 != "n/a" { bad = 1 } END { exit bad }' \
    "$tmp/bad.txt" || fail "fit --max-iter 1: an error that is not n/a"
"$HF" fit -q --max-iter 1 --json "$WS" >"$tmp/bad.json"; rc=$?
[ $rc -eq 1 ] || fail "fit --max-iter 1 --json: exit $rc"
flat=$(tr -d '\n\t' <"$tmp/bad.json")
echo "$flat" | grep -q '"converged":false' || fail "fit --json: converged is not false"
echo "$flat" | grep -q '"error":null' || fail "fit --json: no null error"
echo "$flat" | grep -q '"error":[0-9-]' && fail "fit --json: a numeric error on a failed fit"
echo "$flat" | grep -q '"gradient_max":[0-9]' || fail "fit --json: no gradient_max"
echo "$flat" | grep -q '"stage_reached":"random-restart"' || fail "fit --json: stage_reached"
"$HF" report -q --max-iter 1 "$WS" -o "$tmp/r.pdf" >/dev/null 2>&1; rc=$?
[ $rc -eq 1 ] || fail "report --max-iter 1: exit $rc, expected 1"
[ -s "$tmp/r.pdf" ] || fail "report --max-iter 1: no report written"
if command -v pdftotext >/dev/null 2>&1; then
    pdftotext -f 2 -l 2 "$tmp/r.pdf" "$tmp/r.txt" # page 1: contents
    grep -q 'The fit did not converge' "$tmp/r.txt" || fail "report: the summary does not say the fit failed"
    grep -q 'Uncertainties are not available' "$tmp/r.txt" || fail "report: summary shows uncertainties"
    grep -q 'n/a' "$tmp/r.txt" || fail "report: the POI error is not n/a"
    # the pulls pages and the post-fit halves of the channel pages say it too
    pdftotext "$tmp/r.pdf" "$tmp/all.txt"
    np=$(grep -c 'The fit did not converge: errors are' "$tmp/all.txt")
    [ "$np" -ge 1 ] || fail "report: the pulls pages do not say the errors are not available"
    grep -q 'Fit not converged: no errors shown' "$tmp/all.txt" ||
        fail "report: the post-fit pages do not say their errors are not shown"
fi
"$HF" report -q --max-iter 1 --json "$WS" -o "$tmp/r2.pdf" >"$tmp/r.json" 2>/dev/null
tr -d '\n\t' <"$tmp/r.json" | grep -q '"fit_converged":false' || fail "report --json: fit_converged"
for cmd in constraints gof ranking; do
    "$HF" $cmd -q --max-iter 1 "$WS" >/dev/null 2>&1; rc=$?
    [ $rc -eq 1 ] || fail "$cmd --max-iter 1: exit $rc, expected 1"
done

# the inference commands take the same options: one iteration per stage fails them too
T=$REF/toy_1bin_normsys/workspace.json
for cmd in cls limit significance scan; do
    "$HF" $cmd -q --max-iter 1 "$T" >/dev/null 2>&1; rc=$?
    [ $rc -eq 1 ] || fail "$cmd --max-iter 1: exit $rc, expected 1"
    "$HF" $cmd -q --strategy 2 --tolerance 1e-10 "$T" >/dev/null 2>&1; rc=$?
    [ $rc -eq 0 ] || fail "$cmd --strategy 2 --tolerance 1e-10: exit $rc, expected 0"
done

# 4. usage errors
for bad in "--strategy 3" "--strategy x" "--max-iter 0" "--max-iter 1.5" "--tolerance 0" "--tolerance -1"; do
    "$HF" fit -q $bad "$WS" >/dev/null 2>"$tmp/u.err"; rc=$?
    [ $rc -eq 2 ] || fail "fit $bad: exit $rc, expected 2"
    grep -q '^hfscope: error: --' "$tmp/u.err" || fail "fit $bad: $(cat "$tmp/u.err")"
done
# strategy 0 (Newton only) on this model does not converge within the default iterations
"$HF" fit -q --strategy 0 "$WS" >/dev/null; rc=$?
[ $rc -eq 1 ] || fail "fit --strategy 0: exit $rc, expected 1 (Newton alone stalls here)"

[ $nfail -eq 0 ] && echo "test_fit: all passed"
[ $nfail -eq 0 ]

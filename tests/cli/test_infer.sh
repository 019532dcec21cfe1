#!/bin/sh
# tests/cli/test_infer.sh - cls, limit, significance and scan from the command line: numbers
# against the pyhf reference files (read from reference.json, never copied), --patch, toys that
# do not depend on -j, and the exit codes: 2 for a model without POI or a bad option, 0 otherwise.
cd "$(dirname "$0")/../.." || exit 1
HF=${HF:-build/hfscope}
REF=${HF_REFERENCE_DIR:-tests/reference}
[ -x "$HF" ] || { echo "test_infer: $HF is not built" >&2; exit 1; }
[ -d "$REF" ] || { echo "test_infer: no reference directory $REF" >&2; exit 77; }
. tests/cli/lib.sh

# ref FILE KEY [N]: the N-th (1-based) number after "KEY": in a reference.json (indent=1 format).
ref() {
    tr -d '\n' <"$1" | sed 's/  */ /g' | grep -o "\"$2\": *\[\{0,1\}[^]}]*" | head -1 |
        sed "s/\"$2\": *\[\{0,1\}//" | tr ',' '\n' | sed -n "${3:-1}p" | tr -d ' '
}
# got FILE KEY [N]: the same from our --json output (cJSON layout: "key":<tab>value).
got() {
    tr -d '\n\t' <"$1" | grep -o "\"$2\":\[\{0,1\}[^]},]*\(,[^]},\"]*\)*" | head -1 |
        sed "s/\"$2\":\[\{0,1\}//" | tr ',' '\n' | sed -n "${3:-1}p"
}
# near A B ABS REL: |A - B| <= ABS + REL * |B|
near() { awk -v a="$1" -v b="$2" -v t="$3" -v r="$4" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; exit !(a != "" && b != "" && d <= t + r * m) }'; }

# 1. cls on a reference: observed and expected CLs within 1e-3
c=toy_1bin_normsys
if "$HF" cls --json "$REF/$c/workspace.json" >"$tmp/cls.json" 2>"$tmp/err"; then
    near "$(got "$tmp/cls.json" cls_obs)" "$(ref "$REF/$c/reference.json" CLs_obs)" 1e-3 0 ||
        fail "cls $c: cls_obs $(got "$tmp/cls.json" cls_obs) vs $(ref "$REF/$c/reference.json" CLs_obs)"
    for k in 1 2 3 4 5; do
        near "$(got "$tmp/cls.json" cls_exp $k)" "$(ref "$REF/$c/reference.json" CLs_exp_band $k)" 1e-3 0 ||
            fail "cls $c: cls_exp[$k] $(got "$tmp/cls.json" cls_exp $k)"
    done
    for key in hfscope_version command workspace poi_value test_stat clsb_obs clb_obs; do
        grep -q "\"$key\"" "$tmp/cls.json" || fail "cls --json lacks $key"
    done
else
    fail "cls $c exit $?: $(cat "$tmp/err")"
fi

# 2. cls with --patch (reference patch case) and on the patchset-applied file: the same numbers
c=atlas_1Lbb_simplified
"$HF" cls --json -q "$REF/$c/workspace.json" --patch "$REF/$c/patchset.json" >"$tmp/p1.json" ||
    fail "cls --patch exit $?"
near "$(got "$tmp/p1.json" cls_obs)" "$(ref "$REF/$c/reference.json" CLs_obs)" 1e-3 0 ||
    fail "cls --patch $c: $(got "$tmp/p1.json" cls_obs)"
"$HF" patchset apply "$REF/$c/workspace.json" "$REF/$c/patchset.json" \
    "$(ref "$REF/$c/reference.json" patch_applied | tr -d '"')" -o "$tmp/sig.json" 2>"$tmp/err" ||
    fail "patchset apply exit $?: $(cat "$tmp/err")"
"$HF" cls --json -q "$tmp/sig.json" >"$tmp/p2.json" || fail "cls on applied exit $?"
near "$(got "$tmp/p1.json" cls_obs)" "$(got "$tmp/p2.json" cls_obs)" 1e-9 0 ||
    fail "cls --patch $(got "$tmp/p1.json" cls_obs) != cls on applied $(got "$tmp/p2.json" cls_obs)"

# 3. limit: observed and expected within 1%
c=toy_1bin_shapesys
if "$HF" limit --json "$REF/$c/workspace.json" >"$tmp/lim.json" 2>"$tmp/err"; then
    near "$(got "$tmp/lim.json" obs)" "$(ref "$REF/$c/reference.json" obs)" 0 0.01 ||
        fail "limit $c: obs $(got "$tmp/lim.json" obs) vs $(ref "$REF/$c/reference.json" obs)"
    for k in 1 2 3 4 5; do
        near "$(got "$tmp/lim.json" exp $k)" "$(ref "$REF/$c/reference.json" exp_band $k)" 0 0.01 ||
            fail "limit $c: exp[$k] $(got "$tmp/lim.json" exp $k) vs $(ref "$REF/$c/reference.json" exp_band $k)"
    done
else
    fail "limit $c exit $?: $(cat "$tmp/err")"
fi
# grid mode (each crossing refined inside its grid interval) agrees with root finding within
# 1%, for a fine grid and for coarse ones over the whole POI range
for g in "41 --range 0:6" 20 4; do
    "$HF" limit --json --grid $g "$REF/$c/workspace.json" >"$tmp/grid.json" ||
        fail "limit --grid $g exit $?"
    near "$(got "$tmp/grid.json" obs)" "$(got "$tmp/lim.json" obs)" 0 0.01 ||
        fail "limit --grid $g obs $(got "$tmp/grid.json" obs) vs $(got "$tmp/lim.json" obs)"
    for k in 1 2 3 4 5; do
        near "$(got "$tmp/grid.json" exp $k)" "$(got "$tmp/lim.json" exp $k)" 0 0.01 ||
            fail "limit --grid $g exp[$k] $(got "$tmp/grid.json" exp $k) vs $(got "$tmp/lim.json" exp $k)"
    done
done
# a range holding no limit: exit 1, one error line, JSON with null limits and the reason
lo=$(got "$tmp/lim.json" exp 1)
hi=$(awk -v x="$lo" 'BEGIN { print x / 2 }')
"$HF" limit --json --range "0:$hi" "$REF/$c/workspace.json" >"$tmp/none.json" 2>"$tmp/err"; rc=$?
[ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] ||
    fail "limit --range 0:$hi: exit $rc, stderr '$(cat "$tmp/err")'"
tr -d '\t\n ' <"$tmp/none.json" | grep -q '"obs":null,"exp":\[null,null,null,null,null\]' &&
    grep -q '"error":' "$tmp/none.json" && grep -q '"outside_range":' "$tmp/none.json" ||
    fail "limit --range 0:$hi: JSON '$(cat "$tmp/none.json")'"
# a POI bounded below zero whose yields turn negative there (a background normalisation as POI):
# the search starts at max(lo, 0) and succeeds
c=atlas_compressed_ewkinos_bkgonly
if [ -f "$REF/$c/workspace.json" ]; then
    "$HF" limit --json "$REF/$c/workspace.json" >"$tmp/ew.json" 2>"$tmp/err" ||
        fail "limit $c: exit $?: $(cat "$tmp/err")"
    near "$(got "$tmp/ew.json" range 1)" 0 0 0 || fail "limit $c: range $(got "$tmp/ew.json" range 1)"
    # asked to search where the yields turn negative: exit 1, one line saying which range to use
    "$HF" limit --range -5:5 "$REF/$c/workspace.json" >/dev/null 2>"$tmp/err"; rc=$?
    [ $rc -eq 1 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q -- "--range 0:5" "$tmp/err" ||
        fail "limit $c --range -5:5: exit $rc, stderr '$(cat "$tmp/err")'"
fi

# 4. significance with --patch: Z within 0.01
c=pyhf_example_patchset
if "$HF" significance --json -q "$REF/$c/workspace.json" --patch "$REF/$c/patchset.json" \
    >"$tmp/z.json" 2>"$tmp/err"; then
    near "$(got "$tmp/z.json" z_obs)" "$(ref "$REF/$c/reference.json" Z_obs)" 0.01 0 ||
        fail "significance $c: z_obs $(got "$tmp/z.json" z_obs)"
    near "$(got "$tmp/z.json" z_exp)" "$(ref "$REF/$c/reference.json" Z_exp)" 0.01 0 ||
        fail "significance $c: z_exp $(got "$tmp/z.json" z_exp)"
else
    fail "significance $c exit $?: $(cat "$tmp/err")"
fi

# 5. scan of a constrained nuisance parameter (default range: best fit +- 3 errors): 17 points,
# the 68% interval nested in the 95% one, both closed
c=toy_2bin_2channel_coupledhistosys
if "$HF" scan --json --par coupled_histosys --points 17 "$REF/$c/workspace.json" >"$tmp/scan.json" 2>"$tmp/err"; then
    n=$(grep -c '"delta_twice_nll"' "$tmp/scan.json")
    [ "$n" -eq 17 ] || fail "scan: $n points, expected 17"
    lo68=$(got "$tmp/scan.json" interval_68 1); hi68=$(got "$tmp/scan.json" interval_68 2)
    lo95=$(got "$tmp/scan.json" interval_95 1); hi95=$(got "$tmp/scan.json" interval_95 2)
    awk -v a="$lo95" -v b="$lo68" -v c="$hi68" -v d="$hi95" 'BEGIN { exit !(a < b && b < c && c < d) }' ||
        fail "scan intervals not nested: 95 [$lo95,$hi95] 68 [$lo68,$hi68]"
else
    fail "scan exit $?: $(cat "$tmp/err")"
fi
c=toy_2bin_2channel_coupledshapefactor
"$HF" scan --json --par mu --range 0:3 --points 4 --par2 'coupled_shapefactor[0]' --range2 0.5:1.5 \
    --points2 3 -j 2 "$REF/$c/workspace.json" >"$tmp/scan2.json" 2>"$tmp/err" ||
    fail "2D scan exit $?: $(cat "$tmp/err")"
[ "$(grep -c '"value2"' "$tmp/scan2.json")" -eq 12 ] || fail "2D scan: expected 12 points"

# 6. toys: same seed gives the same numbers for -j 1 and -j 2
c=toy_1bin_shapesys
"$HF" cls --json --toys 200 --seed 3 -j 1 "$REF/$c/workspace.json" >"$tmp/t1.json" 2>/dev/null ||
    fail "cls --toys exit $?"
"$HF" cls --json --toys 200 --seed 3 -j 2 "$REF/$c/workspace.json" >"$tmp/t2.json" 2>/dev/null ||
    fail "cls --toys -j 2 exit $?"
cmp -s "$tmp/t1.json" "$tmp/t2.json" || fail "toys differ between -j 1 and -j 2"
# the Monte Carlo error is there and is the binomial one; an expected CLs the toys cannot resolve
# is null with a note, never 0
e=$(got "$tmp/t1.json" clsb_obs_err); p=$(got "$tmp/t1.json" clsb_obs)
near "$e" "$(awk -v p="$p" 'BEGIN { printf "%.12g", sqrt(p * (1 - p) / 200) }')" 0 1e-6 ||
    fail "cls --toys: clsb_obs_err '$e' for clsb_obs $p"
grep -q '"cls_obs_err":' "$tmp/t1.json" && grep -q '"cls_exp_err":' "$tmp/t1.json" ||
    fail "cls --toys --json lacks the Monte Carlo errors"
"$HF" cls --json --toys 100 --poi-value 5 "$REF/$c/workspace.json" >"$tmp/t3.json" 2>/dev/null ||
    fail "cls --toys --poi-value 5 exit $?"
tr -d '\t\n ' <"$tmp/t3.json" | grep -o '"cls_exp":\[[^]]*' | grep -q '[[,]0[],]' &&
    fail "cls --toys: expected CLs printed as 0: $(cat "$tmp/t3.json")"
if tr -d '\t\n ' <"$tmp/t3.json" | grep -q '"cls_exp":\[null'; then
    grep -q '"note":' "$tmp/t3.json" || fail "cls --toys: null band without a note"
else
    fail "cls --toys --poi-value 5: the -2 sigma CLs is resolved with 100 toys? $(cat "$tmp/t3.json")"
fi

# 7. no POI: exit 2, one line naming --poi; --poi picks another parameter
b=$(ls "$REF"/bkgonly/*.json | grep -v reference.json | head -1)
for cmd in cls limit significance; do
    "$HF" $cmd -q "$b" >"$tmp/out" 2>"$tmp/err"; rc=$?
    [ $rc -eq 2 ] || fail "$cmd on a model without POI: exit $rc, expected 2"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q -- "--poi" "$tmp/err" ||
        fail "$cmd without POI: stderr '$(cat "$tmp/err")'"
done
"$HF" scan -q "$b" >/dev/null 2>"$tmp/err"; [ $? -eq 2 ] || fail "scan without POI or --par: exit not 2"

# 8. usage errors: exit 2, one line
c=toy_1bin_normsys
for args in "--poi-value 99" "--test-stat foo" "--poi nosuchpar"; do
    "$HF" cls $args "$REF/$c/workspace.json" >/dev/null 2>"$tmp/err"; rc=$?
    [ $rc -eq 2 ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] || fail "cls $args: exit $rc, stderr $(cat "$tmp/err")"
done
"$HF" limit --cl 1.5 "$REF/$c/workspace.json" >/dev/null 2>&1; [ $? -eq 2 ] || fail "limit --cl 1.5: exit not 2"
"$HF" scan --par nosuch "$REF/$c/workspace.json" >/dev/null 2>&1; [ $? -eq 2 ] || fail "scan --par nosuch: exit not 2"

# 9. a fit that cannot succeed (the background fixed to zero where data are observed): exit 1,
# one error line naming the fit, and with --json a document saying why
c=toy_2bin_2channel_coupledshapefactor
for cmd in cls limit significance; do
    "$HF" $cmd --json -q --fix 'coupled_shapefactor[0]=0' --fix 'coupled_shapefactor[1]=0' \
        "$REF/$c/workspace.json" >"$tmp/out" 2>"$tmp/err"; rc=$?
    [ $rc -eq 1 ] || fail "$cmd with an impossible fit: exit $rc, expected 1"
    [ "$(wc -l <"$tmp/err")" -eq 1 ] && grep -q "did not converge" "$tmp/err" ||
        fail "$cmd with an impossible fit: stderr '$(cat "$tmp/err")'"
    tr -d '\t\n ' <"$tmp/out" | grep -q '"converged":false,"error":' ||
        fail "$cmd with an impossible fit: JSON '$(cat "$tmp/out")'"
done

[ $nfail -eq 0 ] || { echo "test_infer: $nfail failures"; exit 1; }
echo "test_infer: ok"

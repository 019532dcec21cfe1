#!/bin/sh
# tests/render/golden.sh [BIN] - golden tests of the terminal backend: every figure kind of
# `hfscope plot`, the report's pages and the density lab's figures drawn with --cells into a fixed grid (plain text, no colours) for the demo and one
# ATLAS workspace, compared with tests/render/golden/NAME.txt. The files were generated from the
# code before the render layer was restructured, so a change of any drawn cell fails here.
# UPDATE_GOLDEN=1 rewrites the files (review the diff before committing it).
cd "$(dirname "$0")/../.." || exit 1
HF=${1:-${HF:-build/hfscope}}
REF=${HF_REFERENCE_DIR:-tests/reference}
DEMO=assets/demo/demo.json
EWK=$REF/atlas_compressed_ewkinos_bkgonly/workspace.json
GOLD=tests/render/golden
[ -x "$HF" ] || { echo "golden: $HF is not built" >&2; exit 1; }
[ -f "$DEMO" ] && [ -f "$EWK" ] || exit 77
unset NO_COLOR
tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp"' EXIT
nfail=0
# case NAME WORKSPACE ARGS...: one golden file per case (`plot`, or `report` for *report*,
# `density` for density_*: no workspace)
case_() {
    name=$1 ws=$2 cmd=plot
    shift 2
    case $name in *report*) cmd=report ;; density_*) cmd=density ;; esac
    "$HF" $cmd $ws -q "$@" >"$tmp" 2>&1
    echo "exit $?" >>"$tmp"
    if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
        cp "$tmp" "$GOLD/$name.txt"
    elif ! cmp -s "$tmp" "$GOLD/$name.txt"; then
        nfail=$((nfail + 1))
        echo "FAIL golden $name ($*)"
        diff "$GOLD/$name.txt" "$tmp" | head -20
    fi
}
for w in demo ewk; do
    if [ $w = demo ]; then ws=$DEMO np=jet_energy_resolution ch=SR_lowMET
    else ws=$EWK np=EG_Eff ch=SRee_eMLLc_hghmet_cuts; fi
    # every channel of the demo; one of the ATLAS workspace's 50 (its report draws them all)
    all=--all
    [ $w = ewk ] && all="--channel CRtop_MLL_lowmet_cuts"
    case_ ${w}_stack "$ws" --what stack $all --cells 100x30
    case_ ${w}_stack_post_log "$ws" --what stack $all --postfit --logy --lumi '139 fb-1' --cells 100x30
    case_ ${w}_stack_blind "$ws" --what stack --channel $ch --blind --cells 80x24
    export NO_COLOR=1
    case_ ${w}_stack_mono "$ws" --what stack --channel $ch --cells 100x30
    case_ ${w}_stack_mono_ascii "$ws" --what stack --channel $ch --ascii --cells 100x30
    unset NO_COLOR
    case_ ${w}_pulls "$ws" --what pulls --cells 100x30
    case_ ${w}_pulls_sorted "$ws" --what pulls --sort pull --cells 120x40
    case_ ${w}_corr "$ws" --what corr --cells 100x30
    case_ ${w}_corr_big "$ws" --what corr --threshold 0.1 --cells 160x60
    case_ ${w}_scan "$ws" --what scan --points 9 --cells 100x30
    case_ ${w}_brazil "$ws" --what brazil --points 6 --cells 100x30
    case_ ${w}_templates "$ws" --what templates --np $np --channel $ch --cells 100x30
    case_ ${w}_interp "$ws" --what interp --np $np --channel $ch --cells 100x30
    case_ ${w}_stack_small "$ws" --what stack --channel $ch --cells 40x12
    case_ ${w}_report "$ws" --cells 120x40
    case_ ${w}_report_nofit "$ws" --no-fit --logy --blind --cells 100x30
done
# upper limits across signal points (a hand-written file: four points, one failed), bad sizes
case_ demo_limits "$DEMO" --what brazil --limits tests/render/limits.jsonl --cells 100x30
case_ demo_cells_bad "$DEMO" --what stack --cells 5x5
# referee figures: all regions in one figure, a labelled and overlaid signal, a 2-D scan
case_ ewk_summary "$EWK" --what summary --cells 160x50
case_ demo_summary_post "$DEMO" --what summary --postfit --label 'ATLAS Internal' --energy 13 \
    --lumi 139 --cells 140x44
case_ demo_stack_overlay "$DEMO" --what stack --channel SR_highMET --signal overlay \
    --signal-scale 5 --cells 100x30
case_ demo_scan2d "$DEMO" --what scan --par mu_sig --par2 mu_ttbar --points 9 --cells 100x30
# the density lab's figures (small, fixed seed: the numbers are the same on every run)
SMALL="--truth camelback --n 50 --bins 10 --reps 20 --draws 10:1e3 --seed 7"
case_ density_camelback "" $SMALL --cells 100x30
case_ density_ascii "" $SMALL --truth falling --cells 80x24 --ascii
if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
    echo "golden: files rewritten in $GOLD"
    exit 0
fi
[ $nfail -eq 0 ] || { echo "golden: $nfail failed"; exit 1; }
echo "golden: all passed"

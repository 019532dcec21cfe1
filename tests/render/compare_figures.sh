#!/bin/sh
# tests/render/compare_figures.sh OLD_BIN NEW_BIN - before/after check of the Cairo backend for a
# refactoring: writes every `plot --what` figure and the density lab's (PNG and SVG) and the
# report (PDF, rasterised with pdftoppm) for the demo and one ATLAS workspace with both binaries
# and compares them byte by byte. Not part of `make check` (two binaries needed); prints "same" or the files that differ.
cd "$(dirname "$0")/../.." || exit 1
OLD=$1 NEW=$2
[ -x "$OLD" ] && [ -x "$NEW" ] || { echo "usage: $0 OLD_BIN NEW_BIN" >&2; exit 2; }
REF=${HF_REFERENCE_DIR:-tests/reference}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
figures() { # BIN OUT
    for w in demo ewk; do
        if [ $w = demo ]; then ws=assets/demo/demo.json np=jet_energy_resolution ch=SR_lowMET
        else ws=$REF/atlas_compressed_ewkinos_bkgonly/workspace.json np=EG_Eff ch=SRee_eMLLc_hghmet_cuts; fi
        for fmt in png svg; do
            o=$2/$w/$fmt
            "$1" plot "$ws" -q --format $fmt --dpi 60 -o $o/a --what stack
            "$1" plot "$ws" -q --format $fmt --dpi 60 -o $o/b --what stack --postfit --logy --lumi '139 fb-1'
            "$1" plot "$ws" -q --format $fmt --dpi 60 -o $o/c --what stack --channel $ch --blind --size single
            "$1" plot "$ws" -q --format $fmt --dpi 60 -o $o/d --what pulls
            "$1" plot "$ws" -q --format $fmt --dpi 60 -o $o/e --what corr
            "$1" plot "$ws" -q --format $fmt --dpi 60 -o $o/f --what scan --points 9
            "$1" plot "$ws" -q --format $fmt --dpi 60 -o $o/g --what brazil --points 6
            "$1" plot "$ws" -q --format $fmt --dpi 60 -o $o/h --what templates --np $np
            "$1" plot "$ws" -q --format $fmt --dpi 60 -o $o/i --what interp --np $np --channel $ch
            "$1" plot "$ws" -q --format $fmt --dpi 60 -o $o/j --what brazil \
                --limits tests/render/limits.jsonl
        done
        "$1" report "$ws" -q -o $2/$w/report.pdf --table $2/$w/yields.md
        "$1" report "$ws" -q -o $2/$w/report_nofit.pdf --no-fit --logy --blind
        for r in report report_nofit; do
            pdftoppm -r 40 -png $2/$w/$r.pdf $2/$w/${r}_page && rm $2/$w/$r.pdf
        done
    done
    mkdir -p $2/density
    for fmt in png svg; do
        "$1" density -q --truth camelback --n 50 --bins 10 --reps 20 --draws 10:1e3 --seed 7 \
            --format $fmt -o $2/density/$fmt >/dev/null
    done
}
figures "$OLD" "$tmp/old" 2>"$tmp/old.err"
figures "$NEW" "$tmp/new" 2>"$tmp/new.err"
cmp -s "$tmp/old.err" "$tmp/new.err" || { echo "stderr differs:"; diff "$tmp/old.err" "$tmp/new.err" | head; }
n=$(cd "$tmp/old" && find . -type f | wc -l)
if diff -r "$tmp/old" "$tmp/new" >"$tmp/diff" 2>&1; then
    echo "same: $n files"
else
    echo "DIFFERENT ($n files):"; head -30 "$tmp/diff"; exit 1
fi

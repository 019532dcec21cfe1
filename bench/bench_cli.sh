#!/bin/sh
# bench/bench_cli.sh BIN - whole-command timings (figures/s, report time, TUI, density, patchsets).
# Each section prints "name: value unit"; sections are appended by the module that owns them.
BIN=${1:-build/hfscope}
now_ms() { date +%s%N | cut -b1-13; }
# A section that fails prints "NAME: failed" and makes the script exit 1 at the end.
nfailed=0
failed() { echo "$1: failed${2:+: $2}"; nfailed=$((nfailed + 1)); }
# synth_ws: a synthetic 500-channel workspace on stdout (4 bins, 3 samples, lumi, staterror,
# normsys; POI mu), for the TUI, figure and report sections.
synth_ws() {
    awk 'BEGIN {
        nc = 500; nb = 4
        printf "{\"version\": \"1.0.0\", \"channels\": ["
        for (c = 0; c < nc; c++) {
            printf "%s{\"name\": \"SR_%03d\", \"samples\": [", c ? "," : "", c
            printf "{\"name\": \"bkg\", \"data\": ["
            for (b = 0; b < nb; b++) printf "%s%g", b ? "," : "", 50 + 10 * b + c % 7
            printf "], \"modifiers\": [{\"name\": \"lumi\", \"type\": \"lumi\", \"data\": null},"
            printf "{\"name\": \"staterror_SR_%03d\", \"type\": \"staterror\", \"data\": [", c
            for (b = 0; b < nb; b++) printf "%s%g", b ? "," : "", 2 + b
            printf "]}, {\"name\": \"sys_%d\", \"type\": \"normsys\", \"data\": {\"hi\": 1.05, \"lo\": 0.96}}]},", c % 10
            printf "{\"name\": \"other\", \"data\": ["
            for (b = 0; b < nb; b++) printf "%s%g", b ? "," : "", 20 - 3 * b
            printf "], \"modifiers\": [{\"name\": \"lumi\", \"type\": \"lumi\", \"data\": null},"
            printf "{\"name\": \"sys_%d\", \"type\": \"normsys\", \"data\": {\"hi\": 1.1, \"lo\": 0.92}}]},", (c + 3) % 10
            printf "{\"name\": \"signal\", \"data\": ["
            for (b = 0; b < nb; b++) printf "%s%g", b ? "," : "", 1 + b
            printf "], \"modifiers\": [{\"name\": \"mu\", \"type\": \"normfactor\", \"data\": null}]}]}"
        }
        printf "], \"observations\": ["
        for (c = 0; c < nc; c++) {
            printf "%s{\"name\": \"SR_%03d\", \"data\": [", c ? "," : "", c
            for (b = 0; b < nb; b++) printf "%s%d", b ? "," : "", 72 + 7 * b + c % 11
            printf "]}"
        }
        printf "], \"measurements\": [{\"name\": \"meas\", \"config\": {\"poi\": \"mu\", \"parameters\": ["
        printf "{\"name\": \"lumi\", \"auxdata\": [1.0], \"sigmas\": [0.02], \"bounds\": [[0.9, 1.1]], \"inits\": [1.0]}]}}]}\n"
    }'
}

# tui: a synthetic workspace of 500 channels (4 bins, 3 samples, 10 shared normsys, lumi, per-bin
# staterror: about 2000 parameters). `HFSCOPE_BENCH=1 hfscope tui WS` (hidden) draws into
# /dev/null at 120x40 and times start to the first full screen (target < 300 ms) and the redraw
# after a channel change and after a slider step (targets < 16 ms each, mean over 200 keys).
TUI_WS=$(mktemp /tmp/hfscope_bench_tui.XXXXXX)
synth_ws >"$TUI_WS"
t0=$(now_ms)
if out=$(HFSCOPE_BENCH=1 "$BIN" tui -q "$TUI_WS" 2>&1); then
    t1=$(now_ms)
    printf '%s\n' "$out"
    echo "tui_bench_wall_500ch: $(( t1 - t0 )) ms (process: load, first screen, 400 redraws, exit)"
else
    failed tui_bench "$out"
fi
rm -f "$TUI_WS"

# inference: one asymptotic hypothesis test (POI = 1, with the expected band) per reference
# workspace, time of the test alone (`cls -v`, loading excluded as in pyhf's timing), median of 3,
# and the ratio to pyhf's stored hypotest_mu1_s (reference.json timings; target >= 100x, and
# < 50 ms for the largest). Then `patchset run` points/s with -j 2 on a 64-point grid.
REF=${HF_REFERENCE_DIR:-tests/reference}
ref_num() { tr -d '\n' <"$1" | sed 's/  */ /g' | grep -o "\"$2\": *[-0-9.eE+]*" | head -1 | sed "s/\"$2\": *//"; }
for dir in "$REF"/*/; do
    c=$(basename "$dir")
    [ -f "$dir/workspace.json" ] && [ -f "$dir/reference.json" ] || continue
    pyhf_s=$(ref_num "$dir/reference.json" hypotest_mu1_s)
    [ -n "$pyhf_s" ] || continue
    set -- "$dir/workspace.json"
    [ -f "$dir/patchset.json" ] && set -- "$@" --patch "$dir/patchset.json"
    ts=""
    for rep in 1 2 3; do
        s=$("$BIN" cls --json -v -q "$@" 2>/dev/null | tr -d '\t ' | grep '"seconds"' | cut -d: -f2)
        ts="$ts $s"
    done
    med=$(echo $ts | tr ' ' '\n' | sort -g | sed -n 2p)
    if [ -n "$med" ]; then
        awk -v c="$c" -v s="$med" -v p="$pyhf_s" 'BEGIN {
            printf "hypotest_%s: %.2f ms (pyhf %.1f ms, %.0fx faster)\n", c, 1e3 * s, 1e3 * p, p / s }'
    else
        failed "hypotest_$c"
    fi
done
PS_DIR=$(mktemp -d /tmp/hfscope_bench_ps.XXXXXX)
DIGEST=$(tr -d ' \n' <"$REF/pyhf_example_patchset/patchset.json" | grep -o '"sha256":"[0-9a-f]*"' | cut -d'"' -f4)
{
    printf '{"metadata":{"description":"bench grid","digests":{"sha256":"%s"},"labels":["k"],' "$DIGEST"
    printf '"references":{}},"version":"1.0.0","patches":['
    k=1
    while [ $k -le 100 ]; do
        [ $k -gt 1 ] && printf ','
        printf '{"metadata":{"name":"p%d","values":[%d]},"patch":[{"op":"replace",' $k $k
        printf '"path":"/channels/0/samples/0/data","value":[%d.5,%d.25]}]}' $((10 + k)) $((5 + k))
        k=$((k + 1))
    done
    printf ']}\n'
} >"$PS_DIR/grid.json"
for what in cls limit; do
    t0=$(now_ms)
    if "$BIN" patchset run -q "$REF/pyhf_example_patchset/workspace.json" "$PS_DIR/grid.json" \
        --what $what -j 2 -o "$PS_DIR/$what.jsonl"; then
        t1=$(now_ms)
        awk -v n=100 -v ms=$((t1 - t0)) -v w=$what 'BEGIN {
            printf "patchset_run_%s_j2: %.1f points/s (100 points, %d ms)\n", w, 1e3 * n / (ms > 0 ? ms : 1), ms }'
    else
        failed "patchset_run_${what}_j2"
    fi
done
rm -rf "$PS_DIR"

# systematics (issue 7): ranking of the largest reference workspace with -j 2 (all constrained
# parameters, pre- and post-fit impacts: 4 refits each; target < 10 s) and the constraint analysis
# (Fisher shares at the best fit; target < 100 ms) on it and on the demo: the analysis alone
# (`constraints -v --json` "seconds") and the whole command (load + fit + analysis), median of 3.
EWK="$REF/atlas_compressed_ewkinos_bkgonly/workspace.json"
if [ -f "$EWK" ]; then
    t0=$(now_ms)
    if "$BIN" ranking -q -j 2 --json "$EWK" >/dev/null; then
        echo "ranking_ewkinos_j2: $(( $(now_ms) - t0 )) ms"
    else
        failed ranking_ewkinos_j2
    fi
fi
for ws in "$EWK" assets/demo/demo.json; do
    [ -f "$ws" ] || continue
    ts="" as=""
    for rep in 1 2 3; do
        t0=$(now_ms)
        a=$("$BIN" constraints -q -v --json "$ws" | tr -d '\t ' | grep '"analysis"' | cut -d: -f2)
        ts="$ts $(( $(now_ms) - t0 ))"
        as="$as ${a:-nan}"
    done
    med=$(echo $ts | tr ' ' '\n' | sort -g | sed -n 2p)
    amed=$(echo $as | tr ' ' '\n' | sort -g | sed -n 2p)
    name=$(basename "$(dirname "$ws")")
    awk -v n="$name" -v a="$amed" -v w="$med" 'BEGIN {
        printf "constraints_%s: %.3f ms analysis, %d ms whole command (median of 3)\n", n, 1e3 * a, w }'
done

# density: the full default experiment (camelback, n = 100, 20 bins, R = 200, M = 10 ... 1e6
# sampled event by event, bandwidth and binning scans) on 2 threads; target < 5 s.
t0=$(now_ms)
if "$BIN" density --truth camelback --n 100 --bins 20 --reps 200 --draws 10:1e6 -j 2 >/dev/null; then
    echo "density_default_R200_M1e6_j2: $(( $(now_ms) - t0 )) ms"
else
    failed density_default_R200_M1e6_j2
fi
t0=$(now_ms)
if "$BIN" density --truth camelback --reps 200 --draws 10:1e6 --sampling multinomial -j 2 >/dev/null; then
    echo "density_default_multinomial_j2: $(( $(now_ms) - t0 )) ms"
else
    failed density_default_multinomial_j2
fi
# density, part two: the default experiment with B = 50 bootstrap KDEs per repetition (plain and
# debiased bands) and the cost axis; and a generated template written into the demo workspace
# (n = its effective MC events, M = 100 n, B = 50, both fits).
t0=$(now_ms)
if "$BIN" density --truth camelback --reps 200 --draws 10:1e6 --bootstrap 50 --cost-sim 1e-2 \
    --cost-gen 1e-5 --cost-train 0.5 -j 2 >/dev/null; then
    echo "density_bootstrap50_cost_R200_j2: $(( $(now_ms) - t0 )) ms"
else
    failed density_bootstrap50_cost_R200_j2
fi
GEN_DIR=$(mktemp -d /tmp/hfscope_bench_gen.XXXXXX)
t0=$(now_ms)
if "$BIN" density -q --to-workspace assets/demo/demo.json --channel SR_lowMET --sample ttbar \
    -o "$GEN_DIR/gen.json" >/dev/null; then
    echo "density_to_workspace_demo: $(( $(now_ms) - t0 )) ms"
else
    failed density_to_workspace_demo
fi
rm -rf "$GEN_DIR"

# figures (issue 5): a synthetic workspace of 500 channels (4 bins, 3 samples, lumi, 10 shared
# normsys, per-bin staterror: about 2000 parameters). Single-channel pre-fit stack PNGs at 100 DPI
# via `plot --all` (one load, 500 figures; target >= 50 figures/s), and the whole `report` (fit,
# summary, 500 channel pages, pulls, correlations, yield tables; target < 20 s) with the time of
# the same report without the fit (--no-fit), so drawing and fitting can be told apart.
FIG_DIR=$(mktemp -d /tmp/hfscope_bench_fig.XXXXXX)
synth_ws >"$FIG_DIR/ws.json"
t0=$(now_ms)
if "$BIN" plot -q "$FIG_DIR/ws.json" --what stack --all --format png --dpi 100 -o "$FIG_DIR/png"; then
    ms=$(( $(now_ms) - t0 ))
    n=$(ls "$FIG_DIR/png" | wc -l)
    awk -v n="$n" -v ms="$ms" 'BEGIN {
        printf "figures_png_100dpi: %.0f figures/s (%d single-channel stacks in %d ms, load included)\n",
            1e3 * n / (ms > 0 ? ms : 1), n, ms }'
else
    failed figures_png_100dpi
fi
t0=$(now_ms)
if "$BIN" report -q "$FIG_DIR/ws.json" -o "$FIG_DIR/report.pdf"; then
    echo "report_500ch: $(( $(now_ms) - t0 )) ms ($(pdfinfo "$FIG_DIR/report.pdf" 2>/dev/null | awk '/^Pages:/ {print $2}') pages)"
else
    failed report_500ch
fi
t0=$(now_ms)
if "$BIN" report -q --no-fit "$FIG_DIR/ws.json" -o "$FIG_DIR/prefit.pdf"; then
    echo "report_500ch_nofit: $(( $(now_ms) - t0 )) ms (drawing and writing only)"
else
    failed report_500ch_nofit
fi
rm -rf "$FIG_DIR"

# fits, whole process (load included), median of 3, beside pyhf's stored timings (scipy fit,
# hypotest): targets compressed ewkinos fit <= 20 ms and cls <= 60 ms, 3L resonance fit
# <= 100 ms; the RJR SR2L-low ABCD model needs the trust-region stage.
whole_ms() {
    ts=""
    for rep in 1 2 3; do
        t0=$(now_ms)
        "$BIN" "$@" >/dev/null 2>&1 || { echo fail; return; }
        ts="$ts $(( $(now_ms) - t0 ))"
    done
    echo $ts | tr ' ' '\n' | sort -g | sed -n 2p
}
# bkg_fit_s FILE: pyhf's fit_seconds of one case of bkgonly/reference.json
bkg_fit_s() {
    tr -d '\n' <"$REF/bkgonly/reference.json" | sed 's/  */ /g' | sed "s/.*\"$1\"//" |
        grep -o '"fit_seconds": *[-0-9.eE+]*' | head -1 | sed 's/.*: *//'
}
# cpu_ms COMMAND...: the process's CPU time (perf task-clock), median of 3; empty without perf.
# On a machine shared with other jobs wall times stretch, CPU time much less.
cpu_ms() {
    command -v perf >/dev/null 2>&1 || return 0
    ts=""
    for rep in 1 2 3; do
        t=$(perf stat -x, -e task-clock "$BIN" "$@" 2>&1 >/dev/null | grep task-clock | cut -d, -f1)
        ts="$ts $t"
    done
    echo $ts | tr ' ' '\n' | sort -g | sed -n 2p
}
fit_line() { # NAME TARGET_MS PYHF_S COMMAND...
    name=$1 target=$2 py=$3
    shift 3
    ms=$(whole_ms "$@")
    if [ "$ms" = fail ] || [ -z "$ms" ]; then
        failed "$name"
        return
    fi
    cpu=$(cpu_ms "$@")
    awk -v n="$name" -v ms="$ms" -v t="$target" -v p="$py" -v cpu="$cpu" 'BEGIN {
        printf "%s: %d ms whole process", n, ms
        if (cpu != "") printf " (CPU %.1f ms)", cpu
        if (t != "-") printf " (target <= %s ms)", t
        if (p != "") printf ", pyhf %.1f s (%.0fx)", p, 1e3 * p / (ms > 0 ? ms : 1)
        printf "\n" }'
}
if [ -f "$EWK" ]; then
    fit_line fit_ewkinos 20 "$(ref_num "$REF/atlas_compressed_ewkinos_bkgonly/reference.json" mle_fit_scipy_s)" \
        fit -q "$EWK"
    fit_line cls_ewkinos 60 "$(ref_num "$REF/atlas_compressed_ewkinos_bkgonly/reference.json" hypotest_mu1_s)" \
        cls -q "$EWK"
fi
for f in atlas_susy_3Lresonance_2020_bkg.json:100 atlas_susy_2Ljets_2022_rjr_sr2l_low_bkg.json:-; do
    ws=${f%%:*}
    [ -f "$REF/bkgonly/$ws" ] || continue
    fit_line "fit_${ws%_bkg.json}" "${f##*:}" "$(bkg_fit_s "$ws")" fit -q "$REF/bkgonly/$ws"
done

# batch (issue 18): `patchset run` points per second with -j 2 for --what cls and --what limit
# over a 100-point grid of a published model: the ATLAS sbottom Region A background-only
# workspace (tests/reference/atlas_sbottom_SRA_full) and its signal patch, the signal yields
# scaled by 0.3, 0.33, ..., 3.27 (100 points, values [msb, mn2, mn1] made distinct). Beside it,
# pyhf's published cost: about 1672 s for the 125 points of the 1Lbb analysis on one CPU core
# (Heinrich et al., pyhf JOSS 2021 / the pyhf paper's ATLAS 1Lbb timing), i.e. 0.075 points/s.
SB=$REF/atlas_sbottom_SRA_full
if [ -f "$SB/patchset.json" ]; then
    SB_DIR=$(mktemp -d /tmp/hfscope_bench_batch.XXXXXX)
    tr -d '\n' <"$SB/patchset.json" | sed 's/  */ /g' | awk '
    {
        i = index($0, "\"patch\": ["); rest = substr($0, i + 10)
        depth = 1; for (k = 1; k <= length(rest) && depth > 0; k++) {
            c = substr(rest, k, 1); if (c == "[") depth++; else if (c == "]") depth--
        }
        ops = substr(rest, 1, k - 2)
        d = index($0, "\"digests\""); dig = substr($0, d); sub(/}.*/, "}", dig)
        printf "{\"metadata\": {\"description\": \"sbottom SRA, scaled signal\", %s, ", dig
        printf "\"labels\": [\"msb\", \"mn2\", \"mn1\"], \"references\": {}}, \"version\": \"1.0.0\", \"patches\": ["
        for (p = 0; p < 100; p++) {
            f = 0.3 + 0.03 * p; out = ""; s = ops
            while (match(s, /"data": \[[^]]*\]/)) {
                out = out substr(s, 1, RSTART - 1); arr = substr(s, RSTART + 9, RLENGTH - 10)
                n = split(arr, v, ","); t = ""
                for (j = 1; j <= n; j++) t = t (j > 1 ? ", " : "") sprintf("%.8g", v[j] * f)
                out = out "\"data\": [" t "]"; s = substr(s, RSTART + RLENGTH)
            }
            out = out s
            printf "%s{\"metadata\": {\"name\": \"sbottom_%d_%d_60\", \"values\": [%d, %d, 60]}, \"patch\": [%s]}",
                p ? ", " : "", 1000 + 50 * (p % 10), 500 + 50 * int(p / 10), 1000 + 50 * (p % 10), 500 + 50 * int(p / 10), out
        }
        print "]}"
    }' >"$SB_DIR/grid.json"
    for what in cls limit; do
        t0=$(now_ms)
        if "$BIN" patchset run -q "$SB/workspace.json" "$SB_DIR/grid.json" --what $what -j 2 \
            -o "$SB_DIR/$what.jsonl"; then
            t1=$(now_ms)
            n=$(grep -c '"patch"' "$SB_DIR/$what.jsonl")
            awk -v n="$n" -v ms=$((t1 - t0)) -v w=$what 'BEGIN {
                r = 1e3 * n / (ms > 0 ? ms : 1)
                printf "batch_sbottom_%s_j2: %.1f points/s (%d points of sbottom SRA, %d ms; pyhf published: 125 1Lbb points in about 1672 s on one core = %.3f points/s)\n", w, r, n, ms, 125 / 1672 }'
        else
            failed "batch_sbottom_${what}_j2"
        fi
    done
    rm -rf "$SB_DIR"
fi

# referee figures (issue 14): `plot --all` of the 50 one-bin channels of
# atlas_compressed_ewkinos_bkgonly at the default 150 DPI (target >= 50 PNG/s; PNGs are written
# by render/cairo.c with zlib level 1 and the Sub filter), the all-regions summary figure, and
# the blinded report of the sbottom signal point.
EWK_FIG=$REF/atlas_compressed_ewkinos_bkgonly/workspace.json
if [ -f "$EWK_FIG" ]; then
    FD=$(mktemp -d /tmp/hfscope_bench_ref.XXXXXX)
    t0=$(now_ms)
    if "$BIN" plot -q "$EWK_FIG" --what stack --all --format png -o "$FD/png"; then
        ms=$(( $(now_ms) - t0 ))
        n=$(ls "$FD/png" | wc -l)
        awk -v n="$n" -v ms="$ms" 'BEGIN {
            printf "figures_png_ewkinos_150dpi: %.0f PNG/s (%d stacks in %d ms, load included)\n",
                1e3 * n / (ms > 0 ? ms : 1), n, ms }'
    else
        failed figures_png_ewkinos_150dpi
    fi
    t0=$(now_ms)
    if "$BIN" plot -q "$EWK_FIG" --what summary --format png -o "$FD/sum"; then
        echo "summary_png_ewkinos: $(( $(now_ms) - t0 )) ms (50 regions, load included)"
    else
        failed summary_png_ewkinos
    fi
    SBW=$REF/atlas_sbottom_SRA_full
    t0=$(now_ms)
    if "$BIN" report -q --blind --patch "$SBW/patchset.json:sbottom_1300_850_60" \
        "$SBW/workspace.json" -o "$FD/blind.pdf"; then
        echo "report_blinded_sbottom: $(( $(now_ms) - t0 )) ms (background-only fit included)"
    else
        failed report_blinded_sbottom
    fi
    rm -rf "$FD"
fi

[ $nfailed -eq 0 ] || echo "bench_cli: $nfailed section(s) failed"
[ $nfailed -eq 0 ]

# tests/slurm/grid.sh - hf_grid DIGEST NX NY: print a patchset of NX*NY signal points (labels m1,
# m2; m1 = 100, 200, ..., m2 = 0, 50, ...) for the pyhf example workspace
# (tests/reference/pyhf_example_patchset/workspace.json, whose digest is DIGEST). The signal
# falls smoothly with both masses, so CLs at mu = 1 crosses 0.05 inside the grid.
# hf_example_digest REF: the sha256 digest of REF/pyhf_example_patchset/workspace.json, as its
# published patchset records it.
hf_example_digest() {
    tr -d ' \n' <"$1/pyhf_example_patchset/patchset.json" | grep -o '"sha256":"[0-9a-f]*"' |
        cut -d'"' -f4
}

hf_grid() {
    awk -v d="$1" -v nx="$2" -v ny="$3" 'BEGIN {
        printf "{\"metadata\":{\"description\":\"generated grid\",\"digests\":{\"sha256\":\"%s\"},", d
        printf "\"labels\":[\"m1\",\"m2\"],\"references\":{}},\"version\":\"1.0.0\",\"patches\":["
        n = 0
        for (i = 0; i < nx; i++) for (j = 0; j < ny; j++) {
            m1 = 100 + 100 * i; m2 = 50 * j
            s1 = 80 * exp(-(m1 - 100) / 400) * exp(-m2 / 600); s2 = 0.5 * s1
            printf "%s{\"metadata\":{\"name\":\"sig_%d_%d\",\"values\":[%d,%d]},\"patch\":[", n++ ? "," : "", m1, m2, m1, m2
            printf "{\"op\":\"replace\",\"path\":\"/channels/0/samples/0/data\",\"value\":[%.6f,%.6f]}]}", s1, s2
        }
        printf "]}\n"
    }'
}

# hf_circle_grid NX NY PATCHSET RESULTS: a patchset (labels m1, m2; m1 = 100, 200, ...,
# m2 = 0, 50, ...) and `patchset run`-style results with CLs = exp(-r^2), r = hypot((m1 - 100) /
# 500, m2 / 250), so the observed CLs = 0.05 boundary is the ellipse r = sqrt(ln 20) (expected:
# the same with r scaled by 0.9, 1 and 1.1 for -1, 0, +1 sigma); the patches only test a path.
hf_circle_grid() {
    awk -v nx="$1" -v ny="$2" -v ps="$3" -v res="$4" 'BEGIN {
        printf "{\"metadata\":{\"description\":\"circle grid\",\"labels\":[\"m1\",\"m2\"],\"references\":{}},\"version\":\"1.0.0\",\"patches\":[" >ps
        n = 0
        for (i = 0; i < nx; i++) for (j = 0; j < ny; j++) {
            m1 = 100 + 100 * i; m2 = 50 * j
            r2 = ((m1 - 100) / 500) ^ 2 + (m2 / 250) ^ 2
            printf "%s{\"metadata\":{\"name\":\"p_%d_%d\",\"values\":[%d,%d]},\"patch\":[{\"op\":\"test\",\"path\":\"/version\",\"value\":\"1.0.0\"}]}", n++ ? "," : "", m1, m2, m1, m2 >ps
            printf "{\"patch\":\"p_%d_%d\",\"values\":[%d,%d],\"poi\":\"mu\",\"test_stat\":\"qtilde\",\"poi_value\":1,\"cls_obs\":%.12g,\"cls_exp\":[%.12g,%.12g,%.12g,%.12g,%.12g]}\n", m1, m2, m1, m2, exp(-r2), exp(-r2 / 0.64), exp(-r2 / 0.81), exp(-r2), exp(-r2 / 1.21), exp(-r2 / 1.44) >res
        }
        printf "]}\n" >ps
    }'
}

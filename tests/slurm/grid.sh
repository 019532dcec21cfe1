# tests/slurm/grid.sh - hf_grid DIGEST NX NY: print a patchset of NX*NY signal points (labels m1,
# m2; m1 = 100, 200, ..., m2 = 0, 50, ...) for the pyhf example workspace
# (tests/reference/pyhf_example_patchset/workspace.json, whose digest is DIGEST). The signal
# falls smoothly with both masses, so CLs at mu = 1 crosses 0.05 inside the grid.
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

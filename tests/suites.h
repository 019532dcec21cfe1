/* tests/suites.h - every Check suite, one line each: SUITE(fn) where `Suite *fn(void)`
 * is defined in tests/check_<module>.c. */
SUITE(linalg_suite)
SUITE(interp_suite)
SUITE(workspace_suite)
SUITE(reference_suite)
SUITE(infer_suite)
SUITE(density_suite)
SUITE(density_boot_suite)
SUITE(patch_suite)
SUITE(syst_suite)
SUITE(diag_suite)
SUITE(cells_suite)
SUITE(render_suite)

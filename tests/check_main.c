/* tests/check_main.c - the one Check runner: every suite listed in tests/suites.h. */
#include <check.h>
#include <gsl/gsl_errno.h>
#include <stdlib.h>

#define SUITE(fn) Suite *fn(void);
#include "tests/suites.h"
#undef SUITE

int
main(void)
{
    gsl_set_error_handler_off();
    SRunner *sr = srunner_create(NULL);
#define SUITE(fn) srunner_add_suite(sr, fn());
#include "tests/suites.h"
#undef SUITE
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* tests/check_workspace.c - loader details the bad-input corpus does not cover: JSON syntax
 * positions, pointer escaping, warnings for negative nominal yields, the missing-POI warning. */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "core/json/jsonptr.h"
#include "core/model/model.h"

static const char *good =
    "{\"channels\":[{\"name\":\"a/b~c\",\"samples\":[{\"name\":\"s\",\"data\":[5,-0.1],"
    "\"modifiers\":[{\"name\":\"mu\",\"type\":\"normfactor\",\"data\":null}]}]}],"
    "\"observations\":[{\"name\":\"a/b~c\",\"data\":[4,1]}],"
    "\"measurements\":[{\"name\":\"m\",\"config\":{\"poi\":\"nope\",\"parameters\":[]}}],"
    "\"version\":\"1.0.0\"}";

START_TEST(test_pointer_escape)
{
    char *e = hf_jsonptr_escape("a/b~c");
    ck_assert_str_eq(e, "a~1b~0c");
    free(e);
}
END_TEST

START_TEST(test_warnings_and_missing_poi)
{
    hf_error err = {0};
    hf_workspace *ws = hf_workspace_from_json(cJSON_Parse(good), "mem.json", &err);
    ck_assert_ptr_nonnull(ws);
    ck_assert_uint_eq(ws->nwarn, 1);
    ck_assert_ptr_nonnull(strstr(ws->warn[0], "/channels/0/samples/0/data/1"));
    hf_model *m = hf_model_compile(ws, NULL, &err);
    ck_assert_ptr_nonnull(m);
    ck_assert_int_eq(m->poi, -1);
    ck_assert_ptr_nonnull(strstr(m->warning, "nope"));
    ck_assert_int_eq(hf_model_set_poi(m, "mu", &err), 0);
    ck_assert_int_eq(m->poi, 0);
    hf_model_free(m);
    hf_workspace_free(ws);
}
END_TEST

START_TEST(test_bad_pointer_escaped)
{
    /* a bad observation count inside a channel whose name needs escaping */
    char *bad = strdup(good);
    char *p = strstr(bad, "[4,1]");
    p[3] = '-'; /* the array now reads [4,-] : make it [4,-1] by shifting the tail */
    char *fixed = malloc(strlen(bad) + 2);
    size_t head = (size_t)(p - bad) + 4;
    memcpy(fixed, bad, head);
    strcpy(fixed + head, "1");
    strcat(fixed, strstr(good, "[4,1]") + 4);
    free(bad);
    bad = fixed;
    hf_error err = {0};
    cJSON *doc = cJSON_Parse(bad);
    ck_assert_ptr_nonnull(doc);
    hf_workspace *ws = hf_workspace_from_json(doc, "mem.json", &err);
    ck_assert_ptr_null(ws);
    ck_assert_int_eq(err.code, HF_ESCHEMA);
    ck_assert_str_eq(err.where, "/observations/0/data/1");
    hf_error_release(&err);
    free(bad);
}
END_TEST

Suite *workspace_suite(void);

Suite *
workspace_suite(void)
{
    Suite *s = suite_create("workspace");
    TCase *tc = tcase_create("load");
    tcase_add_test(tc, test_pointer_escape);
    tcase_add_test(tc, test_warnings_and_missing_poi);
    tcase_add_test(tc, test_bad_pointer_escaped);
    suite_add_tcase(s, tc);
    return s;
}

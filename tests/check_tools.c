/* tests/check_tools.c - core/json/wsedit (pyhf's workspace edits) and core/diag/lint: number
 * tokens kept, Python's json.dumps(indent=4, sort_keys=True) layout, stable sorts, pyhf's join
 * names and errors, and the printed reference workspaces keeping pyhf's digests. */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/diag/lint.h"
#include "core/json/digest.h"
#include "core/json/wsedit.h"
#include "core/model/workspace.h"
#include "tests/test_util.h"

Suite *tools_suite(void);

static cJSON *
parse(const char *text)
{
    hf_error err = {0};
    cJSON *doc = hf_wsedit_parse(text, strlen(text), &err);
    ck_assert_msg(doc != NULL, "parse: %s", hf_error_msg(&err));
    return doc;
}

START_TEST(test_numbers_kept_and_layout)
{
    cJSON *doc = parse("{\"b\": [1, 1.0, -0, 1e5, 2.50], \"a\": {}, \"c\": [], "
                       "\"s\": \"\\u00e9\\ud83d\\ude00\\n\\u007f\\\"\"}");
    char *out = hf_wsedit_print(doc);
    /* what Python's json.dumps(json.loads(text), indent=4, sort_keys=True) writes, except that
     * numbers keep their text (Python would print 0, 100000.0 and 2.5) */
    const char *want = "{\n"
                       "    \"a\": {},\n"
                       "    \"b\": [\n"
                       "        1,\n"
                       "        1.0,\n"
                       "        -0,\n"
                       "        1e5,\n"
                       "        2.50\n"
                       "    ],\n"
                       "    \"c\": [],\n"
                       "    \"s\": \"\\u00e9\\ud83d\\ude00\\n\\u007f\\\"\"\n"
                       "}\n";
    ck_assert_str_eq(out, want);
    free(out);
    cJSON_Delete(doc);
}
END_TEST

START_TEST(test_syntax_error_position)
{
    hf_error err = {0};
    cJSON *doc = hf_wsedit_parse("{\n  \"a\": [1,\n  }", 16, &err);
    ck_assert_ptr_null(doc);
    ck_assert_int_eq(err.code, HF_EJSON);
    ck_assert_int_eq(err.line, 3);
    hf_error_release(&err);
}
END_TEST

START_TEST(test_equal_python_semantics)
{
    cJSON *a = parse("{\"a\": 1, \"b\": [1, 2, {\"x\": null}]}");
    cJSON *b = parse("{\"b\": [1.0, 2, {\"x\": null}], \"a\": 1.00}");
    cJSON *c = parse("{\"b\": [1.0, 2, {\"x\": false}], \"a\": 1}");
    ck_assert(hf_wsedit_equal(a, b));
    ck_assert(!hf_wsedit_equal(a, c));
    cJSON_Delete(a);
    cJSON_Delete(b);
    cJSON_Delete(c);
}
END_TEST

START_TEST(test_join_names)
{
    hf_wsedit_join j;
    ck_assert_int_eq(hf_wsedit_join_parse("left outer", &j), 0);
    ck_assert_int_eq(j, HF_JOIN_LEFT_OUTER);
    ck_assert_int_eq(hf_wsedit_join_parse("right_outer", &j), 0);
    ck_assert_int_eq(j, HF_JOIN_RIGHT_OUTER);
    ck_assert_int_eq(hf_wsedit_join_parse("none", &j), 0);
    ck_assert_int_eq(j, HF_JOIN_NONE);
    ck_assert_int_eq(hf_wsedit_join_parse("inner", &j), -1);
    ck_assert_int_eq(hf_wsedit_join_parse("left", &j), -1);
    ck_assert_str_eq(hf_wsedit_join_name(HF_JOIN_OUTER), "outer");
}
END_TEST

static const char small[] =
    "{\"channels\": [{\"name\": \"B\", \"samples\": [{\"name\": \"s\", \"data\": [1], "
    "\"modifiers\": [{\"name\": \"m\", \"type\": \"normsys\", \"data\": {\"hi\": 1.1, \"lo\": "
    "0.9}, \"tag\": 1}, {\"name\": \"m\", \"type\": \"histosys\", \"data\": {\"hi_data\": [2], "
    "\"lo_data\": [0.5]}}, {\"name\": \"a\", \"type\": \"lumi\", \"data\": null}]}]}, "
    "{\"name\": \"A\", \"samples\": [{\"name\": \"s\", \"data\": [1], \"modifiers\": [], "
    "\"extra\": 3}]}], \"observations\": [{\"name\": \"B\", \"data\": [1]}, {\"name\": \"A\", "
    "\"data\": [2]}], \"measurements\": [{\"name\": \"m1\", \"config\": {\"poi\": \"m\", "
    "\"parameters\": [{\"name\": \"m\", \"bounds\": [[0, 5]]}]}}], \"version\": \"1.0.0\", "
    "\"metadata\": {}}";

START_TEST(test_sort_order)
{
    cJSON *doc = parse(small);
    hf_error err = {0};
    ck_assert_int_eq(hf_wsedit_sort(doc, &err), 0);
    cJSON *ch = cJSON_GetObjectItem(doc, "channels");
    ck_assert_str_eq(cJSON_GetArrayItem(ch, 0)->child->valuestring, "A");
    cJSON *mods = tu_get(doc, "channels/1/samples/0/modifiers");
    /* by (name, type): a/lumi, m/histosys, m/normsys */
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(mods, 0), "name")->valuestring, "a");
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(mods, 1), "type")->valuestring,
                     "histosys");
    ck_assert_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(mods, 2), "type")->valuestring,
                     "normsys");
    /* relinked list stays a valid cJSON list: the head's prev is the tail */
    ck_assert_ptr_eq(mods->child->prev, cJSON_GetArrayItem(mods, 2));
    ck_assert_str_eq(tu_get(doc, "observations/0/name")->valuestring, "A");
    cJSON_Delete(doc);
}
END_TEST

START_TEST(test_prune_rename_rules)
{
    cJSON *doc = parse(small);
    hf_error err = {0};
    const char *from[] = {"m"}, *to[] = {"mu"};
    hf_wsedit_ops ops = {.rename_modifiers = {1, from, to}};
    cJSON *r = hf_wsedit_prune_rename(doc, &ops, &err);
    ck_assert_ptr_nonnull(r);
    /* pyhf's new spec: only channels, measurements, observations, version; samples only name,
     * data, modifiers; modifiers and parameter configs keep their keys */
    ck_assert_ptr_null(cJSON_GetObjectItem(r, "metadata"));
    ck_assert_ptr_null(tu_get(r, "channels/1/samples/0/extra"));
    ck_assert_ptr_nonnull(tu_get(r, "channels/0/samples/0/modifiers/0/tag"));
    ck_assert_str_eq(tu_get(r, "channels/0/samples/0/modifiers/1/name")->valuestring, "mu");
    ck_assert_str_eq(tu_get(r, "measurements/0/config/poi")->valuestring, "mu");
    ck_assert_str_eq(tu_get(r, "measurements/0/config/parameters/0/name")->valuestring, "mu");
    cJSON_Delete(r);

    const char *types[] = {"normsys"};
    hf_wsedit_ops p = {.prune_types = {1, types, NULL}};
    r = hf_wsedit_prune_rename(doc, &p, &err);
    ck_assert_int_eq(cJSON_GetArraySize(tu_get(r, "channels/0/samples/0/modifiers")), 2);
    cJSON_Delete(r);

    const char *bad[] = {"nope"};
    hf_wsedit_ops q = {.prune_samples = {1, bad, NULL}};
    ck_assert_ptr_null(hf_wsedit_prune_rename(doc, &q, &err));
    ck_assert_int_eq(err.code, HF_EUSAGE);
    ck_assert_str_eq(err.where, "/channels");
    ck_assert_ptr_nonnull(strstr(err.msg, "'nope' is not one of the samples in this workspace"));
    hf_error_release(&err);
    cJSON_Delete(doc);
}
END_TEST

START_TEST(test_combine_errors)
{
    cJSON *a = parse(small);
    cJSON *b = parse(small);
    hf_error err = {0};
    ck_assert_ptr_null(hf_wsedit_combine(a, b, HF_JOIN_NONE, false, &err));
    ck_assert_ptr_nonnull(strstr(err.msg, "channels in common with the same name: 'B', 'A'"));
    hf_error_release(&err);
    cJSON *c = hf_wsedit_combine(a, b, HF_JOIN_OUTER, false, &err);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(c, "channels")), 2);
    ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(c, "measurements")), 1);
    cJSON_Delete(c);
    cJSON_ReplaceItemInObject(b, "version", cJSON_CreateString("1.0.1"));
    ck_assert_ptr_null(hf_wsedit_combine(a, b, HF_JOIN_OUTER, false, &err));
    ck_assert_str_eq(err.where, "/version");
    hf_error_release(&err);
    cJSON_Delete(a);
    cJSON_Delete(b);
}
END_TEST

/* Printing a parsed reference workspace changes neither its content nor its number tokens:
 * the printed text has the file's digest, which is pyhf's (reference.json). */
START_TEST(test_reference_digests_survive_printing)
{
    static const char *const cases[] = {"toy_1bin_normsys", "toy_2bin_2channel_coupledhistosys",
                                        "atlas_1Lbb_CRs_bkgonly", "atlas_sbottom_SRA_full"};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *ws = tu_refpath(cases[i], "workspace.json");
        char *ref = tu_refpath(cases[i], "reference.json");
        cJSON *r = tu_load_json(ref);
        const cJSON *want = tu_get(r, "workspace/bkgonly_digest_sha256");
        ck_assert_ptr_nonnull(want);
        FILE *f = fopen(ws, "rb");
        ck_assert_ptr_nonnull(f);
        (void)fseek(f, 0, SEEK_END);
        long n = ftell(f);
        rewind(f);
        char *text = malloc((size_t)n + 1);
        ck_assert_int_eq(fread(text, 1, (size_t)n, f), (size_t)n);
        (void)fclose(f);
        hf_error err = {0};
        cJSON *doc = hf_wsedit_parse(text, (size_t)n, &err);
        ck_assert_ptr_nonnull(doc);
        char *out = hf_wsedit_print(doc), hex[65];
        ck_assert_int_eq(hf_digest_sha256_text(out, strlen(out), cases[i], hex, &err), 0);
        ck_assert_str_eq(hex, want->valuestring);
        free(out);
        free(text);
        cJSON_Delete(doc);
        cJSON_Delete(r);
        free(ws);
        free(ref);
    }
}
END_TEST

START_TEST(test_lint_clean_toy)
{
    char *path = tu_refpath("toy_1bin_normsys", "workspace.json");
    hf_error err = {0};
    hf_workspace *ws = hf_workspace_load(path, &err);
    ck_assert_ptr_nonnull(ws);
    hf_lint l;
    ck_assert_int_eq(hf_lint_run(ws, NULL, &l, &err), 0);
    ck_assert_int_eq((int)l.n, 0);
    ck_assert_int_eq(hf_lint_worst(&l), -1);
    hf_lint_release(&l);
    hf_lint_options o = {.measurement = "nope"};
    ck_assert_int_eq(hf_lint_run(ws, &o, &l, &err), -1);
    ck_assert_int_eq(err.code, HF_EUSAGE);
    hf_lint_release(&l);
    hf_error_release(&err);
    hf_workspace_free(ws);
    free(path);
}
END_TEST

Suite *
tools_suite(void)
{
    Suite *s = suite_create("tools");
    TCase *tc = tcase_create("wsedit");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_numbers_kept_and_layout);
    tcase_add_test(tc, test_syntax_error_position);
    tcase_add_test(tc, test_equal_python_semantics);
    tcase_add_test(tc, test_join_names);
    tcase_add_test(tc, test_sort_order);
    tcase_add_test(tc, test_prune_rename_rules);
    tcase_add_test(tc, test_combine_errors);
    tcase_add_test(tc, test_reference_digests_survive_printing);
    tcase_add_test(tc, test_lint_clean_toy);
    suite_add_tcase(s, tc);
    return s;
}

/* tests/check_patch.c - RFC 6902 operations (the RFC's own appendix A examples), pyhf patchsets
 * against the reference cases (the patched model gives pyhf's expected data), and the bad-patch
 * corpus in tests/bad_patch/ (one error naming the patch and the operation, with a pointer). */
#include <check.h>
#include <cjson/cJSON.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/json/digest.h"
#include "core/json/jsonpatch.h"
#include "core/json/patchset.h"
#include "core/model/model.h"
#include "core/model/workspace.h"
#include "tests/test_util.h"

/* A patch that would nest a workspace deeper than any file cJSON parses (two 900-level values,
 * one added inside the other) stops at that operation; the same nesting built by hand is refused
 * by the loader with the pointer of the first container past HF_JSON_MAX_DEPTH, without
 * recursing. */
START_TEST(test_patch_nests_past_limit)
{
    enum { D = 900 };
    size_t cap = 4 * (size_t)D + 256;
    char *ops = malloc(2 * cap), *path = malloc(2 * (size_t)D + 8),
         *val = malloc(2 * (size_t)D + 8);
    ck_assert(ops != NULL && path != NULL && val != NULL);
    for (int i = 0; i < D; i++) {
        val[i] = '[';
        val[2 * D - 1 - i] = ']';
    }
    val[2 * D] = '\0';
    strcpy(path, "/deep");
    for (int i = 0; i < D - 1; i++)
        memcpy(path + 5 + 2 * i, "/0", 3);
    snprintf(ops, 2 * cap,
             "[{\"op\":\"add\",\"path\":\"/deep\",\"value\":%s},"
             "{\"op\":\"add\",\"path\":\"%s/0\",\"value\":%s}]",
             val, path, val);
    char *wsp = tu_refpath("pyhf_example_patchset", "workspace.json");
    hf_error err = {0};
    cJSON *doc = hf_json_load_file(wsp, &err), *jops = cJSON_Parse(ops);
    ck_assert(doc != NULL && jops != NULL);
    ck_assert_int_eq(hf_jsonpatch_apply(doc, jops, NULL, NULL, &err), -1);
    ck_assert_str_eq(err.where, "/1");
    ck_assert_ptr_nonnull(strstr(err.msg, "deeper than 1000"));
    hf_error_release(&err);
    /* operation 0 was applied: put the second value in by hand */
    cJSON *inner = cJSON_GetObjectItemCaseSensitive(doc, "deep");
    for (int i = 0; i < D - 1; i++)
        inner = inner->child;
    ck_assert(cJSON_IsArray(inner) && inner->child == NULL);
    cJSON_AddItemToArray(inner, cJSON_Duplicate(cJSON_GetArrayItem(jops, 1)->child->next->next, 1));
    ck_assert_ptr_null(hf_workspace_from_json(doc, wsp, &err));
    ck_assert_int_eq(err.code, HF_EJSON);
    ck_assert_ptr_nonnull(strstr(err.msg, "deeper than 1000"));
    /* the root is level 1, /deep level 2: level 1001 is /deep followed by 999 "/0" */
    ck_assert_uint_eq(strlen(err.where), 5 + 2 * 999);
    ck_assert_int_eq(strncmp(err.where, "/deep/0/0", 9), 0);
    hf_error_release(&err);
    cJSON_Delete(jops);
    free(wsp);
    free(ops);
    free(path);
    free(val);
}
END_TEST

/* 30000 patches: every name is found (hashed look-up), and a repeated last name is rejected
 * with the pointer of the repeat and the index of the first use. */
static cJSON *
many_patches(int n, int repeat_last)
{
    cJSON *doc = cJSON_CreateObject(), *patches = cJSON_AddArrayToObject(doc, "patches");
    ck_assert_ptr_nonnull(patches);
    for (int i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof(name), "p%d", repeat_last && i == n - 1 ? 7 : i);
        cJSON *p = cJSON_CreateObject(), *meta = cJSON_AddObjectToObject(p, "metadata");
        cJSON_AddStringToObject(meta, "name", name);
        cJSON_AddItemToObject(meta, "values", cJSON_CreateArray());
        cJSON_AddItemToObject(p, "patch", cJSON_CreateArray());
        cJSON_AddItemToArray(patches, p);
    }
    return doc;
}

START_TEST(test_many_patches)
{
    enum { N = 30000 };
    hf_error err = {0};
    hf_patchset *ps = hf_patchset_from_json(many_patches(N, 0), "many.json", &err);
    ck_assert_msg(ps != NULL, "%s", hf_error_msg(&err));
    ck_assert_uint_eq(ps->npatch, N);
    for (int i = 0; i < N; i++) {
        char name[32];
        snprintf(name, sizeof(name), "p%d", i);
        ck_assert_int_eq(hf_patchset_find(ps, name), i);
    }
    ck_assert_int_eq(hf_patchset_find(ps, "p30000"), -1);
    ck_assert_int_eq(hf_patchset_find(ps, NULL), -1);
    hf_patchset_free(ps);
    ck_assert_ptr_null(hf_patchset_from_json(many_patches(N, 1), "many.json", &err));
    ck_assert_str_eq(err.where, "/patches/29999/metadata/name");
    ck_assert_str_eq(err.msg, "duplicate patch name 'p7' (also /patches/7)");
    hf_error_release(&err);
}
END_TEST

Suite *patch_suite(void);

/* Apply ops (JSON text) to doc (JSON text); compare with want (JSON text) or expect failure
 * (want NULL) and return the error's pointer in *where (caller frees). */
static int
run_ops(const char *doc_text, const char *ops_text, const char *want, char **where)
{
    cJSON *doc = cJSON_Parse(doc_text), *ops = cJSON_Parse(ops_text);
    ck_assert_ptr_nonnull(doc);
    ck_assert_ptr_nonnull(ops);
    hf_error err = {0};
    int rc = hf_jsonpatch_apply(doc, ops, "/p", "t", &err);
    if (want != NULL) {
        ck_assert_msg(rc == 0, "ops %s failed: %s", ops_text, hf_error_msg(&err));
        cJSON *w = cJSON_Parse(want);
        ck_assert_ptr_nonnull(w);
        char *got = cJSON_PrintUnformatted(doc);
        ck_assert_msg(cJSON_Compare(doc, w, 1), "ops %s gave %s, want %s", ops_text, got, want);
        cJSON_free(got);
        cJSON_Delete(w);
    } else {
        ck_assert_int_eq(rc, -1);
        ck_assert_int_eq(err.code, HF_ESCHEMA);
        ck_assert_ptr_nonnull(strstr(err.msg, "patch 't'"));
        if (where != NULL)
            *where = strdup(err.where);
    }
    hf_error_release(&err);
    cJSON_Delete(doc);
    cJSON_Delete(ops);
    return rc;
}

/* RFC 6902 appendix A.1-A.16 (the documents and results as printed in the RFC). */
START_TEST(test_rfc6902_examples)
{
    run_ops("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz\",\"value\":\"qux\"}]",
            "{\"baz\":\"qux\",\"foo\":\"bar\"}", NULL); /* A.1 */
    run_ops("{\"foo\":[\"bar\",\"baz\"]}",
            "[{\"op\":\"add\",\"path\":\"/foo/1\",\"value\":\"qux\"}]",
            "{\"foo\":[\"bar\",\"qux\",\"baz\"]}", NULL); /* A.2 */
    run_ops("{\"baz\":\"qux\",\"foo\":\"bar\"}", "[{\"op\":\"remove\",\"path\":\"/baz\"}]",
            "{\"foo\":\"bar\"}", NULL); /* A.3 */
    run_ops("{\"foo\":[\"bar\",\"qux\",\"baz\"]}", "[{\"op\":\"remove\",\"path\":\"/foo/1\"}]",
            "{\"foo\":[\"bar\",\"baz\"]}", NULL); /* A.4 */
    run_ops("{\"baz\":\"qux\",\"foo\":\"bar\"}",
            "[{\"op\":\"replace\",\"path\":\"/baz\",\"value\":\"boo\"}]",
            "{\"baz\":\"boo\",\"foo\":\"bar\"}", NULL); /* A.5 */
    run_ops("{\"foo\":{\"bar\":\"baz\",\"waldo\":\"fred\"},\"qux\":{\"corge\":\"grault\"}}",
            "[{\"op\":\"move\",\"from\":\"/foo/waldo\",\"path\":\"/qux/thud\"}]",
            "{\"foo\":{\"bar\":\"baz\"},\"qux\":{\"corge\":\"grault\",\"thud\":\"fred\"}}",
            NULL); /* A.6 */
    run_ops("{\"foo\":[\"all\",\"grass\",\"cows\",\"eat\"]}",
            "[{\"op\":\"move\",\"from\":\"/foo/1\",\"path\":\"/foo/3\"}]",
            "{\"foo\":[\"all\",\"cows\",\"eat\",\"grass\"]}", NULL); /* A.7 */
    run_ops("{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}",
            "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"qux\"},"
            "{\"op\":\"test\",\"path\":\"/foo/1\",\"value\":2}]",
            "{\"baz\":\"qux\",\"foo\":[\"a\",2,\"c\"]}", NULL); /* A.8 */
    char *where = NULL;
    run_ops("{\"baz\":\"qux\"}", "[{\"op\":\"test\",\"path\":\"/baz\",\"value\":\"bar\"}]", NULL,
            &where); /* A.9 */
    ck_assert_str_eq(where, "/p/0");
    free(where);
    run_ops("{\"foo\":\"bar\"}",
            "[{\"op\":\"add\",\"path\":\"/child\",\"value\":{\"grandchild\":{}}}]",
            "{\"foo\":\"bar\",\"child\":{\"grandchild\":{}}}", NULL); /* A.10 */
    run_ops("{\"foo\":\"bar\"}", "[{\"op\":\"add\",\"path\":\"/baz/bat\",\"value\":\"qux\"}]", NULL,
            NULL); /* A.12 */
    run_ops("{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":10}]",
            "{\"/\":9,\"~1\":10}", NULL); /* A.14 */
    run_ops("{\"/\":9,\"~1\":10}", "[{\"op\":\"test\",\"path\":\"/~01\",\"value\":\"10\"}]", NULL,
            NULL); /* A.15 */
    run_ops("{\"foo\":[\"bar\"]}",
            "[{\"op\":\"add\",\"path\":\"/foo/-\",\"value\":[\"abc\",\"def\"]}]",
            "{\"foo\":[\"bar\",[\"abc\",\"def\"]]}", NULL); /* A.16 */
    /* copy, whole-document replace, errors carry the operation index */
    run_ops("{\"a\":{\"b\":1}}", "[{\"op\":\"copy\",\"from\":\"/a\",\"path\":\"/c\"}]",
            "{\"a\":{\"b\":1},\"c\":{\"b\":1}}", NULL);
    run_ops("{\"a\":1}", "[{\"op\":\"replace\",\"path\":\"\",\"value\":[1,2]}]", "[1,2]", NULL);
    run_ops("{\"a\":[0]}",
            "[{\"op\":\"add\",\"path\":\"/a/0\",\"value\":1},"
            "{\"op\":\"remove\",\"path\":\"/a/5\"}]",
            NULL, &where);
    ck_assert_str_eq(where, "/p/1");
    free(where);
    run_ops("{\"a\":[0]}", "[{\"op\":\"add\",\"path\":\"/a/01\",\"value\":1}]", NULL, NULL);
    run_ops("{\"a\":{\"b\":1}}", "[{\"op\":\"move\",\"from\":\"/a\",\"path\":\"/a/b/c\"}]", NULL,
            NULL);
}
END_TEST

/* Expected main data of model m at pars, compared with a reference block per channel. */
static void
check_expected(const hf_model *m, cJSON *block, const char *what)
{
    size_t np;
    double *pars = tu_numbers(tu_get(block, "pars"), &np);
    ck_assert_uint_eq(np, m->npar);
    double *nu = malloc(m->nbins * sizeof(double));
    ck_assert_ptr_nonnull(nu);
    ck_assert_int_eq(hf_model_expected(m, pars, nu, NULL), 0);
    cJSON *exp = tu_get(block, "expected_data_main");
    for (size_t c = 0; c < m->nchan; c++) {
        size_t nb;
        double *want = tu_numbers(cJSON_GetObjectItemCaseSensitive(exp, m->chan[c]->name), &nb);
        ck_assert_uint_eq(nb, m->chan_nbins[c]);
        for (size_t b = 0; b < nb; b++) {
            double got = nu[m->chan_off[c] + b];
            ck_assert_msg(fabs(got - want[b]) <= 1e-9 * fmax(1.0, fabs(want[b])),
                          "%s: channel %s bin %zu: %.12g, pyhf %.12g", what, m->chan[c]->name, b,
                          got, want[b]);
        }
        free(want);
    }
    free(nu);
    free(pars);
}

START_TEST(test_reference_patchsets)
{
    static const char *const cases[] = {"pyhf_example_patchset", "atlas_1Lbb_simplified",
                                        "atlas_sbottom_SRA_full"};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *refp = tu_refpath(cases[i], "reference.json");
        char *wsp = tu_refpath(cases[i], "workspace.json");
        char *psp = tu_refpath(cases[i], "patchset.json");
        cJSON *ref = tu_load_json(refp);
        const char *name = tu_get(ref, "workspace/patch_applied")->valuestring;
        hf_error err = {0};
        /* the patchset lists the patch pyhf applied, with its values */
        hf_patchset *ps = hf_patchset_load(psp, &err);
        ck_assert_msg(ps != NULL, "%s: %s", psp, hf_error_msg(&err));
        int k = hf_patchset_find(ps, name);
        ck_assert_int_ge(k, 0);
        size_t nv, nwant;
        double *v = tu_numbers(ps->patch[k].values, &nv);
        double *vw = tu_numbers(tu_get(ref, "workspace/patch_values"), &nwant);
        ck_assert_uint_eq(nv, nwant);
        for (size_t j = 0; j < nv; j++)
            ck_assert_double_eq(v[j], vw[j]);
        free(v);
        free(vw);
        hf_patchset_free(ps);
        /* by name and, as the patchset holds one patch, without a name */
        for (int byname = 1; byname >= 0; byname--) {
            cJSON *doc = hf_json_load_file(wsp, &err);
            ck_assert_ptr_nonnull(doc);
            ck_assert_msg(hf_patchset_apply_named(doc, psp, byname ? name : NULL, &err) == 0,
                          "%s: %s", cases[i], hf_error_msg(&err));
            hf_workspace *ws = hf_workspace_from_json(doc, wsp, &err);
            ck_assert_msg(ws != NULL, "%s: %s", cases[i], hf_error_msg(&err));
            hf_model_options mo = {0};
            mo.measurement = tu_get(ref, "model/measurement")->valuestring;
            mo.poi = tu_get(ref, "model/poi")->valuestring;
            mo.normsys_code = HF_INTERP_CODE4;
            mo.histosys_code = HF_INTERP_CODE4P;
            hf_model *m = hf_model_compile(ws, &mo, &err);
            ck_assert_msg(m != NULL, "%s: %s", cases[i], hf_error_msg(&err));
            ck_assert_uint_eq(m->npar, (size_t)tu_get(ref, "model/npars")->valueint);
            check_expected(m, tu_get(ref, "init"), cases[i]);
            check_expected(m, tu_get(ref, "bestfit"), cases[i]);
            hf_model_free(m);
            hf_workspace_free(ws);
        }
        cJSON_Delete(ref);
        free(refp);
        free(wsp);
        free(psp);
    }
}
END_TEST

/* The bad-patch corpus: each file is applied to the pyhf example workspace. */
static const struct {
    const char *file, *name; /* name NULL: no patch name given */
    const char *where;       /* expected pointer into the patchset */
    const char *msg;         /* expected part of the message */
} bad[] = {
    {"missing_path.json", NULL, "/patches/0/patch/1", "patch 'missing_path': operation 1"},
    {"failing_test.json", NULL, "/patches/0/patch/0", "test failed"},
    {"unknown_op.json", NULL, "/patches/0/patch/2", "unknown op 'frobnicate'"},
    {"no_path.json", NULL, "/patches/0/patch/0", "missing string member 'path'"},
    {"no_value.json", NULL, "/patches/0/patch/0", "missing member 'value'"},
    {"bad_index.json", NULL, "/patches/0/patch/0", "out of range"},
    {"bad_pointer.json", NULL, "/patches/0/patch/0", "not a valid JSON pointer"},
    {"no_patches.json", NULL, "", "missing array 'patches'"},
    {"empty_patches.json", NULL, "/patches", "holds no patches"},
    {"patch_not_array.json", NULL, "/patches/0/patch", "missing array 'patch'"},
    {"no_name.json", NULL, "/patches/0/metadata/name", "'name'"},
    {"duplicate_name.json", "a", "/patches/1/metadata/name", "duplicate patch name 'a'"},
    {"values_labels.json", NULL, "/patches/0/metadata/values", "has 1 values, the patchset has 2"},
    {"two_patches.json", NULL, "/patches", "holds 2 patches"},
    {"two_patches.json", "nope", "/patches", "no patch named 'nope'"},
    {"second_patch_fails.json", "b", "/patches/1/patch/0", "patch 'b': operation 0"},
    {"truncated.json", NULL, "", ""},
    /* an array is a bare RFC 6902 patch: its elements must be operations */
    {"not_object.json", NULL, "/0", "an operation must be an object"},
    {"scalar.json", NULL, "", "must be a JSON object"},
    /* hostile patches (issue 20): a 40-fold doubling stopped by the budget, a chain copied into
     * its own deepest array stopped by the nesting limit (before cJSON_Duplicate recurses), a
     * repeated key inside an operation, and \u0000 inside a path and an op name */
    {"doubling.json", NULL, "/patches/0/patch/", "the patch adds more than"},
    {"deep_chain.json", NULL, "/patches/0/patch/1", "nest deeper than 1000"},
    {"duplicate_key_op.json", NULL, "/patches/0/patch/0/op", "duplicate key 'op'"},
    {"nul_in_path.json", NULL, "", "\\u0000 (NUL) in a string at line 18"},
    {"nul_in_op.json", NULL, "", "\\u0000 (NUL) in a string at line 17"},
};

START_TEST(test_bad_patches)
{
    char *wsp = tu_refpath("pyhf_example_patchset", "workspace.json");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char path[256];
        snprintf(path, sizeof(path), "tests/bad_patch/%s", bad[i].file);
        hf_error err = {0};
        cJSON *doc = hf_json_load_file(wsp, &err);
        ck_assert_ptr_nonnull(doc);
        int rc = hf_patchset_apply_named(doc, path, bad[i].name, &err);
        ck_assert_msg(rc == -1, "%s: applied without error", path);
        ck_assert_msg(err.code == HF_ESCHEMA || err.code == HF_EUSAGE || err.code == HF_EJSON,
                      "%s: code %d", path, err.code);
        /* a pointer ending in '/' is a prefix: the operation index the budget stops at */
        size_t wl = strlen(bad[i].where);
        int prefix = wl > 0 && bad[i].where[wl - 1] == '/';
        const char *got = err.where != NULL ? err.where : "";
        ck_assert_msg(prefix ? strncmp(got, bad[i].where, wl) == 0 : strcmp(got, bad[i].where) == 0,
                      "%s: pointer '%s', want '%s' (%s)", path, err.where, bad[i].where,
                      hf_error_msg(&err));
        ck_assert_msg(strstr(hf_error_msg(&err), bad[i].msg) != NULL, "%s: '%s' lacks '%s'", path,
                      hf_error_msg(&err), bad[i].msg);
        ck_assert_ptr_null(strchr(hf_error_msg(&err), '\n'));
        hf_error_release(&err);
        cJSON_Delete(doc);
    }
    free(wsp);
}
END_TEST

/* A patch that fails half-way leaves the caller to discard doc; a patchset stays reusable, and
 * applying the same patch twice to fresh copies gives identical documents (threads rely on it). */
START_TEST(test_patchset_reuse)
{
    char *wsp = tu_refpath("pyhf_example_patchset", "workspace.json");
    char *psp = tu_refpath("pyhf_example_patchset", "patchset.json");
    hf_error err = {0};
    hf_patchset *ps = hf_patchset_load(psp, &err);
    ck_assert_ptr_nonnull(ps);
    ck_assert_uint_eq(ps->npatch, 1);
    cJSON *a = hf_json_load_file(wsp, &err), *b = cJSON_Duplicate(a, 1);
    cJSON *orig = cJSON_Duplicate(a, 1);
    ck_assert_int_eq(hf_patchset_apply(ps, 0, a, &err), 0);
    ck_assert_int_eq(hf_patchset_apply(ps, 0, b, &err), 0);
    ck_assert(cJSON_Compare(a, b, 1));
    ck_assert(!cJSON_Compare(a, orig, 1));
    cJSON_Delete(a);
    cJSON_Delete(b);
    cJSON_Delete(orig);
    hf_patchset_free(ps);
    free(wsp);
    free(psp);
}
END_TEST

/* pyhf digests: every reference workspace's digest equals the one pyhf stored (reference.json),
 * and the one in its patchset's metadata; text that differs only in layout has the same digest,
 * a changed number (1 vs 1.0 included: pyhf's JSON keeps ints and floats apart) another. */
START_TEST(test_digests)
{
    DIR *d = opendir(tu_refdir());
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    int checked = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *wsp = tu_refpath(e->d_name, "workspace.json");
        char *refp = tu_refpath(e->d_name, "reference.json");
        char *psp = tu_refpath(e->d_name, "patchset.json");
        FILE *f = fopen(wsp, "r");
        if (f != NULL) {
            fclose(f);
            char hex[65];
            hf_error err = {0};
            ck_assert_msg(hf_digest_sha256(wsp, hex, &err) == 0, "%s: %s", wsp, hf_error_msg(&err));
            cJSON *ref = tu_load_json(refp);
            cJSON *want = tu_get(ref, "workspace/bkgonly_digest_sha256");
            ck_assert_ptr_nonnull(want);
            ck_assert_msg(strcmp(hex, want->valuestring) == 0, "%s: digest %s, pyhf %s", e->d_name,
                          hex, want->valuestring);
            cJSON_Delete(ref);
            hf_patchset *ps = hf_patchset_load(psp, &err);
            if (ps != NULL) {
                ck_assert_ptr_nonnull(ps->digest_sha256);
                ck_assert_str_eq(hex, ps->digest_sha256);
                hf_patchset_free(ps);
            }
            hf_error_release(&err);
            checked++;
        }
        free(wsp);
        free(refp);
        free(psp);
    }
    closedir(d);
    ck_assert_int_ge(checked, 5);

    static const char *const same[] = {"{\"b\": [1.0, 2], \"a\": \"\\u00e9\"}",
                                       "{\"a\":\"\xc3\xa9\",\"b\":[1.00,2]}\n",
                                       "  {\"a\": \"\xc3\xa9\" , \"b\" : [ 10e-1 , 2 ] }"};
    static const char *const other[] = {"{\"a\": \"\xc3\xa9\", \"b\": [1, 2]}",
                                        "{\"a\": \"e\", \"b\": [1.0, 2]}"};
    char first[65] = "", hex[65];
    char path[] = "/tmp/hfscope_digest_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    for (size_t i = 0; i < 5; i++) {
        const char *text = i < 3 ? same[i] : other[i - 3];
        FILE *f = fopen(path, "w");
        ck_assert_ptr_nonnull(f);
        fputs(text, f);
        fclose(f);
        hf_error err = {0};
        ck_assert_int_eq(hf_digest_sha256(path, hex, &err), 0);
        if (i == 0)
            memcpy(first, hex, sizeof(hex));
        else if (i < 3)
            ck_assert_msg(strcmp(hex, first) == 0, "layout %zu changed the digest", i);
        else
            ck_assert_msg(strcmp(hex, first) != 0, "content %zu kept the digest", i);
    }
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("{\"a\": [1, 2", f);
    fclose(f);
    hf_error err = {0};
    ck_assert_int_eq(hf_digest_sha256(path, hex, &err), -1);
    ck_assert_int_eq(err.code, HF_EJSON);
    hf_error_release(&err);
    remove(path);
}
END_TEST

Suite *
patch_suite(void)
{
    Suite *s = suite_create("patch");
    TCase *tc = tcase_create("patch");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_rfc6902_examples);
    tcase_add_test(tc, test_reference_patchsets);
    tcase_add_test(tc, test_bad_patches);
    tcase_add_test(tc, test_patchset_reuse);
    tcase_add_test(tc, test_digests);
    tcase_add_test(tc, test_many_patches);
    tcase_add_test(tc, test_patch_nests_past_limit);
    suite_add_tcase(s, tc);
    return s;
}

/* tests/check_workspace.c - loader details the bad-input corpus does not cover: JSON syntax
 * positions, pointer escaping, warnings for negative nominal yields, the missing-POI warning;
 * the complete messages of the corpus (tests/bad/messages.tsv); large inputs with repeated names
 * (rejected in linear time: no timing assertion, they just have to finish under Check's
 * timeout) and nesting past the limit; modifier name ids; large (huge-page) buffers. */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bigmem.h"
#include "core/json/jsonptr.h"
#include "core/model/model.h"
#include "tests/test_util.h"

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

/* The raw-text checks of hf_json_parse: \u0000 inside a string is refused (cJSON would cut the
 * string there) but an escaped backslash before "u0000" is not one; bytes must be UTF-8 (RFC 3629
 * table: overlong forms and surrogates refused); errors carry line and column. */
START_TEST(test_text_checks)
{
    static const struct {
        const char *text, *msg; /* msg NULL: must parse */
        int line, column;
    } cases[] = {
        {"{\"a\": \"x\\\\u0000y\"}", NULL, 0, 0},
        {"{\"a\": \"caf\xc3\xa9 \xf0\x9f\x98\x80\"}", NULL, 0, 0},
        {"{\"a\": \"x\\u0000y\"}", "\\u0000 (NUL) in a string", 1, 9},
        {"{\"a\": \"\\\\\\u0000\"}", "\\u0000 (NUL) in a string", 1, 10},
        {"{\"a\":\n \"\\u0000\"}", "\\u0000 (NUL) in a string", 2, 3},
        {"{\"a\": \"\xff\"}", "malformed UTF-8", 1, 8},
        {"{\"a\": \"\xc0\xaf\"}", "malformed UTF-8", 1, 8},
        {"{\"a\": \"\xed\xa0\x80\"}", "malformed UTF-8", 1, 8},
        {"{\"a\": \"\xf4\x90\x80\x80\"}", "malformed UTF-8", 1, 8},
        {"{\"\xe2\x82\": 1}", "malformed UTF-8", 1, 3},
        /* the fast pass reads eight bytes at a time: problems past a word of clean text, and
         * sequences that straddle two words */
        {"{\"abcdefghijklmnop\": \"q\xc3\xa9r\xe2\x82\xac\xf0\x9f\x98\x80s\"}", NULL, 0, 0},
        {"{\"abcdefghijklmnop\": \"qrstu\xc3\xa9\xc3\"}", "malformed UTF-8", 1, 30},
        {"{\"abcdefghijklmnopqrstuvw\": \"\xf0\x9f\x98\"}", "malformed UTF-8", 1, 30},
        {"{\"abcdefghijklmnop\": \"\\\\\\\\u0000\"}", NULL, 0, 0},
        {"{\"abcdefghijklmnop\": \"\\\\\\\\\\u0000\"}", "\\u0000 (NUL) in a string", 1, 27},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        hf_error err = {0};
        cJSON *doc = hf_json_parse(cases[i].text, strlen(cases[i].text), &err);
        if (cases[i].msg == NULL) {
            ck_assert_msg(doc != NULL, "case %zu: %s", i, hf_error_msg(&err));
            if (i == 0) /* the name keeps all eight characters */
                ck_assert_str_eq(cJSON_GetObjectItem(doc, "a")->valuestring, "x\\u0000y");
        } else {
            ck_assert_msg(doc == NULL, "case %zu parsed", i);
            ck_assert_msg(strstr(hf_error_msg(&err), cases[i].msg) != NULL, "case %zu: '%s'", i,
                          hf_error_msg(&err));
            ck_assert_msg(err.line == cases[i].line && err.column == cases[i].column,
                          "case %zu: line %d column %d", i, err.line, err.column);
        }
        cJSON_Delete(doc);
        hf_error_release(&err);
    }
}
END_TEST

/* Every row of tests/bad/messages.tsv (FILE, POINTER, MESSAGE from the loader that kept its
 * pointer up to date while walking): loading and compiling FILE now gives exactly that pointer,
 * built only for the error, and that message. */
START_TEST(test_bad_corpus_messages)
{
    FILE *f = fopen("tests/bad/messages.tsv", "r");
    ck_assert_msg(f != NULL, "tests/bad/messages.tsv missing");
    char line[4096];
    int rows = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        line[strcspn(line, "\n")] = '\0';
        char *t1 = strchr(line, '\t'), *t2 = t1 != NULL ? strchr(t1 + 1, '\t') : NULL;
        ck_assert_msg(t2 != NULL, "bad row '%s'", line);
        *t1 = *t2 = '\0';
        char path[4200];
        snprintf(path, sizeof(path), "tests/bad/%s", line);
        hf_error err = {0};
        hf_workspace *ws = hf_workspace_load(path, &err);
        hf_model *m = ws != NULL ? hf_model_compile(ws, NULL, &err) : NULL;
        ck_assert_msg(m == NULL, "%s loaded", path);
        ck_assert_msg(strcmp(err.where != NULL ? err.where : "", t1 + 1) == 0,
                      "%s: pointer '%s', expected '%s'", path, err.where, t1 + 1);
        ck_assert_msg(strcmp(hf_error_msg(&err), t2 + 1) == 0, "%s: message '%s', expected '%s'",
                      path, hf_error_msg(&err), t2 + 1);
        hf_workspace_free(ws);
        hf_error_release(&err);
        rows++;
    }
    fclose(f);
    ck_assert_int_ge(rows, 60);
}
END_TEST

/* A growing text buffer for the large inputs. */
typedef struct tbuf {
    char *p;
    size_t n, cap;
} tbuf;

static void
tb_printf(tbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    while (b->n + (size_t)k + 1 > b->cap) {
        b->cap = b->cap ? 2 * b->cap : 1 << 16;
        b->p = realloc(b->p, b->cap);
        ck_assert_ptr_nonnull(b->p);
    }
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)k + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
}

enum { BIG = 100000 };

/* A workspace of nchan one-bin channels (observations in reverse order), each with nsamp
 * samples of nmod normsys modifiers, and a measurement with npar configs; `extra` is appended
 * to the top-level object. Names repeat where the dup_* flags say (at the end of the list). */
typedef struct bigspec {
    int nchan, nsamp, nmod, npar;
    int dup_chan, dup_samp, dup_mod, dup_par;
} bigspec;

static char *
big_workspace(const bigspec *sp, const char *extra)
{
    tbuf b = {0};
    tb_printf(&b, "{\"version\":\"1.0.0\",\"channels\":[");
    for (int c = 0; c < sp->nchan; c++) {
        int cn = sp->dup_chan && c == sp->nchan - 1 ? 0 : c;
        tb_printf(&b, "%s{\"name\":\"c%d\",\"samples\":[", c ? "," : "", cn);
        for (int s = 0; s < sp->nsamp; s++) {
            int sn = sp->dup_samp && s == sp->nsamp - 1 ? 1 : s;
            tb_printf(&b, "%s{\"name\":\"s%d\",\"data\":[%d],\"modifiers\":[", s ? "," : "", sn,
                      10 + c % 7);
            for (int k = 0; k < sp->nmod; k++) {
                int kn = sp->dup_mod && k == sp->nmod - 1 ? 2 : k;
                tb_printf(&b,
                          "%s{\"name\":\"n%d\",\"type\":\"normsys\",\"data\":"
                          "{\"hi\":1.1,\"lo\":0.9}}",
                          k ? "," : "", kn);
            }
            tb_printf(&b, "]}");
        }
        tb_printf(&b, "]}");
    }
    tb_printf(&b, "],\"observations\":[");
    for (int c = sp->nchan - 1; c >= 0; c--)
        tb_printf(&b, "{\"name\":\"c%d\",\"data\":[%d]}%s", c, c, c ? "," : "");
    tb_printf(&b, "],\"measurements\":[{\"name\":\"m\",\"config\":{\"poi\":\"n0\","
                  "\"parameters\":[");
    for (int q = 0; q < sp->npar; q++) {
        int qn = sp->dup_par && q == sp->npar - 1 ? 3 : q;
        tb_printf(&b, "%s{\"name\":\"p%d\",\"inits\":[0]}", q ? "," : "", qn);
    }
    tb_printf(&b, "]}}]%s}", extra != NULL ? extra : "");
    return b.p;
}

/* Load text; returns the workspace or NULL with err filled. */
static hf_workspace *
load_text(const char *text, hf_error *err)
{
    cJSON *doc = cJSON_Parse(text);
    ck_assert_ptr_nonnull(doc);
    return hf_workspace_from_json(doc, "big.json", err);
}

static void
expect_load_error(const bigspec *sp, const char *extra, hf_status code, const char *where,
                  const char *msg)
{
    char *text = big_workspace(sp, extra);
    hf_error err = {0};
    hf_workspace *ws = load_text(text, &err);
    ck_assert_ptr_null(ws);
    ck_assert_int_eq(err.code, code);
    ck_assert_str_eq(err.where, where);
    ck_assert_str_eq(err.msg, msg);
    hf_error_release(&err);
    free(text);
}

/* 1e5 channels, observations in reverse order: every observation finds its channel. */
START_TEST(test_many_channels_load)
{
    bigspec sp = {.nchan = BIG, .nsamp = 1, .nmod = 1, .npar = 1};
    char *text = big_workspace(&sp, NULL);
    hf_error err = {0};
    hf_workspace *ws = load_text(text, &err);
    ck_assert_msg(ws != NULL, "%s: %s", err.where, hf_error_msg(&err));
    ck_assert_uint_eq(ws->nchan, BIG);
    for (size_t c = 0; c < ws->nchan; c++) {
        ck_assert_double_eq(ws->chan[c].obs[0], (double)c);
        ck_assert_uint_eq(ws->chan[c].obs_jindex, BIG - 1 - c);
    }
    hf_model *m = hf_model_compile(ws, NULL, &err);
    ck_assert_msg(m != NULL, "%s", hf_error_msg(&err));
    ck_assert_uint_eq(m->nbins, BIG);
    hf_model_free(m);
    hf_workspace_free(ws);
    free(text);
}
END_TEST

START_TEST(test_many_names_repeated)
{
    bigspec sp = {.nchan = BIG, .nsamp = 1, .nmod = 1, .npar = 1, .dup_chan = 1};
    expect_load_error(&sp, NULL, HF_ESCHEMA, "/channels/99999/name", "duplicate channel name 'c0'");
    sp = (bigspec){.nchan = 1, .nsamp = BIG, .nmod = 1, .npar = 1, .dup_samp = 1};
    expect_load_error(&sp, NULL, HF_ESCHEMA, "/channels/0/samples/99999/name",
                      "duplicate sample name 's1' in channel 'c0'");
    sp = (bigspec){.nchan = 1, .nsamp = 1, .nmod = BIG, .npar = 1, .dup_mod = 1};
    expect_load_error(&sp, NULL, HF_ESCHEMA, "/channels/0/samples/0/modifiers/99999",
                      "duplicate normsys modifier 'n2' in one sample");
    sp = (bigspec){.nchan = 1, .nsamp = 1, .nmod = 1, .npar = BIG, .dup_par = 1};
    expect_load_error(&sp, NULL, HF_ESCHEMA, "/measurements/0/config/parameters/99999/name",
                      "duplicate configuration for parameter 'p3'");
}
END_TEST

/* One object of 1e5 keys with the last repeating an earlier one. */
START_TEST(test_many_keys_repeated)
{
    tbuf b = {0};
    tb_printf(&b, ",\"x\":{");
    for (int k = 0; k < BIG; k++)
        tb_printf(&b, "\"k%d\":%d,", k, k);
    tb_printf(&b, "\"k5\":0}");
    bigspec sp = {.nchan = 1, .nsamp = 1, .nmod = 1, .npar = 1};
    expect_load_error(&sp, b.p, HF_EJSON, "/x/k5", "duplicate key 'k5'");
    free(b.p);
}
END_TEST

/* Nesting beyond HF_JSON_MAX_DEPTH (built with cJSON's API, as a patch could, since cJSON's
 * parser stops at its own limit): a clean error at the first container too deep, no recursion.
 */
START_TEST(test_nesting_limit)
{
    bigspec sp = {.nchan = 1, .nsamp = 1, .nmod = 1, .npar = 1};
    char *text = big_workspace(&sp, NULL);
    cJSON *doc = cJSON_Parse(text);
    ck_assert_ptr_nonnull(doc);
    cJSON *top = cJSON_CreateArray(), *cur = top;
    for (int d = 0; d < 50000; d++) {
        cJSON *a = cJSON_CreateArray();
        ck_assert_ptr_nonnull(a);
        cJSON_AddItemToArray(cur, a);
        cur = a;
    }
    cJSON_AddItemToObject(doc, "deep", top);
    hf_error err = {0};
    ck_assert_ptr_null(hf_workspace_from_json(doc, "deep.json", &err));
    ck_assert_int_eq(err.code, HF_EJSON);
    /* the root is level 1 and /deep level 2, so the container at level 1001 is /deep + 999 /0 */
    char *want = malloc(6 + 2 * 999);
    strcpy(want, "/deep");
    for (int d = 0; d < 999; d++)
        strcat(want, "/0");
    ck_assert_str_eq(err.where, want);
    ck_assert_ptr_nonnull(strstr(err.msg, "deeper than 1000"));
    hf_error_release(&err);
    free(want);
    free(text);
}
END_TEST

/* Every modifier's name id against the names themselves (a quadratic comparison): equal ids for
 * equal names only, dense from 0 in order of first use, and nmodnames distinct names. */
START_TEST(test_modifier_name_ids)
{
    char *path = tu_refpath("atlas_1Lbb_CRs_bkgonly", "workspace.json");
    hf_error err = {0};
    hf_workspace *ws = hf_workspace_load(path, &err);
    ck_assert_msg(ws != NULL, "%s", hf_error_msg(&err));
    size_t n = 0;
    for (size_t c = 0; c < ws->nchan; c++)
        for (size_t s = 0; s < ws->chan[c].nsamples; s++)
            n += ws->chan[c].sample[s].nmod;
    const hf_ws_modifier **all = malloc(n * sizeof(*all));
    ck_assert_ptr_nonnull(all);
    size_t k = 0, distinct = 0;
    for (size_t c = 0; c < ws->nchan; c++)
        for (size_t s = 0; s < ws->chan[c].nsamples; s++)
            for (size_t j = 0; j < ws->chan[c].sample[s].nmod; j++)
                all[k++] = &ws->chan[c].sample[s].mod[j];
    for (size_t i = 0; i < n; i++) {
        size_t first = i;
        for (size_t j = 0; j < i && first == i; j++)
            if (strcmp(all[j]->name, all[i]->name) == 0)
                first = j;
        if (first == i) /* a new name takes the next id */
            ck_assert_uint_eq(all[i]->name_id, distinct++);
        else
            ck_assert_uint_eq(all[i]->name_id, all[first]->name_id);
    }
    ck_assert_uint_gt(distinct, 10);
    ck_assert_uint_eq(ws->nmodnames, distinct);
    free(all);
    hf_workspace_free(ws);
    free(path);
}
END_TEST

/* Large buffers: at least the size asked for, all of it writable, freed with the size returned. */
START_TEST(test_bigmem)
{
    static const size_t sizes[] = {1, 4096, (size_t)1 << 20, ((size_t)3 << 20) + 17};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        size_t n = sizes[i];
        unsigned char *p = hf_bigmem_alloc(&n);
        ck_assert_ptr_nonnull(p);
        ck_assert_uint_ge(n, sizes[i]);
        memset(p, 0xA5, n);
        ck_assert_uint_eq(p[0], 0xA5);
        ck_assert_uint_eq(p[n - 1], 0xA5);
        hf_bigmem_free(p, n);
    }
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
    tcase_add_test(tc, test_bad_corpus_messages);
    tcase_add_test(tc, test_text_checks);
    tcase_add_test(tc, test_modifier_name_ids);
    tcase_add_test(tc, test_bigmem);
    suite_add_tcase(s, tc);
    TCase *big = tcase_create("large");
    tcase_add_test(big, test_many_channels_load);
    tcase_add_test(big, test_many_names_repeated);
    tcase_add_test(big, test_many_keys_repeated);
    tcase_add_test(big, test_nesting_limit);
    suite_add_tcase(s, big);
    return s;
}

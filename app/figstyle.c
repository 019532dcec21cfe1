/* app/figstyle.c - figure options shared by `plot` and `report`: experiment label, energy,
 * luminosity, signal drawing, the --style file (per-sample colours) and the --binning sidecar
 * (bin edges and the observable per channel). */
#include "app/figstyle.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "core/model/yields.h"

#define SUP_MINUS_ONE "\xe2\x81\xbb\xc2\xb9" /* ⁻¹ */

/* The whole file as a string (caller frees); NULL after printing the error. */
static char *
slurp(const char *opt, const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;

    if (!f) {
        hf_cli_error("%s %s: %s", opt, path, strerror(errno));
        return NULL;
    }
    for (;;) {
        if (n + 4096 + 1 > cap) {
            char *nb = realloc(buf, cap = 2 * cap + 8192);
            if (!nb) {
                free(buf);
                (void)fclose(f);
                hf_cli_nomem();
                return NULL;
            }
            buf = nb;
        }
        size_t r = fread(buf + n, 1, 4096, f);
        n += r;
        if (r < 4096)
            break;
    }
    if (ferror(f)) {
        free(buf);
        (void)fclose(f);
        hf_cli_error("%s %s: cannot read", opt, path);
        return NULL;
    }
    (void)fclose(f); /* read-only stream */
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* Parse path as JSON; NULL after printing "path:LINE:COL: ..." for a syntax error. */
static cJSON *
parse_file(const char *opt, const char *path)
{
    size_t len = 0, i;
    char *buf = slurp(opt, path, &len);
    const char *end = NULL;
    cJSON *root;
    int line = 1, col = 1;

    if (!buf)
        return NULL;
    root = cJSON_ParseWithLengthOpts(buf, len + 1, &end, 1); /* with the NUL */
    if (!root) {
        for (i = 0; end && buf + i < end; i++, col++)
            if (buf[i] == '\n') {
                line++;
                col = 0;
            }
        hf_cli_error("%s:%d:%d: not valid JSON", path, line, col);
    }
    free(buf);
    return root;
}

/* An RFC 6901 token for key: '~' -> "~0", '/' -> "~1" (caller frees). */
static char *
ptr_token(const char *key)
{
    size_t n = strlen(key), i, k = 0;
    char *o = malloc(2 * n + 1);

    if (!o)
        return NULL;
    for (i = 0; i < n; i++) {
        if (key[i] == '~' || key[i] == '/') {
            o[k++] = '~';
            o[k++] = key[i] == '~' ? '0' : '1';
        } else {
            o[k++] = key[i];
        }
    }
    o[k] = '\0';
    return o;
}

/* One error line "path:/key[/sub]: msg" (exit code 2). */
static int
bad(const char *path, const char *key, const char *sub, const char *msg, const char *arg)
{
    char *t = key ? ptr_token(key) : NULL;
    int rc = hf_cli_error("%s:%s%s%s%s: %s%s%s", path, key ? "/" : "", t ? t : "", sub ? "/" : "",
                          sub ? sub : "", msg, arg ? " " : "", arg ? arg : "");

    free(t);
    return rc;
}

static int
style_colors(hf_figstyle *st, const char *path, const cJSON *colors)
{
    const cJSON *it;
    size_t n = (size_t)cJSON_GetArraySize(colors), k = 0;

    if (!cJSON_IsObject(colors))
        return bad(path, "colors", NULL, "expected an object {\"sample\": \"#rrggbb\"}", NULL);
    st->color_name = calloc(n + 1, sizeof *st->color_name);
    st->color = calloc(n + 1, sizeof *st->color);
    if (!st->color_name || !st->color)
        return hf_cli_nomem();
    cJSON_ArrayForEach(it, colors)
    {
        if (!cJSON_IsString(it) || strlen(it->valuestring) != 7 ||
            hf_rgb_parse(it->valuestring, &st->color[k]) < 0) {
            char *t = ptr_token(it->string);
            int rc = bad(path, "colors", t, "expected a colour \"#rrggbb\"", NULL);
            free(t);
            return rc;
        }
        if (!(st->color_name[k] = strdup(it->string)))
            return hf_cli_nomem();
        st->ncolors = ++k;
    }
    return 0;
}

/* A string or number member as text (numbers with %g); NULL when absent; *rc on a bad type. */
static char *
member_text(const char *path, const cJSON *v, const char *key, int *rc)
{
    char buf[64];

    if (!v)
        return NULL;
    if (cJSON_IsString(v))
        return strdup(v->valuestring);
    if (cJSON_IsNumber(v) && isfinite(v->valuedouble)) {
        snprintf(buf, sizeof buf, "%g", v->valuedouble);
        return strdup(buf);
    }
    *rc = bad(path, key, NULL, "expected a string or a number", NULL);
    return NULL;
}

static int
style_member(hf_figstyle *st, const char *path, const cJSON *it)
{
    const char *k = it->string;
    int rc = 0;

    if (strcmp(k, "label") == 0 || strcmp(k, "lumi") == 0 || strcmp(k, "signal") == 0) {
        char *t = member_text(path, it, k, &rc);
        char **dst = k[0] == 'l' && k[1] == 'a' ? &st->label_own
                     : k[0] == 'l'              ? &st->lumi_own
                                                : &st->signal_own;
        if (rc)
            return rc;
        free(*dst);
        *dst = t;
    } else if (strcmp(k, "energy") == 0 || strcmp(k, "signal_scale") == 0) {
        double *dst = k[0] == 'e' ? &st->energy : &st->signal_scale;
        if (!cJSON_IsNumber(it) || !(it->valuedouble > 0) || !isfinite(it->valuedouble))
            return bad(path, k, NULL, "expected a positive number", NULL);
        if (!(*dst > 0)) /* the command line wins */
            *dst = it->valuedouble;
    } else if (strcmp(k, "colors") == 0) {
        return style_colors(st, path, it);
    } else {
        return bad(path, k, NULL, "unknown key (label, energy, lumi, signal, signal_scale, colors)",
                   NULL);
    }
    return 0;
}

static int
load_style(hf_figstyle *st, const char *path)
{
    cJSON *root = parse_file("--style", path), *it;
    int rc = 0;

    if (!root)
        return 2;
    if (!cJSON_IsObject(root))
        rc = hf_cli_error("%s:: expected an object", path);
    cJSON_ArrayForEach(it, root)
    {
        if (rc == 0)
            rc = style_member(st, path, it);
    }
    cJSON_Delete(root);
    if (rc == 0 && !st->label)
        st->label = st->label_own;
    if (rc == 0 && !st->lumi)
        st->lumi = st->lumi_own;
    if (rc == 0 && !st->signal)
        st->signal = st->signal_own;
    return rc;
}

/* One channel's entry of the binning file into b; 0 or the exit code. */
static int
binning_entry(const char *path, const cJSON *e, const hf_model *m, int c, hf_figbins *b)
{
    const cJSON *ed = cJSON_GetObjectItemCaseSensitive(e, "edges");
    const cJSON *lab = cJSON_GetObjectItemCaseSensitive(e, "label");
    const cJSON *unit = cJSON_GetObjectItemCaseSensitive(e, "unit");
    size_t n, i, want = m->chan_nbins[c] + 1;
    char num[64];

    if (!cJSON_IsObject(e))
        return bad(path, e->string, NULL, "expected {\"edges\": [...], \"label\", \"unit\"}", NULL);
    if (!cJSON_IsArray(ed))
        return bad(path, e->string, "edges", "expected an array of numbers", NULL);
    n = (size_t)cJSON_GetArraySize(ed);
    if (n != want) {
        char *t = ptr_token(e->string);
        int rc = hf_cli_error("%s:/%s/edges: channel '%s' has %zu bin%s, so %zu edges; got %zu",
                              path, t ? t : "", e->string, want - 1, want == 2 ? "" : "s", want, n);
        free(t);
        return rc;
    }
    if ((lab && !cJSON_IsString(lab)) || (unit && !cJSON_IsString(unit)))
        return bad(path, e->string, lab && !cJSON_IsString(lab) ? "label" : "unit",
                   "expected a string", NULL);
    b->edges = malloc(n * sizeof *b->edges);
    b->channel = strdup(e->string);
    if (!b->edges || !b->channel)
        return hf_cli_nomem();
    for (i = 0; i < n; i++) {
        const cJSON *x = cJSON_GetArrayItem(ed, (int)i);
        snprintf(num, sizeof num, "edges/%zu", i);
        if (!cJSON_IsNumber(x) || !isfinite(x->valuedouble))
            return bad(path, e->string, num, "expected a number", NULL);
        b->edges[i] = x->valuedouble;
        if (i > 0 && !(b->edges[i] > b->edges[i - 1]))
            return bad(path, e->string, num, "edges must increase", NULL);
    }
    b->nedges = n;
    if (lab || unit) {
        size_t len = (lab ? strlen(lab->valuestring) : 0) + (unit ? strlen(unit->valuestring) : 0);
        if (!(b->xlabel = malloc(len + 8)))
            return hf_cli_nomem();
        snprintf(b->xlabel, len + 8, "%s%s%s%s", lab ? lab->valuestring : "Observable",
                 unit ? " [" : "", unit ? unit->valuestring : "", unit ? "]" : "");
    }
    return 0;
}

static int
load_binning(hf_figstyle *st, const char *path, const hf_model *m)
{
    cJSON *root = parse_file("--binning", path), *it;
    int rc = 0;
    size_t n, unknown = 0;

    if (!root)
        return 2;
    if (!cJSON_IsObject(root)) {
        cJSON_Delete(root);
        return hf_cli_error("%s:: expected an object {\"CHANNEL\": {\"edges\": [...]}}", path);
    }
    n = (size_t)cJSON_GetArraySize(root);
    if (!(st->bins = calloc(n + 1, sizeof *st->bins))) {
        cJSON_Delete(root);
        return hf_cli_nomem();
    }
    cJSON_ArrayForEach(it, root)
    {
        int c = hf_model_find_channel(m, it->string);
        if (rc != 0)
            break;
        if (c < 0) { /* a binning for a whole analysis may name channels this file lacks */
            unknown++;
            continue;
        }
        rc = binning_entry(path, it, m, c, &st->bins[st->nbins]);
        if (st->bins[st->nbins].channel)
            st->nbins++;
    }
    cJSON_Delete(root);
    if (rc == 0 && unknown)
        hf_cli_warn("%s: %zu channel%s not in the workspace, ignored", path, unknown,
                    unknown == 1 ? " is" : "s are");
    return rc;
}

/* "√s = 13 TeV, 139 fb⁻¹" from --energy and --lumi (a number means fb⁻¹; "fb-1" in a text
 * gets its superscript). */
static int
make_lumi_text(hf_figstyle *st)
{
    char *end = NULL, lum[128] = "";
    size_t len;

    if (st->lumi) {
        double v = strtod(st->lumi, &end);
        const char *fb = strstr(st->lumi, "fb-1");
        if (end != st->lumi && *end == '\0' && v > 0)
            snprintf(lum, sizeof lum, "%g fb" SUP_MINUS_ONE, v);
        else if (fb && strlen(st->lumi) < 100)
            snprintf(lum, sizeof lum, "%.*sfb" SUP_MINUS_ONE "%s", (int)(fb - st->lumi), st->lumi,
                     fb + 4);
        else if (strlen(st->lumi) >= 100)
            return hf_cli_error("--lumi: expected a number (fb-1) or a short text");
        else
            snprintf(lum, sizeof lum, "%s", st->lumi);
    }
    if (!(st->energy > 0) && !lum[0])
        return 0;
    len = strlen(lum) + 64;
    if (!(st->lumi_text = malloc(len)))
        return hf_cli_nomem();
    if (st->energy > 0)
        snprintf(st->lumi_text, len, "\xe2\x88\x9as = %g TeV%s%s", st->energy, lum[0] ? ", " : "",
                 lum);
    else
        snprintf(st->lumi_text, len, "%s", lum);
    return 0;
}

int
hf_figstyle_load(hf_figstyle *st, const hf_model *m)
{
    int rc = 0;

    if (st->style_path)
        rc = load_style(st, st->style_path);
    if (rc == 0 && st->binning_path)
        rc = load_binning(st, st->binning_path, m);
    if (rc == 0 && st->signal && strcmp(st->signal, "stack") != 0 &&
        strcmp(st->signal, "overlay") != 0)
        rc = hf_cli_error("--signal: expected stack or overlay, got '%s'", st->signal);
    if (rc == 0 && (st->signal_scale < 0 || !isfinite(st->signal_scale)))
        rc = hf_cli_error("--signal-scale: expected a positive factor");
    if (rc == 0 && (st->energy < 0 || !isfinite(st->energy)))
        rc = hf_cli_error("--energy: expected a positive number of TeV");
    if (rc == 0)
        rc = make_lumi_text(st);
    if (rc == 0 && !isnan(st->poi_value)) {
        if (m->poi < 0)
            rc = hf_cli_error("--poi-value: the model has no POI (use --poi NAME)");
        else if (!(st->poi_value >= m->par[m->poi].lo && st->poi_value <= m->par[m->poi].hi))
            rc = hf_cli_error("--poi-value: %g is outside the bounds of '%s' [%g, %g]",
                              st->poi_value, m->par[m->poi].name, m->par[m->poi].lo,
                              m->par[m->poi].hi);
    }
    return rc;
}

const char *
hf_figstyle_note(hf_figstyle *st, const hf_model *m, bool postfit)
{
    bool blind = hf_figstyle_blinding(st), fixed = postfit && !isnan(st->poi_value) && m->poi >= 0;
    size_t len = 96 + (fixed ? strlen(m->par[m->poi].name) : 0);

    char **note = &st->note[postfit];

    free(*note);
    *note = NULL;
    if (!blind && !fixed)
        return NULL;
    if (!(*note = malloc(len)))
        return NULL;
    if (fixed)
        snprintf(*note, len, "%s%s = %g (fixed)", blind ? "blinded, " : "", m->par[m->poi].name,
                 st->poi_value);
    else
        snprintf(*note, len, "%s", postfit ? "blinded, background-only fit" : "blinded");
    return *note;
}

void
hf_figstyle_stack(const hf_figstyle *st, const hf_model *m, size_t c, hf_stack_options *o)
{
    size_t i;

    o->experiment = st->label && st->label[0] ? st->label : NULL;
    o->lumi_label = st->lumi_text;
    o->auto_logy = !st->linear;
    o->signal =
        st->signal && strcmp(st->signal, "overlay") == 0 ? HF_SIGNAL_OVERLAY : HF_SIGNAL_STACK;
    o->signal_scale = st->signal_scale;
    o->blinded = st->blinded;
    o->edges = NULL;
    o->xlabel = NULL;
    for (i = 0; i < st->nbins; i++)
        if (strcmp(st->bins[i].channel, m->chan[c]->name) == 0) {
            o->edges = st->bins[i].edges;
            o->xlabel = st->bins[i].xlabel;
        }
}

int
hf_figstyle_palette(const hf_figstyle *st, const hf_model *m, hf_palette *pal)
{
    size_t i, k;

    for (i = 0; i < st->ncolors; i++)
        for (k = 0; k < m->nsamp; k++)
            if (strcmp(st->color_name[i], m->samp_name[k]) == 0 &&
                hf_palette_set_sample(pal, k, st->color[i]) < 0)
                return -1;
    return 0;
}

bool
hf_figstyle_blinding(const hf_figstyle *st)
{
    return st->blind || (st->blind_channels && st->blind_channels[0]);
}

/* The POI value of the background-only hypothesis: 0, or the POI's lower bound above it. */
static double
poi_bonly(const hf_model *m)
{
    return m->poi < 0 ? 0 : fmax(0, m->par[m->poi].lo);
}

/* --blind-channels: every bin of the channels whose names match an item; 0 or the exit code. */
static int
blind_named(hf_figstyle *st, const hf_model *m)
{
    char *list = st->blind_channels ? strdup(st->blind_channels) : NULL, *tok, *save = NULL;
    int rc = 0;

    if (st->blind_channels && !list)
        return hf_cli_nomem();
    for (tok = list ? strtok_r(list, ",", &save) : NULL; tok && rc == 0;
         tok = strtok_r(NULL, ",", &save)) {
        size_t c, b, hit = 0;
        for (c = 0; c < m->nchan; c++)
            if (fnmatch(tok, m->chan[c]->name, 0) == 0) {
                hit++;
                for (b = 0; b < m->chan_nbins[c]; b++)
                    st->blinded[m->chan_off[c] + b] = true;
            }
        if (hit == 0)
            rc = hf_cli_error("--blind-channels: no channel matches '%s'", tok);
    }
    free(list);
    return rc;
}

/* The expected signal and background of every main bin at pars (signal: the samples
 * hf_stack_is_signal picks). sig and bkg have m->nbins entries. */
static void
sig_bkg(const hf_model *m, const hf_yields *y, double *sig, double *bkg)
{
    size_t k, b;

    for (b = 0; b < m->nbins; b++) {
        sig[b] = 0;
        bkg[b] = y->nu[b];
    }
    for (k = 0; k < m->ncs; k++)
        if (hf_stack_is_signal(m, k))
            for (b = 0; b < m->cs[k].nbins; b++) {
                sig[m->chan_off[m->cs[k].chan] + b] += y->ys[m->cs[k].ys + b];
                bkg[m->chan_off[m->cs[k].chan] + b] -= y->ys[m->cs[k].ys + b];
            }
}

int
hf_figstyle_blind(hf_figstyle *st, const hf_model *m)
{
    double thr = st->blind_threshold > 0 ? st->blind_threshold : 0.02, *sig, *bkg, *pars;
    hf_yields *y = NULL, *yb = NULL;
    hf_error err = {0};
    size_t c, b;
    int rc = 0;

    if (!hf_figstyle_blinding(st))
        return 0;
    if (st->blind_threshold < 0 || !isfinite(st->blind_threshold))
        return hf_cli_error("--blind-threshold: expected a positive fraction");
    st->blinded = calloc(m->nbins + 1, sizeof *st->blinded);
    st->fit_main = malloc((m->nbins + 1) * sizeof *st->fit_main);
    sig = malloc(2 * (m->nbins + 1) * sizeof *sig);
    pars = malloc((m->npar + 1) * sizeof *pars);
    if (!st->blinded || !st->fit_main || !sig || !pars) {
        free(sig);
        free(pars);
        return hf_cli_nomem();
    }
    bkg = sig + m->nbins + 1;
    memcpy(pars, m->init, m->npar * sizeof *pars);
    if (m->poi >= 0)
        pars[m->poi] = poi_bonly(m);
    if (!(y = hf_yields_compute(m, m->init, NULL, &err)) ||
        !(yb = hf_yields_compute(m, pars, NULL, &err))) {
        rc = hf_cli_report(NULL, &err);
        goto out;
    }
    sig_bkg(m, y, sig, bkg);
    for (c = 0; st->blind && c < m->nchan; c++) {
        if (hf_summary_group(m->chan[c]->name) == 0)
            continue; /* control regions stay open */
        for (b = m->chan_off[c]; b < m->chan_off[c] + m->chan_nbins[c]; b++)
            if (sig[b] > 0 && (bkg[b] <= 0 || sig[b] > thr * bkg[b]))
                st->blinded[b] = true;
    }
    rc = blind_named(st, m);
    for (b = 0; b < m->nbins; b++) {
        st->nblinded += st->blinded[b];
        st->fit_main[b] = st->blinded[b] ? yb->nu[b] : m->obs[b];
    }
out:
    hf_yields_free(y);
    hf_yields_free(yb);
    hf_error_release(&err);
    free(sig);
    free(pars);
    return rc;
}

int
hf_figstyle_fit(const hf_figstyle *st, const hf_model *m, hf_fit_result *r, hf_error *err)
{
    hf_data d = hf_model_data(m);
    hf_fit_options o;

    memset(&o, 0, sizeof o);
    o.fix_index = -1;
    if (hf_figstyle_blinding(st) && st->fit_main) {
        o.fix_index = m->poi; /* -1 without a POI */
        o.fix_value = poi_bonly(m);
        d.main = st->fit_main;
    }
    if (!isnan(st->poi_value) && m->poi >= 0) { /* a conditional fit at the chosen value */
        o.fix_index = m->poi;
        o.fix_value = st->poi_value;
    }
    return hf_fit(m, &d, &o, r, err);
}

void
hf_figstyle_release(hf_figstyle *st)
{
    size_t i;

    free(st->blinded);
    free(st->fit_main);
    free(st->note[0]);
    free(st->note[1]);
    free(st->label_own);
    free(st->lumi_own);
    free(st->signal_own);
    free(st->lumi_text);
    for (i = 0; i < st->ncolors; i++)
        free(st->color_name[i]);
    free(st->color_name);
    free(st->color);
    for (i = 0; st->bins && i < st->nbins + 1; i++) {
        free(st->bins[i].channel);
        free(st->bins[i].edges);
        free(st->bins[i].xlabel);
    }
    free(st->bins);
}

/* app/figstyle.c - figure options shared by `plot` and `report`: experiment label, energy,
 * luminosity, signal drawing, the --style file (per-sample colours) and the --binning sidecar
 * (bin edges and the observable per channel). */
#include "app/figstyle.h"

#include <cjson/cJSON.h>
#include <errno.h>
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

/* The note into st->note[slot]: the parts that apply, joined by commas (masked_chan: the figure
 * is of a masked channel). */
static const char *
make_note(hf_figstyle *st, const hf_model *m, bool postfit, bool masked_chan, int slot)
{
    bool blind = hf_figstyle_blinding(st), fixed = postfit && !isnan(st->poi_value) && m->poi >= 0;
    bool anymask = st->masked != NULL && postfit;
    size_t len = 160 + (fixed ? strlen(m->par[m->poi].name) : 0), n = 0;
    char **note = &st->note[slot];

    free(*note);
    *note = NULL;
    if (!blind && !fixed && !masked_chan && !anymask)
        return NULL;
    if (!(*note = malloc(len)))
        return NULL;
    (*note)[0] = '\0';
#define PART(...) n += (size_t)snprintf(*note + n, len - n, __VA_ARGS__)
    const char *open = blind && anymask ? "unblinded, unmasked" : blind ? "unblinded" : "unmasked";
    if (blind)
        PART("blinded");
    if (masked_chan && !(postfit && st->asimov))
        PART("%snot in fit", n ? ", " : "");
    if (postfit && st->asimov)
        PART("%sfit to Asimov data (no bin left to fit)", n ? ", " : "");
    else if (fixed)
        PART("%s%s = %g (fixed)%s%s%s", n ? ", " : "", m->par[m->poi].name, st->poi_value,
             blind || anymask ? ", fit to " : "", blind || anymask ? open : "",
             blind || anymask ? " bins" : "");
    else if (postfit && (blind || anymask))
        PART("%s%sfit to %s bins", n ? ", " : "", blind ? "background-only " : "", open);
#undef PART
    return *note;
}

const char *
hf_figstyle_note(hf_figstyle *st, const hf_model *m, bool postfit)
{
    return make_note(st, m, postfit, false, postfit);
}

const char *
hf_figstyle_note_channel(hf_figstyle *st, const hf_model *m, size_t c, bool postfit)
{
    bool all = st->masked != NULL && m->chan_nbins[c] > 0;
    for (size_t b = 0; all && b < m->chan_nbins[c]; b++)
        all = st->masked[m->chan_off[c] + b];
    return make_note(st, m, postfit, all, 2 + postfit);
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
    return st->blind;
}

int
hf_figstyle_blind(hf_figstyle *st, const hf_cli *cli)
{
    const hf_model *m = cli->model;

    st->blind = hf_cli_blinding(cli);
    st->blinded = st->blind ? cli->blinded : NULL;
    st->nblinded = cli->nblinded;
    st->masked = cli->nmasked > 0 ? cli->masked : NULL;
    st->asimov = cli->fit_mask != NULL && cli->nfitted == 0;
    if (!st->asimov)
        return 0;
    /* nothing left to fit: the Asimov data of the background-only point, every bin unmasked */
    double *pars = malloc((m->npar + 1) * sizeof *pars);
    st->asimov_main = malloc((m->nbins + 1) * sizeof *st->asimov_main);
    hf_eval *ev = hf_eval_new(m);
    if (pars == NULL || st->asimov_main == NULL || ev == NULL) {
        free(pars);
        hf_eval_free(ev);
        return hf_cli_nomem();
    }
    memcpy(pars, m->init, m->npar * sizeof *pars);
    if (m->poi >= 0)
        pars[m->poi] = hf_blind_poi_bonly(m);
    hf_eval_expected(ev, pars, st->asimov_main, NULL);
    hf_eval_free(ev);
    free(pars);
    return 0;
}

int
hf_figstyle_fit(hf_figstyle *st, hf_model *m, hf_fit_result *r, hf_error *err)
{
    hf_data d = hf_model_data(m);
    hf_fit_options o;
    const bool *mask = m->mask; /* the Asimov fit sees every bin: the mask set aside */
    int rc;

    memset(&o, 0, sizeof o);
    o.fix_index = -1;
    if (st->blind && m->poi >= 0) {
        o.fix_index = m->poi;
        o.fix_value = hf_blind_poi_bonly(m);
    }
    if (!isnan(st->poi_value) && m->poi >= 0) { /* a conditional fit at the chosen value */
        o.fix_index = m->poi;
        o.fix_value = st->poi_value;
    }
    if (st->asimov && st->asimov_main != NULL) {
        d.main = st->asimov_main;
        m->mask = NULL;
    }
    rc = hf_fit(m, &d, &o, r, err);
    m->mask = mask;
    return rc;
}

void
hf_figstyle_release(hf_figstyle *st)
{
    size_t i;

    free(st->asimov_main);
    for (size_t k = 0; k < sizeof(st->note) / sizeof(st->note[0]); k++)
        free(st->note[k]);
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

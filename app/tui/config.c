/* app/tui/config.c - settings that persist between sessions (issue 15 item 7): the lists' sort
 * orders, the thresholds, the mouse and the palette, in $XDG_CONFIG_HOME/hfscope/config (else
 * ~/.config/hfscope/config; $HFSCOPE_CONFIG names another file, and is the only one read or
 * written when HFSCOPE_TEST is set, so tests never touch a user's settings). One "key = value"
 * per line, '#' comments; unknown keys and bad values are skipped (the file is a convenience,
 * not an input: a line the explorer cannot use is logged, never fatal). Written through a
 * temporary file and a rename when the explorer quits. */
#include "app/tui/config.h"
#include "app/tui/session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* a then b, malloc'ed (NULL on ENOMEM) */
static char *
join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 1;
    char *s = malloc(n);
    if (s != NULL)
        (void)snprintf(s, n, "%s%s", a, b);
    return s;
}

/* The config file's path (malloc'ed), or NULL when there is none to use. */
static char *
config_path(const struct tui *t, bool mkdirs)
{
    const char *env = getenv("HFSCOPE_CONFIG");
    if (env != NULL && env[0] != '\0')
        return strdup(env);
    if (t->test_mode)
        return NULL;
    const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
    char *dir = xdg != NULL && xdg[0] == '/'      ? join(xdg, "/hfscope")
                : home != NULL && home[0] != '\0' ? join(home, "/.config/hfscope")
                                                  : NULL;
    if (dir == NULL)
        return NULL;
    if (mkdirs) { /* the parent of XDG's default may not exist either */
        char *parent = strrchr(dir, '/');
        *parent = '\0';
        (void)mkdir(dir, 0700);
        *parent = '/';
        (void)mkdir(dir, 0700);
    }
    char *path = join(dir, "/config");
    free(dir);
    return path;
}

/* One setting; returns false when the key or value is not one the explorer knows. */
static bool
apply(struct tui *t, const char *key, const char *val, bool mouse_set)
{
    char *end;
    double v = strtod(val, &end);
    bool num = end != val && *end == '\0';
    if (strcmp(key, "channels_sort") == 0 && num && v >= 0 && v < 5)
        t->chl.sort_col = (int)v;
    else if (strcmp(key, "channels_sort_inverted") == 0 && num)
        t->chl.sort_inv = v != 0;
    else if (strcmp(key, "parameters_sort") == 0 && num && v >= 0 && v < 5)
        t->parl.sort_col = (int)v;
    else if (strcmp(key, "parameters_sort_inverted") == 0 && num)
        t->parl.sort_inv = v != 0;
    else if (strcmp(key, "over_constrained") == 0 && num && v >= 0.05 && v <= 1)
        t->oc_threshold = v;
    else if (strcmp(key, "correlation") == 0 && num && v >= 0 && v <= 0.95)
        t->corr_threshold = v;
    else if (strcmp(key, "mouse") == 0 && (strcmp(val, "on") == 0 || strcmp(val, "off") == 0))
        t->mouse = mouse_set ? t->mouse : strcmp(val, "on") == 0;
    else if (strcmp(key, "palette") == 0 && val[0] != '\0')
        (void)setenv("HFSCOPE_PALETTE", val, 0); /* $HFSCOPE_PALETTE, when set, wins */
    else
        return false;
    return true;
}

/* Read the settings (before the screen opens; mouse_set: --mouse or --no-mouse was given and
 * wins over the file). A missing file is no error. */
void
tui_config_load(struct tui *t, bool mouse_set)
{
    char *path = config_path(t, false);
    FILE *f = path != NULL ? fopen(path, "r") : NULL;
    if (f == NULL) {
        free(path);
        return;
    }
    char line[1024];
    int ln = 0;
    while (fgets(line, sizeof(line), f) != NULL) {
        ln++;
        char *s = line + strspn(line, " \t");
        s[strcspn(s, "\r\n#")] = '\0';
        char *eq = strchr(s, '=');
        if (*s == '\0')
            continue;
        if (eq == NULL) {
            tui_log(t, "%s:%d: not 'key = value'; skipped", path, ln);
            continue;
        }
        char *k = s, *v = eq + 1;
        for (char *e = eq; e > k && (e[-1] == ' ' || e[-1] == '\t'); e--)
            e[-1] = '\0';
        *eq = '\0';
        v += strspn(v, " \t");
        for (size_t n = strlen(v); n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'); n--)
            v[n - 1] = '\0';
        if (!apply(t, k, v, mouse_set))
            tui_log(t, "%s:%d: unknown setting or value '%s = %s'; skipped", path, ln, k, v);
    }
    (void)fclose(f); /* read only: nothing to lose */
    tui_log(t, "settings from %s", path);
    free(path);
    tui_list_rebuild(t, &t->chl);
    tui_list_rebuild(t, &t->parl);
    tui_list_rebuild(t, &t->corrl);
}

/* Write the settings (when the explorer quits). Errors are logged only: the session is over. */
void
tui_config_save(struct tui *t)
{
    char *path = config_path(t, true);
    char *tmp = path != NULL ? join(path, ".tmp") : NULL;
    FILE *f = tmp != NULL ? fopen(tmp, "w") : NULL;
    if (f == NULL) {
        free(path);
        free(tmp);
        return;
    }
    const char *pal = getenv("HFSCOPE_PALETTE");
    fprintf(f, "# hfscope explorer settings, written when it quits\n");
    fprintf(f, "channels_sort = %d\nchannels_sort_inverted = %d\n", t->chl.sort_col,
            t->chl.sort_inv);
    fprintf(f, "parameters_sort = %d\nparameters_sort_inverted = %d\n", t->parl.sort_col,
            t->parl.sort_inv);
    fprintf(f, "over_constrained = %.2f\ncorrelation = %.2f\n", t->oc_threshold, t->corr_threshold);
    fprintf(f, "mouse = %s\n", t->mouse ? "on" : "off");
    if (pal != NULL && pal[0] != '\0')
        fprintf(f, "palette = %s\n", pal);
    bool ok = fflush(f) == 0;
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, path) != 0)
        (void)remove(tmp);
    free(path);
    free(tmp);
}

/* tests/check_cells.c - the terminal backend against the glyph standards it follows: braille dot
 * bits (U+2800 + bits, dots 1-2-3-7 left, 4-5-6-8 right, as redis lolwut5.c), lower eighth blocks
 * U+2581..U+2588 for stack heights, 7-bit output in ASCII mode, UTF-8 round trips. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/cells.h"
#include "render/scene.h"

Suite *cells_suite(void);

/* A scene with one panel over the whole figure, axes and frame off: the plot area is then the
 * grid minus the one-column left margin and the one-column right gap. */
static hf_panel *
bare_panel(hf_scene **s, double xmax, double ymax)
{
    *s = hf_scene_new(1, 1);
    ck_assert_ptr_nonnull(*s);
    hf_panel *p = hf_scene_add_panel(*s, 0, 0, 1, 1);
    ck_assert_ptr_nonnull(p);
    ck_assert_int_eq(hf_panel_set_axis(*s, &p->x, 0, xmax, false, NULL), 0);
    ck_assert_int_eq(hf_panel_set_axis(*s, &p->y, 0, ymax, false, NULL), 0);
    p->x.hidden = true;
    p->y.hidden = true;
    p->frame = false;
    return p;
}

/* One dot at (x, y) of a 1-cell plot area (x in [0, 1): 2 dot columns; y in [0, 1): 4 rows). */
static uint32_t
one_dot(double x, double y)
{
    hf_scene *s;
    hf_panel *p = bare_panel(&s, 1, 1);
    double xs[1] = {x}, ys[1] = {y};
    ck_assert_ptr_nonnull(
        hf_panel_add_line(s, p, 1, xs, ys, hf_ink_of(HF_ROLE_SERIES, 0), HF_DASH_SOLID));
    hf_cellgrid *g = hf_cells_new(3, 1); /* margin 1 + one plot cell + gap 1 */
    ck_assert_ptr_nonnull(g);
    hf_cells_draw(g, s, HF_GLYPHS_BRAILLE);
    uint32_t cp = hf_cells_at(g, 1, 0)->cp;
    hf_cells_free(g);
    hf_scene_free(s);
    return cp;
}

START_TEST(test_braille_bit_order)
{
    /* Unicode braille: dot n (1..8) is bit n-1; dots 1,2,3,7 are the left column top to
     * bottom, 4,5,6,8 the right column */
    ck_assert_uint_eq(one_dot(0.25, 0.90), 0x2800 + 0x01); /* dot 1 */
    ck_assert_uint_eq(one_dot(0.25, 0.60), 0x2800 + 0x02); /* dot 2 */
    ck_assert_uint_eq(one_dot(0.25, 0.40), 0x2800 + 0x04); /* dot 3 */
    ck_assert_uint_eq(one_dot(0.75, 0.90), 0x2800 + 0x08); /* dot 4 */
    ck_assert_uint_eq(one_dot(0.75, 0.60), 0x2800 + 0x10); /* dot 5 */
    ck_assert_uint_eq(one_dot(0.75, 0.40), 0x2800 + 0x20); /* dot 6 */
    ck_assert_uint_eq(one_dot(0.25, 0.10), 0x2800 + 0x40); /* dot 7 */
    ck_assert_uint_eq(one_dot(0.75, 0.10), 0x2800 + 0x80); /* dot 8 */
}
END_TEST

/* Draw a one-bin stack of the given layers into a 1-column, 8-row plot area (y in [0, 1]). */
static hf_cellgrid *
stack_grid(size_t nl, const double *vals, hf_glyphs gl, bool mono)
{
    hf_scene *s;
    hf_panel *p = bare_panel(&s, 1, 1);
    double edges[2] = {0, 1};
    hf_ink ink[4] = {hf_ink_of(HF_ROLE_SAMPLE, 0), hf_ink_of(HF_ROLE_SAMPLE, 1),
                     hf_ink_of(HF_ROLE_SAMPLE, 2), hf_ink_of(HF_ROLE_SAMPLE, 3)};
    ck_assert_ptr_nonnull(hf_panel_add_stack(s, p, 1, edges, nl, vals, ink, NULL));
    hf_cellgrid *g = hf_cells_new(3, 8);
    ck_assert_ptr_nonnull(g);
    g->mono = mono;
    hf_cells_draw(g, s, gl);
    hf_scene_free(s);
    return g;
}

/* Row r counted from the bottom of the 8-row plot area. */
static const hf_cell *
row(hf_cellgrid *g, int r)
{
    return hf_cells_at(g, 1, 7 - r);
}

START_TEST(test_stack_eighths)
{
    /* 0.3 of 8 rows = 2.4 rows: two full blocks, then round(0.4 * 8) = 3 eighths (U+2583) */
    double v[1] = {0.3};
    hf_cellgrid *g = stack_grid(1, v, HF_GLYPHS_BRAILLE, false);
    ck_assert_uint_eq(row(g, 0)->cp, 0x2588);
    ck_assert_uint_eq(row(g, 1)->cp, 0x2588);
    ck_assert_uint_eq(row(g, 2)->cp, 0x2583);
    ck_assert_int_eq(row(g, 2)->fg.role, HF_ROLE_SAMPLE);
    ck_assert_int_eq(row(g, 2)->bg.role, HF_CELL_NOINK);
    ck_assert_uint_eq(row(g, 3)->cp, ' ');
    ck_assert_uint_eq(row(g, 7)->cp, ' ');
    hf_cells_free(g);
}
END_TEST

START_TEST(test_stack_layers_meet_in_a_cell)
{
    /* layers 0.3 and 0.3: the boundary at 2.4 rows, the top at 4.8 rows. Row 2 holds both
     * layers: 3 eighths of layer 0 in the foreground over layer 1 as background. */
    double v[2] = {0.3, 0.3};
    hf_cellgrid *g = stack_grid(2, v, HF_GLYPHS_BRAILLE, false);
    ck_assert_int_eq(row(g, 1)->fg.index, 0);
    ck_assert_uint_eq(row(g, 2)->cp, 0x2583);
    ck_assert_int_eq(row(g, 2)->fg.index, 0);
    ck_assert_int_eq(row(g, 2)->bg.role, HF_ROLE_SAMPLE);
    ck_assert_int_eq(row(g, 2)->bg.index, 1);
    ck_assert_uint_eq(row(g, 3)->cp, 0x2588);
    ck_assert_int_eq(row(g, 3)->fg.index, 1);
    ck_assert_uint_eq(row(g, 4)->cp, 0x2580 + 6); /* 0.8 of a row: round(6.4) = 6 eighths */
    ck_assert_uint_eq(row(g, 5)->cp, ' ');
    hf_cells_free(g);
}
END_TEST

START_TEST(test_stack_mono_and_ascii_tell_layers_apart)
{
    double v[2] = {0.5, 0.5};
    hf_cellgrid *g = stack_grid(2, v, HF_GLYPHS_BRAILLE, true);
    ck_assert_uint_ne(row(g, 1)->cp, row(g, 5)->cp); /* different shades without colour */
    hf_cells_free(g);
    g = stack_grid(2, v, HF_GLYPHS_ASCII, true);
    ck_assert_uint_lt(row(g, 1)->cp, 127);
    ck_assert_uint_lt(row(g, 5)->cp, 127);
    ck_assert_uint_ne(row(g, 1)->cp, row(g, 5)->cp);
    hf_cells_free(g);
}
END_TEST

/* A figure with everything the stack plot uses: axes with labels, a stack, a band, points with
 * error bars, a rule, text and a legend. */
static hf_scene *
full_scene(bool logy)
{
    hf_scene *s = hf_scene_new(4, 3);
    hf_panel *p = hf_scene_add_panel(s, 0, 0, 1, 0.7);
    hf_panel *r = hf_scene_add_panel(s, 0, 0.7, 1, 1);
    ck_assert_ptr_nonnull(r);
    double edges[4] = {0, 1, 2, 3}, vals[6] = {10, 20, 30, 5, 500, 15};
    double lo[3] = {14, 500, 40}, hi[3] = {16, 540, 50};
    double x[3] = {0.5, 1.5, 2.5}, y[3] = {16, 600, 44}, e[3] = {4, 24, 6.6};
    hf_ink ink[2] = {hf_ink_of(HF_ROLE_SAMPLE, 0), hf_ink_of(HF_ROLE_SAMPLE, 1)};
    const char *labels[2] = {"ttbar", "Z+jets"};
    hf_panel_set_axis(s, &p->x, 0, 3, false, NULL);
    hf_panel_set_axis(s, &p->y, logy ? 1e-3 : 0, logy ? 1e12 : 700, logy, "Events");
    p->x.hide_labels = true;
    hf_panel_set_title(s, p, "SR · pre-fit");
    hf_panel_add_stack(s, p, 3, edges, 2, vals, ink, labels);
    hf_panel_add_band(s, p, 3, true, edges, lo, hi, HF_FILL_HATCH, hf_ink_of(HF_ROLE_BAND, 0));
    hf_panel_add_points(s, p, 3, x, y, NULL, NULL, e, e, HF_MARKER_CIRCLE,
                        hf_ink_of(HF_ROLE_DATA, 0));
    hf_panel_add_legend(s, p, "ttbar", ink[0], HF_LEGEND_FILL);
    hf_panel_add_legend(s, p, "data", hf_ink_of(HF_ROLE_DATA, 0), HF_LEGEND_MARKER);
    hf_panel_set_axis(s, &r->x, 0, 3, false, "m [GeV]");
    hf_panel_set_axis(s, &r->y, 0.5, 1.5, false, "Data / Pred.");
    hf_panel_add_rule(s, r, false, 1.0, hf_ink_of(HF_ROLE_REF, 0), HF_DASH_DASHED);
    hf_panel_add_text(s, r, HF_COORD_AXES, 0.02, 0.9, "ratio ±1σ", HF_HALIGN_LEFT, HF_VALIGN_TOP,
                      HF_TEXT_SMALL);
    return s;
}

START_TEST(test_ascii_is_seven_bit)
{
    hf_scene *s = full_scene(true);
    hf_cellgrid *g = hf_cells_new(70, 24);
    hf_cells_draw(g, s, HF_GLYPHS_ASCII);
    char *text = hf_cells_to_text(g, NULL);
    ck_assert_ptr_nonnull(text);
    for (const unsigned char *c = (const unsigned char *)text; *c; c++)
        ck_assert_msg(*c == '\n' || (*c >= 32 && *c < 127), "byte 0x%02x in ASCII mode", *c);
    ck_assert_ptr_nonnull(strstr(text, "10^3"));    /* log ticks spelled out */
    ck_assert_ptr_nonnull(strstr(text, "m [GeV]")); /* x label of the lower panel */
    ck_assert_ptr_nonnull(strstr(text, "ttbar"));   /* legend */
    free(text);
    hf_cells_free(g);
    hf_scene_free(s);
}
END_TEST

START_TEST(test_unicode_superscripts_and_markers)
{
    hf_scene *s = full_scene(true);
    hf_cellgrid *g = hf_cells_new(70, 24);
    hf_cells_draw(g, s, HF_GLYPHS_BRAILLE);
    char *text = hf_cells_to_text(g, NULL);
    ck_assert_ptr_nonnull(text);
    ck_assert_ptr_nonnull(strstr(text, "10³"));
    ck_assert_ptr_nonnull(strstr(text, "●"));
    ck_assert_ptr_nonnull(strstr(text, "SR · pre-fit"));
    /* one line per row, no trailing blanks */
    size_t lines = 0;
    for (const char *c = text; *c; c++) {
        if (*c == '\n') {
            lines++;
            ck_assert(c == text || c[-1] != ' ');
        }
    }
    ck_assert_uint_eq(lines, 24);
    free(text);
    hf_cells_free(g);
    hf_scene_free(s);
}
END_TEST

START_TEST(test_points_over_stack_keep_fill_colour)
{
    /* the data marker lands in a filled cell: it takes the fill's colour as its background */
    hf_scene *s = full_scene(false);
    hf_cellgrid *g = hf_cells_new(70, 24);
    hf_cells_draw(g, s, HF_GLYPHS_BRAILLE);
    int markers = 0, over_fill = 0;
    for (int y = 0; y < g->h; y++)
        for (int x = 0; x < g->w; x++) {
            const hf_cell *c = hf_cells_at(g, x, y);
            if (c->cp == 0x25CF && c->fg.role == HF_ROLE_DATA) {
                markers++;
                over_fill += c->bg.role == HF_ROLE_SAMPLE;
            }
        }
    ck_assert_int_eq(markers, 4);   /* three points and the legend's marker */
    ck_assert_int_ge(over_fill, 1); /* bin 2: data 600 inside a stack of 520 + band */
    hf_cells_free(g);
    hf_scene_free(s);
}
END_TEST

START_TEST(test_tiny_grids_do_not_crash)
{
    hf_scene *s = full_scene(true);
    for (int w = 1; w < 12; w++)
        for (int h = 1; h < 8; h++) {
            hf_cellgrid *g = hf_cells_new(w, h);
            ck_assert_ptr_nonnull(g);
            hf_cells_draw(g, s, (w + h) % 2 ? HF_GLYPHS_ASCII : HF_GLYPHS_BRAILLE);
            hf_cells_free(g);
        }
    ck_assert_ptr_null(hf_cells_new(0, 5));
    hf_scene_free(s);
}
END_TEST

START_TEST(test_utf8_round_trip)
{
    const uint32_t cps[] = {'A', 0xB7, 0x2800 + 0xFF, 0x2588, 0x1F600};
    for (size_t i = 0; i < sizeof(cps) / sizeof(cps[0]); i++) {
        char buf[8] = {0};
        size_t n = hf_utf8_encode(cps[i], buf);
        ck_assert_uint_eq(n, cps[i] < 0x80 ? 1 : cps[i] < 0x800 ? 2 : cps[i] < 0x10000 ? 3 : 4);
        const char *p = buf;
        ck_assert_uint_eq(hf_utf8_decode(&p), cps[i]);
        ck_assert_ptr_eq(p, buf + n);
    }
    const char *bad = "\xff"
                      "A";
    ck_assert_uint_eq(hf_utf8_decode(&bad), 0xFFFD);
    ck_assert_uint_eq(hf_utf8_decode(&bad), 'A');
}
END_TEST

START_TEST(test_colour_text_has_sgr)
{
    hf_scene *s = full_scene(false);
    hf_cellgrid *g = hf_cells_new(60, 20);
    hf_cells_draw(g, s, HF_GLYPHS_BRAILLE);
    char *plain = hf_cells_to_text(g, NULL);
    char *col = hf_cells_to_text(g, hf_palette_builtin());
    ck_assert_ptr_null(strchr(plain, '\033'));
    ck_assert_ptr_nonnull(strstr(col, "\033[0;38;5;"));
    free(plain);
    free(col);
    hf_cells_free(g);
    hf_scene_free(s);
}
END_TEST

START_TEST(test_text_does_not_garble_data)
{
    /* a full-height one-bin stack on the left half, empty on the right: the label over the
     * stack is left out, the one over empty cells is drawn */
    hf_scene *s;
    hf_panel *p = bare_panel(&s, 2, 1);
    double edges[2] = {0, 1}, v[1] = {1.0};
    hf_ink ink[1] = {hf_ink_of(HF_ROLE_SAMPLE, 0)};
    ck_assert_ptr_nonnull(hf_panel_add_stack(s, p, 1, edges, 1, v, ink, NULL));
    hf_panel_add_text(s, p, HF_COORD_DATA, 0.1, 0.5, "hidden", HF_HALIGN_LEFT, HF_VALIGN_MIDDLE,
                      HF_TEXT_SMALL);
    hf_panel_add_text(s, p, HF_COORD_DATA, 1.1, 0.5, "shown", HF_HALIGN_LEFT, HF_VALIGN_MIDDLE,
                      HF_TEXT_SMALL);
    hf_cellgrid *g = hf_cells_new(42, 10);
    hf_cells_draw(g, s, HF_GLYPHS_BRAILLE);
    char *text = hf_cells_to_text(g, NULL);
    ck_assert_ptr_null(strstr(text, "hidden"));
    ck_assert_ptr_nonnull(strstr(text, "shown"));
    free(text);
    hf_cells_free(g);
    hf_scene_free(s);
}
END_TEST

/* A name with ESC (a colour escape), C1 CSI (U+009B, in UTF-8 C2 9B), CR, LF and DEL: in the
 * cells and in the grid's text each control is one U+FFFD cell, so no control byte (C0 but the
 * line ends, DEL, or a C1 sequence C2 80..9F) reaches the terminal; the printable characters
 * stay in their columns. The cells replace exactly the code points hf_utf8_escape spells out. */
START_TEST(test_text_controls_are_sanitised)
{
    const char *name = "a\033[31mb\xc2\x9b"
                       "2Jc\rd\ne\x7f"
                       "f";
    const uint32_t want[] = {'a', 0xFFFD, '[',    '3', '1',    'm', 'b',    0xFFFD, '2',
                             'J', 'c',    0xFFFD, 'd', 0xFFFD, 'e', 0xFFFD, 'f'};
    size_t n = sizeof(want) / sizeof(want[0]);
    hf_cellgrid *g = hf_cells_new(30, 2);
    ck_assert_int_eq(hf_cells_text(g, 0, 0, name, hf_ink_of(HF_ROLE_FG, 0), 0), (int)n);
    for (size_t i = 0; i < n; i++)
        ck_assert_uint_eq(hf_cells_at(g, (int)i, 0)->cp, want[i]);
    /* a control put into a cell directly is sanitised on the way out too */
    hf_cells_at(g, 0, 1)->cp = 0x1b;
    hf_cells_at(g, 1, 1)->cp = 0x9b;
    char *text = hf_cells_to_text(g, NULL);
    ck_assert_ptr_nonnull(text);
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        ck_assert_msg(*p >= 0x20 || *p == '\n', "control byte 0x%02x in the text", *p);
        ck_assert_msg(*p != 0x7f, "DEL in the text");
        ck_assert_msg(!(p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f), "C1 in the text");
    }
    ck_assert_ptr_nonnull(strstr(text, "a\xef\xbf\xbd[31mb\xef\xbf\xbd"
                                       "2Jc\xef\xbf\xbd"
                                       "d\xef\xbf\xbd"
                                       "e\xef\xbf\xbd"
                                       "f\n\xef\xbf\xbd\xef\xbf\xbd\n"));
    free(text);
    /* in the 7-bit set a control is '?' as any other non-ASCII code point */
    hf_cells_clear(g);
    g->glyphs = HF_GLYPHS_ASCII;
    hf_cells_text(g, 0, 0, "\x7f\xc2\x85x", hf_ink_of(HF_ROLE_FG, 0), 0);
    ck_assert_uint_eq(hf_cells_at(g, 0, 0)->cp, '?');
    ck_assert_uint_eq(hf_cells_at(g, 1, 0)->cp, '?');
    ck_assert_uint_eq(hf_cells_at(g, 2, 0)->cp, 'x');
    hf_cells_free(g);
    /* one rule for the cells and the escaped text */
    for (uint32_t cp = 1; cp < 0x2200; cp++) {
        char buf[8] = {0};
        hf_utf8_encode(cp, buf);
        char *e = hf_utf8_escape(buf);
        ck_assert_ptr_nonnull(e);
        ck_assert_msg((strcmp(e, buf) != 0) == (hf_utf8_cell(cp) != cp), "U+%04X", (unsigned)cp);
        free(e);
    }
}
END_TEST

Suite *
cells_suite(void)
{
    Suite *s = suite_create("cells");
    TCase *tc = tcase_create("glyphs");
    tcase_add_test(tc, test_braille_bit_order);
    tcase_add_test(tc, test_stack_eighths);
    tcase_add_test(tc, test_stack_layers_meet_in_a_cell);
    tcase_add_test(tc, test_stack_mono_and_ascii_tell_layers_apart);
    tcase_add_test(tc, test_utf8_round_trip);
    suite_add_tcase(s, tc);
    tc = tcase_create("scene");
    tcase_add_test(tc, test_ascii_is_seven_bit);
    tcase_add_test(tc, test_unicode_superscripts_and_markers);
    tcase_add_test(tc, test_points_over_stack_keep_fill_colour);
    tcase_add_test(tc, test_tiny_grids_do_not_crash);
    tcase_add_test(tc, test_colour_text_has_sgr);
    tcase_add_test(tc, test_text_does_not_garble_data);
    tcase_add_test(tc, test_text_controls_are_sanitised);
    suite_add_tcase(s, tc);
    return s;
}

/* app/tui/worker.h - worker.c: the fit thread: typed jobs in, typed results out, never a call into
 * the UI. Types in session.h. */
#ifndef HF_TUI_WORKER_H
#define HF_TUI_WORKER_H

#include "app/tui/session.h"

tui_worker *tui_worker_start(void);
int tui_worker_submit(tui_worker *w, tui_job_kind job, const hf_model *m, const double *init,
                      const bool *fixed);
int tui_worker_submit_shape(tui_worker *w, const hf_model *m, const hf_fit_result *best);
int tui_worker_submit_minos(tui_worker *w, const hf_model *m, const hf_fit_result *best,
                            size_t par);
int tui_worker_submit_point(tui_worker *w, const tui_point_job *job);
void tui_worker_cancel(tui_worker *w);
int tui_worker_fd(const tui_worker *w);
bool tui_worker_take(tui_worker *w, tui_result *out);
void tui_result_release(tui_result *r);
void tui_worker_stop(tui_worker *w);

#endif

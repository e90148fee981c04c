/* The answers form (view_answers.c), a mode of the setup screen
 * (view_wizard.c): opened on focus (an answer's key, or NULL), fed the
 * output of `hacon setup answers --detect` when that child ends; a key
 * returns true always, and the form closes itself
 * (hc_answers_form_active() false; saved tells whether it saved the
 * answers). */
#ifndef HC_VIEW_ANSWERS_H
#define HC_VIEW_ANSWERS_H

#include <stdbool.h>
#include <glib.h>

#include "model.h"

void hc_answers_form_open(hc_console *con, const char *focus);
bool hc_answers_form_active(void);
bool hc_answers_form_saved(void);
void hc_answers_form_detected(GPtrArray *out, int status);
bool hc_answers_form_key(hc_console *con, int key);
void hc_answers_form_lines(hc_console *con, GPtrArray *shown, int rows,
                           int *top, int *sel);
const char *hc_answers_form_footer(const hc_console *con);
/* The answers file the setup uses: --answers (HACON_ANSWERS), else the
 * one the form saved in the state directory when it exists, else NULL
 * (the defaults). */
const char *hc_answers_file(void);
/* The answer a step's message names ("... answer storage=shared ..."),
 * or NULL. */
const char *hc_answers_named_in(const char *text);

#endif

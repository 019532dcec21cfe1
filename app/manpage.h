/* app/manpage.h - the man page (roff), generated from the command table and each command's
 * --help (which the option tables generate), so it lists exactly what the parsers accept. */
#ifndef HF_MANPAGE_H
#define HF_MANPAGE_H

#include <stddef.h>
#include <stdio.h>

#include "app/cli.h"

/* Write hfscope(1) to f. 0, or -1 when a command's help could not be captured. */
int hf_manpage_write(FILE *f, const hf_command *cmds, size_t n);

#endif

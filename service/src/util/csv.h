/*
 * csv.h -- writes CSV cells (RFC 4180): quoted when they hold a comma, quote, CR or LF,
 * quotes doubled. Cells that a spreadsheet would run as a formula (starting with =, +, -, @,
 * tab or CR) get a leading apostrophe (OWASP "CSV injection"). Pure.
 */
#ifndef IDEKOM_CSV_H
#define IDEKOM_CSV_H

#include "util/buf.h"

/* Appends one cell; s may be NULL (an empty cell). */
void csv_cell(struct buf *out, const char *s);

#endif

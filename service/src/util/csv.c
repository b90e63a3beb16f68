/* csv.c -- see csv.h */
#include "util/csv.h"

#include <stdbool.h>
#include <string.h>

void csv_cell(struct buf *out, const char *s)
{
	bool formula;
	bool quote;

	if (!s)
		return;
	formula = strchr("=+-@\t\r", s[0]) && s[0] != '\0';
	quote = strpbrk(s, ",\"\r\n") != NULL || formula;
	if (quote)
		buf_add(out, "\"", 1);
	if (formula)
		buf_add(out, "'", 1);
	for (const char *p = s; *p; p++) {
		if (*p == '"')
			buf_add(out, "\"\"", 2);
		else
			buf_add(out, p, 1);
	}
	if (quote)
		buf_add(out, "\"", 1);
}

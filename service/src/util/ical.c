/* ical.c -- see ical.h */
#include "util/ical.h"

#include <string.h>

/* Appends one logical line, folded: a CRLF and a space before each 75-octet limit. */
static void folded(struct buf *out, const char *line, size_t len)
{
	size_t col = 0;

	for (size_t i = 0; i < len;) {
		size_t n = 1;

		/* the whole UTF-8 sequence stays on one line */
		if (((unsigned char)line[i] & 0xe0) == 0xc0)
			n = 2;
		else if (((unsigned char)line[i] & 0xf0) == 0xe0)
			n = 3;
		else if (((unsigned char)line[i] & 0xf8) == 0xf0)
			n = 4;
		if (i + n > len)
			n = len - i;
		if (col + n > 75) {
			buf_add(out, "\r\n ", 3);
			col = 1;
		}
		buf_add(out, line + i, n);
		col += n;
		i += n;
	}
	buf_add(out, "\r\n", 2);
}

void ical_line(struct buf *out, const char *name, const char *value)
{
	struct buf line = BUF_INIT;

	buf_adds(&line, name);
	buf_adds(&line, ":");
	buf_adds(&line, value);
	folded(out, line.data, line.len);
	buf_release(&line);
}

void ical_text(struct buf *out, const char *name, const char *value)
{
	struct buf line = BUF_INIT;

	buf_adds(&line, name);
	buf_adds(&line, ":");
	for (const char *p = value; *p; p++) {
		switch (*p) {
		case '\\':
			buf_adds(&line, "\\\\");
			break;
		case ';':
			buf_adds(&line, "\\;");
			break;
		case ',':
			buf_adds(&line, "\\,");
			break;
		case '\n':
			buf_adds(&line, "\\n");
			break;
		case '\r':
			break; /* CRLF in the source becomes one \n */
		default:
			if ((unsigned char)*p >= 0x20 || *p == '\t')
				buf_add(&line, p, 1);
		}
	}
	folded(out, line.data, line.len);
	buf_release(&line);
}

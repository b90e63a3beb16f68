/*
 * download.h -- the headers of a file download, pure so they can be tested alone: a single
 * byte range (RFC 9110 §14) and Content-Disposition with a UTF-8 file name (RFC 6266 with
 * RFC 8187's filename*).
 */
#ifndef IDEKOM_DOWNLOAD_H
#define IDEKOM_DOWNLOAD_H

#include <stddef.h>

enum byte_range {
	RANGE_WHOLE,         /* no Range, or one we ignore (several ranges, another unit, bad
			      * syntax): RFC 9110 §14.2 lets a server send the whole, 200 */
	RANGE_PARTIAL,       /* one satisfiable range: 206 of [*first, *last] */
	RANGE_UNSATISFIABLE, /* 416 with Content-Range: bytes * / size */
};

/* Reads a Range header value (NULL: none) for a representation of size bytes. */
enum byte_range byte_range_parse(const char *header, size_t size, size_t *first, size_t *last);

/*
 * Writes "attachment; filename=\"<ASCII fallback>\"; filename*=UTF-8''<percent-encoded>"
 * for a UTF-8 file name into out. Returns 0, or -1 when it does not fit.
 */
int content_disposition(const char *filename, char *out, size_t outlen);

#endif

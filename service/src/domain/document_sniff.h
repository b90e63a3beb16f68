/*
 * document_sniff.h -- which of the accepted document formats a file's bytes are, read from
 * the bytes alone (magic numbers and structure), never from a name or a declared type:
 * PDF, PNG, JPEG, plain text (UTF-8 without NUL), and the zip-based office formats (ODF by
 * its stored mimetype entry, OOXML by [Content_Types].xml and its main part). A zip is
 * judged by its central directory only, never inflated, so a zip bomb costs nothing to
 * refuse: sizes, counts and compression ratios are bounded. Pure: unit-tested and fuzzable.
 */
#ifndef IDEKOM_DOCUMENT_SNIFF_H
#define IDEKOM_DOCUMENT_SNIFF_H

#include <stddef.h>

#define DOCUMENT_MAX_BYTES 10485760 /* 10 MB: the upload route's own body limit */

/* bounds of a zip's central directory (a real office file is far inside them) */
#define ZIP_MAX_ENTRIES 5000
#define ZIP_MAX_INFLATED (200u * 1024 * 1024) /* the sum of the entries' stated sizes */
#define ZIP_MAX_RATIO 100                     /* stated size / compressed size of an entry */
#define ZIP_RATIO_FLOOR (1024 * 1024)         /* entries smaller than this may compress more */

/*
 * The content type of data (len bytes), one of the strings the document table accepts, or
 * NULL with a short, client-safe reason in why.
 */
const char *document_sniff(const unsigned char *data, size_t len, char *why, size_t whylen);

/*
 * True when declared (a Content-Type header value: parameters and case ignored, and a
 * text/plain charset, when given, must be UTF-8) names the type sniffed.
 */
int document_type_matches(const char *declared, const char *sniffed);

#endif

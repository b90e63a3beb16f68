/*
 * xalloc.h -- allocation that never returns NULL. Out of memory is not a condition a request
 * handler can recover from, so these abort (as Redis's zmalloc and git's xmalloc do).
 */
#ifndef IDEKOM_XALLOC_H
#define IDEKOM_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
/* Returns an owned copy of s (free it); s must not be NULL. */
char *xstrdup(const char *s);
/* Returns an owned copy of the first n bytes of s, NUL-terminated. */
char *xstrndup(const char *s, size_t n);

#endif

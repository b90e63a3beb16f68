/*
 * embedded.h -- files compiled into the binary by tools/embed.py at build time: the
 * migrations (the .sql files of db/migrations, in order) and the OpenAPI description as JSON. One
 * binary carries what it needs, so a container image has no loose files to lose.
 */
#ifndef IDEKOM_EMBEDDED_H
#define IDEKOM_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *name; /* "0001_foundation" (no folder, no .sql) */
	const char *text;
};

extern const struct embedded_file embedded_migrations[];
extern const size_t embedded_migration_count;
extern const char embedded_openapi_json[];
extern const size_t embedded_openapi_json_len;
extern const char embedded_demo_sql[]; /* db/seed/demo.sql: idekom seed-demo */

#endif

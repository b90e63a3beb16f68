/* static_files.c -- see static_files.h */
#include "http/static_files.h"
#include "http/response.h"
#include "util/xalloc.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define STATIC_MAX_FILE (8L * 1024 * 1024)

static const struct {
	const char *ext;
	const char *type;
} types[] = {
	{".html", "text/html; charset=utf-8"},
	{".css", "text/css; charset=utf-8"},
	{".js", "text/javascript; charset=utf-8"},
	{".mjs", "text/javascript; charset=utf-8"},
	{".json", "application/json"},
	{".webmanifest", "application/manifest+json"},
	{".svg", "image/svg+xml"},
	{".png", "image/png"},
	{".ico", "image/x-icon"},
	{".woff2", "font/woff2"},
	{".txt", "text/plain; charset=utf-8"},
};

const char *static_files_type(const char *name)
{
	const char *dot = strrchr(name, '.');
	const char *slash = strrchr(name, '/');

	if (!dot || (slash && dot < slash))
		return NULL;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(dot, types[i].ext) == 0)
			return types[i].type;
	return NULL;
}

static int send_file(struct req *rq, const char *file, const char *type)
{
	struct stat st;
	FILE *f;
	char *data;
	size_t got;
	int rc;

	f = fopen(file, "rb");
	if (!f)
		return reply_error(rq, 404, "there is nothing at this path");
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode) || st.st_size > STATIC_MAX_FILE) {
		fclose(f);
		return reply_error(rq, 404, "there is nothing at this path");
	}
	data = xmalloc((size_t)st.st_size + 1);
	got = fread(data, 1, (size_t)st.st_size, f);
	fclose(f);
	/* HTML is revalidated every time so that a new release shows at once */
	req_add_header(rq, "Cache-Control",
		       strncmp(type, "text/html", 9) == 0 ? "no-cache" : "public, max-age=300");
	req_add_header(rq, "X-Content-Type-Options", "nosniff");
	if (strncmp(type, "text/html", 9) == 0) {
		/* the front end runs no inline script or style and talks only to its own origin
		 * (or the API origins of connect-src, for a front end on another origin) */
		req_add_header(rq, "Content-Security-Policy",
			       "default-src 'self'; script-src 'self'; style-src 'self'; "
			       "img-src 'self' data:; connect-src 'self'; object-src 'none'; "
			       "base-uri 'self'; form-action 'self'; frame-ancestors 'none'");
		req_add_header(rq, "Referrer-Policy", "same-origin");
		req_add_header(rq, "X-Frame-Options", "DENY");
	}
	rc = reply_raw(rq, 200, type, data, got);
	free(data);
	return rc;
}

int static_files_serve(struct req *rq, const char *path)
{
	char root[PATH_MAX], want[PATH_MAX], real[PATH_MAX];
	const char *type;
	const char *method = rq->ri->request_method;

	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
		req_add_header(rq, "Allow", "GET, HEAD");
		return reply_error(rq, 405, "%s is not allowed here", method);
	}
	if (!realpath(rq->cfg->static_dir, root))
		return reply_error(rq, 404, "there is nothing at this path");
	if (strcmp(path, "/") == 0 || !static_files_type(path)) {
		const char *accept = req_header(rq, "Accept");

		/* a page of the front end (it routes itself) for a browser navigating; for API
		 * clients an unknown path stays a 404 problem */
		if (strcmp(path, "/") != 0 && (!accept || !strstr(accept, "text/html")))
			return reply_error(rq, 404, "there is nothing at this path");
		path = "/index.html";
	}
	type = static_files_type(path);
	if (strstr(path, "..") || snprintf(want, sizeof(want), "%s%s", root, path) >= PATH_MAX)
		return reply_error(rq, 404, "there is nothing at this path");
	/* the canonical path must still be inside the folder (no symlink escapes) */
	if (!realpath(want, real) || strncmp(real, root, strlen(root)) != 0 ||
	    real[strlen(root)] != '/')
		return reply_error(rq, 404, "there is nothing at this path");
	return send_file(rq, real, type);
}

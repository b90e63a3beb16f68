/*
 * static_files.h -- serves STATIC_DIR (the web/ front end) for local use. Not civetweb's
 * document_root: that brings CGI, directory listings and CVE-2025-55763 (docs/libraries.md,
 * "Civetweb"). Only GET and HEAD, a fixed set of file types, and canonical paths inside the
 * folder; a path without an extension gets index.html (the front end routes itself).
 */
#ifndef IDEKOM_STATIC_FILES_H
#define IDEKOM_STATIC_FILES_H

#include "http/request.h"

/* Answers the request for path from rq->cfg->static_dir. Returns the status sent. */
int static_files_serve(struct req *rq, const char *path);

/* The content type for a file name, or NULL when the type is not served. Pure. */
const char *static_files_type(const char *name);

#endif

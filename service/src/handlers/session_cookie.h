/*
 * session_cookie.h -- the browser's session kept across a reload (issue 14). When the front
 * end asks for it with the header "X-Idekom-Session: cookie", login and refresh put the
 * refresh token in a cookie the page's scripts cannot read (HttpOnly; Secure;
 * SameSite=Strict; Path=/api/v1/auth) instead of the JSON answer, and refresh and logout
 * take it from there. The custom header is the CSRF defence: a form or a link from another
 * site cannot send it, and the CORS preflight never allows it for another origin
 * (http/router.c), so a request that carries the cookie without it is not the front end's.
 * A second cookie, idekom_session=1 (readable, nothing secret), tells the front end that a
 * session may be waiting, so that it does not ask for one on every page. API clients keep
 * the JSON refresh flow.
 */
#ifndef IDEKOM_SESSION_COOKIE_H
#define IDEKOM_SESSION_COOKIE_H

#include "http/request.h"

#include <stdbool.h>
#include <stddef.h>

/* True when the request carries "X-Idekom-Session: cookie". */
bool session_cookie_mode(const struct req *rq);

/* Copies the refresh token of the request's cookie into out. Returns 0, or -1 when absent. */
int session_cookie_read(const struct req *rq, char *out, size_t outlen);

/* Sets the cookies for refresh token (ttl seconds), or clears them when token is NULL. */
void session_cookie_set(struct req *rq, const char *token, long ttl);

#endif

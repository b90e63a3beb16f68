/* session_cookie.c -- see session_cookie.h */
#include "handlers/session_cookie.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#define COOKIE "idekom_refresh"

bool session_cookie_mode(const struct req *rq)
{
	const char *v = req_header(rq, "X-Idekom-Session");

	return v && strcasecmp(v, "cookie") == 0;
}

int session_cookie_read(const struct req *rq, char *out, size_t outlen)
{
	const char *h = req_header(rq, "Cookie");

	while (h && *h) {
		size_t n;

		h += strspn(h, " ;");
		n = strcspn(h, ";");
		if (n > strlen(COOKIE) + 1 && strncmp(h, COOKIE "=", strlen(COOKIE) + 1) == 0) {
			size_t len = n - strlen(COOKIE) - 1;

			/* a refresh token is base64url; anything else is not ours */
			if (len == 0 || len >= outlen ||
			    strspn(h + strlen(COOKIE) + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
							   "qrstuvwxyz0123456789-_") < len)
				return -1;
			memcpy(out, h + strlen(COOKIE) + 1, len);
			out[len] = '\0';
			return 0;
		}
		h += n;
	}
	return -1;
}

void session_cookie_set(struct req *rq, const char *token, long ttl)
{
	char v[300];

	snprintf(v, sizeof(v),
		 COOKIE "=%s; Path=/api/v1/auth; Max-Age=%ld; HttpOnly; Secure; SameSite=Strict",
		 token ? token : "", token ? ttl : 0L);
	req_add_header(rq, "Set-Cookie", v);
	snprintf(v, sizeof(v), "idekom_session=%s; Path=/; Max-Age=%ld; Secure; SameSite=Strict",
		 token ? "1" : "", token ? ttl : 0L);
	req_add_header(rq, "Set-Cookie", v);
}

/*
 * route_match.c -- segment-by-segment matching of paths against route patterns. Civetweb's
 * own matching is by prefix (/api/v1/echo also takes /api/v1/echoes, docs/libraries.md, "Civetweb"), so
 * the service registers one handler and matches here, exactly.
 */
#include "http/router.h"
#include "util/text.h"

#include <stdio.h>
#include <string.h>

/* Placeholders named id or *_id hold UUIDs; anything else in them cannot exist (404). */
static bool placeholder_is_uuid(const char *name, size_t len)
{
	return (len == 2 && memcmp(name, "id", 2) == 0) ||
	       (len > 3 && memcmp(name + len - 3, "_id", 3) == 0);
}

bool route_match(const char *pattern, const char *path, char params[][64], size_t *count)
{
	const char *p = pattern;
	const char *s = path;

	*count = 0;
	while (*p && *s) {
		const char *pend, *send;
		size_t plen, slen;

		if (*p != '/' || *s != '/')
			return false;
		p++;
		s++;
		pend = strchr(p, '/');
		send = strchr(s, '/');
		plen = pend ? (size_t)(pend - p) : strlen(p);
		slen = send ? (size_t)(send - s) : strlen(s);
		if (plen && *p == '{') {
			const char *close = memchr(p, '}', plen);
			size_t name_len, suffix_len, value_len;

			if (!close || *count == REQ_MAX_PARAMS)
				return false;
			name_len = (size_t)(close - p - 1);
			suffix_len = plen - name_len - 2; /* e.g. ".ics" after {id} */
			if (slen <= suffix_len ||
			    memcmp(s + slen - suffix_len, close + 1, suffix_len) != 0)
				return false;
			value_len = slen - suffix_len;
			if (value_len >= 64)
				return false;
			memcpy(params[*count], s, value_len);
			params[*count][value_len] = '\0';
			if (placeholder_is_uuid(p + 1, name_len) && !uuid_syntax_ok(params[*count]))
				return false;
			(*count)++;
		} else if (plen != slen || memcmp(p, s, plen) != 0) {
			return false;
		}
		p += plen;
		s += slen;
	}
	return *p == '\0' && *s == '\0';
}

void route_allow(const char *path, char *out, size_t outlen)
{
	char params[REQ_MAX_PARAMS][64];
	size_t count, used = 0;

	out[0] = '\0';
	for (const struct route *r = routes; r->method; r++) {
		if (!route_match(r->pattern, path, params, &count))
			continue;
		if (strstr(out, r->method)) /* GET is listed once even if two routes share it */
			continue;
		used += (size_t)snprintf(out + used, used < outlen ? outlen - used : 0, "%s%s",
					 used ? ", " : "", r->method);
	}
	if (out[0] && used + 10 < outlen)
		snprintf(out + used, outlen - used, ", OPTIONS");
}

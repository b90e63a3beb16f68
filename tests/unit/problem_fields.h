/*
 * problem_fields.h -- a helper the validator tests share: the field pointers of a problem as
 * one string, for failure messages. (Whether a field is named is problem_has_field.)
 */
#ifndef IDEKOM_TEST_PROBLEM_FIELDS_H
#define IDEKOM_TEST_PROBLEM_FIELDS_H

#include "http/problem.h"

#include <stdio.h>

/* Writes the error pointers of pb, space-separated, into out; returns out. */
static inline const char *fields_of(const struct problem *pb, char *out, size_t outlen)
{
	size_t i, o = 0;
	json_t *e;

	out[0] = '\0';
	json_array_foreach(pb->errors, i, e)
	{
		int n = snprintf(out + o, outlen - o, "%s ",
				 json_string_value(json_object_get(e, "field")));

		if (n < 0 || (size_t)n >= outlen - o)
			break;
		o += (size_t)n;
	}
	return out;
}

#endif

/* fields.c -- see fields.h */
#include "domain/fields.h"
#include "http/problem_code.h"
#include "util/text.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static const struct field_spec *find_spec(const struct field_spec *specs, const char *name)
{
	for (const struct field_spec *f = specs; f->name; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

static void add(struct problem *pb, const char *name, const char *message)
{
	char pointer[160];

	problem_field_pointer(name, pointer, sizeof(pointer));
	problem_add_error(pb, pointer, message);
}

static void add_limited(struct problem *pb, const char *name, const char *code,
			const char *message, long min, long max)
{
	char pointer[160];

	problem_field_pointer(name, pointer, sizeof(pointer));
	problem_add_error_coded(pb, pointer, code, message, min,
				max ? max : PROBLEM_NO_LIMIT);
}

static size_t trimmed_length(const char *s)
{
	const char *end = s + strlen(s);

	while (*s && isspace((unsigned char)*s))
		s++;
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	size_t n = 0;

	for (const char *p = s; p < end; p++)
		if (((unsigned char)*p & 0xc0) != 0x80)
			n++;
	return n;
}

static bool digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int num(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

bool fields_date_ok(const char *s)
{
	return strlen(s) >= 10 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2) && s[7] == '-' &&
	       digits(s + 8, 2) && num(s + 5, 2) >= 1 && num(s + 5, 2) <= 12 &&
	       num(s + 8, 2) >= 1 && num(s + 8, 2) <= 31 && s[10] == '\0';
}

bool fields_timestamp_ok(const char *s)
{
	const char *p = s + 19;

	if (strlen(s) < 20 || !(digits(s, 4) && s[4] == '-' && digits(s + 5, 2) && s[7] == '-' &&
				 digits(s + 8, 2) && (s[10] == 'T' || s[10] == 't') &&
				 digits(s + 11, 2) && s[13] == ':' && digits(s + 14, 2) &&
				 s[16] == ':' && digits(s + 17, 2)))
		return false;
	if (num(s + 5, 2) < 1 || num(s + 5, 2) > 12 || num(s + 8, 2) < 1 || num(s + 8, 2) > 31 ||
	    num(s + 11, 2) > 23 || num(s + 14, 2) > 59 || num(s + 17, 2) > 60)
		return false;
	if (*p == '.') {
		int n = 0;

		for (p++; *p >= '0' && *p <= '9'; p++)
			n++;
		if (n == 0 || n > 9)
			return false;
	}
	if ((*p == 'Z' || *p == 'z') && p[1] == '\0')
		return true;
	return (*p == '+' || *p == '-') && digits(p + 1, 2) && p[3] == ':' && digits(p + 4, 2) &&
	       p[6] == '\0' && num(p + 1, 2) <= 23 && num(p + 4, 2) <= 59;
}

bool fields_url_ok(const char *s)
{
	const char *host;

	if (strncasecmp(s, "https://", 8) == 0)
		host = s + 8;
	else if (strncasecmp(s, "http://", 7) == 0)
		host = s + 7;
	else
		return false;
	if (!*host || *host == '/' || *host == '?' || *host == '#')
		return false;
	/* RFC 3986 characters only (an international domain is written in punycode) */
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
			 "-._~:/?#[]@!$&'()*+,;=%") == strlen(s);
}

bool fields_one_of(const char *s, const char *const *choices)
{
	for (; *choices; choices++)
		if (strcmp(*choices, s) == 0)
			return true;
	return false;
}

static void check_string(const struct field_spec *f, const json_t *v, struct problem *pb)
{
	const char *s = json_string_value(v);
	size_t n = f->flags & FIELD_TRIM ? trimmed_length(s) : utf8_length(s);
	char msg[96];

	if ((long)n < f->min || (f->max && (long)n > f->max)) {
		if (f->max)
			snprintf(msg, sizeof(msg), "must be %ld to %ld characters long", f->min,
				 f->max);
		else
			snprintf(msg, sizeof(msg), "must be at least %ld characters long", f->min);
		add_limited(pb, f->name, (long)n < f->min ? "too_short" : "too_long", msg, f->min,
			    f->max);
	} else if (f->choices && !fields_one_of(s, f->choices)) {
		add(pb, f->name, "is not one of the allowed values");
	}
}

static void check_value(const struct field_spec *f, const json_t *v, struct problem *pb)
{
	char msg[96];

	if (json_is_null(v)) {
		if (!(f->flags & FIELD_NULLABLE))
			add(pb, f->name, "must not be null");
		return;
	}
	switch (f->type) {
	case FIELD_STRING:
		if (!json_is_string(v))
			add(pb, f->name, "must be a string");
		else
			check_string(f, v, pb);
		break;
	case FIELD_BOOLEAN:
		if (!json_is_boolean(v))
			add(pb, f->name, "must be true or false");
		break;
	case FIELD_INTEGER:
		if (!json_is_integer(v)) {
			add(pb, f->name, "must be a whole number");
		} else if (json_integer_value(v) < f->min ||
			   (f->max && json_integer_value(v) > f->max)) {
			if (f->max)
				snprintf(msg, sizeof(msg), "must be from %ld to %ld", f->min, f->max);
			else
				snprintf(msg, sizeof(msg), "must be %ld or more", f->min);
			add(pb, f->name, msg);
		}
		break;
	case FIELD_STRING_ARRAY: {
		size_t i;
		json_t *item;

		if (!json_is_array(v)) {
			add(pb, f->name, "must be an array of strings");
			break;
		}
		if ((long)json_array_size(v) < f->min ||
		    (f->max && (long)json_array_size(v) > f->max)) {
			if (f->max)
				snprintf(msg, sizeof(msg), "must hold %ld to %ld items", f->min,
					 f->max);
			else
				snprintf(msg, sizeof(msg), "must hold at least %ld items", f->min);
			add_limited(pb, f->name,
				    (long)json_array_size(v) < f->min ? "too_few_items"
								      : "too_many_items",
				    msg, f->min, f->max);
		}
		json_array_foreach(v, i, item)
		{
			if (!json_is_string(item)) {
				add(pb, f->name, "must be an array of strings");
				break;
			}
			if (f->choices && !fields_one_of(json_string_value(item), f->choices)) {
				add(pb, f->name, "holds a value that is not allowed");
				break;
			}
		}
		break;
	}
	case FIELD_TIMESTAMP:
		if (!json_is_string(v) || !fields_timestamp_ok(json_string_value(v)))
			add(pb, f->name, "must be an RFC 3339 date-time, e.g. 2026-03-12T18:00:00+01:00");
		break;
	case FIELD_DATE:
		if (!json_is_string(v) || !fields_date_ok(json_string_value(v)))
			add(pb, f->name, "must be a date, YYYY-MM-DD");
		break;
	case FIELD_OBJECT:
		if (!json_is_object(v))
			add(pb, f->name, "must be an object");
		break;
	case FIELD_ARRAY:
		if (!json_is_array(v))
			add(pb, f->name, "must be an array");
		break;
	}
}

int fields_check(const json_t *body, const struct field_spec *specs, struct problem *pb)
{
	const char *key;
	json_t *v;

	size_t before = pb->errors ? json_array_size(pb->errors) : 0;

	if (!json_is_object(body)) {
		problem_add_error(pb, "", "the body must be a JSON object");
		return -1;
	}
	json_object_foreach((json_t *)body, key, v)
	{
		const struct field_spec *f = find_spec(specs, key);

		if (!f)
			add(pb, key, "is not a field of this resource");
		else if (f->flags & FIELD_READ_ONLY)
			add(pb, key, "is read-only");
		else
			check_value(f, v, pb);
	}
	for (const struct field_spec *f = specs; f->name; f++)
		if ((f->flags & FIELD_REQUIRED) && !json_object_get(body, f->name))
			add(pb, f->name, "is required");
	/* errors this call added (pb may hold earlier ones) */
	return pb->errors && json_array_size(pb->errors) > before ? -1 : 0;
}

const char *fields_string(const json_t *body, const char *name)
{
	return json_string_value(json_object_get(body, name));
}

char *fields_trimmed(const json_t *body, const char *name, char *out, size_t outlen)
{
	const char *s = fields_string(body, name);
	const char *end;
	size_t n;

	if (!s)
		return NULL;
	while (*s && isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		end--;
	n = (size_t)(end - s);
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

bool fields_email_ok(const char *s)
{
	const char *at = strchr(s, '@');
	const char *dot;
	size_t n = strlen(s);

	if (n < 3 || n > 254 || !at || at == s || strchr(at + 1, '@'))
		return false;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == '<' || *p == '>' || *p == '(' || *p == ')' ||
		    *p == ',' || *p == ';' || *p == '"' || *p == '\\')
			return false;
	dot = strrchr(at + 1, '.');
	return dot && dot > at + 1 && dot[1] != '\0' && at - s <= 64;
}

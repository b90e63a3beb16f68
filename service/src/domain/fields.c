/* fields.c -- see fields.h */
#include "domain/fields.h"
#include "util/text.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

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
		add(pb, f->name, msg);
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
			add(pb, f->name, msg);
		}
		json_array_foreach(v, i, item) if (!json_is_string(item))
		{
			add(pb, f->name, "must be an array of strings");
			break;
		}
		break;
	}
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
	return pb->errors ? -1 : 0;
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

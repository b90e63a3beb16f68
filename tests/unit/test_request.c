/* test_request.c -- http/request.h: body_read_all, body_discard, body_parse_json and form_field. */
#include "http/request.h"
#include "util/text.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

/* A stub reader: hands out the chunks in turn (at most len bytes at a time), then rc_after. */
struct feed {
	char chunks[6][128];
	size_t nchunks;
	size_t next;   /* chunk being handed out */
	size_t offset; /* within it */
	int rc_after;  /* 0: end of body or a stall; -1: a read error */
	int calls;
	size_t biggest_request;
};

static int feed_read(void *ctx, char *buf, size_t len)
{
	struct feed *f = ctx;
	size_t left, n;

	f->calls++;
	if (len > f->biggest_request)
		f->biggest_request = len;
	if (f->next >= f->nchunks)
		return f->rc_after;
	left = strlen(f->chunks[f->next]) - f->offset;
	n = left < len ? left : len;
	memcpy(buf, f->chunks[f->next] + f->offset, n);
	f->offset += n;
	if (f->offset == strlen(f->chunks[f->next])) {
		f->next++;
		f->offset = 0;
	}
	return (int)n;
}

/* A reader that hands out one byte per call, forever: an endless chunked body. */
static int endless_read(void *ctx, char *buf, size_t len)
{
	int *calls = ctx;

	(*calls)++;
	cr_assert_gt(len, 0);
	memset(buf, 'x', len > 1000 ? 1000 : len);
	return len > 1000 ? 1000 : (int)len;
}

Test(request, body_of_exactly_the_declared_length)
{
	struct feed f = {.chunks = {"{\"a\":", "1}"}, .nchunks = 2};
	char *out = (char *)1;
	size_t len = 99;

	cr_assert_eq(body_read_all(feed_read, &f, 7, 100, &out, &len), 0);
	cr_assert_not_null(out);
	cr_expect_eq(len, 7);
	cr_expect_str_eq(out, "{\"a\":1}");
	cr_expect_eq(out[7], '\0');
	free(out);
}

Test(request, body_table)
{
	static const struct {
		char chunks[4][64];
		size_t nchunks;
		long long content_length;
		size_t max;
		int rc_after;
		int want;
		char body[80];
	} cases[] = {
		/* declared and delivered in several pieces */
		{{"ab", "cd", "ef"}, 3, 6, 100, 0, 0, "abcdef"},
		/* exactly at the limit */
		{{"0123456789"}, 1, 10, 10, 0, 0, "0123456789"},
		/* a short body with a declared length: the client stalled */
		{{"0123456789"}, 1, 50, 100, 0, 400, ""},
		/* a read error before the declared length */
		{{"01234"}, 1, 10, 100, -1, 400, ""},
		/* nothing arrives at all */
		{{""}, 0, 5, 100, 0, 400, ""},
		/* unknown length (chunked), under the limit */
		{{"{\"x\":", "[1,2]}"}, 2, -1, 100, 0, 0, "{\"x\":[1,2]}"},
		/* unknown length, exactly at the limit */
		{{"01234", "56789"}, 2, -1, 10, 0, 0, "0123456789"},
		/* unknown length, one byte over */
		{{"01234", "567890"}, 2, -1, 10, 0, 413, ""},
		/* unknown length, far over in one piece */
		{{"0123456789012345678901234567890123456789"}, 1, -1, 16, 0, 413, ""},
		/* declared zero */
		{{""}, 0, 0, 100, 0, 0, ""},
		/* unknown length and empty */
		{{""}, 0, -1, 100, 0, 0, ""},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct feed f = {.nchunks = cases[i].nchunks, .rc_after = cases[i].rc_after};
		char *out = (char *)1;
		size_t len = 99;
		int rc;

		for (size_t c = 0; c < cases[i].nchunks; c++)
			memcpy(f.chunks[c], cases[i].chunks[c], sizeof(cases[i].chunks[c]));
		rc =
		    body_read_all(feed_read, &f, cases[i].content_length, cases[i].max, &out, &len);
		cr_expect_eq(rc, cases[i].want, "case %zu: rc %d", i, rc);
		if (rc == 0) {
			cr_assert_not_null(out, "case %zu", i);
			cr_expect_eq(len, strlen(cases[i].body), "case %zu", i);
			cr_expect_str_eq(out, cases[i].body, "case %zu", i);
			free(out);
		} else {
			cr_expect_null(out, "case %zu: nothing handed out on failure", i);
			cr_expect_eq(len, 0, "case %zu", i);
		}
	}
}

Test(request, declared_length_over_the_limit_is_refused_unread)
{
	struct feed f = {.chunks = {"never read"}, .nchunks = 1};
	char *out = (char *)1;
	size_t len = 99;

	cr_expect_eq(body_read_all(feed_read, &f, 101, 100, &out, &len), 413);
	cr_expect_eq(f.calls, 0, "the reader was called %d times", f.calls);
	cr_expect_null(out);
	cr_expect_eq(len, 0);
}

Test(request, declared_length_bounds_the_read)
{
	/* the client sends more than it declared: only the declared bytes are taken */
	struct feed f = {.chunks = {"abcdefgh"}, .nchunks = 1};
	char *out;
	size_t len;

	cr_assert_eq(body_read_all(feed_read, &f, 4, 100, &out, &len), 0);
	cr_expect_eq(len, 4);
	cr_expect_str_eq(out, "abcd");
	cr_expect_leq(f.biggest_request, 4);
	free(out);
}

Test(request, endless_chunked_body_stops_at_the_limit)
{
	int calls = 0;
	char *out = (char *)1;
	size_t len = 99;

	cr_expect_eq(body_read_all(endless_read, &calls, -1, 20000, &out, &len), 413);
	cr_expect_null(out);
	cr_expect_lt(calls, 100, "kept reading: %d calls", calls);
}

Test(request, chunked_body_over_several_growths)
{
	int calls = 0;
	char *out;
	size_t len;

	/* a larger limit: the buffer grows several times before the limit ends the read */
	cr_expect_eq(body_read_all(endless_read, &calls, -1, 50000, &out, &len), 413);
	cr_expect_geq(calls, 50);
}

Test(request, discard_reads_a_body_to_its_end)
{
	struct feed f = {.chunks = {"abc", "defgh"}, .nchunks = 2, .rc_after = 0};

	cr_expect(body_discard(feed_read, &f, 100, 10.0));
	cr_expect_eq(f.next, 2, "the body was not read to its end");
}

Test(request, discard_stops_at_the_byte_bound)
{
	int calls = 0;

	/* an endless body: the bound ends the read, and reads never ask past it */
	cr_expect_not(body_discard(endless_read, &calls, 20000, 10.0));
	cr_expect_eq(calls, 20, "20000 bytes at 1000 a read: %d reads", calls);
}

Test(request, discard_stops_at_the_time_bound)
{
	int calls = 0;

	cr_expect_not(body_discard(endless_read, &calls, (size_t)1 << 40, 0.0));
	cr_expect_eq(calls, 0, "read after the deadline: %d reads", calls);
}

Test(request, discard_of_a_vanished_client_ends)
{
	struct feed f = {.chunks = {"abc"}, .nchunks = 1, .rc_after = -1};

	cr_expect_not(body_discard(feed_read, &f, 100, 10.0));
}

/* regression (found by these tests): a read error (-1, e.g. a chunked body cut off) with an unknown length is taken as the
 * end of the body: body_read_all returns 0 with a truncated body instead of 400 */
Test(request, chunked_body_with_a_read_error_is_refused)
{
	struct feed f = {.chunks = {"grant_type=client_credentials&client_secret=ab"},
	                 .nchunks = 1,
	                 .rc_after = -1};
	char *out = NULL;
	size_t len = 0;
	int rc = body_read_all(feed_read, &f, -1, 1000, &out, &len);

	cr_expect_eq(rc, 400, "a truncated chunked body was accepted (%zu bytes)", len);
	free(out);
}

/* Writes depth nested arrays around 1 into out: [[[1]]] for 3. */
static void nested(char *out, int depth)
{
	int o = 0;

	for (int i = 0; i < depth; i++)
		out[o++] = '[';
	out[o++] = '1';
	for (int i = 0; i < depth; i++)
		out[o++] = ']';
	out[o] = '\0';
}

Test(request, parse_json_table)
{
	static const struct {
		char in[64];
		bool ok;
	} cases[] = {
		{"{\"name\":\"Ada\",\"n\":[1,2,{\"x\":null}]}", true},
		{"{}", true},
		{"[]", true},
		{"{\"a\":1,\"a\":2}", false}, /* duplicate key */
		{"{\"a\":1} x", false},       /* trailing garbage */
		{"{\"a\":1}{}", false},
		{"\"just a string\"", false}, /* scalar top level */
		{"42", false},
		{"", false},
		{"{\"a\":\"\\u0000\"}", false},  /* NUL in a string */
		{"{\"a\":\"\xff\"}", false},     /* invalid UTF-8 */
		{"{\"a\":\"\xc3\"}", false},     /* truncated UTF-8 */
		{"{\"\xed\xa0\x80\":1}", false}, /* a surrogate encoded as UTF-8 */
		{"{\"a\":1,}", false},
		{"{'a':1}", false},
		{"{\"\xc3\xa5\":\"\xc3\xa4\"}", true}, /* valid UTF-8 */
	};
	char why[200];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *v;

		why[0] = '\0';
		v = body_parse_json(cases[i].in, strlen(cases[i].in), why, sizeof(why));
		cr_expect_eq(v != NULL, cases[i].ok, "case %zu: %s (%s)", i, cases[i].in, why);
		if (!v)
			cr_expect_neq(why[0], '\0', "case %zu: a reason is given", i);
		json_decref(v);
	}
}

Test(request, parse_json_depth_limit)
{
	char s[2 * (JSON_MAX_DEPTH + 1) + 2];
	char why[200];
	json_t *v;

	cr_assert_eq(JSON_MAX_DEPTH, 32);
	nested(s, 32);
	v = body_parse_json(s, strlen(s), why, sizeof(why));
	cr_expect_not_null(v, "depth 32 accepted");
	json_decref(v);
	nested(s, 33);
	v = body_parse_json(s, strlen(s), why, sizeof(why));
	cr_expect_null(v, "depth 33 refused");
	cr_expect_not_null(strstr(why, "32"), "why: %s", why);
	json_decref(v);
}

Test(request, parse_json_deep_attack_does_not_reach_jansson)
{
	/* thousands of levels: refused by the scan, without recursing */
	size_t n = 100000;
	char *s = malloc(n + 1);
	char why[200];

	memset(s, '[', n);
	s[n] = '\0';
	cr_expect_null(body_parse_json(s, n, why, sizeof(why)));
	free(s);
}

Test(request, parse_json_reads_only_len_bytes)
{
	char why[200];
	json_t *v = body_parse_json("{\"a\":1}GARBAGE", 7, why, sizeof(why));

	cr_assert_not_null(v, "%s", why);
	cr_expect_eq(json_integer_value(json_object_get(v, "a")), 1);
	json_decref(v);
}

Test(request, parse_json_bounds_the_reason)
{
	char why[16];

	memset(why, 'X', sizeof(why));
	cr_expect_null(body_parse_json("{nope", 5, why, sizeof(why)));
	cr_expect_lt(strlen(why), sizeof(why));
}

Test(request, form_field_table)
{
	static const struct {
		char text[64];
		char name[16];
		size_t outlen;
		int want;
		char value[32];
	} cases[] = {
		{"grant_type=client_credentials&scope=a", "grant_type", 64, 1, "client_credentials"},
		{"grant_type=client_credentials&scope=a", "scope", 64, 1, "a"},
		{"grant_type=client_credentials&scope=a", "client_id", 64, 0, ""},
		{"grant_type=x", "grant", 64, 0, ""}, /* a prefix is not the name */
		{"xgrant=1&grant=2", "grant", 64, 1, "2"},
		{"a=1&a=2", "a", 64, 1, "1"}, /* the first one wins */
		{"scope=a+b+c", "scope", 64, 1, "a b c"},
		{"k=%41%42c", "k", 64, 1, "ABc"},
		{"k=%c3%A5", "k", 64, 1, "\xc3\xa5"},
		{"k=%2B%26%3D", "k", 64, 1, "+&="},
		{"k=", "k", 64, 1, ""},
		{"k", "k", 64, 1, ""},
		{"k=v&", "k", 64, 1, "v"},
		{"&&k=v", "k", 64, 1, "v"},
		{"k=%4", "k", 64, -1, ""},
		{"k=%4&j=1", "k", 64, -1, ""},
		{"k=%", "k", 64, -1, ""},
		{"k=%zz", "k", 64, -1, ""},
		{"k=%4g", "k", 64, -1, ""},
		{"k=%00", "k", 64, -1, ""},
		{"k=abc%00def", "k", 64, -1, ""},
		{"k=abcd", "k", 5, 1, "abcd"}, /* exactly fits */
		{"k=abcde", "k", 5, -1, ""},   /* one too long */
		{"k=%41%41%41%41%41", "k", 5, -1, ""},
		{"", "k", 64, 0, ""},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[64];
		int rc;

		memset(out, '#', sizeof(out));
		rc = form_field(cases[i].text, cases[i].name, out, cases[i].outlen);
		cr_expect_eq(rc, cases[i].want, "case %zu: %s [%s] -> %d", i, cases[i].text,
		             cases[i].name, rc);
		if (rc == 1 && cases[i].want == 1)
			cr_expect_str_eq(out, cases[i].value, "case %zu", i);
		/* never writes past outlen */
		for (size_t b = cases[i].outlen; b < sizeof(out); b++)
			cr_assert_eq(out[b], '#', "case %zu wrote byte %zu", i, b);
	}
}

Test(request, form_field_null_text_is_absent)
{
	char out[8];

	cr_expect_eq(form_field(NULL, "k", out, sizeof(out)), 0);
}

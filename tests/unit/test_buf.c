/* test_buf.c -- util/buf.h: growth, formatting, JSON escaping, reset and detach. */
#include "util/buf.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

Test(buf, starts_empty_and_adds)
{
	struct buf b = BUF_INIT;

	cr_expect_null(b.data);
	buf_adds(&b, "abc");
	buf_add(&b, "defgh", 2);
	cr_expect_eq(b.len, 5);
	cr_expect_str_eq(b.data, "abcde");
	cr_expect_geq(b.cap, b.len + 1);
	buf_release(&b);
	cr_expect_null(b.data);
	cr_expect_eq(b.len, 0);
	cr_expect_eq(b.cap, 0);
}

Test(buf, zero_length_add_still_terminates)
{
	struct buf b = BUF_INIT;

	buf_add(&b, "", 0);
	cr_assert_not_null(b.data);
	cr_expect_str_eq(b.data, "");
	cr_expect_eq(b.len, 0);
	buf_release(&b);
}

Test(buf, grows_past_many_doublings)
{
	struct buf b = BUF_INIT;
	char chunk[100];

	for (size_t i = 0; i < 1000; i++) {
		memset(chunk, 'a' + (int)(i % 26), sizeof(chunk));
		buf_add(&b, chunk, sizeof(chunk));
		cr_assert_geq(b.cap, b.len + 1);
	}
	cr_assert_eq(b.len, 100000);
	cr_expect_eq(strlen(b.data), 100000);
	for (size_t i = 0; i < 1000; i++)
		cr_assert_eq(b.data[i * 100 + 99], 'a' + (int)(i % 26), "chunk %zu", i);
	buf_release(&b);
}

Test(buf, addf_formats_and_appends)
{
	struct buf b = BUF_INIT;
	char big[1000];

	buf_adds(&b, "x=");
	buf_addf(&b, "%d;%s;%05.1f", 42, "y", 2.5);
	cr_expect_str_eq(b.data, "x=42;y;002.5");
	/* a formatted piece larger than the first allocation */
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	buf_addf(&b, "[%s]", big);
	cr_expect_eq(b.len, 12 + 1001);
	cr_expect_eq(b.data[b.len - 1], ']');
	cr_expect_eq(b.data[b.len], '\0');
	cr_expect_eq(b.data[12], '[');
	buf_release(&b);
}

Test(buf, json_escaping)
{
	static const struct {
		char in[24];
		char want[48];
	} cases[] = {
		{"plain", "plain"},
		{"say \"hi\"", "say \\\"hi\\\""},
		{"a\\b", "a\\\\b"},
		{"l1\nl2\r\t", "l1\\nl2\\r\\t"},
		{"\x01\x1f", "\\u0001\\u001f"},
		{"\b\f", "\\u0008\\u000c"},
		{"/ \x7f", "/ \x7f"},                                     /* no escape needed */
		{"\xc3\xa5\xc3\xa4\xc3\xb6", "\xc3\xa5\xc3\xa4\xc3\xb6"}, /* UTF-8 kept */
		{"", ""},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf b = BUF_INIT;

		buf_adds(&b, "<");
		buf_add_json_escaped(&b, cases[i].in);
		buf_adds(&b, ">");
		cr_expect_eq(b.len, strlen(cases[i].want) + 2, "length case %zu", i);
		cr_expect_eq(strncmp(b.data + 1, cases[i].want, strlen(cases[i].want)), 0,
		             "case %zu: got %s", i, b.data);
		cr_expect_eq(b.data[b.len - 1], '>', "case %zu", i);
		buf_release(&b);
	}
}

Test(buf, reset_keeps_storage)
{
	struct buf b = BUF_INIT;
	char *before;

	buf_adds(&b, "something");
	before = b.data;
	buf_reset(&b);
	cr_expect_eq(b.len, 0);
	cr_expect_str_eq(b.data, "");
	cr_expect_eq(b.data, before);
	buf_adds(&b, "ok");
	cr_expect_str_eq(b.data, "ok");
	buf_release(&b);

	buf_reset(&b); /* on an empty buf: nothing to touch */
	cr_expect_null(b.data);
}

Test(buf, detach_hands_over_storage)
{
	struct buf b = BUF_INIT;
	size_t len = 99;
	char *p;

	buf_adds(&b, "hello");
	p = buf_detach(&b, &len);
	cr_expect_str_eq(p, "hello");
	cr_expect_eq(len, 5);
	cr_expect_null(b.data);
	cr_expect_eq(b.len, 0);
	cr_expect_eq(b.cap, 0);
	free(p);

	/* never NULL, even when nothing was added */
	p = buf_detach(&b, &len);
	cr_assert_not_null(p);
	cr_expect_str_eq(p, "");
	cr_expect_eq(len, 0);
	cr_expect_null(b.data);
	free(p);

	/* len may be NULL; the buf is usable again afterwards */
	buf_adds(&b, "again");
	p = buf_detach(&b, NULL);
	cr_expect_str_eq(p, "again");
	free(p);
}

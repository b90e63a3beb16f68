/*
 * test_paging.c -- handlers/paging.h: the cursor decoder and the key check, the pure parts
 * that stand between a client's cursor text and a statement parameter.
 */
#include "handlers/paging.h"
#include "util/text.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#define ID "0b7c9a2e-3f4d-4e5f-8a9b-1c2d3e4f5a6b"

/* base64url of text, as the service writes cursors (out: room for 4 * (n / 3 + 1) + 1) */
static void encode(const char *text, char *out)
{
	base64url_encode((const unsigned char *)text, strlen(text), out);
}

/* Decodes the cursor whose JSON is json, for order; the key and id land in key and id. */
static int decode_json(const char *json, const char *order, char *key, size_t keylen,
		       char id[37])
{
	char text[4096];

	cr_assert_lt(strlen(json), 3000);
	encode(json, text);
	return page_cursor_decode(text, order, key, keylen, id);
}

Test(paging, a_cursor_of_the_order_gives_its_key_and_id)
{
	char key[PAGE_KEY_MAX], id[37];

	cr_assert_eq(decode_json("[\"users:created_at\",\"2026-06-01T12:00:00.000000Z\",\"" ID
				 "\"]",
				 "users:created_at", key, sizeof(key), id),
		     0);
	cr_assert_str_eq(key, "2026-06-01T12:00:00.000000Z");
	cr_assert_str_eq(id, ID);
	/* a key may hold any UTF-8, quotes and commas included */
	cr_assert_eq(decode_json("[\"name\",\"Förening \\\"Ö\\\", Göteborg\",\"" ID "\"]", "name",
				 key, sizeof(key), id),
		     0);
	cr_assert_str_eq(key, "Förening \"Ö\", Göteborg");
}

Test(paging, bad_base64url_is_no_cursor)
{
	static const char *const texts[] = {"", "!!!", "abc$", "a", "eyJ4IjoxfQ==x", "%%%"};
	char key[PAGE_KEY_MAX], id[37];

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		cr_expect_eq(page_cursor_decode(texts[i], "name", key, sizeof(key), id), -1, "%s",
			     texts[i]);
}

Test(paging, a_cursor_of_another_order_or_list_is_refused)
{
	char key[PAGE_KEY_MAX], id[37];

	cr_assert_eq(decode_json("[\"name\",\"A\",\"" ID "\"]", "-created_at", key, sizeof(key),
				 id),
		     -1);
	cr_assert_eq(decode_json("[\"users:created_at\",\"2026-06-01T12:00:00.000000Z\",\"" ID
				 "\"]",
				 "clients:created_at", key, sizeof(key), id),
		     -1);
	/* the order is compared whole, not as a prefix */
	cr_assert_eq(decode_json("[\"name2\",\"A\",\"" ID "\"]", "name", key, sizeof(key), id), -1);
}

Test(paging, anything_but_an_array_of_three_strings_is_refused)
{
	static const char *const docs[] = {
		"[\"name\",\"A\"]",
		"[\"name\",\"A\",\"" ID "\",\"x\"]",
		"[]",
		"{\"order\":\"name\",\"key\":\"A\",\"id\":\"" ID "\"}",
		"\"name\"",
		"[\"name\",1,\"" ID "\"]",
		"[\"name\",null,\"" ID "\"]",
		"[\"name\",[\"A\"],\"" ID "\"]",
		"[1,\"A\",\"" ID "\"]",
		"[\"name\",\"A\",\"" ID "\"",  /* not JSON */
		"2026-06-01T12:00:00.000000Z|" ID, /* the old "<time>|<id>" form */
	};
	char key[PAGE_KEY_MAX], id[37];

	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		cr_expect_eq(decode_json(docs[i], "name", key, sizeof(key), id), -1, "%s", docs[i]);
}

Test(paging, an_id_that_is_not_a_uuid_is_refused)
{
	static const char *const ids[] = {"", "1", "not-a-uuid", ID "0",
					  "0b7c9a2e-3f4d-4e5f-8a9b-1c2d3e4f5a6", /* 35 */
					  "0b7c9a2e_3f4d_4e5f_8a9b_1c2d3e4f5a6b",
					  "0b7c9a2e-3f4d-4e5f-8a9b-1c2d3e4f5a6g"};
	char key[PAGE_KEY_MAX], id[37], json[200];

	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		snprintf(json, sizeof(json), "[\"name\",\"A\",\"%s\"]", ids[i]);
		cr_expect_eq(decode_json(json, "name", key, sizeof(key), id), -1, "%s", ids[i]);
	}
}

Test(paging, a_key_longer_than_the_buffer_is_refused_not_cut)
{
	char json[2000], key[16], id[37];

	/* 15 bytes fit with their NUL; 16 do not */
	snprintf(json, sizeof(json), "[\"name\",\"%s\",\"" ID "\"]", "abcdefghijklmno");
	cr_assert_eq(decode_json(json, "name", key, sizeof(key), id), 0);
	cr_assert_str_eq(key, "abcdefghijklmno");
	snprintf(json, sizeof(json), "[\"name\",\"%s\",\"" ID "\"]", "abcdefghijklmnop");
	cr_assert_eq(decode_json(json, "name", key, sizeof(key), id), -1);
	/* and text longer than any cursor is refused before it is decoded */
	{
		static char text[8192];

		memset(text, 'A', sizeof(text) - 1);
		cr_assert_eq(page_cursor_decode(text, "name", key, sizeof(key), id), -1);
	}
}

Test(paging, a_nul_inside_the_key_is_refused)
{
	char key[PAGE_KEY_MAX], id[37];

	cr_assert_eq(decode_json("[\"name\",\"A\\u0000B\",\"" ID "\"]", "name", key, sizeof(key),
				 id),
		     -1);
}

Test(paging, keys_are_checked_for_their_kind)
{
	cr_assert(page_key_ok(PAGE_KEY_TIME, "2026-06-01T12:00:00.000000Z"));
	cr_assert(page_key_ok(PAGE_KEY_TIME, "1999-12-31T23:59:59.999999Z"));
	cr_assert_not(page_key_ok(PAGE_KEY_TIME, "2026-06-01T12:00:00Z"));
	cr_assert_not(page_key_ok(PAGE_KEY_TIME, "2026-13-01T12:00:00.000000Z"));
	cr_assert_not(page_key_ok(PAGE_KEY_TIME, "2026-06-01T24:00:00.000000Z"));
	cr_assert_not(page_key_ok(PAGE_KEY_TIME, "2026-06-01 12:00:00.000000Z"));
	cr_assert_not(page_key_ok(PAGE_KEY_TIME, "yesterday"));
	cr_assert(page_key_ok(PAGE_KEY_NUMBER, "42"));
	cr_assert(page_key_ok(PAGE_KEY_NUMBER, "1.0607927"));
	cr_assert(page_key_ok(PAGE_KEY_NUMBER, "6.0792705e-05"));
	cr_assert_not(page_key_ok(PAGE_KEY_NUMBER, ""));
	cr_assert_not(page_key_ok(PAGE_KEY_NUMBER, "NaN"));
	cr_assert_not(page_key_ok(PAGE_KEY_NUMBER, "1e999"));
	cr_assert_not(page_key_ok(PAGE_KEY_NUMBER, "12abc"));
	cr_assert(page_key_ok(PAGE_KEY_TEXT, "any name at all"));
}

/* test_download.c -- http/download.h: byte ranges and Content-Disposition. */
#include "http/download.h"

#include <criterion/criterion.h>

Test(download, ranges)
{
	size_t a = 99, b = 99;

	cr_assert_eq(byte_range_parse(NULL, 100, &a, &b), RANGE_WHOLE);
	cr_assert_eq(byte_range_parse("bytes=0-9", 100, &a, &b), RANGE_PARTIAL);
	cr_assert(a == 0 && b == 9);
	cr_assert_eq(byte_range_parse("bytes=90-", 100, &a, &b), RANGE_PARTIAL);
	cr_assert(a == 90 && b == 99);
	cr_assert_eq(byte_range_parse("bytes=-10", 100, &a, &b), RANGE_PARTIAL);
	cr_assert(a == 90 && b == 99);
	cr_assert_eq(byte_range_parse("bytes=-1000", 100, &a, &b), RANGE_PARTIAL);
	cr_assert(a == 0 && b == 99);
	cr_assert_eq(byte_range_parse("bytes=50-1000", 100, &a, &b), RANGE_PARTIAL);
	cr_assert(a == 50 && b == 99);
	cr_assert_eq(byte_range_parse("bytes=100-", 100, &a, &b), RANGE_UNSATISFIABLE);
	cr_assert_eq(byte_range_parse("bytes=-0", 100, &a, &b), RANGE_UNSATISFIABLE);
	cr_assert_eq(byte_range_parse("bytes=0-1,5-6", 100, &a, &b), RANGE_WHOLE);
	cr_assert_eq(byte_range_parse("items=0-1", 100, &a, &b), RANGE_WHOLE);
	cr_assert_eq(byte_range_parse("bytes=5-1", 100, &a, &b), RANGE_WHOLE);
	cr_assert_eq(byte_range_parse("bytes=-", 100, &a, &b), RANGE_WHOLE);
	cr_assert_eq(byte_range_parse("bytes=99999999999999999999999-", 100, &a, &b), RANGE_WHOLE);
}

Test(download, content_disposition)
{
	char out[300];

	cr_assert_eq(content_disposition("Protokoll 2026-03-01.pdf", out, sizeof(out)), 0);
	cr_assert_str_eq(out, "attachment; filename=\"Protokoll 2026-03-01.pdf\"; "
			      "filename*=UTF-8''Protokoll%202026-03-01.pdf");
	cr_assert_eq(content_disposition("Överenskommelse \"ny\".pdf", out, sizeof(out)), 0);
	cr_assert_str_eq(out, "attachment; filename=\"_verenskommelse _ny_.pdf\"; "
			      "filename*=UTF-8''%C3%96verenskommelse%20%22ny%22.pdf");
	cr_assert_eq(content_disposition("a.pdf", out, 20), -1);
}

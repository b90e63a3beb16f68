/* test_csv.c -- util/csv.h: RFC 4180 quoting and formula neutralisation. */
#include "util/csv.h"

#include <criterion/criterion.h>
#include <string.h>

Test(csv, cells)
{
	static const struct {
		char in[32];
		char want[48];
	} cases[] = {
	    /* plain text is unchanged */
	    {"plain", "plain"},
	    {"Blå Bandet", "Blå Bandet"},
	    {"212000-1355", "212000-1355"},
	    {"a b", "a b"},
	    {"x=1", "x=1"},
	    {"it's", "it's"},
	    {"2026-03-12T18:00:00Z", "2026-03-12T18:00:00Z"},
	    {"a;b", "a;b"},
	    /* quoted: comma, quote (doubled), CR, LF */
	    {"a,b", "\"a,b\""},
	    {"say \"hi\"", "\"say \"\"hi\"\"\""},
	    {"\"", "\"\"\"\""},
	    {"line\nbreak", "\"line\nbreak\""},
	    {"line\r\nbreak", "\"line\r\nbreak\""},
	    {"cr\rhere", "\"cr\rhere\""},
	    {",", "\",\""},
	    /* formulas: a leading ' inside quotes */
	    {"=1+2", "\"'=1+2\""},
	    {"=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""},
	    {"+46 31 123", "\"'+46 31 123\""},
	    {"-5", "\"'-5\""},
	    {"@SUM(A1)", "\"'@SUM(A1)\""},
	    {"\tx", "\"'\tx\""},
	    {"\rx", "\"'\rx\""},
	    {"=a,b", "\"'=a,b\""},
	    {"=", "\"'=\""},
	    /* only the first character counts */
	    {" =1+2", " =1+2"},
	    {"a=1", "a=1"},
	    {"'=1", "'=1"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf out = BUF_INIT;

		csv_cell(&out, cases[i].in);
		cr_assert_not_null(out.data, "case %zu", i);
		cr_expect_str_eq(out.data, cases[i].want, "case %zu: %s", i, cases[i].in);
		cr_expect_eq(out.len, strlen(cases[i].want), "case %zu", i);
		buf_release(&out);
	}
}

Test(csv, null_and_empty_are_empty_cells)
{
	struct buf out = BUF_INIT;

	buf_adds(&out, "a,");
	csv_cell(&out, NULL);
	buf_adds(&out, ",");
	csv_cell(&out, "");
	buf_adds(&out, ",b");
	cr_expect_str_eq(out.data, "a,,,b");
	buf_release(&out);

	csv_cell(&out, NULL);
	cr_expect_eq(out.len, 0, "nothing written for NULL");
	buf_release(&out);
}

Test(csv, a_row_round_trips)
{
	static const char *const row[] = {"Blå Bandet", "212000-1355", "=cmd|' /C calc'!A0",
	                                  "a \"quoted\", text", NULL};
	struct buf out = BUF_INIT;

	for (size_t i = 0; i < 5; i++) {
		if (i)
			buf_adds(&out, ",");
		csv_cell(&out, row[i]);
	}
	buf_adds(&out, "\r\n");
	cr_expect_str_eq(out.data, "Blå Bandet,212000-1355,\"'=cmd|' /C calc'!A0\","
	                           "\"a \"\"quoted\"\", text\",\r\n");
	buf_release(&out);
}

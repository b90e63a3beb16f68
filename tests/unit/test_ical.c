/* test_ical.c -- util/ical.h: TEXT escaping, folding at 75 octets, UTF-8 kept whole, CRLF. */
#include "util/ical.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

/*
 * Checks the physical lines of out: each ends in CRLF, holds no other CR or LF, is at most
 * 75 octets, and each continuation line starts with exactly one space. Returns the number
 * of physical lines.
 */
static size_t check_lines(const struct buf *out)
{
	size_t lines = 0;
	const char *p = out->data;
	const char *end = out->data + out->len;

	cr_assert_not_null(p);
	cr_assert_geq(out->len, 2);
	cr_expect_eq(memcmp(end - 2, "\r\n", 2), 0, "ends in CRLF");
	while (p < end) {
		const char *crlf = NULL;

		for (const char *q = p; q + 1 < end; q++)
			if (q[0] == '\r' && q[1] == '\n') {
				crlf = q;
				break;
			}
		cr_assert_not_null(crlf, "line %zu has no CRLF", lines);
		cr_expect_leq(crlf - p, 75, "line %zu is %td octets", lines, crlf - p);
		for (const char *q = p; q < crlf; q++)
			cr_expect(*q != '\r' && *q != '\n', "a bare CR or LF in line %zu", lines);
		if (lines > 0) {
			cr_expect_eq(p[0], ' ', "continuation line %zu starts with a space", lines);
			cr_expect_geq(crlf - p, 2, "continuation line %zu holds something", lines);
		}
		/* no UTF-8 sequence is split: a line never starts (after the space) or ends
		 * inside one */
		{
			const char *first = lines > 0 ? p + 1 : p;

			if (first < crlf)
				cr_expect_neq((unsigned char)*first & 0xc0, 0x80,
				              "line %zu starts with a continuation byte", lines);
		}
		lines++;
		p = crlf + 2;
	}
	return lines;
}

/* Unfolds out (RFC 5545 §3.1: remove every CRLF followed by one space) into a new string. */
static char *unfold(const struct buf *out)
{
	char *s = malloc(out->len + 1);
	size_t o = 0;

	cr_assert_not_null(s);
	for (size_t i = 0; i < out->len; i++) {
		if (out->data[i] == '\r' && i + 2 < out->len && out->data[i + 1] == '\n' &&
		    out->data[i + 2] == ' ') {
			i += 2;
			continue;
		}
		s[o++] = out->data[i];
	}
	s[o] = '\0';
	return s;
}

Test(ical, text_escaping)
{
	static const struct {
		char in[40];
		char want[64];
	} cases[] = {
	    {"plain", "SUMMARY:plain\r\n"},
	    {"", "SUMMARY:\r\n"},
	    {"a\\b", "SUMMARY:a\\\\b\r\n"},
	    {"a;b", "SUMMARY:a\\;b\r\n"},
	    {"a,b", "SUMMARY:a\\,b\r\n"},
	    {"a\nb", "SUMMARY:a\\nb\r\n"},
	    {"a\r\nb", "SUMMARY:a\\nb\r\n"},
	    {"a\rb", "SUMMARY:ab\r\n"},
	    {"a:b\"c'd", "SUMMARY:a:b\"c'd\r\n"},
	    {"tab\there", "SUMMARY:tab\there\r\n"},
	    {"\\;,\n", "SUMMARY:\\\\\\;\\,\\n\r\n"},
	    {"Möte på Hisingen", "SUMMARY:Möte på Hisingen\r\n"},
	    {"bell\a", "SUMMARY:bell\r\n"}, /* other control characters are dropped */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct buf out = BUF_INIT;

		ical_text(&out, "SUMMARY", cases[i].in);
		cr_assert_not_null(out.data, "case %zu", i);
		cr_expect_str_eq(out.data, cases[i].want, "case %zu", i);
		cr_expect_eq(out.len, strlen(cases[i].want), "case %zu", i);
		buf_release(&out);
	}
}

Test(ical, line_is_not_escaped)
{
	struct buf out = BUF_INIT;

	ical_line(&out, "DTSTART", "20260312T170000Z");
	ical_line(&out, "RRULE", "FREQ=WEEKLY;BYDAY=MO,TU");
	cr_expect_str_eq(out.data, "DTSTART:20260312T170000Z\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,TU\r\n");
	buf_release(&out);
}

Test(ical, lines_of_75_octets_are_not_folded)
{
	char value[128];
	struct buf out = BUF_INIT;

	/* "SUMMARY:" is 8 octets: 67 more make 75 */
	memset(value, 'x', 67);
	value[67] = '\0';
	ical_text(&out, "SUMMARY", value);
	cr_expect_eq(out.len, 77);
	cr_expect_eq(check_lines(&out), 1);
	buf_release(&out);

	value[67] = 'x';
	value[68] = '\0';
	ical_text(&out, "SUMMARY", value);
	cr_expect_eq(check_lines(&out), 2, "76 octets fold once");
	cr_expect_eq(memcmp(out.data + 75, "\r\n x\r\n", 6), 0);
	buf_release(&out);
}

Test(ical, long_ascii_folds_and_unfolds)
{
	char value[1001];
	struct buf out = BUF_INIT;
	char *flat;

	for (int i = 0; i < 1000; i++)
		value[i] = (char)('a' + i % 26);
	value[1000] = '\0';
	ical_text(&out, "DESCRIPTION", value);
	/* 12 + 1000 = 1012 octets: 75 on the first line, 74 on each continuation */
	cr_expect_eq(check_lines(&out), 1 + (1012 - 75 + 73) / 74);
	flat = unfold(&out);
	cr_expect_eq(strncmp(flat, "DESCRIPTION:", 12), 0);
	cr_expect_eq(strlen(flat), 1012 + 2);
	cr_expect_eq(strncmp(flat + 12, value, 1000), 0);
	cr_expect_str_eq(flat + 1012, "\r\n");
	free(flat);
	buf_release(&out);
}

/* Checks that every physical line holds only whole UTF-8 characters. */
static void expect_whole_characters(const struct buf *out)
{
	size_t start = 0;

	for (size_t i = 0; i + 1 < out->len; i++) {
		if (out->data[i] != '\r' || out->data[i + 1] != '\n')
			continue;
		/* decode the line [start, i) and require every sequence to be complete */
		for (size_t j = start; j < i;) {
			unsigned char b = (unsigned char)out->data[j];
			size_t len = b < 0x80             ? 1
			             : (b & 0xe0) == 0xc0 ? 2
			             : (b & 0xf0) == 0xe0 ? 3
			                                  : 4;

			cr_expect_neq(b & 0xc0, 0x80,
			              "a continuation byte starts a character at %zu", j);
			cr_expect_leq(j + len, i,
			              "a character at %zu runs past the line end at %zu", j, i);
			j += len;
		}
		start = i + 2;
	}
}

Test(ical, utf8_characters_are_never_split)
{
	static const struct {
		char unit[8]; /* one character, repeated */
		size_t bytes;
	} cases[] = {
	    {"\xc3\xa5", 2},         /* å */
	    {"\xe2\x82\xac", 3},     /* € */
	    {"\xf0\x9f\x98\x80", 4}, /* 😀 */
	    {"a\xc3\xa5", 3},        /* å at odd and even offsets */
	    {"ab\xf0\x9f\x98\x80", 6},
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		/* try every alignment of the characters against the fold points */
		for (size_t shift = 0; shift < 4; shift++) {
			char value[800];
			char want[820];
			size_t n = 0;
			struct buf out = BUF_INIT;
			char *flat;

			for (size_t i = 0; i < shift; i++)
				value[n++] = '.';
			while (n + cases[c].bytes < 700) {
				memcpy(value + n, cases[c].unit, cases[c].bytes);
				n += cases[c].bytes;
			}
			value[n] = '\0';
			ical_text(&out, "LOCATION", value);
			check_lines(&out);
			expect_whole_characters(&out);
			flat = unfold(&out);
			memcpy(want, "LOCATION:", 9);
			memcpy(want + 9, value, n);
			memcpy(want + 9 + n, "\r\n", 3);
			cr_expect_str_eq(flat, want, "case %zu/%zu: unfolding restores the line", c,
			                 shift);
			free(flat);
			buf_release(&out);
		}
	}
}

Test(ical, every_line_holds_whole_characters)
{
	char value[600];
	struct buf out = BUF_INIT;
	size_t n = 0;

	/* a mix of 1-, 2-, 3- and 4-byte characters */
	while (n < 560) {
		static const char mix[] = "x\xc3\xa5y\xe2\x82\xac\xf0\x9f\x98\x80z,";

		memcpy(value + n, mix, sizeof(mix) - 1);
		n += sizeof(mix) - 1;
	}
	value[n] = '\0';
	ical_text(&out, "DESCRIPTION", value);
	check_lines(&out);
	expect_whole_characters(&out);
	buf_release(&out);
}

Test(ical, escapes_count_toward_the_fold)
{
	char value[200];
	struct buf out = BUF_INIT;
	char *flat;

	memset(value, ',', 100);
	value[100] = '\0';
	ical_text(&out, "SUMMARY", value); /* 8 + 200 octets once escaped */
	check_lines(&out);
	flat = unfold(&out);
	cr_expect_eq(strlen(flat), 8 + 200 + 2);
	for (size_t i = 8; i < 208; i += 2)
		cr_expect_eq(memcmp(flat + i, "\\,", 2), 0, "at %zu", i);
	free(flat);
	buf_release(&out);
}

Test(ical, appends_to_what_is_there)
{
	struct buf out = BUF_INIT;

	buf_adds(&out, "BEGIN:VEVENT\r\n");
	ical_text(&out, "SUMMARY", "x");
	buf_adds(&out, "END:VEVENT\r\n");
	cr_expect_str_eq(out.data, "BEGIN:VEVENT\r\nSUMMARY:x\r\nEND:VEVENT\r\n");
	buf_release(&out);
}

/* test_orgnr.c -- util/orgnr.h: accepted forms, Luhn, the third-digit rule, the 16 prefix. */
#include "util/orgnr.h"

#include <criterion/criterion.h>
#include <string.h>

/* Luhn over ten digits, weights 2,1,2,1,... from the left: computed here independently. */
static bool luhn10(const char *d)
{
	int sum = 0;

	for (int i = 0; i < 10; i++) {
		int v = (d[i] - '0') * (i % 2 ? 1 : 2);

		sum += v / 10 + v % 10;
	}
	return sum % 10 == 0;
}

Test(orgnr, the_vectors_satisfy_luhn_as_computed_here)
{
	static const struct {
		char digits[11];
		bool ok;
	} cases[] = {
	    {"2120001355", true},  {"2120000142", true},  {"5560360793", true},
	    {"8024033931", true},  {"1212121212", true},  {"2120001356", false},
	    {"5560360794", false}, {"8024033930", false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		cr_expect_eq(luhn10(cases[i].digits), cases[i].ok, "case %zu: %s", i,
		             cases[i].digits);
}

Test(orgnr, valid_numbers_in_every_accepted_form)
{
	static const struct {
		char in[16];
		char want[12];
	} cases[] = {
	    {"212000-1355", "212000-1355"},  {"2120001355", "212000-1355"},
	    {"162120001355", "212000-1355"}, {"16212000-1355", "212000-1355"},
	    {"212000-0142", "212000-0142"},  {"2120000142", "212000-0142"},
	    {"162120000142", "212000-0142"}, {"16212000-0142", "212000-0142"},
	    {"556036-0793", "556036-0793"},  {"5560360793", "556036-0793"},
	    {"165560360793", "556036-0793"}, {"16556036-0793", "556036-0793"},
	    {"802403-3931", "802403-3931"},  {"8024033931", "802403-3931"},
	    {"168024033931", "802403-3931"}, {"16802403-3931", "802403-3931"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[12];

		memset(out, 'X', sizeof(out));
		cr_expect_eq(orgnr_normalise(cases[i].in, out), ORGNR_OK, "case %zu: %s", i,
		             cases[i].in);
		cr_expect_eq(out[11], '\0', "case %zu: terminated", i);
		cr_expect_str_eq(out, cases[i].want, "case %zu: %s", i, cases[i].in);
	}
}

Test(orgnr, results_for_bad_input)
{
	static const struct {
		char in[24];
		enum orgnr_result want;
	} cases[] = {
	    /* wrong check digit */
	    {"212000-1356", ORGNR_CHECKSUM},
	    {"2120001356", ORGNR_CHECKSUM},
	    {"162120001356", ORGNR_CHECKSUM},
	    {"16212000-1356", ORGNR_CHECKSUM},
	    {"556036-0794", ORGNR_CHECKSUM},
	    /* a personnummer: valid Luhn, third digit 0 or 1 */
	    {"121212-1212", ORGNR_PERSONNUMMER},
	    {"1212121212", ORGNR_PERSONNUMMER},
	    {"16121212-1212", ORGNR_PERSONNUMMER},
	    {"811218-9876", ORGNR_PERSONNUMMER},
	    /* twelve digits whose century is not 16 */
	    {"192120001355", ORGNR_PREFIX},
	    {"19212000-1355", ORGNR_PREFIX},
	    {"202120001355", ORGNR_PREFIX},
	    {"191212121212", ORGNR_PREFIX},
	    /* everything else is a format error */
	    {"", ORGNR_FORMAT},
	    {"212000-135", ORGNR_FORMAT},    /* 9 digits */
	    {"212000135", ORGNR_FORMAT},     /* 9 digits */
	    {"21200013551", ORGNR_FORMAT},   /* 11 digits */
	    {"212000-13551", ORGNR_FORMAT},  /* 11 digits */
	    {"1621200013551", ORGNR_FORMAT}, /* 13 digits */
	    {"16212000135", ORGNR_FORMAT},   /* 11 digits with 16 */
	    {"21200-01355", ORGNR_FORMAT},   /* dash in the wrong place */
	    {"2120001-355", ORGNR_FORMAT},
	    {"1621200-01355", ORGNR_FORMAT},
	    {"162120001-355", ORGNR_FORMAT},
	    {"212000+1355", ORGNR_FORMAT}, /* the centenarian separator of personnummer */
	    {"212000 1355", ORGNR_FORMAT},
	    {" 212000-1355", ORGNR_FORMAT},
	    {"212000-1355 ", ORGNR_FORMAT},
	    {"2120OO-1355", ORGNR_FORMAT}, /* letters O */
	    {"abcdef-ghij", ORGNR_FORMAT},
	    {"SE212000135501", ORGNR_FORMAT}, /* a VAT number */
	    {"212000--1355", ORGNR_FORMAT},
	    {"\xef\xbc\x92\x31\x32\x30\x30\x30-1355", ORGNR_FORMAT}, /* full-width 2 */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char out[12] = "unchanged!!";

		cr_expect_eq(orgnr_normalise(cases[i].in, out), cases[i].want,
		             "case %zu: '%s' gave %d, want %d", i, cases[i].in,
		             orgnr_normalise(cases[i].in, out), cases[i].want);
		cr_expect_str_eq(out, "unchanged!!", "case %zu: out written on failure", i);
	}
}

Test(orgnr, every_result_has_a_message)
{
	static const enum orgnr_result all[] = {ORGNR_OK, ORGNR_FORMAT, ORGNR_PREFIX,
	                                        ORGNR_CHECKSUM, ORGNR_PERSONNUMMER};

	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		const char *m = orgnr_message(all[i]);

		cr_assert_not_null(m, "result %d", all[i]);
		cr_expect_gt(strlen(m), 0, "result %d", all[i]);
		for (size_t j = 0; j < i; j++)
			cr_expect_str_neq(m, orgnr_message(all[j]),
			                  "results %d and %d share a message", all[i], all[j]);
	}
	cr_expect_not_null(orgnr_message((enum orgnr_result)99));
}

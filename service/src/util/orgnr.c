/* orgnr.c -- see orgnr.h */
#include "util/orgnr.h"

#include <string.h>

static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

/* Luhn (mod 10) over ten digits, weights 2,1,2,1,... from the left */
static int luhn_ok(const char digits[10])
{
	int sum = 0;

	for (int i = 0; i < 10; i++) {
		int d = (digits[i] - '0') * (i % 2 == 0 ? 2 : 1);

		sum += d > 9 ? d - 9 : d;
	}
	return sum % 10 == 0;
}

enum orgnr_result orgnr_normalise(const char *in, char out[12])
{
	char digits[10];
	size_t n = strlen(in);

	if (n == 13 || n == 12) { /* 16NNNNNN-NNNN or 16NNNNNNNNNN */
		if (n == 13 ? !(all_digits(in, 8) && in[8] == '-' && all_digits(in + 9, 4))
			    : !all_digits(in, 12))
			return ORGNR_FORMAT;
		if (in[0] != '1' || in[1] != '6')
			return ORGNR_PREFIX;
		in += 2;
		n -= 2;
	}
	if (n == 11 && all_digits(in, 6) && in[6] == '-' && all_digits(in + 7, 4)) {
		memcpy(digits, in, 6);
		memcpy(digits + 6, in + 7, 4);
	} else if (n == 10 && all_digits(in, 10)) {
		memcpy(digits, in, 10);
	} else {
		return ORGNR_FORMAT;
	}
	if (!luhn_ok(digits))
		return ORGNR_CHECKSUM;
	if (digits[2] < '2')
		return ORGNR_PERSONNUMMER;
	memcpy(out, digits, 6);
	out[6] = '-';
	memcpy(out + 7, digits + 6, 4);
	out[11] = '\0';
	return ORGNR_OK;
}

const char *orgnr_message(enum orgnr_result r)
{
	switch (r) {
	case ORGNR_OK:
		return "is valid";
	case ORGNR_FORMAT:
		return "must be NNNNNN-NNNN, NNNNNNNNNN or 16NNNNNNNNNN";
	case ORGNR_PREFIX:
		return "a 12-digit organisation number starts with 16";
	case ORGNR_CHECKSUM:
		return "has a wrong check digit";
	case ORGNR_PERSONNUMMER:
		return "is a personal identity number, not an organisation number";
	}
	return "is not valid";
}

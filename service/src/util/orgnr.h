/*
 * orgnr.h -- Swedish organisationsnummer: the ten-digit identity of a legal person
 * (Bolagsverket). The third digit is 2 or more, which tells it from a personnummer (whose
 * third digit is a month's first digit, 0 or 1): a personnummer is never stored.
 */
#ifndef IDEKOM_ORGNR_H
#define IDEKOM_ORGNR_H

enum orgnr_result {
	ORGNR_OK = 0,
	ORGNR_FORMAT,      /* not NNNNNN-NNNN, NNNNNNNNNN, 16NNNNNNNNNN or 16NNNNNN-NNNN */
	ORGNR_PREFIX,      /* a 12-digit form whose century prefix is not 16 */
	ORGNR_CHECKSUM,    /* the Luhn check digit is wrong */
	ORGNR_PERSONNUMMER /* the third digit is 0 or 1: a person's number, not an organisation's */
};

/*
 * Checks in and writes the stored form NNNNNN-NNNN into out (12 bytes) when it is valid.
 * Pure: unit-tested.
 */
enum orgnr_result orgnr_normalise(const char *in, char out[12]);

/* A short English message for a result, for the 422 problem. */
const char *orgnr_message(enum orgnr_result r);

#endif

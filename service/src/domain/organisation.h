/*
 * organisation.h -- what an organisation body may hold, and its checks that need no database:
 * field types and lengths, the organisation number (normalised), website, e-mail and phone.
 * The database checks the rest (vocabulary codes, the umbrella's existence and cycles,
 * uniqueness), so that every writer obeys them. Pure: jansson only, unit-tested.
 */
#ifndef IDEKOM_ORGANISATION_H
#define IDEKOM_ORGANISATION_H

#include "http/problem.h"

#include <jansson.h>
#include <stdbool.h>

enum organisation_mode {
	ORGANISATION_CREATE, /* name and kind required */
	ORGANISATION_PATCH,  /* everything optional; null clears a nullable field */
	ORGANISATION_UPSERT, /* like PATCH; the database requires name and kind for a new row */
};

/*
 * Checks body for mode; admin may also send status and status_reason (PATCH only). Returns
 * a new reference: a copy of body with org_number normalised to NNNNNN-NNNN and name
 * trimmed and website given a scheme (organisation_website_normalise), ready for
 * the database. Returns NULL with every problem added to pb (422).
 */
json_t *organisation_input(const json_t *body, enum organisation_mode mode, bool admin,
			   struct problem *pb);

/* True for an http(s) URL with a host and no white space or control characters. */
bool organisation_website_ok(const char *s);

/*
 * The website as stored: an http(s) URL as given, or a bare host name with an optional port
 * and path ("solglantan.se/om") with https:// put in front, since that is how people write
 * addresses. False, leaving out undefined, when s can be neither (no dot, a scheme other than
 * http(s), characters outside RFC 3986) or the result does not fit in size bytes.
 */
bool organisation_website_normalise(const char *s, char *out, size_t size);

/* True for a phone number: digits, spaces and + - ( ), with at least 5 digits. */
bool organisation_phone_ok(const char *s);

#endif

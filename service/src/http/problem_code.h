/*
 * problem_code.h -- the stable codes of field errors. Each error in a 422's `errors[]` carries
 * a `code` from this list beside its English `message`, so that a client (the front end in
 * Swedish) translates by code and never shows the message. The list is the enum of
 * FieldError.code in openapi/openapi.yaml; tests/consistency checks that both agree and that
 * web/i18n has a text for each.
 */
#ifndef IDEKOM_PROBLEM_CODE_H
#define IDEKOM_PROBLEM_CODE_H

#include <limits.h>

/* min/max not known: the error carries no such member */
#define PROBLEM_NO_LIMIT LONG_MIN

/* The codes, NULL-terminated (for tests and documentation). */
extern const char *const problem_codes[];

/*
 * The code of an English field message, and the limits it states (min/max set to
 * PROBLEM_NO_LIMIT when it states none). Every message the service writes maps to a code;
 * an unknown one is "invalid". Returns a static string.
 */
const char *problem_code_of(const char *message, long *min, long *max);

#endif

/*
 * principal.h -- who is asking: nobody, a person (user), or another system (API client).
 * Filled from a verified access token and then re-read from the database on every request,
 * so that disabling a user or deleting a client takes effect at once.
 */
#ifndef IDEKOM_PRINCIPAL_H
#define IDEKOM_PRINCIPAL_H

enum principal_kind { PRINCIPAL_ANONYMOUS = 0, PRINCIPAL_USER, PRINCIPAL_CLIENT };

struct principal {
	enum principal_kind kind;
	char id[37];      /* the user's or client's UUID */
	char role[16];    /* admin, member, or client */
	char scopes[160]; /* clients: space-separated scopes of this token */
};

#endif

/* jwt.c -- see jwt.h */
#include "auth/jwt.h"
#include "util/text.h"
#include "util/xalloc.h"

#include <jansson.h>
#include <jwt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

char *jwt_issue(const struct config *cfg, const char *sub, const char *role, const char *scope,
		time_t now)
{
	const struct jwt_key *key = &cfg->keys[0];
	char jti[37];
	jwt_t *j = NULL;
	char *out = NULL;

	if (!cfg->key_count || uuid_generate_v4(jti) || jwt_new(&j))
		return NULL;
	if (jwt_set_alg(j, JWT_ALG_HS256, key->secret, (int)key->secret_len) ||
	    jwt_add_header(j, "kid", key->kid) || jwt_add_grant(j, "iss", cfg->jwt_issuer) ||
	    jwt_add_grant(j, "aud", cfg->jwt_audience) || jwt_add_grant(j, "sub", sub) ||
	    jwt_add_grant_int(j, "iat", now) || jwt_add_grant_int(j, "nbf", now) ||
	    jwt_add_grant_int(j, "exp", now + cfg->access_token_ttl) ||
	    jwt_add_grant(j, "jti", jti) || jwt_add_grant(j, "role", role) ||
	    (scope && jwt_add_grant(j, "scope", scope)))
		goto done;
	out = jwt_encode_str(j);
done:
	jwt_free(j);
	return out;
}

/* Decodes one base64url part into a fresh JSON object, depth-checked. New reference or NULL. */
static json_t *decode_part(const char *part, size_t len)
{
	unsigned char *raw = xmalloc(len * 3 / 4 + 2);
	long n = base64url_decode(part, len, raw);
	json_t *v = NULL;

	if (n > 0 && json_depth_ok((const char *)raw, (size_t)n, 4))
		v = json_loadb((const char *)raw, (size_t)n, JSON_REJECT_DUPLICATES, NULL);
	free(raw);
	if (v && !json_is_object(v)) {
		json_decref(v);
		v = NULL;
	}
	return v;
}

/*
 * RFC 8725 §3.11 explicit typing: when a token says what it is, it must say "JWT" (what we
 * issue, and the only type libjwt 1.10 reads), so that another kind of JWT signed with a
 * shared key (a DPoP proof, a security event) cannot be replayed as one of our access tokens.
 */
static bool typ_ok(const json_t *typ)
{
	return !typ || (json_is_string(typ) && strcasecmp(json_string_value(typ), "JWT") == 0);
}

static const struct jwt_key *key_for(const struct config *cfg, const char *kid)
{
	for (size_t i = 0; i < cfg->key_count; i++)
		if (strcmp(cfg->keys[i].kid, kid) == 0)
			return &cfg->keys[i];
	return NULL;
}

static bool audience_ok(const json_t *aud, const char *want)
{
	size_t i;
	json_t *v;

	if (json_is_string(aud))
		return strcmp(json_string_value(aud), want) == 0;
	if (!json_is_array(aud))
		return false;
	json_array_foreach(aud, i, v) if (json_is_string(v) && strcmp(json_string_value(v), want) == 0)
		return true;
	return false;
}

/* Checks the claims of a token whose signature is already verified. */
static int check_claims(const struct config *cfg, json_t *claims, time_t now,
			struct principal *out, char *why, size_t whylen)
{
	json_t *exp = json_object_get(claims, "exp");
	json_t *nbf = json_object_get(claims, "nbf");
	json_t *iss = json_object_get(claims, "iss");
	json_t *sub = json_object_get(claims, "sub");
	json_t *role = json_object_get(claims, "role");
	json_t *scope = json_object_get(claims, "scope");

	if (!json_is_integer(exp) || (nbf && !json_is_integer(nbf))) {
		snprintf(why, whylen, "exp must be an integer, nbf an integer when present");
		return -1;
	}
	/* subtract from now, never add to a claim: exp may be INT64_MAX */
	if ((json_int_t)now - JWT_LEEWAY_SECONDS > json_integer_value(exp)) {
		snprintf(why, whylen, "the token has expired");
		return -1;
	}
	if (nbf && (json_int_t)now + JWT_LEEWAY_SECONDS < json_integer_value(nbf)) {
		snprintf(why, whylen, "the token is not valid yet");
		return -1;
	}
	if (!json_is_string(iss) || strcmp(json_string_value(iss), cfg->jwt_issuer) != 0) {
		snprintf(why, whylen, "the token has the wrong issuer");
		return -1;
	}
	if (!audience_ok(json_object_get(claims, "aud"), cfg->jwt_audience)) {
		snprintf(why, whylen, "the token is not meant for this audience");
		return -1;
	}
	if (!json_is_string(sub) || !uuid_syntax_ok(json_string_value(sub)) ||
	    !json_is_string(role)) {
		snprintf(why, whylen, "the token names no valid subject and role");
		return -1;
	}
	memset(out, 0, sizeof(*out));
	snprintf(out->id, sizeof(out->id), "%s", json_string_value(sub));
	if (strcmp(json_string_value(role), "client") == 0) {
		if (!json_is_string(scope) || strlen(json_string_value(scope)) >= sizeof(out->scopes)) {
			snprintf(why, whylen, "a client token must carry its scope");
			return -1;
		}
		out->kind = PRINCIPAL_CLIENT;
		snprintf(out->role, sizeof(out->role), "client");
		snprintf(out->scopes, sizeof(out->scopes), "%s", json_string_value(scope));
	} else if (strcmp(json_string_value(role), "admin") == 0 ||
		   strcmp(json_string_value(role), "member") == 0) {
		out->kind = PRINCIPAL_USER;
		snprintf(out->role, sizeof(out->role), "%s", json_string_value(role));
	} else {
		snprintf(why, whylen, "the token has an unknown role");
		return -1;
	}
	return 0;
}

int jwt_verify_token(const struct config *cfg, const char *token, time_t now,
		     struct principal *out, char *why, size_t whylen)
{
	size_t len = strnlen(token, JWT_MAX_TOKEN_BYTES + 1);
	const char *dot1, *dot2;
	json_t *header = NULL, *claims = NULL;
	const struct jwt_key *key;
	jwt_t *j = NULL;
	char *grants = NULL;
	int rc = -1;

	if (len > JWT_MAX_TOKEN_BYTES) {
		snprintf(why, whylen, "the token is larger than %d bytes", JWT_MAX_TOKEN_BYTES);
		return -1;
	}
	dot1 = strchr(token, '.');
	dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
	if (!dot1 || !dot2 || strchr(dot2 + 1, '.') || dot2[1] == '\0') {
		snprintf(why, whylen, "the token is not a signed JWT");
		return -1;
	}
	/* parse the header and payload ourselves, depth-checked, before libjwt touches them */
	header = decode_part(token, (size_t)(dot1 - token));
	claims = decode_part(dot1 + 1, (size_t)(dot2 - dot1 - 1));
	if (!header || !claims) {
		snprintf(why, whylen, "the token is malformed");
		goto done;
	}
	if (!json_is_string(json_object_get(header, "alg")) ||
	    strcmp(json_string_value(json_object_get(header, "alg")), "HS256") != 0) {
		snprintf(why, whylen, "only HS256 tokens are accepted");
		goto done;
	}
	if (!typ_ok(json_object_get(header, "typ"))) {
		snprintf(why, whylen, "the token's type is not an access token");
		goto done;
	}
	if (json_object_get(header, "crit")) {
		snprintf(why, whylen, "the token has critical extensions we do not know");
		goto done;
	}
	if (!json_is_string(json_object_get(header, "kid")) ||
	    !(key = key_for(cfg, json_string_value(json_object_get(header, "kid"))))) {
		snprintf(why, whylen, "the token's key is unknown");
		goto done;
	}
	/* the key is never NULL or empty here: with one, libjwt refuses alg none */
	if (jwt_decode(&j, token, key->secret, (int)key->secret_len) || !j) {
		snprintf(why, whylen, "the token's signature is invalid");
		goto done;
	}
	if (jwt_get_alg(j) != JWT_ALG_HS256) {
		snprintf(why, whylen, "only HS256 tokens are accepted");
		goto done;
	}
	/* the verified claims, as libjwt read them (duplicates were refused above) */
	grants = jwt_get_grants_json(j, NULL);
	json_decref(claims);
	claims = grants ? json_loads(grants, JSON_REJECT_DUPLICATES, NULL) : NULL;
	if (!json_is_object(claims)) {
		snprintf(why, whylen, "the token is malformed");
		goto done;
	}
	rc = check_claims(cfg, claims, now, out, why, whylen);
done:
	free(grants);
	jwt_free(j);
	json_decref(header);
	json_decref(claims);
	return rc;
}

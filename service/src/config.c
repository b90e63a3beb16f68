/* config.c -- see config.h */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_DATABASE_URL "postgresql:///idekom?host=/tmp"

static long env_long(const char *name, long def, long min, long max, char *err, size_t errlen,
		     int *bad)
{
	const char *v = getenv(name);
	char *end;
	long n;

	if (!v || !*v)
		return def;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || !(*v >= '0' && *v <= '9') || n < min || n > max) {
		snprintf(err, errlen, "%s must be a whole number from %ld to %ld", name, min, max);
		*bad = 1;
		return def;
	}
	return n;
}

static void env_str(char *dst, size_t len, const char *name, const char *def)
{
	const char *v = getenv(name);

	snprintf(dst, len, "%s", v && *v ? v : def);
}

const char *config_database_url(void)
{
	const char *v = getenv("DATABASE_URL");

	return v && *v ? v : DEFAULT_DATABASE_URL;
}

int config_parse_keys(struct config *cfg, const char *spec, char *err, size_t errlen)
{
	const char *p = spec;

	cfg->key_count = 0;
	while (*p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		const char *colon = memchr(p, ':', len);
		struct jwt_key *k;

		if (!colon || colon == p || cfg->key_count == CONFIG_MAX_KEYS) {
			snprintf(err, errlen, "JWT_KEYS must be kid:secret[,kid:secret] (at most %d)",
				 CONFIG_MAX_KEYS);
			return -1;
		}
		k = &cfg->keys[cfg->key_count];
		if ((size_t)(colon - p) >= sizeof(k->kid)) {
			snprintf(err, errlen, "JWT_KEYS: a kid is longer than %zu characters",
				 sizeof(k->kid) - 1);
			return -1;
		}
		memcpy(k->kid, p, (size_t)(colon - p));
		k->kid[colon - p] = '\0';
		for (size_t i = 0; i < cfg->key_count; i++)
			if (strcmp(cfg->keys[i].kid, k->kid) == 0) {
				snprintf(err, errlen, "JWT_KEYS names kid '%s' twice", k->kid);
				return -1;
			}
		k->secret_len = len - (size_t)(colon - p) - 1;
		/* RFC 7518 §3.2: an HS256 key must be at least as long as the hash output */
		if (k->secret_len < 32 || k->secret_len > sizeof(k->secret)) {
			snprintf(err, errlen, "JWT key '%s' must be 32 to %zu bytes long", k->kid,
				 sizeof(k->secret));
			return -1;
		}
		memcpy(k->secret, colon + 1, k->secret_len);
		cfg->key_count++;
		p += len;
		if (*p == ',')
			p++;
	}
	if (!cfg->key_count) {
		snprintf(err, errlen, "JWT_KEYS holds no key");
		return -1;
	}
	return 0;
}

static int parse_origins(struct config *cfg, const char *spec, char *err, size_t errlen)
{
	const char *p = spec;

	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);

		while (len && *p == ' ') {
			p++;
			len--;
		}
		while (len && p[len - 1] == ' ')
			len--;
		if (len) {
			if (cfg->cors_origin_count == CONFIG_MAX_ORIGINS || len >= 256) {
				snprintf(err, errlen, "CORS_ORIGINS: at most %d origins of < 256 chars",
					 CONFIG_MAX_ORIGINS);
				return -1;
			}
			memcpy(cfg->cors_origins[cfg->cors_origin_count], p, len);
			cfg->cors_origins[cfg->cors_origin_count++][len] = '\0';
		}
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

static int parse_proxies(struct config *cfg, const char *spec, char *err, size_t errlen)
{
	const char *p = spec;

	while (p && *p) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char one[64];
		struct in_addr a;

		if (len >= sizeof(one) || cfg->trusted_proxy_count == CONFIG_MAX_PROXIES) {
			snprintf(err, errlen, "TRUSTED_PROXIES: at most %d IPv4 addresses",
				 CONFIG_MAX_PROXIES);
			return -1;
		}
		while (len && *p == ' ') {
			p++;
			len--;
		}
		while (len && p[len - 1] == ' ')
			len--;
		memcpy(one, p, len);
		one[len] = '\0';
		if (inet_pton(AF_INET, one, &a) != 1) {
			snprintf(err, errlen, "TRUSTED_PROXIES: '%s' is not an IPv4 address", one);
			return -1;
		}
		cfg->trusted_proxies[cfg->trusted_proxy_count++] = ntohl(a.s_addr);
		p = comma ? comma + 1 : NULL;
	}
	return 0;
}

/* SMTP_URL's scheme and SMTP_FROM, checked at start rather than at the first mail. */
static int parse_smtp(struct config *cfg, const char *tls, char *err, size_t errlen)
{
	if (tls && *tls && strcmp(tls, "none") != 0 && strcmp(tls, "starttls") != 0) {
		snprintf(err, errlen, "SMTP_TLS must be starttls (the default) or none");
		return -1;
	}
	cfg->smtp_tls_none = tls && strcmp(tls, "none") == 0;
	if (!cfg->smtp_url[0])
		return 0;
	if (strncmp(cfg->smtp_url, "smtp://", 7) != 0 && strncmp(cfg->smtp_url, "smtps://", 8) != 0) {
		snprintf(err, errlen, "SMTP_URL must start with smtp:// or smtps://");
		return -1;
	}
	if (!strchr(cfg->smtp_from, '@') || strpbrk(cfg->smtp_from, "<>\r\n \"")) {
		snprintf(err, errlen, "SMTP_FROM must be the sender's e-mail address when SMTP_URL is set");
		return -1;
	}
	return 0;
}

int config_from_env(struct config *cfg, bool require_keys, char *err, size_t errlen)
{
	int bad = 0;
	const char *keys = getenv("JWT_KEYS");
	const char *secret = getenv("JWT_SECRET");
	const char *host = getenv("BIND_ADDRESS");

	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->database_url, sizeof(cfg->database_url), "%s", config_database_url());
	cfg->port = (int)env_long("PORT", 8080, 1, 65535, err, errlen, &bad);
	snprintf(cfg->listen, sizeof(cfg->listen), "%s:%d", host && *host ? host : "127.0.0.1",
		 cfg->port);
	cfg->threads = (int)env_long("THREADS", 32, 2, 1024, err, errlen, &bad);
	cfg->db_pool_size = (int)env_long("DB_POOL_SIZE", 10, 1, 500, err, errlen, &bad);
	cfg->access_token_ttl = env_long("ACCESS_TOKEN_TTL", 900, 30, 86400, err, errlen, &bad);
	cfg->refresh_token_ttl =
		env_long("REFRESH_TOKEN_TTL", 30L * 86400, 300, 365L * 86400, err, errlen, &bad);
	cfg->max_body_bytes =
		(size_t)env_long("MAX_BODY_BYTES", 1048576, 1024, 64L * 1048576, err, errlen, &bad);
	cfg->request_timeout_ms =
		(int)env_long("REQUEST_TIMEOUT_MS", 5000, 100, 60000, err, errlen, &bad);
	env_str(cfg->jwt_issuer, sizeof(cfg->jwt_issuer), "JWT_ISSUER", "idekom");
	env_str(cfg->jwt_audience, sizeof(cfg->jwt_audience), "JWT_AUDIENCE", "idekom-api");
	env_str(cfg->static_dir, sizeof(cfg->static_dir), "STATIC_DIR", "");
	env_str(cfg->log_level, sizeof(cfg->log_level), "LOG_LEVEL", "info");
	env_str(cfg->public_base_url, sizeof(cfg->public_base_url), "PUBLIC_BASE_URL", "");
	env_str(cfg->open_data_license, sizeof(cfg->open_data_license), "OPEN_DATA_LICENSE",
		"CC0-1.0");
	cfg->webhook_allow_private = env_long("WEBHOOK_ALLOW_PRIVATE", 0, 0, 1, err, errlen, &bad);
	cfg->webhook_retry_scale =
		(double)env_long("WEBHOOK_RETRY_SCALE", 1, 1, 10000, err, errlen, &bad);
	cfg->webhook_poll_ms = (int)env_long("WEBHOOK_POLL_MS", 250, 10, 60000, err, errlen, &bad);
	cfg->webhooks_enabled = env_long("WEBHOOK_WORKER", 1, 0, 1, err, errlen, &bad) == 1;
	cfg->webhook_max_in_flight =
		(int)env_long("WEBHOOK_MAX_IN_FLIGHT", 16, 1, 256, err, errlen, &bad);
	cfg->webhook_max_per_host =
		(int)env_long("WEBHOOK_MAX_PER_HOST", 4, 1, 256, err, errlen, &bad);
	/* below the 60 s lease of a claimed delivery (0014_webhook_delivery_fair.sql) */
	cfg->webhook_timeout_ms =
		(int)env_long("WEBHOOK_TIMEOUT_MS", 5000, 500, 30000, err, errlen, &bad);
	cfg->sequencer_ms = (int)env_long("CHANGE_SEQUENCER_MS", 25, 5, 1000, err, errlen, &bad);
	cfg->rate_limit_read = env_long("RATE_LIMIT_READ", 600, 1, 100000000, err, errlen, &bad);
	cfg->rate_limit_write = env_long("RATE_LIMIT_WRITE", 120, 1, 100000000, err, errlen, &bad);
	cfg->rate_limit_auth = env_long("RATE_LIMIT_AUTH", 10, 1, 100000000, err, errlen, &bad);
	cfg->rate_limit_window = env_long("RATE_LIMIT_WINDOW", 60, 1, 86400, err, errlen, &bad);
	env_str(cfg->metrics_token, sizeof(cfg->metrics_token), "METRICS_TOKEN", "");
	env_str(cfg->smtp_url, sizeof(cfg->smtp_url), "SMTP_URL", "");
	env_str(cfg->smtp_from, sizeof(cfg->smtp_from), "SMTP_FROM", "");
	env_str(cfg->smtp_user, sizeof(cfg->smtp_user), "SMTP_USER", "");
	env_str(cfg->smtp_password, sizeof(cfg->smtp_password), "SMTP_PASSWORD", "");
	cfg->mail_retry_scale =
		(double)env_long("MAIL_RETRY_SCALE", 1, 1, 10000, err, errlen, &bad);
	cfg->mail_poll_ms = (int)env_long("MAIL_POLL_MS", 1000, 10, 60000, err, errlen, &bad);
	cfg->mail_enabled = env_long("MAIL_WORKER", 1, 0, 1, err, errlen, &bad) == 1;
	if (parse_smtp(cfg, getenv("SMTP_TLS"), err, errlen))
		return -1;
	if (cfg->metrics_token[0] && strlen(cfg->metrics_token) < 32) {
		snprintf(err, errlen, "METRICS_TOKEN must be 32 bytes or more");
		return -1;
	}
	if (bad)
		return -1;
	if (parse_origins(cfg, getenv("CORS_ORIGINS"), err, errlen) ||
	    parse_proxies(cfg, getenv("TRUSTED_PROXIES"), err, errlen))
		return -1;
	if (keys && *keys) {
		if (config_parse_keys(cfg, keys, err, errlen))
			return -1;
	} else if (secret && *secret) {
		/* one opaque key used whole: commas and colons are part of it, not a list */
		struct jwt_key *k = &cfg->keys[0];
		size_t len = strlen(secret);

		if (len < 32 || len > sizeof(k->secret)) {
			snprintf(err, errlen, "JWT_SECRET must be 32 to %zu bytes long",
				 sizeof(k->secret));
			return -1;
		}
		snprintf(k->kid, sizeof(k->kid), "default");
		memcpy(k->secret, secret, len);
		k->secret_len = len;
		cfg->key_count = 1;
	} else if (require_keys) {
		snprintf(err, errlen, "JWT_SECRET (or JWT_KEYS) must be set: 32 bytes or more");
		return -1;
	}
	return 0;
}

bool config_origin_allowed(const struct config *cfg, const char *origin)
{
	for (size_t i = 0; i < cfg->cors_origin_count; i++)
		if (strcmp(cfg->cors_origins[i], origin) == 0)
			return true;
	return false;
}

bool config_proxy_trusted(const struct config *cfg, const char *addr)
{
	struct in_addr a;

	if (inet_pton(AF_INET, addr, &a) != 1)
		return false;
	for (size_t i = 0; i < cfg->trusted_proxy_count; i++)
		if (cfg->trusted_proxies[i] == ntohl(a.s_addr))
			return true;
	return false;
}

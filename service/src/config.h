/*
 * config.h -- the service's settings, read once from the environment (README.md, "Configuration").
 * Nothing else reads getenv, so every setting is listed here.
 */
#ifndef IDEKOM_CONFIG_H
#define IDEKOM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONFIG_MAX_KEYS 8
#define CONFIG_MAX_ORIGINS 16
#define CONFIG_MAX_PROXIES 16

struct jwt_key {
	char kid[64];
	unsigned char secret[256];
	size_t secret_len;
};

struct config {
	char database_url[1024];
	char listen[128];          /* civetweb listening_ports, e.g. "127.0.0.1:8080" */
	int port;
	int threads;
	int db_pool_size;
	struct jwt_key keys[CONFIG_MAX_KEYS]; /* keys[0] signs; all verify */
	size_t key_count;
	char jwt_issuer[256];
	char jwt_audience[256];
	long access_token_ttl;     /* seconds */
	long refresh_token_ttl;    /* seconds */
	char cors_origins[CONFIG_MAX_ORIGINS][256];
	size_t cors_origin_count;
	uint32_t trusted_proxies[CONFIG_MAX_PROXIES]; /* IPv4, host byte order */
	size_t trusted_proxy_count;
	char static_dir[1024];     /* empty: no static files */
	size_t max_body_bytes;
	char log_level[16];
	int request_timeout_ms;
	char public_base_url[256]; /* for links, e.g. https://idekom.goteborg.se; may be empty */
	bool webhook_allow_private; /* WEBHOOK_ALLOW_PRIVATE=1: loopback/private targets allowed */
	double webhook_retry_scale; /* divides retry delays (tests); 1 in production */
	int webhook_poll_ms;        /* how often an idle worker looks for due deliveries */
	bool webhooks_enabled;      /* WEBHOOK_WORKER=0 turns this process's worker off */
	int webhook_max_in_flight;  /* deliveries one worker has on the wire at once */
	int webhook_max_per_host;   /* of those, at most this many to one receiver host:port */
	int webhook_timeout_ms;     /* one attempt, connecting included */
	int sequencer_ms;           /* how often the change-feed sequencer looks for new events */
	char open_data_license[64]; /* SPDX id, CC0-1.0 by default */
	long rate_limit_read;       /* RATE_LIMIT_READ: GET/HEAD per caller per window */
	long rate_limit_write;      /* RATE_LIMIT_WRITE: other methods per caller per window */
	long rate_limit_auth;       /* RATE_LIMIT_AUTH: /api/v1/auth/ per caller per window */
	long rate_limit_window;     /* RATE_LIMIT_WINDOW: seconds */
	char metrics_token[256];    /* METRICS_TOKEN: bearer token for /metrics beyond loopback */
	char smtp_url[512];         /* SMTP_URL: smtp://host:587 or smtps://host:465; empty: mails go to the log */
	char smtp_from[256];        /* SMTP_FROM: the sender address */
	char smtp_user[256];        /* SMTP_USER (may be empty: no authentication) */
	char smtp_password[256];    /* SMTP_PASSWORD (from SMTP_PASSWORD_FILE in the container) */
	bool smtp_tls_none;         /* SMTP_TLS=none: plain smtp:// without STARTTLS (local test servers) */
	double mail_retry_scale;    /* MAIL_RETRY_SCALE divides retry delays (tests); 1 in production */
	int mail_poll_ms;           /* MAIL_POLL_MS: how often an idle mail worker looks for due mails */
	bool mail_enabled;          /* MAIL_WORKER=0 turns this process's mail worker off */
};

/*
 * Fills cfg from the environment. require_keys: the JWT keys are needed (serve), not for
 * migrate or user add. Returns 0, or -1 after writing a one-line reason into err.
 */
int config_from_env(struct config *cfg, bool require_keys, char *err, size_t errlen);

/* Parses "kid:secret,kid:secret" into cfg->keys. Returns 0 or -1 with err filled. */
int config_parse_keys(struct config *cfg, const char *spec, char *err, size_t errlen);

/* True when origin is exactly one of CORS_ORIGINS. */
bool config_origin_allowed(const struct config *cfg, const char *origin);

/* True when the dotted IPv4 address is one of TRUSTED_PROXIES. */
bool config_proxy_trusted(const struct config *cfg, const char *addr);

/* The database URL given, or the local default used by the README run command. */
const char *config_database_url(void);

#endif

/*
 * ratelimit.h -- the API-wide rate limits (OWASP API4:2023), in process memory: no database
 * round trip per request.
 *
 * Three budgets, each a token bucket per caller: `read` (GET, HEAD), `write` (the other
 * methods) and `auth` (everything under /api/v1/auth/, whatever the method). The caller is
 * the principal of a valid bearer token (user or client id), or else the client address
 * (the TCP peer, or the X-Forwarded-For entry a trusted proxy vouches for). A bucket holds
 * `limit` requests and refills at limit / window per second, so a caller may spend its whole
 * budget at once and then `limit` per `window` seconds.
 *
 * The buckets live in a fixed-size table (RATELIMIT_SETS sets of RATELIMIT_WAYS buckets per
 * budget), indexed by a hash of the caller's key with a per-process random seed, so callers
 * cannot aim at one another's sets. When a set is full, the bucket closest to full is
 * reused: a caller pushed out starts again with a full bucket, so the table can only err on
 * the lenient side, never refuse someone who has not spent their budget.
 *
 * Limits are per process: with N replicas behind a balancer a caller gets up to N times the
 * budget (README, "Rate limits").
 */
#ifndef IDEKOM_RATELIMIT_H
#define IDEKOM_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>

#define RATELIMIT_SETS 1024
#define RATELIMIT_WAYS 4

enum ratelimit_budget { RATELIMIT_READ = 0, RATELIMIT_WRITE, RATELIMIT_AUTH, RATELIMIT_BUDGETS };

struct ratelimit_policy {
	long limit;  /* requests a full bucket holds */
	long window; /* seconds in which an empty bucket fills again */
};

/* What one check decided, for the answer's headers. */
struct ratelimit_result {
	bool allowed;
	long limit;       /* the policy's limit and window */
	long window;
	long remaining;   /* whole requests left after this one */
	long reset;       /* seconds until the bucket is full again */
	long retry_after; /* when refused: seconds until one request is allowed */
};

/* Sets the policies (indexed by enum ratelimit_budget) and clears every bucket. */
void ratelimit_init(const struct ratelimit_policy policies[RATELIMIT_BUDGETS]);

/*
 * Spends one request of key's bucket in budget at time now (seconds, monotonic). Thread-safe.
 * Fills out and returns out->allowed.
 */
bool ratelimit_take(enum ratelimit_budget budget, const char *key, double now,
		    struct ratelimit_result *out);

/* The budget's name for the RateLimit headers: "read", "write" or "auth". */
const char *ratelimit_budget_name(enum ratelimit_budget budget);

#endif

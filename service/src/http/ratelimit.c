/* ratelimit.c -- see ratelimit.h */
#include "http/ratelimit.h"
#include "util/text.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#define LOCK_STRIPES 64 /* sets share locks: few mutexes, little contention */

struct bucket {
	uint64_t key;  /* hash of the caller's key; 0: never used */
	double tokens; /* requests left at `at` */
	double at;     /* when tokens was computed */
};

static struct bucket table[RATELIMIT_BUDGETS][RATELIMIT_SETS][RATELIMIT_WAYS];
static pthread_mutex_t locks[RATELIMIT_BUDGETS][LOCK_STRIPES];
static struct ratelimit_policy policy[RATELIMIT_BUDGETS];
static uint64_t seed;
static pthread_once_t locks_once = PTHREAD_ONCE_INIT;

static void init_locks(void)
{
	for (int b = 0; b < RATELIMIT_BUDGETS; b++)
		for (int i = 0; i < LOCK_STRIPES; i++)
			pthread_mutex_init(&locks[b][i], NULL);
}

void ratelimit_init(const struct ratelimit_policy policies[RATELIMIT_BUDGETS])
{
	pthread_once(&locks_once, init_locks);
	memcpy(policy, policies, sizeof(policy));
	memset(table, 0, sizeof(table));
	/* without randomness the seed stays fixed: the table still works, only less hidden */
	if (random_bytes((unsigned char *)&seed, sizeof(seed)))
		seed = 0x9e3779b97f4a7c15ULL;
}

/* FNV-1a over the seed and the key, then a final mix so that low bits index well. */
static uint64_t key_hash(const char *key)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;

	for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h ? h : 1; /* 0 marks an unused bucket */
}

/* Whole seconds, rounded up, of a non-negative x (no libm for two roundings). */
static long ceil_seconds(double x)
{
	long n = (long)x;

	return (double)n < x ? n + 1 : n;
}

/* Tokens of b at now, refilled at rate up to cap. */
static double refilled(const struct bucket *b, double now, double rate, double cap)
{
	double t;

	if (!b->key)
		return cap;
	t = b->tokens + (now > b->at ? (now - b->at) * rate : 0);
	return t > cap ? cap : t;
}

bool ratelimit_take(enum ratelimit_budget budget, const char *key, double now,
		    struct ratelimit_result *out)
{
	const struct ratelimit_policy *p = &policy[budget];
	double cap = (double)p->limit, rate = cap / (double)p->window;
	uint64_t h = key_hash(key);
	size_t set = (size_t)(h % RATELIMIT_SETS);
	pthread_mutex_t *lock = &locks[budget][set % LOCK_STRIPES];
	struct bucket *ways = table[budget][set], *b = NULL;
	double tokens;

	pthread_mutex_lock(lock);
	for (int i = 0; i < RATELIMIT_WAYS && !b; i++)
		if (ways[i].key == h)
			b = &ways[i];
	if (!b) { /* a new caller takes the bucket closest to full (an unused one is full) */
		double best = -1;

		for (int i = 0; i < RATELIMIT_WAYS; i++) {
			double t = refilled(&ways[i], now, rate, cap);

			if (t > best) {
				best = t;
				b = &ways[i];
			}
		}
		b->key = 0; /* starts full */
	}
	tokens = refilled(b, now, rate, cap);
	out->allowed = tokens >= 1.0;
	if (out->allowed)
		tokens -= 1.0;
	b->key = h;
	b->tokens = tokens;
	b->at = now;
	pthread_mutex_unlock(lock);

	out->limit = p->limit;
	out->window = p->window;
	out->remaining = (long)tokens; /* tokens >= 0: the cast rounds down */
	out->reset = ceil_seconds((cap - tokens) / rate);
	out->retry_after = out->allowed ? 0 : ceil_seconds((1.0 - tokens) / rate);
	if (!out->allowed && out->retry_after < 1)
		out->retry_after = 1;
	return out->allowed;
}

const char *ratelimit_budget_name(enum ratelimit_budget budget)
{
	static const char *const names[RATELIMIT_BUDGETS] = {"read", "write", "auth"};

	return names[budget];
}

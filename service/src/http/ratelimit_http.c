/* ratelimit_http.c -- see ratelimit_http.h */
#include "http/ratelimit_http.h"
#include "http/ratelimit.h"
#include "http/response.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

void ratelimit_configure(const struct config *cfg)
{
	struct ratelimit_policy p[RATELIMIT_BUDGETS];

	p[RATELIMIT_READ] = (struct ratelimit_policy){cfg->rate_limit_read, cfg->rate_limit_window};
	p[RATELIMIT_WRITE] = (struct ratelimit_policy){cfg->rate_limit_write, cfg->rate_limit_window};
	p[RATELIMIT_AUTH] = (struct ratelimit_policy){cfg->rate_limit_auth, cfg->rate_limit_window};
	ratelimit_init(p);
}

static double monotonic_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static enum ratelimit_budget budget_of(const struct req *rq, const char *path)
{
	const char *m = rq->ri->request_method;

	/* sign-in, registration and tokens: the expensive, guessable part, whatever the method */
	if (strncmp(path, "/api/v1/auth/", 13) == 0)
		return RATELIMIT_AUTH;
	return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 ? RATELIMIT_READ : RATELIMIT_WRITE;
}

int ratelimit_apply(struct req *rq, const char *path)
{
	enum ratelimit_budget budget = budget_of(rq, path);
	const char *name = ratelimit_budget_name(budget);
	struct ratelimit_result r;
	char key[96], value[96];

	/* a valid token names the caller wherever it comes from; otherwise its address does */
	if (rq->principal.kind == PRINCIPAL_USER)
		snprintf(key, sizeof(key), "user:%s", rq->principal.id);
	else if (rq->principal.kind == PRINCIPAL_CLIENT)
		snprintf(key, sizeof(key), "client:%s", rq->principal.id);
	else
		snprintf(key, sizeof(key), "address:%s", rq->client_addr);
	ratelimit_take(budget, key, monotonic_seconds(), &r);

	snprintf(value, sizeof(value), "\"%s\";q=%ld;w=%ld", name, r.limit, r.window);
	req_add_header(rq, "RateLimit-Policy", value);
	snprintf(value, sizeof(value), "\"%s\";r=%ld;t=%ld", name, r.remaining, r.reset);
	req_add_header(rq, "RateLimit", value);
	if (r.allowed)
		return 0;

	struct problem pb = PROBLEM_INIT;

	pb.retry_after = (int)r.retry_after;
	problem_set(&pb, 429, "too many requests (%s: %ld per %ld s); try again in %ld seconds",
		    name, r.limit, r.window, r.retry_after);
	return reply_problem(rq, &pb);
}

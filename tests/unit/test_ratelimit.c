/* test_ratelimit.c -- http/ratelimit.h: token buckets per caller and budget, in memory. */
#include "http/ratelimit.h"

#include <criterion/criterion.h>
#include <stdio.h>

static void setup(void)
{
	/* read 3 per 60 s (one every 20 s), write 2 per 10 s, auth 1 per 30 s */
	static const struct ratelimit_policy p[RATELIMIT_BUDGETS] = {{3, 60}, {2, 10}, {1, 30}};

	ratelimit_init(p);
}

TestSuite(ratelimit, .init = setup);

Test(ratelimit, a_full_bucket_then_refusal_then_refill)
{
	struct ratelimit_result r;

	for (long i = 0; i < 3; i++) {
		cr_assert(ratelimit_take(RATELIMIT_READ, "address:192.0.2.1", 1000.0, &r), "%ld", i);
		cr_expect_eq(r.limit, 3);
		cr_expect_eq(r.window, 60);
		cr_expect_eq(r.remaining, 2 - i);
		cr_expect_eq(r.reset, 20 * (i + 1));
		cr_expect_eq(r.retry_after, 0);
	}
	cr_assert_not(ratelimit_take(RATELIMIT_READ, "address:192.0.2.1", 1000.0, &r));
	cr_expect_eq(r.remaining, 0);
	cr_expect_eq(r.retry_after, 20);
	cr_expect_eq(r.reset, 60);
	/* a refused request costs nothing: 19.5 s later it is still 1 s short of a token... */
	cr_assert_not(ratelimit_take(RATELIMIT_READ, "address:192.0.2.1", 1019.5, &r));
	cr_expect_eq(r.retry_after, 1);
	/* ...and at 20 s there is one */
	cr_assert(ratelimit_take(RATELIMIT_READ, "address:192.0.2.1", 1020.0, &r));
	cr_expect_eq(r.remaining, 0);
	cr_assert_not(ratelimit_take(RATELIMIT_READ, "address:192.0.2.1", 1020.0, &r));
	/* a long pause fills the bucket to its limit, not beyond */
	for (int i = 0; i < 3; i++)
		cr_assert(ratelimit_take(RATELIMIT_READ, "address:192.0.2.1", 5000.0, &r));
	cr_assert_not(ratelimit_take(RATELIMIT_READ, "address:192.0.2.1", 5000.0, &r));
}

Test(ratelimit, callers_and_budgets_are_separate)
{
	struct ratelimit_result r;

	cr_assert(ratelimit_take(RATELIMIT_AUTH, "address:192.0.2.1", 1.0, &r));
	cr_assert_not(ratelimit_take(RATELIMIT_AUTH, "address:192.0.2.1", 1.0, &r));
	cr_expect_eq(r.retry_after, 30);
	cr_assert(ratelimit_take(RATELIMIT_AUTH, "address:192.0.2.2", 1.0, &r), "another address");
	cr_assert(ratelimit_take(RATELIMIT_READ, "address:192.0.2.1", 1.0, &r), "another budget");
	cr_assert(ratelimit_take(RATELIMIT_WRITE, "address:192.0.2.1", 1.0, &r), "another budget");
	cr_assert(ratelimit_take(RATELIMIT_AUTH, "user:192.0.2.1", 1.0, &r), "a user is not an address");
}

Test(ratelimit, a_crowded_table_never_refuses_a_caller_with_budget_left)
{
	struct ratelimit_result r;
	char key[64];

	/* far more callers than buckets, each spending one request */
	for (int i = 0; i < RATELIMIT_SETS * RATELIMIT_WAYS * 4; i++) {
		snprintf(key, sizeof(key), "address:10.%d.%d.%d", i >> 16 & 255, i >> 8 & 255, i & 255);
		cr_assert(ratelimit_take(RATELIMIT_WRITE, key, 7.0, &r), "caller %d", i);
	}
	/* a caller who spent everything stays refused while few others compete for its set */
	cr_assert(ratelimit_take(RATELIMIT_WRITE, "client:x", 8.0, &r));
	cr_assert(ratelimit_take(RATELIMIT_WRITE, "client:x", 8.0, &r));
	cr_assert_not(ratelimit_take(RATELIMIT_WRITE, "client:x", 8.0, &r));
	cr_assert_not(ratelimit_take(RATELIMIT_WRITE, "client:x", 9.0, &r));
}

/* test_follow_up.c -- domain/follow_up.h: plans, entries, activities and path numbers. */
#include "domain/follow_up.h"

#include <criterion/criterion.h>

enum { PLAN, ENTRY, CREATE, PATCH };

static const char *check(const char *text, int what)
{
	static char field[64];
	struct problem pb = PROBLEM_INIT;
	json_t *body = json_loads(text, JSON_REJECT_DUPLICATES, NULL);
	int rc;

	cr_assert_not_null(body, "%s", text);
	rc = what == PLAN ? commitment_plan_check(body, &pb)
	     : what == ENTRY ? follow_up_entry_check(body, &pb)
			     : activity_check(body, what == CREATE, &pb);
	json_decref(body);
	if (rc == 0) {
		problem_release(&pb);
		return NULL;
	}
	snprintf(field, sizeof(field), "%s",
		 json_string_value(json_object_get(json_array_get(pb.errors, 0), "field")));
	problem_release(&pb);
	return field;
}

Test(follow_up, bodies)
{
	cr_assert_null(check("{\"city_owner\":\"SRF\",\"indicators\":[\"a\"],\"principles\":[\"dialog\"]}",
			     PLAN));
	cr_assert_str_eq(check("{\"organisation_owners\":[\"x\"]}", PLAN), "/organisation_owners");
	cr_assert_str_eq(check("{\"principles\":[\"Dialog\"]}", PLAN), "/principles");
	cr_assert_str_eq(check("{\"number\":1}", PLAN), "/number");
	cr_assert_null(check("{\"status\":\"done\",\"text\":\"Klart\"}", ENTRY));
	cr_assert_str_eq(check("{\"status\":\"klar\",\"text\":\"Klart\"}", ENTRY), "/status");
	cr_assert_str_eq(check("{\"status\":\"done\"}", ENTRY), "/text");
	cr_assert_null(check("{\"title\":\"T\",\"responsible\":\"R\",\"starts_on\":\"2026-01-01\","
			     "\"ends_on\":\"2026-01-01\",\"commitments\":[1]}",
			     CREATE));
	cr_assert_str_eq(check("{\"title\":\"T\",\"responsible\":\"R\",\"starts_on\":\"2026-02-01\","
			       "\"ends_on\":\"2026-01-01\"}",
			       CREATE),
			 "/ends_on");
	cr_assert_str_eq(check("{\"commitments\":[0]}", PATCH), "/commitments");
	cr_assert_str_eq(check("{\"budget_sek\":-5}", PATCH), "/budget_sek");
	cr_assert_str_eq(check("{\"title\":\"T\"}", CREATE), "/responsible");
}

Test(follow_up, numbers)
{
	cr_assert_eq(follow_up_number("2025", 2000, 2100), 2025);
	cr_assert_eq(follow_up_number("1", 1, 200), 1);
	cr_assert_eq(follow_up_number("201", 1, 200), -1);
	cr_assert_eq(follow_up_number("01", 1, 200), -1);
	cr_assert_eq(follow_up_number("1x", 1, 200), -1);
	cr_assert_eq(follow_up_number("", 1, 200), -1);
	cr_assert_eq(follow_up_number("9999999", 1, 200), -1);
	cr_assert_eq(follow_up_number(NULL, 1, 200), -1);
}

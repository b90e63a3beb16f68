/* test_dialogue.c -- domain/dialogue.h: dialogue create/patch bodies and registrations. */
#include "domain/dialogue.h"
#include "problem_fields.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

/* Parses text and runs dialogue_input_check (create) or registration_input_check (reg). */
static int run(const char *text, int what, struct problem *pb)
{
	json_error_t err;
	json_t *body = json_loads(text, 0, &err);
	int rc;

	cr_assert_not_null(body, "test JSON %s: %s", text, err.text);
	if (what == 2)
		rc = registration_input_check(body, pb);
	else
		rc = dialogue_input_check(body, what == 1, pb);
	json_decref(body);
	return rc;
}

enum { PATCH = 0, CREATE = 1, REGISTRATION = 2 };

#define REQUIRED                                                                                   \
	"\"title\":\"Dialogmöte om lokaler\",\"kind\":\"dialogmote\","                            \
	"\"starts_at\":\"2026-03-12T18:00:00+01:00\",\"ends_at\":\"2026-03-12T20:00:00+01:00\""

Test(dialogue, valid_creates)
{
	static const struct {
		char body[600];
	} cases[] = {
	    {"{" REQUIRED "}"},
	    {"{" REQUIRED
	     ",\"location\":\"Stadshuset\",\"online_url\":\"https://meet.example.se/x\","
	     "\"capacity\":40,\"registration_open\":true,\"description\":\"d\",\"agenda\":\"a\","
	     "\"minutes\":null,\"principles\":[\"dialog\",\"p2_open\"],\"format\":\"hybrid\","
	     "\"services\":[\"tolk\",\"teckensprakstolk\",\"horselslinga\",\"lattlast\"],"
	     "\"participation_level\":\"partnership\"}"},
	    {"{" REQUIRED ",\"location\":null,\"online_url\":null,\"capacity\":null,"
	     "\"participation_level\":null,\"services\":[],\"principles\":[]}"},
	    {"{\"title\":\"ab\",\"kind\":\"konferens\",\"starts_at\":\"2026-03-12t18:00:00z\","
	     "\"ends_at\":\"2026-03-12T20:00:00.5Z\",\"format\":\"online\"}"},
	    {"{\"title\":\"ab\",\"kind\":\"radsmote\",\"starts_at\":\"2026-03-12T18:00:00Z\","
	     "\"ends_at\":\"2026-03-12T20:00:00Z\",\"format\":\"in_person\","
	     "\"participation_level\":\"information\"}"},
	    {"{\"title\":\"ab\",\"kind\":\"arbetsgrupp\",\"starts_at\":\"2026-03-12T18:00:00Z\","
	     "\"ends_at\":\"2026-03-12T20:00:00Z\",\"participation_level\":\"consultation\","
	     "\"capacity\":100000}"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct problem pb = PROBLEM_INIT;
		char list[256];

		cr_expect_eq(run(cases[i].body, CREATE, &pb), 0, "case %zu: %s", i,
		             fields_of(&pb, list, sizeof(list)));
		cr_expect_null(pb.errors, "case %zu", i);
		problem_release(&pb);
	}
}

Test(dialogue, every_required_field_is_named)
{
	struct problem pb = PROBLEM_INIT;

	cr_expect_eq(run("{}", CREATE, &pb), -1);
	cr_expect_eq(pb.status, 422);
	cr_expect_eq(json_array_size(pb.errors), 4);
	cr_expect(problem_has_field(&pb, "/title"));
	cr_expect(problem_has_field(&pb, "/kind"));
	cr_expect(problem_has_field(&pb, "/starts_at"));
	cr_expect(problem_has_field(&pb, "/ends_at"));
	problem_release(&pb);

	/* the same empty body is a valid (empty) patch */
	cr_expect_eq(run("{}", PATCH, &pb), 0);
	cr_expect_null(pb.errors);
	problem_release(&pb);
}

Test(dialogue, create_errors)
{
	static const struct {
		char body[300];
		char field[24]; /* the one error expected */
	} cases[] = {
	    {"{" REQUIRED ",\"status\":\"scheduled\"}", "/status"},
	    {"{" REQUIRED ",\"status\":\"held\"}", "/status"},
	    {"{" REQUIRED ",\"id\":\"x\"}", "/id"},
	    {"{" REQUIRED ",\"seats_taken\":1}", "/seats_taken"},
	    {"{" REQUIRED ",\"waitlist_length\":0}", "/waitlist_length"},
	    {"{" REQUIRED ",\"created_at\":\"2026-03-12T18:00:00Z\"}", "/created_at"},
	    {"{" REQUIRED ",\"updated_at\":\"2026-03-12T18:00:00Z\"}", "/updated_at"},
	    {"{" REQUIRED ",\"organiser\":\"x\"}", "/organiser"},
	    {"{" REQUIRED ",\"kind\":\"fika\"}", "/kind"}, /* duplicate key: the last wins */
	    {"{" REQUIRED ",\"format\":\"zoom\"}", "/format"},
	    {"{" REQUIRED ",\"format\":\"Online\"}", "/format"},
	    {"{" REQUIRED ",\"format\":null}", "/format"},
	    {"{" REQUIRED ",\"services\":[\"tolk\",\"kaffe\"]}", "/services"},
	    {"{" REQUIRED ",\"services\":\"tolk\"}", "/services"},
	    {"{" REQUIRED ",\"services\":[\"tolk\",\"tolk\",\"tolk\",\"tolk\",\"tolk\"]}",
	     "/services"},
	    {"{" REQUIRED ",\"participation_level\":\"empowerment\"}", "/participation_level"},
	    {"{" REQUIRED ",\"participation_level\":\"\"}", "/participation_level"},
	    {"{" REQUIRED ",\"principles\":[\"Dialog\"]}", "/principles"},
	    {"{" REQUIRED ",\"principles\":[\"1dialog\"]}", "/principles"},
	    {"{" REQUIRED ",\"principles\":[\"_dialog\"]}", "/principles"},
	    {"{" REQUIRED ",\"principles\":[\"dia-log\"]}", "/principles"},
	    {"{" REQUIRED ",\"principles\":[\"dialog\",\"\"]}", "/principles"},
	    {"{" REQUIRED ",\"principles\":[\"a\",\"b c\"]}", "/principles"},
	    {"{" REQUIRED ",\"principles\":[\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"]}",
	     "/principles"},
	    {"{" REQUIRED ",\"principles\":[\"dialog\",7]}", "/principles"},
	    {"{" REQUIRED ",\"online_url\":\"meet.example.se\"}", "/online_url"},
	    {"{" REQUIRED ",\"online_url\":\"javascript:alert(1)\"}", "/online_url"},
	    {"{" REQUIRED ",\"online_url\":\"https://\"}", "/online_url"},
	    {"{" REQUIRED ",\"online_url\":\"https://a b\"}", "/online_url"},
	    {"{" REQUIRED ",\"online_url\":\"\"}", "/online_url"},
	    {"{" REQUIRED ",\"capacity\":0}", "/capacity"},
	    {"{" REQUIRED ",\"capacity\":100001}", "/capacity"},
	    {"{" REQUIRED ",\"registration_open\":\"yes\"}", "/registration_open"},
	    {"{" REQUIRED ",\"registration_open\":null}", "/registration_open"},
	    {"{" REQUIRED ",\"starts_at\":\"2026-03-12T18:00:00\"}", "/starts_at"},
	    {"{" REQUIRED ",\"ends_at\":\"2026-03-12\"}", "/ends_at"},
	    {"{" REQUIRED ",\"title\":\" a \"}", "/title"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct problem pb = PROBLEM_INIT;
		char list[256];

		cr_expect_eq(run(cases[i].body, CREATE, &pb), -1, "case %zu: %s", i, cases[i].body);
		cr_expect_eq(pb.status, 422, "case %zu", i);
		cr_expect_eq(json_array_size(pb.errors), 1, "case %zu: %s", i,
		             fields_of(&pb, list, sizeof(list)));
		cr_expect(problem_has_field(&pb, cases[i].field), "case %zu: no error for %s but %s", i,
		          cases[i].field, fields_of(&pb, list, sizeof(list)));
		problem_release(&pb);
	}
}

Test(dialogue, patches)
{
	static const struct {
		char body[120];
		char field[24]; /* "" when the patch is valid */
	} cases[] = {
	    {"{\"status\":\"scheduled\"}", ""},
	    {"{\"status\":\"held\",\"minutes\":\"Protokoll\"}", ""},
	    {"{\"title\":\"Nytt namn\"}", ""},
	    {"{\"online_url\":null,\"location\":null}", ""},
	    {"{\"principles\":[\"p1\",\"open_data\"]}", ""},
	    {"{\"ends_at\":\"2026-03-12T21:00:00Z\"}", ""},
	    {"{\"status\":\"cancelled\"}", "/status"},
	    {"{\"status\":\"draft\"}", "/status"},
	    {"{\"status\":\"Held\"}", "/status"},
	    {"{\"status\":null}", "/status"},
	    {"{\"status\":\"\"}", "/status"},
	    {"{\"title\":null}", "/title"},
	    {"{\"kind\":null}", "/kind"},
	    {"{\"kind\":\"fika\"}", "/kind"},
	    {"{\"starts_at\":null}", "/starts_at"},
	    {"{\"starts_at\":\"tomorrow\"}", "/starts_at"},
	    {"{\"id\":\"x\"}", "/id"},
	    {"{\"seats_taken\":3}", "/seats_taken"},
	    {"{\"online_url\":\"ftp://x\"}", "/online_url"},
	    {"{\"principles\":[\"Open\"]}", "/principles"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct problem pb = PROBLEM_INIT;
		char list[256];
		int rc = run(cases[i].body, PATCH, &pb);

		if (!cases[i].field[0]) {
			cr_expect_eq(rc, 0, "case %zu: %s", i, fields_of(&pb, list, sizeof(list)));
		} else {
			cr_expect_eq(rc, -1, "case %zu: %s accepted", i, cases[i].body);
			cr_expect_eq(json_array_size(pb.errors), 1, "case %zu: %s", i,
			             fields_of(&pb, list, sizeof(list)));
			cr_expect(problem_has_field(&pb, cases[i].field), "case %zu: %s", i,
			          fields_of(&pb, list, sizeof(list)));
		}
		problem_release(&pb);
	}
}

Test(dialogue, url_and_principles_errors_come_together)
{
	struct problem pb = PROBLEM_INIT;

	cr_expect_eq(run("{\"online_url\":\"ftp://x\",\"principles\":[\"A\",\"B\"]}", PATCH, &pb),
	             -1);
	cr_expect_eq(json_array_size(pb.errors), 2, "one error per field, not per item");
	cr_expect(problem_has_field(&pb, "/online_url"));
	cr_expect(problem_has_field(&pb, "/principles"));
	problem_release(&pb);
}

Test(dialogue, principle_code_lengths)
{
	char body[128];
	struct problem pb = PROBLEM_INIT;

	/* 40 characters is the longest code */
	snprintf(body, sizeof(body), "{\"principles\":[\"%.40s\"]}",
	         "abcdefghijabcdefghijabcdefghijabcdefghij");
	cr_expect_eq(run(body, PATCH, &pb), 0);
	problem_release(&pb);
	snprintf(body, sizeof(body), "{\"principles\":[\"%.41s\"]}",
	         "abcdefghijabcdefghijabcdefghijabcdefghijk");
	cr_expect_eq(run(body, PATCH, &pb), -1);
	problem_release(&pb);
	/* 20 codes at most */
	cr_expect_eq(run("{\"principles\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\","
	                 "\"j\",\"k\",\"l\",\"m\",\"n\",\"o\",\"p\",\"q\",\"r\",\"s\",\"t\"]}",
	                 PATCH, &pb),
	             0);
	problem_release(&pb);
	cr_expect_eq(
	    run("{\"principles\":[\"a\",\"b\",\"c\",\"d\",\"e\",\"f\",\"g\",\"h\",\"i\","
	        "\"j\",\"k\",\"l\",\"m\",\"n\",\"o\",\"p\",\"q\",\"r\",\"s\",\"t\",\"u\"]}",
	        PATCH, &pb),
	    -1);
	cr_expect(problem_has_field(&pb, "/principles"));
	problem_release(&pb);
}

#define ORG "\"organisation_id\":\"0b6f3c1e-8a2d-4c5b-9e7f-1a2b3c4d5e6f\""

Test(dialogue, registrations)
{
	static const struct {
		char body[160];
		char field[24]; /* "" when valid */
	} cases[] = {
	    {"{" ORG ",\"attendees\":1}", ""},
	    {"{" ORG ",\"attendees\":50}", ""},
	    {"{" ORG ",\"attendees\":3,\"note\":null}", ""},
	    {"{" ORG ",\"attendees\":3,\"note\":\"Rullstol\"}", ""},
	    {"{\"organisation_id\":\"0B6F3C1E-8A2D-4C5B-9E7F-1A2B3C4D5E6F\",\"attendees\":2}", ""},
	    {"{" ORG "}", "/attendees"},
	    {"{" ORG ",\"attendees\":0}", "/attendees"},
	    {"{" ORG ",\"attendees\":51}", "/attendees"},
	    {"{" ORG ",\"attendees\":-1}", "/attendees"},
	    {"{" ORG ",\"attendees\":2.0}", "/attendees"},
	    {"{" ORG ",\"attendees\":\"2\"}", "/attendees"},
	    {"{" ORG ",\"attendees\":null}", "/attendees"},
	    {"{\"attendees\":2}", "/organisation_id"},
	    {"{\"organisation_id\":null,\"attendees\":2}", "/organisation_id"},
	    {"{\"organisation_id\":\"abc\",\"attendees\":2}", "/organisation_id"},
	    {"{\"organisation_id\":\"0b6f3c1e-8a2d-4c5b-9e7f-1a2b3c4d5e6g\",\"attendees\":2}",
	     "/organisation_id"},
	    {"{\"organisation_id\":\"0b6f3c1e-8a2d-4c5b-9e7f-1a2b3c4d5e6f0\",\"attendees\":2}",
	     "/organisation_id"},
	    {"{\"organisation_id\":\"0b6f3c1e08a2d04c5b09e7f01a2b3c4d5e6f\",\"attendees\":2}",
	     "/organisation_id"},
	    {"{" ORG ",\"attendees\":2,\"status\":\"confirmed\"}", "/status"},
	    {"{" ORG ",\"attendees\":2,\"note\":5}", "/note"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct problem pb = PROBLEM_INIT;
		char list[256];
		int rc = run(cases[i].body, REGISTRATION, &pb);

		if (!cases[i].field[0]) {
			cr_expect_eq(rc, 0, "case %zu: %s", i, fields_of(&pb, list, sizeof(list)));
			cr_expect_null(pb.errors, "case %zu", i);
		} else {
			cr_expect_eq(rc, -1, "case %zu: %s accepted", i, cases[i].body);
			cr_expect_eq(pb.status, 422, "case %zu", i);
			cr_expect_eq(json_array_size(pb.errors), 1, "case %zu: %s", i,
			             fields_of(&pb, list, sizeof(list)));
			cr_expect(problem_has_field(&pb, cases[i].field), "case %zu: %s", i,
			          fields_of(&pb, list, sizeof(list)));
		}
		problem_release(&pb);
	}
}

Test(dialogue, registration_note_length)
{
	char note[1001];
	json_t *body;
	struct problem pb = PROBLEM_INIT;

	memset(note, 'n', sizeof(note) - 1);
	note[1000] = '\0';
	body = json_pack("{s:s, s:i, s:s}", "organisation_id",
	                 "0b6f3c1e-8a2d-4c5b-9e7f-1a2b3c4d5e6f", "attendees", 5, "note", note);
	cr_assert_not_null(body);
	cr_expect_eq(registration_input_check(body, &pb), 0, "1000 characters are allowed");
	problem_release(&pb);
	json_decref(body);

	/* 1000 characters of two bytes each are still 1000 characters */
	{
		char wide[2001];

		for (int i = 0; i < 1000; i++)
			memcpy(wide + 2 * i, "\xc3\xa5", 2);
		wide[2000] = '\0';
		body =
		    json_pack("{s:s, s:i, s:s}", "organisation_id",
		              "0b6f3c1e-8a2d-4c5b-9e7f-1a2b3c4d5e6f", "attendees", 5, "note", wide);
		cr_assert_not_null(body);
		cr_expect_eq(registration_input_check(body, &pb), 0);
		problem_release(&pb);
		json_decref(body);
	}

	{
		char longer[1002];

		memcpy(longer, note, 1000);
		longer[1000] = 'n';
		longer[1001] = '\0';
		body = json_pack("{s:s, s:i, s:s}", "organisation_id",
		                 "0b6f3c1e-8a2d-4c5b-9e7f-1a2b3c4d5e6f", "attendees", 5, "note",
		                 longer);
		cr_assert_not_null(body);
		cr_expect_eq(registration_input_check(body, &pb), -1,
		             "1001 characters are too many");
		cr_expect(problem_has_field(&pb, "/note"));
		problem_release(&pb);
		json_decref(body);
	}
}

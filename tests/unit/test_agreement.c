/* test_agreement.c -- domain/agreement.h: agreements, adoptions and endorsements. */
#include "domain/agreement.h"
#include "problem_fields.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

enum { PATCH = 0, CREATE = 1, ADOPTION = 2, ENDORSEMENT = 3 };

/* Parses text and runs the check named by what. */
static int run(const char *text, int what, struct problem *pb)
{
	json_error_t err;
	json_t *body = json_loads(text, JSON_REJECT_DUPLICATES, &err);
	int rc;

	cr_assert_not_null(body, "test JSON %s: %s", text, err.text);
	if (what == ADOPTION)
		rc = adoption_input_check(body, pb);
	else if (what == ENDORSEMENT)
		rc = endorsement_input_check(body, pb);
	else
		rc = agreement_input_check(body, what == CREATE, pb);
	json_decref(body);
	return rc;
}

/* Runs every case of a table: field "" means valid, else exactly one error for field. */
#define RUN_TABLE(cases, what)                                                                     \
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {                            \
		struct problem pb = PROBLEM_INIT;                                                  \
		char list[256];                                                                    \
		int rc = run(cases[i].body, (what), &pb);                                          \
                                                                                                   \
		if (!cases[i].field[0]) {                                                          \
			cr_expect_eq(rc, 0, "case %zu: %s: %s", i, cases[i].body,                  \
			             fields_of(&pb, list, sizeof(list)));                          \
			cr_expect_null(pb.errors, "case %zu", i);                                  \
		} else {                                                                           \
			cr_expect_eq(rc, -1, "case %zu: %s accepted", i, cases[i].body);           \
			cr_expect_eq(pb.status, 422, "case %zu", i);                               \
			cr_expect_eq(json_array_size(pb.errors), 1, "case %zu: %s", i,             \
			             fields_of(&pb, list, sizeof(list)));                          \
			cr_expect(problem_has_field(&pb, cases[i].field), "case %zu: want %s, got %s", i,  \
			          cases[i].field, fields_of(&pb, list, sizeof(list)));             \
		}                                                                                  \
		problem_release(&pb);                                                              \
	}

#define BASE "\"slug\":\"goteborg-2026\",\"title\":\"Överenskommelsen\""

Test(agreement, create_and_patch_bodies)
{
	static const struct {
		char body[640];
		char field[40];
	} creates[] = {
	    {"{" BASE "}", ""},
	    {"{" BASE
	     ",\"status\":\"draft\",\"goals\":[\"Ett starkt civilsamhälle\"],\"body\":null,"
	     "\"principles\":[{\"code\":\"dialog\",\"title\":\"Dialog\",\"description\":null},"
	     "{\"code\":\"p_2\",\"title\":\"Kvalitet\"}],"
	     "\"commitments\":[{\"party\":\"city\",\"text\":\"x\"},{\"party\":\"both\",\"text\":"
	     "\"y\"},"
	     "{\"party\":\"organisations\",\"text\":\"z\"}],"
	     "\"decisions\":[{\"body\":\"KF\",\"date\":\"2012-06-14\",\"reference\":\"Dnr 1\","
	     "\"summary\":null}]}",
	     ""},
	    {"{\"slug\":\"abc\",\"title\":\"ab\",\"status\":\"consultation\"}", ""},
	    {"{\"slug\":\"0-a\",\"title\":\"ab\"}", ""},
	    {"{\"title\":\"ab\"}", "/slug"},
	    {"{\"slug\":\"abc\"}", "/title"},
	    {"{" BASE ",\"status\":\"adopted\"}", "/status"},
	    {"{" BASE ",\"status\":\"Draft\"}", "/status"},
	    {"{" BASE ",\"id\":\"x\"}", "/id"},
	    {"{" BASE ",\"version\":2}", "/version"},
	    {"{" BASE ",\"adopted_at\":\"2026-01-01T00:00:00Z\"}", "/adopted_at"},
	    {"{" BASE ",\"consultation_closes_at\":null}", "/consultation_closes_at"},
	    {"{" BASE ",\"endorsement_count\":0}", "/endorsement_count"},
	    {"{" BASE ",\"created_at\":\"x\"}", "/created_at"},
	    {"{" BASE ",\"updated_at\":\"x\"}", "/updated_at"},
	    {"{" BASE ",\"signatures\":[]}", "/signatures"},
	    {"{" BASE ",\"goals\":[\"\"]}", "/goals"},
	    {"{" BASE ",\"goals\":[\"a\",3]}", "/goals"},
	    {"{" BASE ",\"goals\":\"a\"}", "/goals"},
	    {"{" BASE ",\"principles\":{}}", "/principles"},
	    {"{" BASE ",\"commitments\":\"x\"}", "/commitments"},
	    {"{" BASE ",\"decisions\":null}", "/decisions"},
	};
	static const struct {
		char body[120];
		char field[40];
	} patches[] = {
	    {"{}", ""},
	    {"{\"title\":\"Ny titel\"}", ""},
	    {"{\"status\":\"consultation\",\"body\":\"Text\"}", ""},
	    {"{\"slug\":\"ny-slug\"}", ""},
	    {"{\"slug\":null}", "/slug"},
	    {"{\"title\":\" x \"}", "/title"},
	    {"{\"status\":\"adopted\"}", "/status"},
	    {"{\"version\":3}", "/version"},
	};

	RUN_TABLE(creates, CREATE)
	RUN_TABLE(patches, PATCH)
}

Test(agreement, slugs)
{
	static const struct {
		char body[120];
		char field[8];
	} cases[] = {
	    {"{\"slug\":\"abc\"}", ""},
	    {"{\"slug\":\"a-b-c\"}", ""},
	    {"{\"slug\":\"2026\"}", ""},
	    {"{\"slug\":\"abc-\"}", ""},
	    {"{\"slug\":\"ab\"}", "/slug"},
	    {"{\"slug\":\"\"}", "/slug"},
	    {"{\"slug\":\"-abc\"}", "/slug"},
	    {"{\"slug\":\"Abc\"}", "/slug"},
	    {"{\"slug\":\"a_b\"}", "/slug"},
	    {"{\"slug\":\"a b\"}", "/slug"},
	    {"{\"slug\":\"a/b\"}", "/slug"},
	    {"{\"slug\":\"a.b\"}", "/slug"},
	    {"{\"slug\":\"g\xc3\xb6teborg\"}", "/slug"},
	    {"{\"slug\":\"abc\\n\"}", "/slug"},
	    {"{\"slug\":7}", "/slug"},
	};
	char body[128];
	char s64[65];

	RUN_TABLE(cases, PATCH)

	/* 63 characters is the longest slug, 64 is too long */
	struct problem pb = PROBLEM_INIT;

	memset(s64, 'a', 64);
	s64[63] = '\0';
	snprintf(body, sizeof(body), "{\"slug\":\"%s\"}", s64);
	cr_expect_eq(run(body, PATCH, &pb), 0);
	problem_release(&pb);
	s64[63] = 'a';
	s64[64] = '\0';
	snprintf(body, sizeof(body), "{\"slug\":\"%s\"}", s64);
	cr_expect_eq(run(body, PATCH, &pb), -1);
	cr_expect(problem_has_field(&pb, "/slug"));
	problem_release(&pb);
}

Test(agreement, principle_items)
{
	static const struct {
		char body[200];
		char field[40];
	} cases[] = {
	    {"{\"principles\":[]}", ""},
	    {"{\"principles\":[{\"code\":\"a\",\"title\":\"t\"}]}", ""},
	    {"{\"principles\":[{\"title\":\"t\"}]}", "/principles/0/code"},
	    {"{\"principles\":[{\"code\":\"a\"}]}", "/principles/0/title"},
	    {"{\"principles\":[{\"code\":\"a\",\"title\":\"t\"},{\"code\":\"b\",\"title\":\"  "
	     "\"}]}",
	     "/principles/1/title"},
	    {"{\"principles\":[{\"code\":\"a\",\"title\":\"t\",\"description\":5}]}",
	     "/principles/0/description"},
	    {"{\"principles\":[{\"code\":\"a\",\"title\":\"t\",\"weight\":5}]}",
	     "/principles/0/weight"},
	    {"{\"principles\":[{\"code\":\"a\",\"title\":\"t\",\"a/b\":5}]}", "/principles/0/a~1b"},
	    {"{\"principles\":[{\"code\":\"a\",\"title\":\"t\"},\"b\"]}", "/principles/1"},
	    {"{\"principles\":[{\"code\":\"a\",\"title\":\"t\"},{\"code\":\"a\",\"title\":\"u\"}]}",
	     "/principles"},
	    {"{\"principles\":[{\"code\":\"Open\",\"title\":\"t\"}]}", "/principles"},
	    {"{\"principles\":[{\"code\":\"1a\",\"title\":\"t\"}]}", "/principles"},
	    {"{\"principles\":[{\"code\":\"a-b\",\"title\":\"t\"}]}", "/principles"},
	};

	RUN_TABLE(cases, PATCH)
}

Test(agreement, an_empty_principle_code_is_named_with_its_index)
{
	struct problem pb = PROBLEM_INIT;

	/* the item check names /principles/0/code; the code-pattern check adds /principles */
	cr_expect_eq(run("{\"principles\":[{\"code\":\"\",\"title\":\"t\"}]}", PATCH, &pb), -1);
	cr_expect(problem_has_field(&pb, "/principles/0/code"));
	problem_release(&pb);
}

Test(agreement, every_item_error_is_reported_with_its_index)
{
	struct problem pb = PROBLEM_INIT;

	cr_expect_eq(run("{\"principles\":[{\"code\":\"a\",\"title\":\"t\"},{},"
	                 "{\"code\":\"c\",\"title\":\"t\",\"x\":1}],"
	                 "\"commitments\":[{\"party\":\"state\",\"text\":\"t\"}],"
	                 "\"decisions\":[{\"body\":\"KF\",\"date\":\"2012-6-14\"}]}",
	                 PATCH, &pb),
	             -1);
	cr_expect_eq(json_array_size(pb.errors), 5);
	cr_expect(problem_has_field(&pb, "/principles/1/code"));
	cr_expect(problem_has_field(&pb, "/principles/1/title"));
	cr_expect(problem_has_field(&pb, "/principles/2/x"));
	cr_expect(problem_has_field(&pb, "/commitments/0/party"));
	cr_expect(problem_has_field(&pb, "/decisions/0/date"));
	problem_release(&pb);
}

Test(agreement, commitment_and_decision_items)
{
	static const struct {
		char body[200];
		char field[40];
	} cases[] = {
	    {"{\"commitments\":[{\"party\":\"city\",\"text\":\"t\"}]}", ""},
	    {"{\"commitments\":[{\"party\":\"organisations\",\"text\":\"t\"}]}", ""},
	    {"{\"commitments\":[{\"party\":\"both\",\"text\":\"t\"}]}", ""},
	    {"{\"commitments\":[{\"party\":\"region\",\"text\":\"t\"}]}", "/commitments/0/party"},
	    {"{\"commitments\":[{\"party\":\"City\",\"text\":\"t\"}]}", "/commitments/0/party"},
	    {"{\"commitments\":[{\"party\":null,\"text\":\"t\"}]}", "/commitments/0/party"},
	    {"{\"commitments\":[{\"text\":\"t\"}]}", "/commitments/0/party"},
	    {"{\"commitments\":[{\"party\":\"city\"}]}", "/commitments/0/text"},
	    {"{\"commitments\":[{\"party\":\"city\",\"text\":\" \"}]}", "/commitments/0/text"},
	    {"{\"commitments\":[{\"party\":\"city\",\"text\":\"t\",\"by\":\"x\"}]}",
	     "/commitments/0/by"},
	    {"{\"decisions\":[{\"body\":\"KF\",\"date\":\"2012-06-14\"}]}", ""},
	    {"{\"decisions\":[{\"body\":\"KF\",\"date\":\"2012-06-14\",\"reference\":null,"
	     "\"summary\":\"s\"}]}",
	     ""},
	    {"{\"decisions\":[{\"body\":\"KF\"}]}", "/decisions/0/date"},
	    {"{\"decisions\":[{\"date\":\"2012-06-14\"}]}", "/decisions/0/body"},
	    {"{\"decisions\":[{\"body\":\"KF\",\"date\":\"2012-06-14T00:00:00Z\"}]}",
	     "/decisions/0/date"},
	    {"{\"decisions\":[{\"body\":\"KF\",\"date\":\"14/6 2012\"}]}", "/decisions/0/date"},
	    {"{\"decisions\":[{\"body\":\"KF\",\"date\":\"2012-13-14\"}]}", "/decisions/0/date"},
	    {"{\"decisions\":[{\"body\":\"KF\",\"date\":null}]}", "/decisions/0/date"},
	    {"{\"decisions\":[{\"body\":\"KF\",\"date\":20120614}]}", "/decisions/0/date"},
	};

	RUN_TABLE(cases, PATCH)
}

Test(agreement, item_counts)
{
	struct problem pb = PROBLEM_INIT;
	json_t *body = json_object();
	json_t *principles = json_array();

	for (int i = 0; i < 21; i++) {
		char code[8];

		snprintf(code, sizeof(code), "p%d", i);
		json_array_append_new(principles,
		                      json_pack("{s:s, s:s}", "code", code, "title", "t"));
	}
	json_object_set_new(body, "principles", principles);
	cr_expect_eq(agreement_input_check(body, false, &pb), -1, "21 principles are too many");
	cr_expect(problem_has_field(&pb, "/principles"));
	problem_release(&pb);
	json_array_remove(principles, 20);
	cr_expect_eq(agreement_input_check(body, false, &pb), 0, "20 principles are allowed");
	problem_release(&pb);
	json_decref(body);
}

Test(agreement, adoptions)
{
	static const struct {
		char body[200];
		char field[40];
	} cases[] = {
	    {"{\"decision\":{\"body\":\"Kommunfullmäktige\",\"date\":\"2026-03-12\"}}", ""},
	    {"{\"decision\":{\"body\":\"KF\",\"date\":\"2026-03-12\",\"reference\":\"Dnr 0123/26\","
	     "\"summary\":\"Antogs\"}}",
	     ""},
	    {"{}", "/decision"},
	    {"{\"decision\":null}", "/decision"},
	    {"{\"decision\":\"KF 2026-03-12\"}", "/decision"},
	    {"{\"decision\":{\"body\":\"KF\",\"date\":\"2026-03-12\"},\"status\":\"adopted\"}",
	     "/status"},
	    {"{\"decision\":{\"date\":\"2026-03-12\"}}", "/decision/body"},
	    {"{\"decision\":{\"body\":\"  \",\"date\":\"2026-03-12\"}}", "/decision/body"},
	    {"{\"decision\":{\"body\":\"KF\"}}", "/decision/date"},
	    {"{\"decision\":{\"body\":\"KF\",\"date\":\"2026-3-12\"}}", "/decision/date"},
	    {"{\"decision\":{\"body\":\"KF\",\"date\":\"2026-03-12T10:00:00Z\"}}",
	     "/decision/date"},
	    {"{\"decision\":{\"body\":\"KF\",\"date\":\"2026-03-12\",\"reference\":7}}",
	     "/decision/reference"},
	    {"{\"decision\":{\"body\":\"KF\",\"date\":\"2026-03-12\",\"votes\":7}}",
	     "/decision/votes"},
	};

	RUN_TABLE(cases, ADOPTION)
}

Test(agreement, adoption_errors_all_at_once)
{
	struct problem pb = PROBLEM_INIT;

	cr_expect_eq(run("{\"decision\":{\"date\":\"x\",\"summary\":1}}", ADOPTION, &pb), -1);
	cr_expect_eq(json_array_size(pb.errors), 3);
	cr_expect(problem_has_field(&pb, "/decision/body"));
	cr_expect(problem_has_field(&pb, "/decision/date"));
	cr_expect(problem_has_field(&pb, "/decision/summary"));
	problem_release(&pb);
}

#define ENDORSER                                                                                   \
	"\"organisation_id\":\"0b6f3c1e-8a2d-4c5b-9e7f-1a2b3c4d5e6f\",\"signatory_name\":\"Ada\""

Test(agreement, endorsements)
{
	static const struct {
		char body[240];
		char field[40];
	} cases[] = {
	    {"{" ENDORSER ",\"mandate\":\"Styrelsebeslut 2026-02-01\"}", ""},
	    {"{" ENDORSER ",\"mandate\":\"m\",\"signatory_title\":\"Ordförande\","
	     "\"statement\":\"Vi ställer oss bakom\"}",
	     ""},
	    {"{" ENDORSER ",\"mandate\":\"m\",\"signatory_title\":null,\"statement\":null}", ""},
	    {"{" ENDORSER "}", "/mandate"},
	    {"{" ENDORSER ",\"mandate\":\"\"}", "/mandate"},
	    {"{" ENDORSER ",\"mandate\":\"   \"}", "/mandate"},
	    {"{" ENDORSER ",\"mandate\":null}", "/mandate"},
	    {"{\"organisation_id\":\"0b6f3c1e-8a2d-4c5b-9e7f-1a2b3c4d5e6f\",\"mandate\":\"m\"}",
	     "/signatory_name"},
	    {"{\"signatory_name\":\"Ada\",\"mandate\":\"m\"}", "/organisation_id"},
	    {"{\"organisation_id\":\"x\",\"signatory_name\":\"Ada\",\"mandate\":\"m\"}",
	     "/organisation_id"},
	    {"{\"organisation_id\":\"0b6f3c1e-8a2d-4c5b-9e7f-1a2b3c4d5e6x\","
	     "\"signatory_name\":\"Ada\",\"mandate\":\"m\"}",
	     "/organisation_id"},
	    {"{\"organisation_id\":\"0b6f3c1e-8a2d-4c5b-9e7f_1a2b3c4d5e6f\","
	     "\"signatory_name\":\"Ada\",\"mandate\":\"m\"}",
	     "/organisation_id"},
	    {"{\"organisation_id\":7,\"signatory_name\":\"Ada\",\"mandate\":\"m\"}",
	     "/organisation_id"},
	    {"{" ENDORSER ",\"mandate\":\"m\",\"agreement_id\":\"x\"}", "/agreement_id"},
	    {"{" ENDORSER ",\"mandate\":\"m\",\"statement\":false}", "/statement"},
	};

	RUN_TABLE(cases, ENDORSEMENT)
}

/*
 * bug: check_items() in agreement.c builds "/principles/<i>" + the item's error pointer in a
 * 160-byte buffer; a long non-ASCII unknown key inside an item is cut inside a UTF-8
 * sequence there, problem_add_error drops the invalid pointer, and agreement_input_check
 * returns 0 with no error: the unknown key is accepted. Expected: -1 and one error.
 */
Test(agreement, a_long_non_ascii_key_inside_an_item_is_refused)
{
	struct problem pb = PROBLEM_INIT;
	char key[160];
	json_t *body;

	for (int i = 0; i < 73; i++) /* 146 bytes: the item's own pointer (147) still fits */
		memcpy(key + 2 * i, "\xc3\xa5", 2);
	key[146] = '\0';
	body = json_pack("{s:[{s:s, s:s, s:i}]}", "principles", "code", "a", "title", "t", key, 1);
	cr_assert_not_null(body);
	cr_expect_eq(agreement_input_check(body, false, &pb), -1, "an unknown key was accepted");
	cr_expect_eq(json_array_size(pb.errors), 1);
	json_decref(body);
	problem_release(&pb);
}

/*
 * open_data.c -- the open datasets (organisations, dialogues, the endorsement register, the
 * follow-up, the council's composition) as
 * CSV and JSON, and an index that describes them field by field, with the licence. No
 * personal data: the SQL selects only public fields of organisations and no people.
 */
#include "handlers/common.h"
#include "handlers/handlers.h"
#include "util/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct field_doc {
	const char *name, *type, *sv, *en;
};

struct dataset {
	const char *id, *title_sv, *title_en, *description_sv, *description_en;
	const struct field_doc *fields;
	size_t field_count;
	const char *ics_url; /* also as iCalendar, or NULL */
};

static const struct field_doc organisation_fields[] = {
	{"id", "uuid", "Organisationens id i Idékom", "The organisation's id in Idékom"},
	{"org_number", "string", "Organisationsnummer, NNNNNN-NNNN", "Swedish organisation number"},
	{"name", "string", "Namn", "Name"},
	{"kind", "string", "Organisationsform (se /api/v1/vocabularies)", "Kind (see /api/v1/vocabularies)"},
	{"legal_form", "string", "Juridisk form enligt organisationsnumret", "Legal form from the number"},
	{"umbrella_id", "uuid", "Paraplyorganisation den tillhör", "Umbrella organisation it belongs to"},
	{"areas", "array", "Intresseområden, semikolonseparerade i CSV", "Interest areas, ';'-separated in CSV"},
	{"districts", "array", "Stadsdelar, semikolonseparerade i CSV", "City districts, ';'-separated in CSV"},
	{"website", "string", "Webbplats", "Website"},
	{"member_count", "integer", "Antal medlemmar", "Number of members"},
	{"endorsed", "boolean", "Ansluten till den gällande överenskommelsen", "Endorses the current agreement"},
	{"created_at", "date-time", "Registrerad", "Registered"},
	{"updated_at", "date-time", "Senast ändrad", "Last changed"},
};

static const struct field_doc dialogue_fields[] = {
	{"id", "uuid", "Dialogens id", "The dialogue's id"},
	{"title", "string", "Rubrik", "Title"},
	{"kind", "string", "Dialogmöte, konferens, rådsmöte eller arbetsgrupp", "Meeting kind"},
	{"status", "string", "Planerad, inställd eller genomförd", "Scheduled, cancelled or held"},
	{"starts_at", "date-time", "Börjar (UTC)", "Starts (UTC)"},
	{"ends_at", "date-time", "Slutar (UTC)", "Ends (UTC)"},
	{"location", "string", "Plats", "Place"},
	{"online_url", "string", "Länk för digitalt deltagande", "Link to take part online"},
	{"format", "string", "På plats, digitalt eller hybrid", "In person, online or hybrid"},
	{"services", "array", "Tillgänglighetstjänster", "Accessibility services"},
	{"participation_level", "string",
	 "Deltagandenivå (Europarådets riktlinjer för civilsamhällets deltagande)",
	 "Level of civil participation (Council of Europe Code of Good Practice)"},
	{"principles", "array", "Överenskommelsens principer som berörs", "Principles of the agreement concerned"},
	{"capacity", "integer", "Antal platser", "Seats"},
	{"seats_taken", "integer", "Bokade platser", "Seats taken"},
};

static const struct field_doc endorsement_fields[] = {
	{"organisation_id", "uuid", "Organisationens id", "The organisation's id"},
	{"organisation_name", "string", "Organisationens namn", "The organisation's name"},
	{"org_number", "string", "Organisationsnummer", "Organisation number"},
	{"kind", "string", "Organisationsform", "Kind"},
	{"status", "string", "Aktiv, återkallad eller behöver förnyas", "Active, withdrawn or renewal needed"},
	{"endorsed_at", "date-time", "Anslöt sig", "Endorsed"},
	{"withdrawn_at", "date-time", "Återkallade", "Withdrew"},
	{"statement", "string", "Organisationens offentliga uttalande", "The organisation's public statement"},
};

static const struct field_doc follow_up_fields[] = {
	{"agreement_id", "uuid", "Överenskommelsens id", "The agreement's id"},
	{"agreement_version", "integer", "Överenskommelsens versionsnummer", "The agreement's version number"},
	{"commitment", "integer", "Åtagandets nummer i överenskommelsen (från 1)", "The commitment's number in the agreement (from 1)"},
	{"party", "string", "Vem åtagandet gäller: city, organisations eller both", "Whose commitment: city, organisations or both"},
	{"commitment_text", "string", "Åtagandets text", "The commitment's text"},
	{"principles", "array", "Principer som åtagandet hör till, semikolonseparerade i CSV", "Principles the commitment serves, ';'-separated in CSV"},
	{"city_owner", "string", "Ansvarig inom staden (förvaltning)", "Owner within the city (administration)"},
	{"year", "integer", "Uppföljningsår", "Year followed up"},
	{"status", "string", "not_started, ongoing, done eller discontinued", "not_started, ongoing, done or discontinued"},
	{"text", "string", "Kansliets uppföljning", "The secretariat's follow-up"},
	{"demo", "boolean", "Exempeldata, inte verklig uppföljning", "Demo data, not a real follow-up"},
	{"updated_at", "date-time", "Senast ändrad", "Last changed"},
};

static const struct field_doc council_fields[] = {
	{"seat_id", "uuid", "Platsens id", "The seat's id"},
	{"seat", "string", "Platsen i rådet", "The seat on the council"},
	{"category", "string", "politician, official eller organisation", "politician, official or organisation"},
	{"name", "string", "Ledamotens eller ersättarens namn", "The member's or substitute's name"},
	{"role", "string", "ordinary (ledamot) eller substitute (ersättare)", "ordinary (member) or substitute"},
	{"party", "string", "Parti, för politiker", "Party, for politicians"},
	{"organisation_id", "uuid", "Organisationens id, för organisationsplatser", "The organisation's id, for organisation seats"},
	{"organisation", "string", "Organisationens namn, för organisationsplatser", "The organisation's name, for organisation seats"},
	{"from", "date", "Mandatperiodens första dag", "The term's first day"},
	{"to", "date", "Mandatperiodens sista dag (tom: pågår)", "The term's last day (empty: running)"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const struct dataset datasets[] = {
	{"organisations", "Idéburna organisationer i Göteborg", "Idea-driven organisations in Göteborg",
	 "Verifierade organisationer i Idékoms register.",
	 "Verified organisations in the Idékom register.", organisation_fields,
	 COUNT(organisation_fields), NULL},
	{"dialogues", "Dialogmöten och konferenser", "Dialogue meetings and conferences",
	 "Idékoms möten: dialogmöten, konferenser, rådsmöten och arbetsgrupper.",
	 "Idékom's meetings: dialogue meetings, conferences, council meetings and working groups.",
	 dialogue_fields, COUNT(dialogue_fields), "/api/v1/dialogues.ics"},
	{"endorsements", "Anslutna organisationer (överenskommelsen)", "Endorsements of the agreement",
	 "Registret över organisationer som anslutit sig till den gällande överenskommelsen.",
	 "The register of organisations endorsing the current agreement.", endorsement_fields,
	 COUNT(endorsement_fields), NULL},
	{"follow-up", "Uppföljning av överenskommelsens åtaganden",
	 "Follow-up of the agreement's commitments",
	 "Kansliets årliga uppföljning av den gällande överenskommelsens åtaganden.",
	 "The secretariat's yearly follow-up of the current agreement's commitments.",
	 follow_up_fields, COUNT(follow_up_fields), NULL},
	{"council", "Rådets sammansättning", "The council's composition",
	 "Rådets platser och ledamöter med mandatperioder, även tidigare och kommande.",
	 "The council's seats and members with their terms, past and future ones too.",
	 council_fields, COUNT(council_fields), NULL},
};
#define FOLLOW_UP_DATASET 3
#define COUNCIL_DATASET 4

static const struct {
	const char *id, *name, *url;
} licences[] = {
	{"CC0-1.0", "Creative Commons Zero v1.0 Universal",
	 "https://creativecommons.org/publicdomain/zero/1.0/"},
	{"CC-BY-4.0", "Creative Commons Attribution 4.0 International",
	 "https://creativecommons.org/licenses/by/4.0/"},
};

static json_t *licence_json(const char *id)
{
	for (size_t i = 0; i < COUNT(licences); i++)
		if (strcmp(licences[i].id, id) == 0)
			return json_pack("{s:s, s:s, s:s}", "id", id, "name", licences[i].name, "url",
					 licences[i].url);
	return json_pack("{s:s, s:s, s:n}", "id", id, "name", id, "url");
}

static void public_cache(struct req *rq)
{
	if (!rq->token_given)
		req_add_header(rq, "Cache-Control", "public, max-age=300");
}

/* GET /api/v1/open-data (openapi: getOpenData) */
int open_data_index(struct req *rq)
{
	json_t *list = json_array();
	json_t *doc;
	int rc;

	for (size_t i = 0; i < COUNT(datasets); i++) {
		const struct dataset *d = &datasets[i];
		json_t *fields = json_array();
		json_t *dist = json_array();
		char url[120];

		for (size_t f = 0; f < d->field_count; f++)
			json_array_append_new(fields, json_pack("{s:s, s:s, s:s, s:s}", "name",
								d->fields[f].name, "type",
								d->fields[f].type, "description_sv",
								d->fields[f].sv, "description_en",
								d->fields[f].en));
		snprintf(url, sizeof(url), "/api/v1/open-data/%s.csv", d->id);
		json_array_append_new(dist, json_pack("{s:s, s:s, s:s}", "format", "CSV", "media_type",
						      "text/csv", "url", url));
		snprintf(url, sizeof(url), "/api/v1/open-data/%s.json", d->id);
		json_array_append_new(dist, json_pack("{s:s, s:s, s:s}", "format", "JSON",
						      "media_type", "application/json", "url", url));
		if (d->ics_url)
			json_array_append_new(dist, json_pack("{s:s, s:s, s:s}", "format", "iCalendar",
							      "media_type", "text/calendar", "url",
							      d->ics_url));
		json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "id",
						      d->id, "title_sv", d->title_sv, "title_en",
						      d->title_en, "description_sv",
						      d->description_sv, "description_en",
						      d->description_en, "distributions", dist,
						      "fields", fields));
	}
	doc = json_pack("{s:o, s:s, s:o}", "licence", licence_json(rq->cfg->open_data_license),
			"publisher", "Idékom, Göteborgs Stad", "datasets", list);
	public_cache(rq);
	rc = doc ? reply_json(rq, 200, doc) : reply_error(rq, 500, "the index could not be built");
	json_decref(doc);
	return rc;
}

/* Appends one CSV cell for a JSON value (arrays joined by ';'). */
static void csv_value(struct buf *out, const json_t *v)
{
	char num[40];

	if (json_is_string(v)) {
		csv_cell(out, json_string_value(v));
	} else if (json_is_integer(v)) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		csv_cell(out, num);
	} else if (json_is_real(v)) {
		snprintf(num, sizeof(num), "%g", json_real_value(v));
		csv_cell(out, num);
	} else if (json_is_boolean(v)) {
		csv_cell(out, json_is_true(v) ? "true" : "false");
	} else if (json_is_array(v)) {
		struct buf joined = BUF_INIT;
		size_t i;
		const json_t *item;

		json_array_foreach(v, i, item)
		{
			if (i)
				buf_add(&joined, ";", 1);
			buf_adds(&joined, json_string_value(item) ? json_string_value(item) : "");
		}
		csv_cell(out, joined.data ? joined.data : "");
		buf_release(&joined);
	}
}

static int reply_dataset(struct req *rq, size_t which, bool csv)
{
	const struct dataset *d = &datasets[which];
	const char *params[1] = {d->id};
	/* the follow-up and the council have functions of their own (migrations 0017, 0018) */
	PGresult *res = which == FOLLOW_UP_DATASET ? db_exec(rq->db, STMT_OPEN_FOLLOW_UP, NULL, 0)
			: which == COUNCIL_DATASET ? db_exec(rq->db, STMT_OPEN_COUNCIL, NULL, 0)
						   : db_exec(rq->db, STMT_OPEN_DATASET, params, 1);
	json_t *items;
	int rc;

	if (!db_ok(res))
		return reply_db_failure(rq, res);
	items = json_loads(PQgetvalue(res, 0, 0), 0, NULL);
	PQclear(res);
	if (!items)
		return reply_error(rq, 500, "the dataset could not be built");
	public_cache(rq);
	if (csv) {
		struct buf out = BUF_INIT;
		const json_t *item;
		size_t i;

		for (size_t f = 0; f < d->field_count; f++)
			buf_addf(&out, "%s%s", f ? "," : "", d->fields[f].name);
		buf_add(&out, "\r\n", 2);
		json_array_foreach(items, i, item)
		{
			for (size_t f = 0; f < d->field_count; f++) {
				if (f)
					buf_add(&out, ",", 1);
				csv_value(&out, json_object_get(item, d->fields[f].name));
			}
			buf_add(&out, "\r\n", 2);
		}
		rc = reply_raw(rq, 200, "text/csv; charset=utf-8", out.data, out.len);
		buf_release(&out);
	} else {
		char when[40];
		time_t now = time(NULL);
		struct tm tm;
		json_t *doc;

		gmtime_r(&now, &tm);
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
		doc = json_pack("{s:s, s:s, s:O}", "licence", rq->cfg->open_data_license,
				"generated_at", when, "items", items);
		rc = doc ? reply_json(rq, 200, doc) : reply_error(rq, 500, "the dataset failed");
		json_decref(doc);
	}
	json_decref(items);
	return rc;
}

/* GET /api/v1/open-data/organisations.csv (openapi: getOpenOrganisationsCsv) */
int open_data_organisations_csv(struct req *rq)
{
	return reply_dataset(rq, 0, true);
}

/* GET /api/v1/open-data/organisations.json (openapi: getOpenOrganisationsJson) */
int open_data_organisations_json(struct req *rq)
{
	return reply_dataset(rq, 0, false);
}

/* GET /api/v1/open-data/dialogues.csv (openapi: getOpenDialoguesCsv) */
int open_data_dialogues_csv(struct req *rq)
{
	return reply_dataset(rq, 1, true);
}

/* GET /api/v1/open-data/dialogues.json (openapi: getOpenDialoguesJson) */
int open_data_dialogues_json(struct req *rq)
{
	return reply_dataset(rq, 1, false);
}

/* GET /api/v1/open-data/endorsements.csv (openapi: getOpenEndorsementsCsv) */
int open_data_endorsements_csv(struct req *rq)
{
	return reply_dataset(rq, 2, true);
}

/* GET /api/v1/open-data/endorsements.json (openapi: getOpenEndorsementsJson) */
int open_data_endorsements_json(struct req *rq)
{
	return reply_dataset(rq, 2, false);
}

/* GET /api/v1/open-data/follow-up.csv (openapi: getOpenFollowUpCsv) */
int open_data_follow_up_csv(struct req *rq)
{
	return reply_dataset(rq, FOLLOW_UP_DATASET, true);
}

/* GET /api/v1/open-data/follow-up.json (openapi: getOpenFollowUpJson) */
int open_data_follow_up_json(struct req *rq)
{
	return reply_dataset(rq, FOLLOW_UP_DATASET, false);
}

/* GET /api/v1/open-data/council.csv (openapi: getOpenCouncilCsv) */
int open_data_council_csv(struct req *rq)
{
	return reply_dataset(rq, COUNCIL_DATASET, true);
}

/* GET /api/v1/open-data/council.json (openapi: getOpenCouncilJson) */
int open_data_council_json(struct req *rq)
{
	return reply_dataset(rq, COUNCIL_DATASET, false);
}

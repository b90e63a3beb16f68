/*
 * routes.c -- THE route table: every operation of openapi/openapi.yaml, one line each, with
 * the checks the router runs before the handler. A test walks this table against the
 * OpenAPI paths, so the two cannot drift apart.
 */
#include "handlers/handlers.h"
#include "http/router.h"

#define P ROUTE_PUBLIC
#define B ROUTE_BODY
#define A ROUTE_ADMIN
#define M ROUTE_IF_MATCH
#define N ROUTE_NO_DB
#define C ROUTE_CALLER_IN_SQL
#define U ROUTE_UPLOAD

/* a document upload's own body limit (docs/decisions.md, "Documents") */
#define DOCUMENT_BODY_LIMIT ((size_t)10 * 1024 * 1024)

const struct route routes[] = {
	{"GET", "/healthz", ops_health, P | N, NULL, "getHealth"},
	{"GET", "/readyz", ops_ready, P | N, NULL, "getReadiness"},
	{"GET", "/metrics", ops_metrics, P | N, NULL, "getMetrics"},
	{"GET", "/api/v1/openapi.json", ops_openapi, P, NULL, "getOpenApi"},

	{"POST", "/api/v1/auth/register", auth_register, P | B, NULL, "register"},
	{"POST", "/api/v1/auth/login", auth_login, P | B, NULL, "login"},
	{"POST", "/api/v1/auth/refresh", auth_refresh, P | B, NULL, "refreshToken"},
	{"POST", "/api/v1/auth/logout", auth_logout, P | B, NULL, "logout"},
	{"POST", "/api/v1/auth/token", auth_client_token, P | B | ROUTE_FORM, NULL,
	 "issueClientToken"},
	{"GET", "/api/v1/me", auth_me, ROUTE_PEOPLE, NULL, "getMe"},

	{"GET", "/api/v1/users", users_list, A | ROUTE_PEOPLE, NULL, "listUsers"},
	{"GET", "/api/v1/users/{id}", users_get, A | ROUTE_PEOPLE, NULL, "getUser"},
	{"PATCH", "/api/v1/users/{id}", users_patch, A | ROUTE_PEOPLE | B | M, NULL, "patchUser"},

	{"POST", "/api/v1/clients", clients_create, A | ROUTE_PEOPLE | B, NULL, "createClient"},
	{"GET", "/api/v1/clients", clients_list, A | ROUTE_PEOPLE, NULL, "listClients"},
	{"GET", "/api/v1/clients/{id}", clients_get, A | ROUTE_PEOPLE, NULL, "getClient"},
	{"DELETE", "/api/v1/clients/{id}", clients_delete, A | ROUTE_PEOPLE | M, NULL,
	 "deleteClient"},

	{"GET", "/api/v1/organisations", organisations_list, P | C, NULL, "listOrganisations"},
	{"POST", "/api/v1/organisations", organisations_create, ROUTE_PEOPLE | B, NULL,
	 "createOrganisation"},
	{"GET", "/api/v1/organisations/{id}", organisations_get, P | C, NULL, "getOrganisation"},
	{"PATCH", "/api/v1/organisations/{id}", organisations_patch, ROUTE_PEOPLE | B | M, NULL,
	 "patchOrganisation"},
	{"POST", "/api/v1/organisations/{id}/verify", organisations_verify, ROUTE_PEOPLE, NULL,
	 "verifyOrganisation"},
	{"POST", "/api/v1/organisations/{id}/reject", organisations_reject, ROUTE_PEOPLE | B,
	 NULL, "rejectOrganisation"},
	{"GET", "/api/v1/organisations/{id}/members", organisations_members, P | C, NULL,
	 "listOrganisationMembers"},
	{"GET", "/api/v1/organisations/{id}/representatives", representatives_list, ROUTE_PEOPLE,
	 NULL, "listRepresentatives"},
	{"POST", "/api/v1/organisations/{id}/representatives", representatives_add,
	 ROUTE_PEOPLE | B, NULL, "addRepresentative"},
	{"DELETE", "/api/v1/organisations/{id}/representatives/{user_id}", representatives_remove,
	 ROUTE_PEOPLE, NULL, "removeRepresentative"},
	{"PUT", "/api/v1/organisations/by-org-number/{org_number}", organisations_upsert, A | B,
	 "organisations:write", "upsertOrganisationByOrgNumber"},
	{"GET", "/api/v1/vocabularies", vocabularies_get, P, NULL, "getVocabularies"},

	{"GET", "/api/v1/dialogues", dialogues_list, P, NULL, "listDialogues"},
	{"POST", "/api/v1/dialogues", dialogues_create, A | ROUTE_PEOPLE | B, NULL, "createDialogue"},
	{"GET", "/api/v1/dialogues/{id}", dialogues_get, P, NULL, "getDialogue"},
	{"PATCH", "/api/v1/dialogues/{id}", dialogues_patch, A | ROUTE_PEOPLE | B | M, NULL,
	 "patchDialogue"},
	{"POST", "/api/v1/dialogues/{id}/cancel", dialogues_cancel, A | ROUTE_PEOPLE, NULL,
	 "cancelDialogue"},
	{"GET", "/api/v1/dialogues/{id}/registrations", registrations_list, P, NULL,
	 "listRegistrations"},
	{"POST", "/api/v1/dialogues/{id}/registrations", registrations_create, ROUTE_PEOPLE | B,
	 NULL, "createRegistration"},
	{"PATCH", "/api/v1/dialogues/{id}/registrations/{organisation_id}", registrations_patch,
	 A | ROUTE_PEOPLE | B, NULL, "patchRegistration"},
	{"DELETE", "/api/v1/dialogues/{id}/registrations/{organisation_id}", registrations_delete,
	 ROUTE_PEOPLE, NULL, "deleteRegistration"},
	{"GET", "/api/v1/dialogues/{id}/documents", documents_list_dialogue, P, NULL,
	 "listDialogueDocuments"},
	{"POST", "/api/v1/dialogues/{id}/documents", documents_upload_dialogue,
	 A | ROUTE_PEOPLE | U, NULL, "uploadDialogueDocument", DOCUMENT_BODY_LIMIT},
	{"GET", "/api/v1/dialogues.ics", calendar_all, P, NULL, "getDialoguesCalendar"},
	{"GET", "/api/v1/dialogues/{id}.ics", calendar_one, P, NULL, "getDialogueCalendar"},
	{"GET", "/api/v1/organisations/{id}/dialogues.ics", calendar_organisation, P, NULL,
	 "getOrganisationCalendar"},

	{"GET", "/api/v1/agreements", agreements_list, P, NULL, "listAgreements"},
	{"POST", "/api/v1/agreements", agreements_create, A | ROUTE_PEOPLE | B, NULL,
	 "createAgreement"},
	{"GET", "/api/v1/agreements/{ref}", agreements_get, P, NULL, "getAgreement"},
	{"PATCH", "/api/v1/agreements/{ref}", agreements_patch, A | ROUTE_PEOPLE | B | M, NULL,
	 "patchAgreement"},
	{"POST", "/api/v1/agreements/{ref}/adopt", agreements_adopt, A | ROUTE_PEOPLE | B, NULL,
	 "adoptAgreement"},
	{"GET", "/api/v1/agreements/{ref}/endorsements", endorsements_list, P, NULL,
	 "listEndorsements"},
	{"POST", "/api/v1/agreements/{ref}/endorsements", endorsements_create, ROUTE_PEOPLE | B | C,
	 NULL, "createEndorsement"},
	{"POST", "/api/v1/agreements/{ref}/endorsements/{endorsement_id}/withdraw",
	 endorsements_withdraw, ROUTE_PEOPLE | B | C, NULL, "withdrawEndorsement"},
	{"GET", "/api/v1/agreements/{ref}/endorsements.csv", endorsements_csv, P, NULL,
	 "getEndorsementsCsv"},
	{"GET", "/api/v1/organisations/{id}/endorsements", endorsements_of_organisation, P, NULL,
	 "listOrganisationEndorsements"},
	{"GET", "/api/v1/agreements/{ref}/consultation", consultation_get, P, NULL,
	 "getConsultation"},
	{"PUT", "/api/v1/agreements/{ref}/consultation", consultation_schedule,
	 A | ROUTE_PEOPLE | B, NULL, "scheduleConsultation"},
	{"GET", "/api/v1/agreements/{ref}/consultation/responses", consultation_responses_list, P,
	 NULL, "listConsultationResponses"},
	{"POST", "/api/v1/agreements/{ref}/consultation/responses", consultation_response_create,
	 ROUTE_PEOPLE | B, NULL, "createConsultationResponse"},
	{"GET", "/api/v1/agreements/{ref}/consultation/responses.csv", consultation_responses_csv,
	 A | ROUTE_PEOPLE, NULL, "getConsultationResponsesCsv"},
	{"GET", "/api/v1/agreements/{ref}/consultation/responses/{response_id}",
	 consultation_response_get, P, NULL, "getConsultationResponse"},
	{"PATCH", "/api/v1/agreements/{ref}/consultation/responses/{response_id}",
	 consultation_response_patch, ROUTE_PEOPLE | B | M, NULL, "patchConsultationResponse"},
	{"POST", "/api/v1/agreements/{ref}/consultation/responses/{response_id}/withdraw",
	 consultation_response_withdraw, ROUTE_PEOPLE, NULL, "withdrawConsultationResponse"},
	{"PUT", "/api/v1/agreements/{ref}/consultation/responses/{response_id}/comment",
	 consultation_response_comment, A | ROUTE_PEOPLE | B, NULL,
	 "commentConsultationResponse"},
	{"GET", "/api/v1/agreements/{ref}/documents", documents_list_agreement, P, NULL,
	 "listAgreementDocuments"},
	{"POST", "/api/v1/agreements/{ref}/documents", documents_upload_agreement,
	 A | ROUTE_PEOPLE | U, NULL, "uploadAgreementDocument", DOCUMENT_BODY_LIMIT},
	{"GET", "/api/v1/documents/{id}", documents_get, P, NULL, "getDocument"},
	{"GET", "/api/v1/documents/{id}/content", documents_content, P, NULL, "getDocumentContent"},

	{"GET", "/api/v1/changes", changes_list, A, "changes:read", "listChanges"},
	{"POST", "/api/v1/webhooks", webhooks_create, A | B, "webhooks:manage", "createWebhook"},
	{"GET", "/api/v1/webhooks", webhooks_list, A, "webhooks:manage", "listWebhooks"},
	{"GET", "/api/v1/webhooks/{id}", webhooks_get, A, "webhooks:manage", "getWebhook"},
	{"DELETE", "/api/v1/webhooks/{id}", webhooks_delete, A | M, "webhooks:manage",
	 "deleteWebhook"},
	{"GET", "/api/v1/webhooks/{id}/deliveries", webhooks_deliveries, A, "webhooks:manage",
	 "listWebhookDeliveries"},
	{"GET", "/api/v1/stats", stats_get, P, NULL, "getStats"},
	{"GET", "/api/v1/audit", audit_list, A | ROUTE_PEOPLE, NULL, "listAudit"},
	{"GET", "/api/v1/open-data", open_data_index, P, NULL, "getOpenData"},
	{"GET", "/api/v1/open-data/organisations.csv", open_data_organisations_csv, P, NULL,
	 "getOpenOrganisationsCsv"},
	{"GET", "/api/v1/open-data/organisations.json", open_data_organisations_json, P, NULL,
	 "getOpenOrganisationsJson"},
	{"GET", "/api/v1/open-data/dialogues.csv", open_data_dialogues_csv, P, NULL,
	 "getOpenDialoguesCsv"},
	{"GET", "/api/v1/open-data/dialogues.json", open_data_dialogues_json, P, NULL,
	 "getOpenDialoguesJson"},
	{"GET", "/api/v1/open-data/endorsements.csv", open_data_endorsements_csv, P, NULL,
	 "getOpenEndorsementsCsv"},
	{"GET", "/api/v1/open-data/endorsements.json", open_data_endorsements_json, P, NULL,
	 "getOpenEndorsementsJson"},
	{NULL, NULL, NULL, 0, NULL, NULL},
};

size_t routes_count(void)
{
	return sizeof(routes) / sizeof(routes[0]) - 1;
}

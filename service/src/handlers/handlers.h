/*
 * handlers.h -- one function per API operation, named <resource>_<action>. Each starts with
 * a comment "METHOD /path (openapi: operationId)". The router has already done the shared
 * checks (auth, body, If-Match presence, DB connection) when a handler runs.
 */
#ifndef IDEKOM_HANDLERS_H
#define IDEKOM_HANDLERS_H

#include "http/request.h"

/* ops.c */
int ops_health(struct req *rq);
int ops_ready(struct req *rq);
int ops_metrics(struct req *rq);
int ops_openapi(struct req *rq);

/* auth.c */
int auth_register(struct req *rq);
int auth_login(struct req *rq);
int auth_refresh(struct req *rq);
int auth_logout(struct req *rq);
int auth_client_token(struct req *rq);
int auth_me(struct req *rq);

/* account.c */
int me_patch(struct req *rq);
int me_password(struct req *rq);
int me_email_verification(struct req *rq);
int auth_verify_email(struct req *rq);
int auth_password_reset(struct req *rq);
int auth_password_reset_confirm(struct req *rq);

/* gdpr.c */
int me_export(struct req *rq);
int me_delete(struct req *rq);
int users_delete(struct req *rq);

/* users.c */
int users_list(struct req *rq);
int users_get(struct req *rq);
int users_patch(struct req *rq);

/* clients.c */
int clients_create(struct req *rq);
int clients_list(struct req *rq);
int clients_get(struct req *rq);
int clients_delete(struct req *rq);


/* organisations.c */
int organisations_list(struct req *rq);
int organisations_create(struct req *rq);
int organisations_get(struct req *rq);
int organisations_patch(struct req *rq);
int organisations_verify(struct req *rq);
int organisations_reject(struct req *rq);
int organisations_resubmit(struct req *rq);
int organisations_members(struct req *rq);
int organisations_upsert(struct req *rq);
int vocabularies_get(struct req *rq);
int vocabularies_add(struct req *rq);
int vocabularies_patch(struct req *rq);
int council_get(struct req *rq);
int council_seat_create(struct req *rq);
int council_member_create(struct req *rq);
int council_member_end(struct req *rq);
int council_attendance_get(struct req *rq);
int council_attendance_set(struct req *rq);
int council_quorum_set(struct req *rq);

/* representatives.c */
int representatives_list(struct req *rq);
int representatives_add(struct req *rq);
int representatives_remove(struct req *rq);
int representatives_get(struct req *rq);

/* dialogues.c */
int dialogues_list(struct req *rq);
int dialogues_create(struct req *rq);
int dialogues_get(struct req *rq);
int dialogues_patch(struct req *rq);
int dialogues_cancel(struct req *rq);

/* registrations.c */
int registrations_list(struct req *rq);
int registrations_create(struct req *rq);
int registrations_delete(struct req *rq);
int registrations_patch(struct req *rq);
int registrations_get(struct req *rq);
int registrations_csv(struct req *rq);

/* calendar.c */
int calendar_all(struct req *rq);
int calendar_one(struct req *rq);
int calendar_organisation(struct req *rq);

/* agreements.c */
int agreements_list(struct req *rq);
int agreements_create(struct req *rq);
int agreements_get(struct req *rq);
int agreements_patch(struct req *rq);
int agreements_adopt(struct req *rq);

int consultation_get(struct req *rq);
int consultation_schedule(struct req *rq);
int consultation_responses_list(struct req *rq);
int consultation_responses_csv(struct req *rq);
int consultation_response_create(struct req *rq);
int consultation_response_get(struct req *rq);
int consultation_response_patch(struct req *rq);
int consultation_response_withdraw(struct req *rq);
int consultation_response_comment(struct req *rq);

int follow_up_get(struct req *rq);
int follow_up_stats(struct req *rq);
int follow_up_plan(struct req *rq);
int follow_up_record(struct req *rq);
int action_plan_get(struct req *rq);
int action_plan_activity_get(struct req *rq);
int action_plan_activity_create(struct req *rq);
int action_plan_activity_patch(struct req *rq);
int action_plan_activity_delete(struct req *rq);

int documents_upload_agreement(struct req *rq);
int documents_list_agreement(struct req *rq);
int documents_upload_dialogue(struct req *rq);
int documents_list_dialogue(struct req *rq);
int documents_upload_response(struct req *rq);
int documents_list_response(struct req *rq);
int documents_upload_entry(struct req *rq);
int documents_list_entry(struct req *rq);
int documents_upload_paper(struct req *rq);
int documents_list_paper(struct req *rq);
int documents_get(struct req *rq);
int documents_content(struct req *rq);

/* endorsements.c */
int endorsements_list(struct req *rq);
int endorsements_csv(struct req *rq);
int endorsements_create(struct req *rq);
int endorsements_paper_create(struct req *rq);
int endorsements_withdraw(struct req *rq);
int endorsements_get(struct req *rq);
int endorsements_of_organisation(struct req *rq);

/* integration.c */
int changes_list(struct req *rq);
int webhooks_create(struct req *rq);
int webhooks_list(struct req *rq);
int webhooks_get(struct req *rq);
int webhooks_delete(struct req *rq);
int webhooks_rotate_secret(struct req *rq);
int webhooks_deliveries(struct req *rq);
int webhooks_delivery_retry(struct req *rq);

/* reports.c */
int stats_get(struct req *rq);
int audit_list(struct req *rq);

/* open_data.c */
int open_data_index(struct req *rq);
int open_data_organisations_csv(struct req *rq);
int open_data_organisations_json(struct req *rq);
int open_data_dialogues_csv(struct req *rq);
int open_data_dialogues_json(struct req *rq);
int open_data_follow_up_csv(struct req *rq);
int open_data_follow_up_json(struct req *rq);
int open_data_council_csv(struct req *rq);
int open_data_council_json(struct req *rq);
int open_data_endorsements_csv(struct req *rq);
int open_data_endorsements_json(struct req *rq);

#endif

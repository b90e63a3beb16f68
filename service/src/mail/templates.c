/* templates.c -- see templates.h */
#include "mail/templates.h"

#include <string.h>

struct words {
	const char *subject;
	const char *body; /* paragraphs separated by "\n\n" */
	const char *link_label;
};

struct template {
	const char *kind;
	const char *link; /* path and query after the base URL, with placeholders */
	struct words sv, en;
};

static const struct template templates[] = {
	{"verify_email", "/bekrafta-adress?token={token}",
	 {"Bekräfta din e-postadress i Idékom",
	  "Du har skapat ett konto eller bytt e-postadress i Idékom. Bekräfta att adressen är din "
	  "med länken nedan. Länken gäller i 7 dagar.\n\nHar du inte gjort det kan du bortse från "
	  "det här meddelandet.",
	  "Bekräfta adressen"},
	 {"Confirm your e-mail address for Idékom",
	  "You created an account or changed your e-mail address in Idékom. Confirm that the "
	  "address is yours with the link below. The link is valid for 7 days.\n\nIf this was not "
	  "you, you can ignore this message.",
	  "Confirm the address"}},
	{"password_reset", "/aterstall-losenord?token={token}",
	 {"Återställ ditt lösenord i Idékom",
	  "Någon har bett om att få återställa lösenordet till ditt konto i Idékom. Välj ett nytt "
	  "lösenord med länken nedan. Länken gäller i en timme och kan användas en gång.\n\nHar du "
	  "inte bett om det kan du bortse från det här meddelandet; ditt lösenord är oförändrat.",
	  "Välj nytt lösenord"},
	 {"Reset your Idékom password",
	  "Someone asked to reset the password of your Idékom account. Choose a new password with "
	  "the link below. The link is valid for one hour and can be used once.\n\nIf you did not "
	  "ask for this, you can ignore this message; your password has not changed.",
	  "Choose a new password"}},
	{"password_changed", "/konto",
	 {"Ditt lösenord i Idékom har ändrats",
	  "Lösenordet till ditt konto i Idékom har just ändrats, och du har loggats ut på andra "
	  "enheter.\n\nVar det inte du? Återställ lösenordet direkt och kontakta kansliet.",
	  "Till ditt konto"},
	 {"Your Idékom password was changed",
	  "The password of your Idékom account was just changed, and you were signed out on other "
	  "devices.\n\nWas it not you? Reset the password at once and contact the secretariat.",
	  "To your account"}},
	{"registration_received", "/dialoger/{dialogue_id}",
	 {"Anmälan mottagen: {dialogue}",
	  "{organisation} är anmäld till {dialogue} ({starts_at}).", "Visa mötet"},
	 {"Registration received: {dialogue}",
	  "{organisation} is registered for {dialogue} ({starts_at}).", "Show the meeting"}},
	{"registration_waitlisted", "/dialoger/{dialogue_id}",
	 {"Väntelista: {dialogue}",
	  "{organisation} står på väntelistan till {dialogue} ({starts_at}). Vi hör av oss om en "
	  "plats blir ledig.",
	  "Visa mötet"},
	 {"Waiting list: {dialogue}",
	  "{organisation} is on the waiting list for {dialogue} ({starts_at}). We will write if "
	  "a seat becomes free.",
	  "Show the meeting"}},
	{"registration_seat", "/dialoger/{dialogue_id}",
	 {"Ni har fått plats: {dialogue}",
	  "En plats blev ledig och {organisation} har nu plats på {dialogue} ({starts_at}).",
	  "Visa mötet"},
	 {"You have a seat: {dialogue}",
	  "A seat became free and {organisation} now has a seat at {dialogue} ({starts_at}).",
	  "Show the meeting"}},
	{"dialogue_changed", "/dialoger/{dialogue_id}",
	 {"Ändrad tid eller plats: {dialogue}",
	  "Tid eller plats för {dialogue}, som {organisation} är anmäld till, har ändrats. Nu: "
	  "{starts_at}, {location}.",
	  "Visa mötet"},
	 {"Time or place changed: {dialogue}",
	  "The time or place of {dialogue}, which {organisation} is registered for, has changed. "
	  "Now: {starts_at}, {location}.",
	  "Show the meeting"}},
	{"dialogue_cancelled", "/dialoger/{dialogue_id}",
	 {"Inställt: {dialogue}",
	  "{dialogue} ({starts_at}), som {organisation} var anmäld till, är inställt.",
	  "Visa mötet"},
	 {"Cancelled: {dialogue}",
	  "{dialogue} ({starts_at}), which {organisation} was registered for, is cancelled.",
	  "Show the meeting"}},
	{"organisation_verified", "/organisationer/{organisation_id}",
	 {"{organisation} är verifierad",
	  "Kansliet har verifierat {organisation}. Organisationen syns nu i registret.",
	  "Visa organisationen"},
	 {"{organisation} is verified",
	  "The secretariat has verified {organisation}. The organisation is now shown in the "
	  "register.",
	  "Show the organisation"}},
	{"organisation_rejected", "/organisationer/{organisation_id}",
	 {"{organisation} kunde inte verifieras",
	  "Kansliet kunde inte verifiera {organisation}.\n\nSkäl: {reason}", "Visa organisationen"},
	 {"{organisation} could not be verified",
	  "The secretariat could not verify {organisation}.\n\nReason: {reason}",
	  "Show the organisation"}},
	{"endorsement_recorded", "/organisationer/{organisation_id}",
	 {"{organisation} har ställt sig bakom överenskommelsen",
	  "{organisation} står nu bakom {agreement}.", "Visa organisationen"},
	 {"{organisation} has endorsed the agreement",
	  "{organisation} now endorses {agreement}.", "Show the organisation"}},
	{"endorsement_withdrawn", "/organisationer/{organisation_id}",
	 {"{organisation} står inte längre bakom överenskommelsen",
	  "{organisation} har dragit tillbaka sitt ställningstagande för {agreement}.",
	  "Visa organisationen"},
	 {"{organisation} no longer endorses the agreement",
	  "{organisation} has withdrawn its endorsement of {agreement}.",
	  "Show the organisation"}},
	{"renewal_needed", "/overenskommelsen",
	 {"En ny överenskommelse är antagen",
	  "{agreement} är antagen. {organisation} behöver ställa sig bakom den nya versionen för "
	  "att fortsätta stå i registret.",
	  "Läs överenskommelsen"},
	 {"A new agreement has been adopted",
	  "{agreement} has been adopted. {organisation} needs to endorse the new version to stay "
	  "in the register.",
	  "Read the agreement"}},
	{"meeting_reminder", "/dialoger/{dialogue_id}",
	 {"Påminnelse: {dialogue}",
	  "{organisation} är anmäld till {dialogue}, som börjar {starts_at}.", "Visa mötet"},
	 {"Reminder: {dialogue}",
	  "{organisation} is registered for {dialogue}, which starts {starts_at}.",
	  "Show the meeting"}},
};

bool mail_kind_optional(const char *kind)
{
	return strcmp(kind, "meeting_reminder") == 0;
}

static void add_html_escaped(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '<': buf_adds(b, "&lt;"); break;
		case '>': buf_adds(b, "&gt;"); break;
		case '&': buf_adds(b, "&amp;"); break;
		case '"': buf_adds(b, "&quot;"); break;
		case '\'': buf_adds(b, "&#39;"); break;
		default: buf_add(b, s + i, 1);
		}
	}
}

enum mode { PLAIN, HTML, URL };

/* Appends n bytes of pattern with each {name} replaced by data's string member name. */
static void expand(struct buf *b, const char *pattern, size_t n, const json_t *data,
		   enum mode mode)
{
	size_t i = 0;

	while (i < n) {
		const char *open = memchr(pattern + i, '{', n - i);
		const char *close = open ? memchr(open, '}', (size_t)(pattern + n - open)) : NULL;
		char key[40];
		const char *value;

		if (!open || !close || (size_t)(close - open - 1) >= sizeof(key)) {
			if (mode == HTML)
				add_html_escaped(b, pattern + i, n - i);
			else
				buf_add(b, pattern + i, n - i);
			return;
		}
		if (mode == HTML)
			add_html_escaped(b, pattern + i, (size_t)(open - pattern) - i);
		else
			buf_add(b, pattern + i, (size_t)(open - pattern) - i);
		memcpy(key, open + 1, (size_t)(close - open - 1));
		key[close - open - 1] = '\0';
		value = json_string_value(json_object_get(data, key));
		if (!value)
			value = "";
		if (mode == HTML) {
			add_html_escaped(b, value, strlen(value));
		} else if (mode == URL) {
			/* tokens and UUIDs are URL-safe already; anything else is percent-encoded */
			for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
				if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
				    (*p >= '0' && *p <= '9') || strchr("-_.~", *p))
					buf_add(b, p, 1);
				else
					buf_addf(b, "%%%02X", *p);
			}
		} else {
			/* a value never breaks the subject line */
			for (const char *p = value; *p; p++)
				buf_add(b, (*p == '\r' || *p == '\n') ? " " : p, 1);
		}
		i = (size_t)(close - pattern) + 1;
	}
}

int mail_render(const char *kind, const char *language, const char *name, const json_t *data,
		const char *base_url, struct mail_rendered *out)
{
	const struct template *t = NULL;
	const struct words *w;
	bool en = language && strcmp(language, "en") == 0;
	struct buf link = BUF_INIT;
	const char *p;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sizeof(templates) / sizeof(templates[0]); i++)
		if (strcmp(templates[i].kind, kind) == 0)
			t = &templates[i];
	if (!t)
		return -1;
	w = en ? &t->en : &t->sv;
	buf_adds(&link, base_url);
	expand(&link, t->link, strlen(t->link), data, URL);

	expand(&out->subject, w->subject, strlen(w->subject), data, PLAIN);

	buf_adds(&out->text, en ? "Hello" : "Hej");
	buf_adds(&out->html, "<!DOCTYPE html>\n<html lang=\"");
	buf_adds(&out->html, en ? "en" : "sv");
	buf_adds(&out->html, "\"><head><meta charset=\"utf-8\"><title>");
	add_html_escaped(&out->html, out->subject.data, out->subject.len);
	buf_adds(&out->html, "</title></head>\n<body style=\"font-family: sans-serif; "
			     "line-height: 1.5; max-width: 40em\">\n<p>");
	buf_adds(&out->html, en ? "Hello" : "Hej");
	if (name && *name) {
		buf_addf(&out->text, " %s", name);
		buf_adds(&out->html, " ");
		add_html_escaped(&out->html, name, strlen(name));
	}
	buf_adds(&out->text, ",\n\n");
	buf_adds(&out->html, ",</p>\n");
	for (p = w->body; *p;) {
		const char *end = strstr(p, "\n\n");
		size_t n = end ? (size_t)(end - p) : strlen(p);

		expand(&out->text, p, n, data, PLAIN);
		buf_adds(&out->text, "\n\n");
		buf_adds(&out->html, "<p>");
		expand(&out->html, p, n, data, HTML);
		buf_adds(&out->html, "</p>\n");
		p += n;
		if (end)
			p += 2;
	}
	buf_addf(&out->text, "%s:\n%s\n\n", w->link_label, link.data);
	buf_adds(&out->html, "<p><a href=\"");
	add_html_escaped(&out->html, link.data, link.len);
	buf_adds(&out->html, "\">");
	add_html_escaped(&out->html, w->link_label, strlen(w->link_label));
	buf_adds(&out->html, "</a></p>\n");
	buf_adds(&out->text, "-- \nIdékom, Göteborgs Stad\n");
	buf_adds(&out->html, "<p style=\"color: #555\">Idékom, Göteborgs Stad</p>\n");
	buf_adds(&out->html, "</body></html>\n");
	buf_release(&link);
	return 0;
}

void mail_rendered_release(struct mail_rendered *r)
{
	buf_release(&r->subject);
	buf_release(&r->text);
	buf_release(&r->html);
}

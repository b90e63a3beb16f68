/*
 * templates.h -- the words of each mail kind in Swedish and English. A mail is a greeting,
 * one or two paragraphs, a link into the front end and a footer, as plain text and as
 * simple HTML. {placeholders} take string members of the outbox row's data (escaped for
 * HTML in the HTML part); a missing member becomes empty text.
 */
#ifndef IDEKOM_MAIL_TEMPLATES_H
#define IDEKOM_MAIL_TEMPLATES_H

#include "util/buf.h"

#include <jansson.h>
#include <stdbool.h>

struct mail_rendered {
	struct buf subject;
	struct buf text;
	struct buf html;
};

/*
 * Renders kind in language ("sv" or "en"; anything else is Swedish) for a person called
 * name (may be NULL) with data (borrowed) and links under base_url (no trailing slash).
 * Returns 0, or -1 for an unknown kind. Release out with mail_rendered_release either way.
 */
int mail_render(const char *kind, const char *language, const char *name, const json_t *data,
		const char *base_url, struct mail_rendered *out);

void mail_rendered_release(struct mail_rendered *r);

/* True when kind is one a person may turn off (the reminders). */
bool mail_kind_optional(const char *kind);

#endif

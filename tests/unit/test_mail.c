/* test_mail.c -- mail/message.h and mail/templates.h: RFC 2047 words, header injection,
 * the MIME structure, and templates that escape what they are given. */
#include "mail/message.h"
#include "mail/templates.h"

#include <criterion/criterion.h>
#include <string.h>

Test(mail, plain_ascii_headers_stay_as_they_are)
{
	struct buf b = BUF_INIT;

	mail_encode_header(&b, "Confirm your address");
	cr_assert_str_eq(b.data, "Confirm your address");
	buf_release(&b);
}

Test(mail, utf8_headers_become_rfc2047_words_that_never_split_a_character)
{
	struct buf b = BUF_INIT;
	/* 40 'å' (80 bytes): more than one 45-byte word, and 45 is odd, so a split must back up */
	char s[81];

	for (int i = 0; i < 40; i++)
		memcpy(s + 2 * i, "\xc3\xa5", 2);
	s[80] = '\0';
	mail_encode_header(&b, s);
	cr_assert(strncmp(b.data, "=?UTF-8?B?", 10) == 0);
	cr_assert_not_null(strstr(b.data, "?=\r\n =?UTF-8?B?"), "folded into two words");
	for (char *line = b.data; line;) {
		char *end = strstr(line, "\r\n");
		size_t n = end ? (size_t)(end - line) : strlen(line);

		cr_assert(n <= 76, "an encoded line of %zu characters", n);
		line = end ? end + 2 : NULL;
	}
	/* 44 bytes (22 'å') in the first word: base64 of 44 bytes is 60 characters with one '=' */
	cr_assert(strncmp(b.data + 10 + 59, "=?=", 3) == 0);
	buf_release(&b);
}

Test(mail, a_header_with_a_line_break_is_refused)
{
	struct buf b = BUF_INIT;
	struct mail_message m = {"idekom@example.org", "Idékom", "a@example.org", "Eve\r\nBcc: x@y",
				 "Hej", "Wed, 02 Dec 2026 21:00:00 +0000", "1@example.org", "t", "<p>h</p>"};

	cr_assert_eq(mail_message_build(&m, &b), -1);
	m.to_name = "Eve";
	m.to = "a@example.org>\r\nRCPT TO:<x@y";
	cr_assert_eq(mail_message_build(&m, &b), -1);
	buf_release(&b);
}

Test(mail, the_message_is_multipart_alternative_with_base64_parts)
{
	struct buf b = BUF_INIT;
	struct mail_message m = {"idekom@example.org", "Idékom", "a@example.org", "Åsa",
				 "Återställ", "Wed, 02 Dec 2026 21:00:00 +0000",
				 "0b9f6c1e@example.org", "Hej Åsa", "<p>Hej Åsa</p>"};

	cr_assert_eq(mail_message_build(&m, &b), 0);
	cr_assert_not_null(strstr(b.data, "Message-ID: <0b9f6c1e@example.org>\r\n"));
	cr_assert_not_null(strstr(b.data, "MIME-Version: 1.0\r\n"));
	cr_assert_not_null(strstr(b.data, "To: =?UTF-8?B?w4VzYQ==?= <a@example.org>\r\n"));
	cr_assert_not_null(strstr(b.data, "Content-Type: multipart/alternative; boundary="));
	cr_assert_not_null(strstr(b.data, "Content-Type: text/plain; charset=utf-8\r\n"));
	cr_assert_not_null(strstr(b.data, "Content-Type: text/html; charset=utf-8\r\n"));
	cr_assert_not_null(strstr(b.data, "SGVqIMOFc2E=\r\n"), "the text part in base64");
	for (const unsigned char *p = (const unsigned char *)b.data; *p; p++)
		cr_assert(*p < 0x80, "the whole message is ASCII");
	buf_release(&b);
}

Test(mail, templates_escape_data_in_html_and_encode_it_in_links)
{
	struct mail_rendered r;
	json_t *data = json_pack("{s:s, s:s, s:s}", "organisation", "<b>Gatans & Röst</b>",
				 "organisation_id", "a b/c", "reason", "Fel\r\nBcc: x");

	cr_assert_eq(mail_render("organisation_rejected", "en", "Kim <K>", data,
				 "https://idekom.example", &r), 0);
	cr_assert_str_eq(r.subject.data, "<b>Gatans & Röst</b> could not be verified");
	cr_assert_not_null(strstr(r.html.data, "&lt;b&gt;Gatans &amp; Röst&lt;/b&gt;"));
	cr_assert_null(strstr(r.html.data, "<b>"));
	cr_assert_not_null(strstr(r.html.data, "Hello Kim &lt;K&gt;"));
	cr_assert_not_null(strstr(r.text.data, "https://idekom.example/organisationer/a%20b%2Fc\n"));
	cr_assert_not_null(strstr(r.html.data, "<html lang=\"en\">"));
	mail_rendered_release(&r);
	cr_assert_eq(mail_render("verify_email", "sv", NULL, data, "https://x", &r), 0);
	cr_assert_str_eq(r.subject.data, "Bekräfta din e-postadress i Idékom");
	cr_assert(strncmp(r.text.data, "Hej,\n\n", 6) == 0);
	mail_rendered_release(&r);
	cr_assert_eq(mail_render("no_such_kind", "sv", NULL, data, "https://x", &r), -1);
	mail_rendered_release(&r);
	json_decref(data);
}

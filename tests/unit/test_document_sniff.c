/* test_document_sniff.c -- domain/document_sniff.h: formats by their bytes, hostile zips. */
#include "domain/document_sniff.h"

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *sniff(const void *d, size_t n)
{
	static char why[200];

	why[0] = '\0';
	return document_sniff(d, n, why, sizeof(why));
}

/* a minimal zip writer: entries with stated method and sizes, data given as is */
struct entry {
	const char *name;
	const char *data;
	size_t len;
	uint16_t method;
	uint32_t stated; /* 0: len */
};

static void put16(unsigned char **p, uint16_t v)
{
	(*p)[0] = (unsigned char)v;
	(*p)[1] = (unsigned char)(v >> 8);
	*p += 2;
}

static void put32(unsigned char **p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p, (uint16_t)(v >> 16));
}

static size_t make_zip(const struct entry *e, size_t n, unsigned char *out)
{
	unsigned char *p = out;
	uint32_t offsets[16];
	uint32_t cd_start, cd_size;

	for (size_t i = 0; i < n; i++) {
		offsets[i] = (uint32_t)(p - out);
		put32(&p, 0x04034b50);
		put16(&p, 20), put16(&p, 0), put16(&p, e[i].method), put32(&p, 0), put32(&p, 0);
		put32(&p, (uint32_t)e[i].len);
		put32(&p, e[i].stated ? e[i].stated : (uint32_t)e[i].len);
		put16(&p, (uint16_t)strlen(e[i].name)), put16(&p, 0);
		memcpy(p, e[i].name, strlen(e[i].name)), p += strlen(e[i].name);
		memcpy(p, e[i].data, e[i].len), p += e[i].len;
	}
	cd_start = (uint32_t)(p - out);
	for (size_t i = 0; i < n; i++) {
		put32(&p, 0x02014b50);
		put16(&p, 20), put16(&p, 20), put16(&p, 0), put16(&p, e[i].method);
		put32(&p, 0), put32(&p, 0);
		put32(&p, (uint32_t)e[i].len);
		put32(&p, e[i].stated ? e[i].stated : (uint32_t)e[i].len);
		put16(&p, (uint16_t)strlen(e[i].name)), put16(&p, 0), put16(&p, 0);
		put16(&p, 0), put16(&p, 0), put32(&p, 0), put32(&p, offsets[i]);
		memcpy(p, e[i].name, strlen(e[i].name)), p += strlen(e[i].name);
	}
	cd_size = (uint32_t)(p - out) - cd_start;
	put32(&p, 0x06054b50);
	put16(&p, 0), put16(&p, 0), put16(&p, (uint16_t)n), put16(&p, (uint16_t)n);
	put32(&p, cd_size);
	put32(&p, cd_start);
	put16(&p, 0);
	return (size_t)(p - out);
}

#define ODT "application/vnd.oasis.opendocument.text"

static unsigned char zbuf[65536];

Test(document_sniff, simple_formats)
{
	const char pdf[] = "%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
	const unsigned char png[] = "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\1\0\0\0\1\x08\x06\0\0\0";
	const unsigned char jpg[] = "\xff\xd8\xff\xe0\0\x10JFIF\0";

	cr_assert_str_eq(sniff(pdf, strlen(pdf)), "application/pdf");
	cr_assert_str_eq(sniff(png, sizeof(png) - 1), "image/png");
	cr_assert_str_eq(sniff(jpg, sizeof(jpg) - 1), "image/jpeg");
	cr_assert_str_eq(sniff("Protokoll från dialogmötet\n", 28), "text/plain");
}

Test(document_sniff, refusals)
{
	const char html[] = "<!DOCTYPE html><html><script>alert(1)</script></html>";
	const char truncated_pdf[] = "%PDF-1.7\n1 0 obj<<>>endobj\n";

	cr_assert_str_eq(sniff(html, strlen(html)), "text/plain"); /* and so not a PDF */
	cr_assert_null(sniff(truncated_pdf, strlen(truncated_pdf)));
	cr_assert_null(sniff("a\0b", 3), "NUL is not text");
	cr_assert_null(sniff("\xc3\x28", 2), "invalid UTF-8");
	cr_assert_null(sniff("\xed\xa0\x80", 3), "a surrogate");
	cr_assert_null(sniff("\xc0\xaf", 2), "an overlong");
	cr_assert_null(sniff("", 0));
	cr_assert_null(sniff("MZ\x90\0\3\0\0\0", 8), "an executable");
}

Test(document_sniff, office_zips)
{
	struct entry odt[] = {{"mimetype", ODT, sizeof(ODT) - 1, 0, 0},
			      {"content.xml", "<x/>", 4, 0, 0}};
	struct entry docx[] = {{"[Content_Types].xml", "<Types/>", 8, 0, 0},
			       {"word/document.xml", "<w/>", 4, 0, 0}};
	struct entry plain[] = {{"a.txt", "hej", 3, 0, 0}};
	size_t n;

	n = make_zip(odt, 2, zbuf);
	cr_assert_str_eq(sniff(zbuf, n), ODT);
	n = make_zip(docx, 2, zbuf);
	cr_assert_str_eq(sniff(zbuf, n),
			 "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
	n = make_zip(plain, 1, zbuf);
	cr_assert_null(sniff(zbuf, n), "a zip that is no office document");
}

Test(document_sniff, zip_bombs_are_refused_unread)
{
	/* 2 KB of deflate stated to inflate to 1 GB: refused by the ratio, never inflated */
	static char junk[2048];
	struct entry bomb[] = {{"[Content_Types].xml", "<Types/>", 8, 0, 0},
			       {"word/document.xml", junk, sizeof(junk), 8, 1000000000u}};
	struct entry liar[] = {{"[Content_Types].xml", "<Types/>", 8, 0, 0},
			       {"word/document.xml", junk, sizeof(junk), 8, 10}};
	struct entry many[] = {{"[Content_Types].xml", "<Types/>", 8, 0, 0},
			       {"word/document.xml", junk, 8, 8, 900000},
			       {"a", junk, 8, 8, 900000}};
	size_t n;

	n = make_zip(bomb, 2, zbuf);
	cr_assert_null(sniff(zbuf, n));
	n = make_zip(liar, 2, zbuf);
	cr_assert_null(sniff(zbuf, n), "a stated size below the compressed size");
	n = make_zip(many, 3, zbuf);
	cr_assert_str_eq(sniff(zbuf, n),
			 "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
			 "small entries may compress well");
}

Test(document_sniff, broken_zips)
{
	struct entry docx[] = {{"[Content_Types].xml", "<Types/>", 8, 0, 0},
			       {"word/document.xml", "<w/>", 4, 0, 0}};
	size_t n = make_zip(docx, 2, zbuf);

	for (size_t cut = 4; cut < n; cut += 7)
		cr_assert_null(sniff(zbuf, cut), "truncated at %zu", cut);
	zbuf[n - 6] = 0xff; /* central directory offset beyond the file */
	cr_assert_null(sniff(zbuf, n));
}

Test(document_sniff, declared_types)
{
	cr_assert(document_type_matches("application/PDF", "application/pdf"));
	cr_assert(document_type_matches("text/plain; charset=utf-8", "text/plain"));
	cr_assert(!document_type_matches("text/plain; charset=latin1", "text/plain"));
	cr_assert(!document_type_matches("application/pdf", "text/plain"));
	cr_assert(!document_type_matches("application/pdfx", "application/pdf"));
	cr_assert(!document_type_matches(NULL, "application/pdf"));
}

/* document_sniff.c -- see document_sniff.h */
#include "domain/document_sniff.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define ODT "application/vnd.oasis.opendocument.text"
#define ODS "application/vnd.oasis.opendocument.spreadsheet"
#define ODP "application/vnd.oasis.opendocument.presentation"
#define DOCX "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
#define XLSX "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#define PPTX "application/vnd.openxmlformats-officedocument.presentationml.presentation"

static const char *refuse(char *why, size_t whylen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static const char *refuse(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return NULL;
}

static uint16_t le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool starts_with(const unsigned char *d, size_t len, const char *magic, size_t n)
{
	return len >= n && memcmp(d, magic, n) == 0;
}

/* RFC 3629 UTF-8, no overlongs, no surrogates; NUL refused too (a text is not binary). */
static bool utf8_text_ok(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned char c = s[i];
		size_t extra;
		uint32_t cp;

		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			extra = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			extra = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			extra = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (n - i <= extra)
			return false;
		for (size_t k = 1; k <= extra; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3F);
		}
		if ((extra == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
			return false;
		i += extra + 1;
	}
	return true;
}

/* "%%EOF" within the last 1024 bytes, where every PDF writer puts its trailer. */
static bool pdf_has_trailer(const unsigned char *d, size_t len)
{
	size_t from = len > 1024 ? len - 1024 : 0;

	for (size_t i = from; i + 5 <= len; i++)
		if (memcmp(d + i, "%%EOF", 5) == 0)
			return true;
	return false;
}

struct zip_seen {
	bool content_types, word, xl, ppt;
	const char *odf; /* the type named by a stored mimetype entry at offset 0 */
};

static bool name_is(const unsigned char *name, size_t n, const char *want)
{
	return n == strlen(want) && memcmp(name, want, n) == 0;
}

/* The ODF mimetype entry: first in the file, stored, its bytes the type (ODF 1.2 §3.3). */
static const char *odf_type(const unsigned char *d, size_t len, uint32_t local, uint32_t size)
{
	static const char *const types[] = {ODT, ODS, ODP};
	size_t start;

	if (local != 0 || len < 30 || le32(d) != 0x04034b50)
		return NULL;
	start = 30 + (size_t)le16(d + 26) + le16(d + 28);
	if (start > len || size > len - start)
		return NULL;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (name_is(d + start, size, types[i]))
			return types[i];
	return NULL;
}

/*
 * Reads a zip's end record and central directory, bounding everything it states, and
 * returns the office type it is. Nothing is inflated.
 */
static const char *zip_office_type(const unsigned char *d, size_t len, char *why, size_t whylen)
{
	size_t eocd = 0, pos, cd_end;
	uint32_t cd_size, cd_off;
	uint16_t entries;
	uint64_t inflated = 0;
	struct zip_seen seen = {0};
	bool found = false;

	if (len < 22)
		return refuse(why, whylen, "the zip archive is truncated");
	/* the end record is the last 22 bytes plus a comment of up to 65535 */
	for (size_t i = len - 22 + 1; i-- > 0 && len - i <= 22 + 65535;) {
		if (le32(d + i) == 0x06054b50 && (size_t)le16(d + i + 20) == len - i - 22) {
			eocd = i;
			found = true;
			break;
		}
	}
	if (!found)
		return refuse(why, whylen, "the zip archive has no valid end of central directory");
	entries = le16(d + eocd + 10);
	cd_size = le32(d + eocd + 12);
	cd_off = le32(d + eocd + 16);
	if (le16(d + eocd + 4) != 0 || le16(d + eocd + 6) != 0 || le16(d + eocd + 8) != entries)
		return refuse(why, whylen, "multi-part zip archives are not accepted");
	if (entries == 0xFFFF || cd_size == 0xFFFFFFFFu || cd_off == 0xFFFFFFFFu)
		return refuse(why, whylen, "ZIP64 archives are not accepted");
	if (entries == 0 || entries > ZIP_MAX_ENTRIES)
		return refuse(why, whylen, "the zip archive has %u entries (1..%d accepted)",
			      entries, ZIP_MAX_ENTRIES);
	if ((uint64_t)cd_off + cd_size > eocd)
		return refuse(why, whylen, "the zip central directory lies outside the file");
	pos = cd_off;
	cd_end = (size_t)cd_off + cd_size;
	for (unsigned n = 0; n < entries; n++) {
		uint16_t method, name_len, extra_len, comment_len;
		uint32_t csize, usize, local;
		const unsigned char *name;

		if (pos + 46 > cd_end || le32(d + pos) != 0x02014b50)
			return refuse(why, whylen, "the zip central directory is malformed");
		method = le16(d + pos + 10);
		csize = le32(d + pos + 20);
		usize = le32(d + pos + 24);
		name_len = le16(d + pos + 28);
		extra_len = le16(d + pos + 30);
		comment_len = le16(d + pos + 32);
		local = le32(d + pos + 42);
		name = d + pos + 46;
		if (pos + 46 + (size_t)name_len + extra_len + comment_len > cd_end)
			return refuse(why, whylen, "the zip central directory is malformed");
		if (csize == 0xFFFFFFFFu || usize == 0xFFFFFFFFu || local == 0xFFFFFFFFu)
			return refuse(why, whylen, "ZIP64 archives are not accepted");
		if (method != 0 && method != 8)
			return refuse(why, whylen, "a zip entry uses compression method %u "
				      "(only stored and deflate are accepted)", method);
		if (method == 0 && csize != usize)
			return refuse(why, whylen, "a stored zip entry states two sizes");
		/* deflate never shrinks data to less than about a thousandth over its size: a
		 * stated size below that hides what the entry really inflates to */
		if (method == 8 && (uint64_t)csize > (uint64_t)usize + usize / 1000 + 64)
			return refuse(why, whylen, "a zip entry states a size smaller than its "
				      "compressed data");
		if ((uint64_t)local + 30 + csize > cd_off)
			return refuse(why, whylen, "a zip entry lies outside the file");
		/* a bomb states its sizes honestly or lies; either way it is refused unread */
		if (usize > ZIP_RATIO_FLOOR && (uint64_t)usize > (uint64_t)csize * ZIP_MAX_RATIO)
			return refuse(why, whylen, "a zip entry would inflate more than %d times "
				      "(a zip bomb?)", ZIP_MAX_RATIO);
		inflated += usize;
		if (inflated > ZIP_MAX_INFLATED)
			return refuse(why, whylen, "the zip archive would inflate to more than %u MB",
				      ZIP_MAX_INFLATED / (1024 * 1024));
		if (name_is(name, name_len, "[Content_Types].xml"))
			seen.content_types = true;
		else if (name_is(name, name_len, "word/document.xml"))
			seen.word = true;
		else if (name_is(name, name_len, "xl/workbook.xml"))
			seen.xl = true;
		else if (name_is(name, name_len, "ppt/presentation.xml"))
			seen.ppt = true;
		else if (name_is(name, name_len, "mimetype") && method == 0)
			seen.odf = odf_type(d, len, local, csize);
		pos += 46 + (size_t)name_len + extra_len + comment_len;
	}
	if (seen.odf)
		return seen.odf;
	if (seen.content_types && seen.word + seen.xl + seen.ppt == 1)
		return seen.word ? DOCX : seen.xl ? XLSX : PPTX;
	return refuse(why, whylen, "the zip archive is not an OpenDocument or Office Open XML "
		      "document");
}

const char *document_sniff(const unsigned char *d, size_t len, char *why, size_t whylen)
{
	if (len == 0)
		return refuse(why, whylen, "the document is empty");
	if (starts_with(d, len, "%PDF-", 5)) {
		if (!pdf_has_trailer(d, len))
			return refuse(why, whylen, "the PDF has no %%%%EOF trailer (truncated?)");
		return "application/pdf";
	}
	if (starts_with(d, len, "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16))
		return "image/png";
	if (starts_with(d, len, "\xff\xd8\xff", 3))
		return "image/jpeg";
	if (starts_with(d, len, "PK\x03\x04", 4))
		return zip_office_type(d, len, why, whylen);
	if (utf8_text_ok(d, len))
		return "text/plain";
	return refuse(why, whylen, "the bytes are not PDF, OpenDocument, Office Open XML, PNG, "
		      "JPEG or UTF-8 text");
}

int document_type_matches(const char *declared, const char *sniffed)
{
	size_t n;
	const char *cs;

	if (!declared || !sniffed)
		return 0;
	while (*declared == ' ' || *declared == '\t')
		declared++;
	n = strcspn(declared, "; \t");
	if (n != strlen(sniffed) || strncasecmp(declared, sniffed, n) != 0)
		return 0;
	cs = strcasestr(declared, "charset=");
	if (cs) {
		cs += 8;
		if (*cs == '"')
			cs++;
		return strncasecmp(cs, "utf-8", 5) == 0 || strncasecmp(cs, "us-ascii", 8) == 0;
	}
	return 1;
}

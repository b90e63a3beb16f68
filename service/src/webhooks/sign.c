/* sign.c -- see sign.h */
#include "webhooks/sign.h"
#include "util/buf.h"
#include "util/text.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

int webhook_secret_new(char out[48])
{
	unsigned char raw[24];
	unsigned char b64[40];

	if (random_bytes(raw, sizeof(raw)))
		return -1;
	EVP_EncodeBlock(b64, raw, sizeof(raw)); /* 24 bytes -> 32 characters, no padding */
	snprintf(out, 48, "whsec_%s", (const char *)b64);
	return 0;
}

int webhook_sign(const char *secret, const char *msg_id, long long ts, const char *body,
		 size_t body_len, char out[WEBHOOK_SIGNATURE_MAX])
{
	unsigned char key[128];
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned char b64[48]; /* 32 bytes of MAC -> 44 characters */
	unsigned int mac_len = 0;
	struct buf msg = BUF_INIT;
	size_t enc_len;
	int key_len;

	if (strncmp(secret, "whsec_", 6) != 0)
		return -1;
	enc_len = strlen(secret + 6);
	if (enc_len == 0 || enc_len % 4 || enc_len / 4 * 3 > sizeof(key))
		return -1;
	/* strict base64: the alphabet, and '=' only as one or two final characters */
	{
		size_t chars = strspn(secret + 6, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
						 "0123456789+/");
		size_t pad = enc_len - chars;

		if (pad > 2 || strspn(secret + 6 + chars, "=") != pad)
			return -1;
	}
	key_len = EVP_DecodeBlock(key, (const unsigned char *)secret + 6, (int)enc_len);
	if (key_len < 0)
		return -1;
	/* EVP_DecodeBlock counts the padding as zero bytes; drop them */
	if (enc_len >= 1 && secret[6 + enc_len - 1] == '=')
		key_len--;
	if (enc_len >= 2 && secret[6 + enc_len - 2] == '=')
		key_len--;
	buf_addf(&msg, "%s.%lld.", msg_id, ts);
	buf_add(&msg, body, body_len);
	if (!HMAC(EVP_sha256(), key, key_len, (const unsigned char *)msg.data, msg.len, mac,
		  &mac_len)) {
		buf_release(&msg);
		return -1;
	}
	buf_release(&msg);
	EVP_EncodeBlock(b64, mac, (int)mac_len);
	snprintf(out, WEBHOOK_SIGNATURE_MAX, "v1,%.44s", (const char *)b64);
	return 0;
}

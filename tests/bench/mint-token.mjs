// mint-token.mjs -- prints an access token as the service issues them (service/src/auth/jwt.c:
// HS256, header kid "default" for JWT_SECRET, claims iss aud sub iat nbf exp jti role), for
// the benchmark's users. The service has no command that mints one without a password login.
// Usage: JWT_SECRET=... node tests/bench/mint-token.mjs USER_ID ROLE [SECONDS]
import { createHmac, randomUUID } from 'node:crypto'

const [sub, role, seconds = '21600'] = process.argv.slice(2)
const secret = process.env.JWT_SECRET
if (!sub || !role || !secret) {
	console.error('usage: JWT_SECRET=... node mint-token.mjs USER_ID ROLE [SECONDS]')
	process.exit(2)
}
const now = Math.floor(Date.now() / 1000)
const part = value => Buffer.from(JSON.stringify(value)).toString('base64url')
const unsigned = part({ alg: 'HS256', typ: 'JWT', kid: 'default' }) + '.' + part({
	iss: process.env.JWT_ISSUER || 'idekom',
	aud: process.env.JWT_AUDIENCE || 'idekom-api',
	sub,
	iat: now,
	nbf: now,
	exp: now + Number(seconds),
	jti: randomUUID(),
	role
})
console.log(unsigned + '.' + createHmac('sha256', secret).update(unsigned).digest('base64url'))

// auth.js -- bearer tokens as Idékom issues them (service/src/auth/jwt.c): HS256 with kid
// "default" (JWT_SECRET), iss and aud checked, 60 s leeway, role admin or member; then the
// principal check the service does on every request: the user exists and is not disabled.
import { createVerifier } from 'fast-jwt'

export function authHook (pool, env) {
	const verify = createVerifier({
		key: env.JWT_SECRET,
		algorithms: ['HS256'],
		allowedIss: env.JWT_ISSUER || 'idekom',
		allowedAud: env.JWT_AUDIENCE || 'idekom-api',
		requiredClaims: ['exp', 'sub'],
		clockTolerance: 60,
		complete: true
	})
	return async function authenticate (request, reply) {
		const auth = request.headers.authorization
		request.principal = null
		if (auth === undefined) return
		if (!auth.startsWith('Bearer ')) return problem(reply, 401, 'use the Bearer scheme')
		let token
		try {
			token = verify(auth.slice(7))
		} catch (err) {
			return problem(reply, 401, 'the token is not valid')
		}
		const claims = token.payload
		if (token.header.kid !== 'default' || typeof claims.sub !== 'string' ||
			(claims.role !== 'admin' && claims.role !== 'member')) {
			return problem(reply, 401, 'the token names no valid subject and role')
		}
		const { rows } = await pool.query({
			name: 'principal',
			text: 'SELECT role, name FROM app_user WHERE id = $1::uuid AND NOT disabled',
			values: [claims.sub]
		})
		if (rows.length !== 1) return problem(reply, 401, 'the account behind this token is disabled or gone')
		request.principal = { id: claims.sub, role: rows[0].role, name: rows[0].name }
	}
}

export function callerKind (request) {
	return request.principal ? request.principal.role : 'anonymous'
}

export function problem (reply, status, detail) {
	return reply.code(status).type('application/problem+json')
		.send(JSON.stringify({ type: 'about:blank', status, detail }))
}

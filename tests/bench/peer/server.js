// server.js -- the benchmark's Node.js peer of the Idékom API (tests/bench/run.sh): Fastify
// and pg, tuned as its users would tune it -- logger off, response schemas for serialisation,
// one process, a pool of 16 connections, prepared (named) statements, verified JWTs.
// Environment: DATABASE_URL, PORT, JWT_SECRET (JWT_ISSUER, JWT_AUDIENCE), PG_POOL_SIZE.
import Fastify from 'fastify'
import pg from 'pg'
import { authHook } from './auth.js'
import { endorsementRoutes } from './endorsements.js'
import { organisationRoutes } from './organisations.js'

const env = process.env
if (!env.DATABASE_URL || !env.JWT_SECRET) {
	console.error('peer: DATABASE_URL and JWT_SECRET must be set')
	process.exit(1)
}
const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: Number(env.PG_POOL_SIZE || 16) })
const app = Fastify({ logger: false })

app.addHook('onRequest', authHook(pool, env))
app.get('/readyz', async () => {
	await pool.query('SELECT 1')
	return { status: 'ready' }
})
organisationRoutes(app, pool)
endorsementRoutes(app, pool)

for (const signal of ['SIGTERM', 'SIGINT']) {
	process.on(signal, () => app.close().then(() => pool.end()).then(() => process.exit(0)))
}
await app.listen({ host: '127.0.0.1', port: Number(env.PORT || 8081) })

// endorsements.js -- endorse the agreement and withdraw an endorsement, writing what
// api.endorsement_create and api.endorsement_withdraw write (db/migrations/0006): the
// endorsement row, the organisation's new version, the audit row, and the change events
// with their webhook outbox rows (db/migrations/0007) -- in one transaction, statement by
// statement, as a Node.js developer would write it. Permissions as in the service: the
// secretariat (admin) or a signatory of the organisation.
import { randomUUID } from 'node:crypto'
import { callerKind, problem } from './auth.js'
import { organisationJson } from './organisations.js'
import * as schemas from './schemas.js'

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const endorsementColumns = `id, agreement_id, organisation_id, status, signatory_name, signatory_title,
	mandate, statement, endorsed_at, endorsed_by, withdrawn_at, withdrawal_reason, renewal_needed_at`
const organisationColumns = `id, org_number, name, kind, umbrella_id, areas, districts, description,
	website, email, phone, member_count, status, status_reason, version, created_at, updated_at`

// ---- the change feed: the one place that knows how an event is stored (0007's change_emit,
// without its ordering lock: a plain insert, as a service that does not know better writes it)
const emitStatement = {
	name: 'change_emit',
	text: `WITH event AS (
		INSERT INTO change_event (xid, type, action, entity_id, data)
		VALUES (pg_current_xact_id(), $1, $2, $3::uuid, $4::jsonb) RETURNING seq)
	INSERT INTO webhook_delivery (webhook_id, event_seq)
	SELECT w.id, event.seq FROM webhook w, event WHERE w.deleted_at IS NULL AND $1 = ANY (w.types)`
}
function emitChange (client, type, action, id, data) {
	return client.query({ ...emitStatement, values: [type, action, id, JSON.stringify(data)] })
}
// ----

function endorsementJson (e, organisation, endorsedBy, isPrivate) {
	const json = {
		id: e.id,
		agreement_id: e.agreement_id,
		organisation: { id: organisation.id, name: organisation.name, org_number: organisation.org_number, kind: organisation.kind },
		status: e.status,
		endorsed_at: e.endorsed_at,
		statement: e.statement,
		withdrawn_at: e.withdrawn_at,
		withdrawal_reason: e.withdrawal_reason,
		renewal_needed_at: e.renewal_needed_at
	}
	if (isPrivate) {
		json.signatory_name = e.signatory_name
		json.signatory_title = e.signatory_title
		json.mandate = e.mandate
		json.endorsed_by = endorsedBy
	}
	return json
}

function audit (client, principal, action, id, before, after, requestId) {
	return client.query({
		name: 'audit_insert',
		text: `INSERT INTO audit (actor_type, actor_id, actor_name, action, entity_type, entity_id,
			before, after, request_id) VALUES ('user', $1, $2, $3, 'endorsement', $4, $5, $6, $7)`,
		values: [principal.id, principal.name, action, id, before && JSON.stringify(before),
			after && JSON.stringify(after), requestId]
	})
}

// The organisation's version moves with its endorsement (its ETag and its change event).
async function bumpOrganisation (client, id, endorsement) {
	const { rows } = await client.query({
		name: 'organisation_bump',
		text: `UPDATE organisation SET version = version + 1 WHERE id = $1 RETURNING ${organisationColumns}`,
		values: [id]
	})
	const json = organisationJson({
		...rows[0],
		e_id: endorsement?.id,
		e_agreement_id: endorsement?.agreement_id,
		e_endorsed_at: endorsement?.endorsed_at
	})
	await emitChange(client, 'organisation', 'update', id, json)
}

class Refusal extends Error {
	constructor (status, detail) { super(detail); this.status = status }
}

// Runs work(client) in a transaction; a Refusal rolls back and answers its status.
async function inTransaction (pool, reply, work) {
	const client = await pool.connect()
	try {
		await client.query('BEGIN')
		const result = await work(client)
		await client.query('COMMIT')
		return result
	} catch (err) {
		await client.query('ROLLBACK').catch(() => {})
		if (err instanceof Refusal) return problem(reply, err.status, err.message)
		if (err.code === '23505') return problem(reply, 409, 'the organisation already has an active endorsement of this agreement')
		throw err
	} finally {
		client.release()
	}
}

function agreementStatement (ref) {
	return uuidPattern.test(ref)
		? { name: 'agreement_by_id', text: 'SELECT id, status FROM agreement WHERE id = $1::uuid', values: [ref] }
		: { name: 'agreement_by_slug', text: 'SELECT id, status FROM agreement WHERE slug = $1', values: [ref] }
}

export function endorsementRoutes (app, pool) {
	app.post('/api/v1/agreements/:ref/endorsements', {
		schema: { body: schemas.endorsementInput, response: { 201: schemas.endorsement } }
	}, async (request, reply) => {
		const p = request.principal
		if (!p) return problem(reply, 401, 'sign in first')
		const admin = callerKind(request) === 'admin'
		const body = request.body
		return inTransaction(pool, reply, async client => {
			const a = (await client.query(agreementStatement(request.params.ref))).rows[0]
			if (!a || (a.status === 'draft' && !admin)) throw new Refusal(404, 'there is no such agreement')
			const o = (await client.query({
				name: 'organisation_for_endorsement',
				text: `SELECT o.id, o.name, o.org_number, o.kind, o.status,
					EXISTS (SELECT 1 FROM representative r WHERE r.organisation_id = o.id AND r.user_id = $2) AS represents,
					EXISTS (SELECT 1 FROM representative r WHERE r.organisation_id = o.id AND r.user_id = $2
						AND r.role = 'signatory') AS signs
					FROM organisation o WHERE o.id = $1`,
				values: [body.organisation_id, p.id]
			})).rows[0]
			if (!o || !(o.status === 'verified' || admin || o.represents)) throw new Refusal(422, 'no such organisation')
			if (!admin && !o.signs) throw new Refusal(403, 'only a signatory of the organisation, or the secretariat, endorses for it')
			if (a.status !== 'adopted') throw new Refusal(409, `only the adopted agreement is endorsed; this one is ${a.status}`)
			if (o.status !== 'verified') throw new Refusal(409, `the organisation is ${o.status}; it endorses once verified`)
			const e = (await client.query({
				name: 'endorsement_insert',
				text: `INSERT INTO endorsement (agreement_id, organisation_id, signatory_name, signatory_title,
					mandate, statement, endorsed_by) VALUES ($1, $2, btrim($3), $4, btrim($5), $6, $7)
					RETURNING ${endorsementColumns}`,
				values: [a.id, o.id, body.signatory_name, body.signatory_title ?? null, body.mandate,
					body.statement ?? null, p.id]
			})).rows[0]
			const endorsedBy = { id: p.id, name: p.name }
			const full = endorsementJson(e, o, endorsedBy, true)
			await bumpOrganisation(client, o.id, e)
			await audit(client, p, 'endorse', e.id, null, full, randomUUID())
			await emitChange(client, 'endorsement', 'create', e.id, endorsementJson(e, o, null, false))
			reply.code(201).header('Location', `/api/v1/agreements/${a.id}/endorsements/${e.id}`)
				.header('ETag', '"1"')
			return full
		})
	})

	app.post('/api/v1/agreements/:ref/endorsements/:id/withdraw', {
		schema: { body: schemas.withdrawalInput, response: { 200: schemas.endorsement } }
	}, async (request, reply) => {
		const p = request.principal
		if (!p) return problem(reply, 401, 'sign in first')
		if (!uuidPattern.test(request.params.id)) return problem(reply, 404, 'there is no such endorsement')
		const admin = callerKind(request) === 'admin'
		return inTransaction(pool, reply, async client => {
			const a = (await client.query(agreementStatement(request.params.ref))).rows[0]
			if (!a || (a.status === 'draft' && !admin)) throw new Refusal(404, 'there is no such endorsement')
			const old = (await client.query({
				name: 'endorsement_lock',
				text: `SELECT ${endorsementColumns} FROM endorsement WHERE id = $1 AND agreement_id = $2 FOR UPDATE`,
				values: [request.params.id, a.id]
			})).rows[0]
			if (!old) throw new Refusal(404, 'there is no such endorsement')
			const o = (await client.query({
				name: 'organisation_for_withdrawal',
				text: `SELECT o.id, o.name, o.org_number, o.kind,
					EXISTS (SELECT 1 FROM representative r WHERE r.organisation_id = o.id AND r.user_id = $2
						AND r.role = 'signatory') AS signs,
					(SELECT json_build_object('id', u.id, 'name', u.name) FROM app_user u WHERE u.id = $3) AS endorsed_by
					FROM organisation o WHERE o.id = $1`,
				values: [old.organisation_id, p.id, old.endorsed_by]
			})).rows[0]
			if (!admin && !o.signs) throw new Refusal(403, 'only a signatory of the organisation, or the secretariat, withdraws for it')
			if (old.status !== 'active') throw new Refusal(409, `the endorsement is ${old.status}, not active`)
			const e = (await client.query({
				name: 'endorsement_withdraw',
				text: `UPDATE endorsement SET status = 'withdrawn', withdrawn_at = clock_timestamp(),
					withdrawal_reason = btrim($2), withdrawn_by = $3 WHERE id = $1 RETURNING ${endorsementColumns}`,
				values: [old.id, request.body.reason, p.id]
			})).rows[0]
			const full = endorsementJson(e, o, o.endorsed_by, true)
			await bumpOrganisation(client, o.id, null)
			await audit(client, p, 'withdraw', e.id, endorsementJson(old, o, o.endorsed_by, true), full, randomUUID())
			await emitChange(client, 'endorsement', 'withdraw', e.id, endorsementJson(e, o, null, false))
			reply.header('ETag', '"2"')
			return full
		})
	})
}

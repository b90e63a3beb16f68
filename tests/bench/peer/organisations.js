// organisations.js -- GET one organisation and GET a page of the register, on Idékom's
// tables with Idékom's visibility rules (db/migrations/0003 and 0004): anonymous callers see
// verified organisations, members also the ones they represent, admins all. The endorsement
// shown is the organisation's active one of the adopted agreement. Pages are keyset pages
// in Swedish name order (name COLLATE "sv-SE-x-icu", id), the cursor carrying the last row.
import { callerKind, problem } from './auth.js'
import * as schemas from './schemas.js'

const columns = `o.id, o.org_number, o.name, o.kind, o.umbrella_id, o.areas, o.districts,
	o.description, o.website, o.email, o.phone, o.member_count, o.status, o.status_reason,
	o.version, o.created_at, o.updated_at,
	e.id AS e_id, e.agreement_id AS e_agreement_id, e.endorsed_at AS e_endorsed_at`
const withEndorsement = `organisation o LEFT JOIN endorsement e ON e.organisation_id = o.id
	AND e.status = 'active' AND e.agreement_id = (SELECT id FROM agreement WHERE status = 'adopted')`
const visibleTo = {
	anonymous: "o.status = 'verified'",
	member: `(o.status = 'verified' OR EXISTS (SELECT 1 FROM representative r
		WHERE r.organisation_id = o.id AND r.user_id = $2::uuid))`,
	admin: 'TRUE'
}
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const legalForms = { 1: 'dodsbo', 2: 'offentlig', 3: 'utlandskt_foretag', 5: 'aktiebolag', 6: 'enkelt_bolag', 7: 'ekonomisk_forening', 8: 'ideell_forening_eller_stiftelse', 9: 'handelsbolag_kommanditbolag' }

export function organisationJson (r) {
	return {
		id: r.id,
		org_number: r.org_number,
		name: r.name,
		kind: r.kind,
		umbrella_id: r.umbrella_id,
		areas: r.areas,
		districts: r.districts,
		description: r.description,
		website: r.website,
		email: r.email,
		phone: r.phone,
		member_count: r.member_count,
		status: r.status,
		status_reason: r.status_reason,
		legal_form: r.org_number ? legalForms[r.org_number[0]] ?? null : null,
		endorsement: r.e_id ? { id: r.e_id, agreement_id: r.e_agreement_id, endorsed_at: r.e_endorsed_at } : null,
		created_at: r.created_at,
		updated_at: r.updated_at
	}
}

// The statements, prepared once per connection (named), one per caller kind and page shape.
const getStatements = {}
for (const kind of Object.keys(visibleTo)) {
	getStatements[kind] = {
		name: `org_get_${kind}`,
		text: `SELECT ${columns} FROM ${withEndorsement} WHERE o.id = $1::uuid AND ${visibleTo[kind]}`
	}
}

// The list statement for one caller kind and page shape, numbered in the order of `uses`.
const listStatements = new Map()
function listStatement (kind, district, after) {
	const name = `org_list_${kind}${district ? '_district' : ''}${after ? '_after' : ''}`
	if (listStatements.has(name)) return listStatements.get(name)
	const uses = ['limit']
	const param = (what, type) => { uses.push(what); return `$${uses.length}::${type}` }
	const where = [kind === 'member' ? visibleTo.member.replace('$2::uuid', param('user', 'uuid')) : visibleTo[kind]]
	if (district) where.push(`o.districts @> ARRAY[${param('district', 'text')}]`)
	if (after) {
		where.push(`(o.name COLLATE "sv-SE-x-icu", o.id) > (${param('name', 'text')} COLLATE "sv-SE-x-icu", ${param('id', 'uuid')})`)
	}
	const statement = {
		name,
		uses,
		text: `SELECT ${columns} FROM ${withEndorsement} WHERE ${where.join(' AND ')}
			ORDER BY o.name COLLATE "sv-SE-x-icu", o.id LIMIT $1::int`
	}
	listStatements.set(name, statement)
	return statement
}

function readCursor (text) {
	try {
		const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))
		if (Array.isArray(c) && c.length === 2 && typeof c[0] === 'string' && uuidPattern.test(c[1])) return c
	} catch { }
	return null
}

export function organisationRoutes (app, pool) {
	app.get('/api/v1/organisations/:id', {
		schema: { response: { 200: schemas.organisation } }
	}, async (request, reply) => {
		if (!uuidPattern.test(request.params.id)) return problem(reply, 404, 'there is no such organisation')
		const kind = callerKind(request)
		const statement = getStatements[kind]
		const values = kind === 'member' ? [request.params.id, request.principal.id] : [request.params.id]
		const { rows } = await pool.query({ ...statement, values })
		if (rows.length !== 1) return problem(reply, 404, 'there is no such organisation')
		reply.header('ETag', `"${rows[0].version}"`)
		return organisationJson(rows[0])
	})

	app.get('/api/v1/organisations', {
		schema: {
			querystring: {
				type: 'object',
				properties: {
					district: { type: 'string', pattern: '^[a-z_]{1,40}$' },
					limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
					cursor: { type: 'string', maxLength: 512 }
				}
			},
			response: { 200: schemas.organisationPage }
		}
	}, async (request, reply) => {
		const { district, limit, cursor } = request.query
		const after = cursor ? readCursor(cursor) : null
		if (cursor && !after) return problem(reply, 400, 'cursor is not one this service gave out')
		const kind = callerKind(request)
		const statement = listStatement(kind, district, after)
		const known = { limit: limit + 1, user: request.principal?.id, district, name: after?.[0], id: after?.[1] }
		const { rows } = await pool.query({ name: statement.name, text: statement.text, values: statement.uses.map(u => known[u]) })
		const more = rows.length > limit
		const items = (more ? rows.slice(0, limit) : rows).map(organisationJson)
		const last = items[items.length - 1]
		return {
			items,
			next_cursor: more ? Buffer.from(JSON.stringify([last.name, last.id])).toString('base64url') : null
		}
	})
}

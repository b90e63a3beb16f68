// schemas.js -- response schemas, so that Fastify serialises with fast-json-stringify.
const text = { type: ['string', 'null'] }
const time = { type: ['string', 'null'], format: 'date-time' }

export const organisation = {
	type: 'object',
	properties: {
		id: { type: 'string' },
		org_number: text,
		name: { type: 'string' },
		kind: { type: 'string' },
		umbrella_id: text,
		areas: { type: 'array', items: { type: 'string' } },
		districts: { type: 'array', items: { type: 'string' } },
		description: text,
		website: text,
		email: text,
		phone: text,
		member_count: { type: ['integer', 'null'] },
		status: { type: 'string' },
		status_reason: text,
		legal_form: text,
		endorsement: {
			type: ['object', 'null'],
			properties: { id: { type: 'string' }, agreement_id: { type: 'string' }, endorsed_at: time }
		},
		created_at: time,
		updated_at: time
	}
}

export const organisationPage = {
	type: 'object',
	properties: { items: { type: 'array', items: organisation }, next_cursor: text }
}

export const endorsement = {
	type: 'object',
	properties: {
		id: { type: 'string' },
		agreement_id: { type: 'string' },
		organisation: {
			type: 'object',
			properties: { id: { type: 'string' }, name: { type: 'string' }, org_number: text, kind: { type: 'string' } }
		},
		status: { type: 'string' },
		endorsed_at: time,
		statement: text,
		withdrawn_at: time,
		withdrawal_reason: text,
		renewal_needed_at: time,
		signatory_name: { type: 'string' },
		signatory_title: text,
		mandate: { type: 'string' },
		endorsed_by: { type: ['object', 'null'], properties: { id: { type: 'string' }, name: { type: 'string' } } }
	}
}

export const endorsementInput = {
	type: 'object',
	required: ['organisation_id', 'signatory_name', 'mandate'],
	additionalProperties: false,
	properties: {
		organisation_id: { type: 'string', format: 'uuid' },
		signatory_name: { type: 'string', minLength: 1, maxLength: 200 },
		signatory_title: { type: ['string', 'null'], maxLength: 200 },
		mandate: { type: 'string', minLength: 1, maxLength: 500 },
		statement: { type: ['string', 'null'], maxLength: 2000 }
	}
}

export const withdrawalInput = {
	type: 'object',
	required: ['reason'],
	additionalProperties: false,
	properties: { reason: { type: 'string', minLength: 1, maxLength: 1000 } }
}

// calls.ts -- one typed call per tag of openapi/openapi.yaml, through openapi-fetch and the
// types openapi-typescript generates (tests/client-ts/run.sh). Only type-checked
// (tsc --strict): it shows that an integrator's generated client knows every path, parameter
// and body, and that the change feed's `discriminator` narrows `data` by `type`.
import createClient from "openapi-fetch";
import type { components, paths } from "idekom-api";

type ChangeEvent = components["schemas"]["ChangeEvent"];

const api = createClient<paths>({ baseUrl: "https://idekom.goteborg.se" });

/** The discriminator at work: each `type` gives `data` its own shape. */
export function describe(event: ChangeEvent): string {
  switch (event.type) {
    case "organisation":
      return `${event.data.name} (${event.data.status})`;
    case "endorsement":
      return `${event.data.organisation.name} ${event.data.status}`;
    case "dialogue":
      return `${event.data.title}, ${event.data.starts_at}`;
    case "agreement":
      return `${event.data.title} v${event.data.version}`;
    case "registration":
      return `${event.data.organisation.name} ${event.data.status}`;
    case "representative":
      return `${event.data.user_id} ${event.data.role}`;
    case "document":
      return `${event.data.title} (${event.data.content_type})`;
    case "consultation_response":
      return `${event.data.organisation.name} ${event.data.status}`;
    case "follow_up":
      return `${event.data.year} ${event.data.status}`;
    case "council":
      return "seat_id" in event.data
        ? `${event.data.name} (${event.data.role})`
        : `${event.data.title} (${event.data.category})`;
    default: {
      const never: never = event;
      return never;
    }
  }
}

export async function oneCallPerTag(token: string): Promise<string[]> {
  const auth = { Authorization: `Bearer ${token}` };
  const seen: string[] = [];

  // Operations
  const ready = await api.GET("/readyz");
  if (ready.data) seen.push(`schema ${ready.data.schema_version}`);

  // Documentation
  const described = await api.GET("/api/v1/openapi.json");
  if (described.data) seen.push(described.data.openapi);

  // Authentication
  const login = await api.POST("/api/v1/auth/login", {
    body: { email: "anna.svensson@gatansrost.example.org", password: "Gatans-Röst-2026!" },
  });
  if (login.data) seen.push(login.data.user.name, String(login.data.expires_in));
  else if (login.error) seen.push(login.error.title);

  // Users
  const me = await api.GET("/api/v1/me", { headers: auth });
  if (me.data) seen.push(...me.data.organisations.map((m) => `${m.name}: ${m.role}`));

  // Clients
  const client = await api.POST("/api/v1/clients", {
    headers: auth,
    body: { name: "Idrotts- och föreningsförvaltningen, föreningsregistret", scopes: ["organisations:read", "changes:read"] },
  });
  if (client.data) seen.push(client.data.client_secret);

  // Organisations
  const orgs = await api.GET("/api/v1/organisations", {
    params: { query: { district: "angered", area: "barn_unga", limit: 50 } },
  });
  if (orgs.data) {
    seen.push(...orgs.data.items.map((o) => `${o.name} ${o.org_number ?? ""}`));
    if (orgs.data.next_cursor !== null) seen.push(orgs.data.next_cursor);
  }

  // Vocabularies
  const vocab = await api.GET("/api/v1/vocabularies");
  if (vocab.data) seen.push(...vocab.data.districts.map((d) => d.label_sv));

  // Dialogues
  const dialogue = await api.GET("/api/v1/dialogues/{id}", {
    params: { path: { id: "9a1c7e44-2b3d-4f5a-8e6b-0c1d2e3f4a5b" } },
  });
  if (dialogue.data) seen.push(`${dialogue.data.title}: ${dialogue.data.seats_taken}/${dialogue.data.capacity ?? "∞"}`);

  // Agreements
  const agreement = await api.GET("/api/v1/agreements/{ref}", {
    params: { path: { ref: "current" } },
  });
  if (agreement.data) seen.push(agreement.data.slug, String(agreement.data.endorsement_count));

  // Consultation
  const consultation = await api.GET("/api/v1/agreements/{ref}/consultation", {
    params: { path: { ref: "current" } },
  });
  if (consultation.data) seen.push(`${consultation.data.state}: ${consultation.data.response_count}`);

  // Follow-up
  const followUp = await api.GET("/api/v1/agreements/{ref}/follow-up", {
    params: { path: { ref: "current" } },
  });
  if (followUp.data) seen.push(`${followUp.data.year}: ${followUp.data.commitments.length}`);

  // Documents
  const documents = await api.GET("/api/v1/dialogues/{id}/documents", {
    params: { path: { id: "9a1c7e44-2b3d-4f5a-8e6b-0c1d2e3f4a5b" } },
  });
  if (documents.data) seen.push(...documents.data.items.map((d) => `${d.title} ${d.sha256}`));

  // Council
  const council = await api.GET("/api/v1/council", { params: { query: { as_of: "2026-03-12" } } });
  if (council.data) seen.push(`${council.data.as_of}: ${council.data.seats.length} seats`);

  // Integration
  const changes = await api.GET("/api/v1/changes", {
    headers: auth,
    params: { query: { after: 1042, types: "organisation,endorsement", limit: 100 } },
  });
  if (changes.data) {
    seen.push(...changes.data.items.map(describe));
    seen.push(`next ${changes.data.next_after}`);
  }

  // Open data
  const open = await api.GET("/api/v1/open-data/organisations.json");
  if (open.data) seen.push(open.data.licence, ...open.data.items.map((o) => o.name));

  return seen;
}

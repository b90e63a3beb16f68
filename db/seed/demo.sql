-- demo.sql -- fictitious demo data for `idekom seed-demo` (run.sh loads it). Every name,
-- number and address here is invented; no real person's data. Idempotent: running it again
-- changes nothing (organisation numbers are the keys).

CREATE FUNCTION pg_temp.orgnr(nine text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
	-- append the Luhn check digit and format NNNNNN-NNNN
	SELECT substr(nine, 1, 6) || '-' || substr(nine, 7, 3) || ((10 - (sum(d) % 10)) % 10)::text
	FROM (SELECT CASE WHEN i % 2 = 1 THEN (v * 2) / 10 + (v * 2) % 10 ELSE v END AS d
	      FROM (SELECT i, substr(nine, i, 1)::int AS v FROM generate_series(1, 9) i) x) y;
$$;

-- Umbrella organisations (paraplyorganisationer) first, so members can point at them.
INSERT INTO organisation (org_number, name, kind, areas, districts, description, website,
	email, member_count, status)
SELECT pg_temp.orgnr(u.nine), u.name, 'paraplyorganisation', u.areas, u.districts, u.descr,
	u.site, u.mail, u.members, 'verified'
FROM (VALUES
	('802900001', 'Samverkansforum Social Ekonomi Göteborg', ARRAY['demokrati', 'integration'],
	 ARRAY['centrum', 'angered', 'lundby'], 'Paraplyorganisation för idéburna organisationer i det sociala fältet.',
	 'https://samverkansforum.example', 'kansli@samverkansforum.example', 42),
	('802900002', 'Idéburna Nätverket Väst', ARRAY['barn_unga', 'folkhalsa'],
	 ARRAY['vastra_goteborg', 'vastra_hisingen'], 'Nätverk för föreningar som arbetar med barn, unga och folkhälsa.',
	 'https://natverketvast.example', 'info@natverketvast.example', 18),
	('802900003', 'Paraplyet för Funktionsrätt Göteborg', ARRAY['funktionsnedsattning'],
	 ARRAY['centrum', 'ostra_goteborg'], 'Samlar funktionsrättsföreningar i staden.',
	 'https://paraplyet.example', 'kontakt@paraplyet.example', 25),
	('802900004', 'Trygga Hem Samarbetsorganisation', ARRAY['hemloshet', 'vald'],
	 ARRAY['majorna_linne', 'askim_frolunda_hogsbo'], 'Samarbete mellan organisationer mot hemlöshet och våld.',
	 'https://tryggahem.example', 'post@tryggahem.example', 9)
) AS u(nine, name, areas, districts, descr, site, mail, members)
ON CONFLICT (org_number) DO NOTHING;

-- Member organisations, spread over kinds, interest areas and districts.
WITH words AS (
	SELECT ARRAY['Föreningen', 'Stiftelsen', 'Gemenskapen', 'Kooperativet', 'Föreningen',
		'Nätverket', 'Församlingen', 'Föreningen'] AS prefix,
	       ARRAY['Solrosen', 'Broarna', 'Vänskapshuset', 'Mötesplatsen', 'Kompassen',
		'Fyrbåken', 'Grannskapet', 'Hamnen', 'Lyktan', 'Ankaret', 'Trädgården', 'Stegen',
		'Ljusglimten', 'Vägvisaren', 'Kuggen'] AS topic,
	       ARRAY['ideell_forening', 'stiftelse', 'ideell_forening', 'ekonomisk_forening',
		'ideell_forening', 'natverk', 'trossamfund', 'socialt_foretag'] AS kind,
	       ARRAY['barn_unga', 'aldre', 'funktionsnedsattning', 'integration', 'hemloshet',
		'beroende', 'vald', 'psykisk_halsa', 'folkhalsa', 'kultur', 'idrott', 'arbete',
		'demokrati', 'miljo'] AS area,
	       ARRAY['angered', 'ostra_goteborg', 'orgryte_harlanda', 'centrum', 'majorna_linne',
		'askim_frolunda_hogsbo', 'vastra_goteborg', 'vastra_hisingen', 'lundby',
		'norra_hisingen'] AS district,
	       ARRAY['Angered', 'Östra Göteborg', 'Örgryte-Härlanda', 'Centrum', 'Majorna-Linné',
		'Askim-Frölunda-Högsbo', 'Västra Göteborg', 'Västra Hisingen', 'Lundby',
		'Norra Hisingen'] AS place
)
INSERT INTO organisation (org_number, name, kind, umbrella_id, areas, districts, description,
	website, email, member_count, status)
SELECT pg_temp.orgnr(CASE w.kind[1 + i % 8] WHEN 'ekonomisk_forening' THEN '7' WHEN 'socialt_foretag' THEN '5' ELSE '8' END
		|| '02' || lpad(i::text, 6, '0')),
	w.prefix[1 + i % 8] || ' ' || w.topic[1 + i % 15] || ' ' || w.place[1 + i % 10],
	w.kind[1 + i % 8],
	CASE WHEN i % 3 = 0 THEN (SELECT id FROM organisation WHERE org_number = pg_temp.orgnr('80290000' || (1 + i % 4)::text)) END,
	ARRAY[w.area[1 + i % 14], w.area[1 + (i * 5) % 14]],
	ARRAY[w.district[1 + i % 10]],
	'Vi arbetar med ' || lower(w.topic[1 + i % 15]) || ' i ' || w.place[1 + i % 10]
		|| ' och bjuder in till öppna träffar varje vecka.',
	'https://demo' || i || '.example',
	'info@demo' || i || '.example',
	10 + (i * 37) % 400,
	CASE WHEN i % 11 = 0 THEN 'pending' WHEN i = 57 THEN 'inactive' ELSE 'verified' END
FROM words w, generate_series(1, 56) i
ON CONFLICT (org_number) DO NOTHING;

-- The Göteborg agreement, adopted, with its goals, the six principles in Göteborg's
-- wording, commitments written for the demo, and the case history. Adopted only when no
-- other agreement is adopted (the register has one current agreement).
INSERT INTO agreement (slug, title, status, goals, principles, commitments, body, decisions,
	version, adopted_at)
SELECT 'goteborg-2012',
	'Överenskommelse om samverkan mellan Göteborgs Stad och organisationer inom den sociala ekonomin i Göteborg',
	CASE WHEN EXISTS (SELECT 1 FROM agreement WHERE status = 'adopted') THEN 'superseded' ELSE 'adopted' END,
	'["Att skapa tydliga förutsättningar och strukturer för dialog och samverkan mellan parterna.",
	  "Att synliggöra och stärka den sociala ekonomins självständiga och oberoende roll som opinionsbildare och som röstbärare för marginaliserade, utsatta och åsidosatta grupper.",
	  "Att utveckla möjligheter för den sociala ekonomin att utgöra en viktig aktör inom välfärdsutvecklingen."]'::jsonb,
	'[{"code": "integritet", "title": "Integritet och oberoende", "description": "De idéburna organisationerna är självständiga och oberoende; samverkan får aldrig göra dem till en förlängning av staden."},
	  {"code": "dialog", "title": "Dialog", "description": "Parterna för en öppen och kontinuerlig dialog i frågor som berör dem."},
	  {"code": "kvalitet", "title": "Kvalitet", "description": "Parterna utvecklar samverkan så att den gör skillnad för de människor det gäller."},
	  {"code": "langsiktighet", "title": "Långsiktighet", "description": "Samverkan bygger på långsiktiga förutsättningar, inte på enstaka projekt."},
	  {"code": "oppenhet", "title": "Öppenhet och insyn", "description": "Parterna är öppna med hur beslut fattas och hur medel fördelas."},
	  {"code": "mangfald", "title": "Mångfald", "description": "Samverkan tar tillvara mångfalden av organisationer, stora som små."}]'::jsonb,
	'[{"party": "city", "text": "Staden bjuder in till dialogmöten och en årlig dialogkonferens där överenskommelsen följs upp."},
	  {"party": "city", "text": "Staden håller en kanslifunktion för Idékom inom befintlig budget."},
	  {"party": "organisations", "text": "Organisationerna för fram sina medlemmars och målgruppers erfarenheter i dialogen."},
	  {"party": "both", "text": "Parterna följer upp åtagandena varje år och redovisar resultatet öppet."}]'::jsonb,
	E'# Överenskommelse om samverkan\n\nVisionen är att Göteborg är en stad där medborgarna engagerar sig och där engagemanget tas tillvara.\n\n*Demotext: den fullständiga överenskommelsen finns hos Göteborgs Stad.*',
	'[{"body": "Social resursförvaltning, tjänsteutlåtande", "date": "2012-02-21", "reference": "Dnr 0169/12", "summary": "Förvaltningen föreslår Social resursnämnd att föreslå kommunstyrelsen att ställa sig bakom överenskommelsen."},
	  {"body": "Social resursnämnd", "date": "2012-03-13", "reference": "Dnr 0169/12", "summary": "Nämnden föreslår kommunstyrelsen att ställa sig bakom överenskommelsen."},
	  {"body": "Kommunstyrelsen", "date": "2012-04-25", "reference": "Dnr 0169/12", "summary": "Kommunstyrelsen föreslår kommunfullmäktige att anta överenskommelsen."},
	  {"body": "Kommunfullmäktige", "date": "2012-05-24", "reference": "Dnr 0169/12", "summary": "Kommunfullmäktige antar överenskommelsen."},
	  {"body": "Undertecknande", "date": "2012-09-04", "reference": null, "summary": "Kommunstyrelsens ordförande undertecknar för staden; organisationerna ansluter sig därefter."}]'::jsonb,
	(SELECT coalesce(max(version), 0) + 1 FROM agreement),
	'2012-09-04 12:00+02'
WHERE NOT EXISTS (SELECT 1 FROM agreement WHERE slug = 'goteborg-2012');

-- Endorsements by part of the verified demo organisations (one in five), with invented
-- signatories and board decisions.
INSERT INTO endorsement (agreement_id, organisation_id, signatory_name, signatory_title,
	mandate, statement, endorsed_at)
SELECT a.id, o.id, 'Ordförande i ' || o.name, 'Ordförande',
	'Styrelsebeslut ' || to_char(date '2012-10-01' + (row_number() OVER (ORDER BY o.org_number))::int * 9, 'YYYY-MM-DD') || ' §4',
	'Vi ansluter oss till överenskommelsen för att stärka samverkan i ' ||
		coalesce((SELECT v.label_sv FROM vocabulary v WHERE v.vocabulary = 'district' AND v.code = o.districts[1]), 'Göteborg') || '.',
	timestamptz '2012-10-01 10:00+02' + (row_number() OVER (ORDER BY o.org_number)) * interval '9 days'
FROM agreement a, organisation o
WHERE a.slug = 'goteborg-2012' AND o.status = 'verified' AND o.org_number LIKE '%0_-%'
  AND right(o.org_number, 1)::int % 5 IN (0, 1)
  AND NOT EXISTS (SELECT 1 FROM endorsement e WHERE e.agreement_id = a.id AND e.organisation_id = o.id);

-- Dialogues: some past (held, with minutes), some upcoming; registrations by demo organisations.
INSERT INTO dialogue (title, kind, status, starts_at, ends_at, location, capacity, description,
	agenda, minutes, principles, format, services, participation_level)
SELECT d.title, d.kind, d.status, d.starts_at, d.starts_at + d.length, d.location, d.capacity,
	d.descr, d.agenda, d.minutes, d.principles, d.format, d.services, d.level
FROM (VALUES
	('Dialogkonferens: uppföljning av överenskommelsen', 'konferens', 'held',
	 date_trunc('day', now()) - interval '60 days' + interval '9 hours', interval '6 hours',
	 'Stadshuset, Gustaf Adolfs torg', 120, 'Den årliga uppföljningen av åtagandena.',
	 'Välkomna; åtagandena år för år; samtal i grupper; vägen framåt',
	 'Deltagarna gick igenom åtagandena. Gruppernas förslag sammanställs av kansliet.',
	 ARRAY['dialog', 'oppenhet'], 'hybrid', ARRAY['teckensprakstolk', 'horselslinga'], 'dialogue'),
	('Rådsmöte i Idékom', 'radsmote', 'held',
	 date_trunc('day', now()) - interval '20 days' + interval '15 hours', interval '2 hours',
	 'Social resursförvaltning, Kaserntorget', 20, 'Rådets ordinarie möte.', 'Protokoll; rapporter; övriga frågor',
	 'Rådet beslutade att bjuda in till ett dialogmöte om unga i Angered.', ARRAY['dialog'], 'in_person',
	 ARRAY[]::text[], 'partnership'),
	('Dialogmöte: unga i Angered', 'dialogmote', 'scheduled',
	 date_trunc('day', now()) + interval '14 days' + interval '17 hours', interval '2 hours',
	 'Angereds bibliotek', 12, 'Hur möter staden och föreningarna unga i Angered?',
	 'Inledning; samtal; nästa steg', NULL, ARRAY['mangfald', 'dialog'], 'in_person', ARRAY['tolk'],
	 'consultation'),
	('Arbetsgrupp: öppna data om föreningslivet', 'arbetsgrupp', 'scheduled',
	 date_trunc('day', now()) + interval '30 days' + interval '13 hours', interval '90 minutes',
	 NULL, NULL, 'En arbetsgrupp om vilka data som ska publiceras öppet.', NULL, NULL,
	 ARRAY['oppenhet'], 'online', ARRAY['lattlast'], 'information'),
	('Dialogkonferens: nästa överenskommelse', 'konferens', 'scheduled',
	 date_trunc('day', now()) + interval '75 days' + interval '9 hours', interval '7 hours',
	 'Eriksbergshallen', 150, 'Inför en ny version av överenskommelsen.', NULL, NULL,
	 ARRAY['integritet', 'kvalitet', 'langsiktighet'], 'hybrid', ARRAY['teckensprakstolk', 'horselslinga', 'lattlast'],
	 'partnership')
) AS d(title, kind, status, starts_at, length, location, capacity, descr, agenda, minutes,
	principles, format, services, level)
WHERE NOT EXISTS (SELECT 1 FROM dialogue x WHERE x.title = d.title);

INSERT INTO registration (dialogue_id, organisation_id, attendees, status, registered_at, attended)
SELECT d.id, o.id, 1 + (row_number() OVER w)::int % 3,
	CASE WHEN d.capacity IS NULL OR (row_number() OVER w) * 2 <= d.capacity THEN 'registered' ELSE 'waitlisted' END,
	-- before the moment the demo is loaded (and before the meeting), one hour apart, so that
	-- someone registering after loading queues after everyone already waiting
	least(d.starts_at, now()) - interval '10 days' + (row_number() OVER w) * interval '1 hour',
	CASE WHEN d.status = 'held' THEN (row_number() OVER w) % 4 <> 0 END
FROM dialogue d JOIN organisation o ON o.status = 'verified'
	AND right(o.org_number, 1)::int % 3 = (length(d.title) % 3)
WHERE d.title IN ('Dialogkonferens: uppföljning av överenskommelsen', 'Rådsmöte i Idékom',
	'Dialogmöte: unga i Angered')
  AND NOT EXISTS (SELECT 1 FROM registration r WHERE r.dialogue_id = d.id)
WINDOW w AS (PARTITION BY d.id ORDER BY o.org_number);

-- The case history separates fact from example. The statement of 2012-02-21 (dnr 0169/12)
-- is real; the later decisions and the signing are invented for the demo, and say so in
-- their own text (the agreement page marks them). Rewritten on every run, so an older demo
-- database gets the marks too.
UPDATE agreement SET decisions =
	'[{"body": "Social resursförvaltning, tjänsteutlåtande", "date": "2012-02-21", "reference": "Dnr 0169/12", "summary": "Förvaltningen föreslår Social resursnämnd att föreslå kommunstyrelsen att ställa sig bakom överenskommelsen. (Verkligt tjänsteutlåtande.)"},
	  {"body": "Social resursnämnd", "date": "2012-03-13", "reference": null, "summary": "Exempel – påhittat datum och beslut: nämnden föreslår kommunstyrelsen att ställa sig bakom överenskommelsen."},
	  {"body": "Kommunstyrelsen", "date": "2012-04-25", "reference": null, "summary": "Exempel – påhittat datum och beslut: kommunstyrelsen föreslår kommunfullmäktige att anta överenskommelsen."},
	  {"body": "Kommunfullmäktige", "date": "2012-05-24", "reference": null, "summary": "Exempel – påhittat datum och beslut: kommunfullmäktige antar överenskommelsen."},
	  {"body": "Undertecknande", "date": "2012-09-04", "reference": null, "summary": "Exempel – påhittat datum: kommunstyrelsens ordförande undertecknar för staden; organisationerna ansluter sig därefter."}]'::jsonb
WHERE slug = 'goteborg-2012' AND decisions->1->>'summary' NOT LIKE 'Exempel%';

-- A draft of the next version out on consultation (remiss), closed, with responses from demo
-- organisations (one not for publication) and the secretariat's comments. Demo text only.
INSERT INTO agreement (slug, title, status, goals, principles, commitments, body, decisions,
	version, consultation_closes_at)
SELECT 'goteborg-utkast-demo', 'Utkast: reviderad överenskommelse om samverkan (demo)', 'consultation',
	a.goals, a.principles,
	a.commitments || '[{"party": "both", "text": "Parterna tar fram en gemensam handlingsplan för lokalfrågor."}]'::jsonb,
	E'Demotext: ett utkast på remiss till organisationerna.', '[]'::jsonb,
	(SELECT coalesce(max(version), 0) + 1 FROM agreement), now() - interval '7 days'
FROM agreement a
WHERE a.slug = 'goteborg-2012' AND NOT EXISTS (SELECT 1 FROM agreement WHERE slug = 'goteborg-utkast-demo');

INSERT INTO consultation_response (agreement_id, organisation_id, body, principles, commitments,
	not_for_publication, comment, commented_at, submitted_at, updated_at)
SELECT a.id, o.id,
	CASE r.n WHEN 1 THEN E'Vi välkomnar utkastet.\n\nVi saknar dock en skrivning om hur **små föreningar** får tillgång till lokaler.'
		WHEN 2 THEN 'Principen om integritet och oberoende behöver förtydligas när föreningar tar emot bidrag.'
		ELSE 'Vi har synpunkter som rör en pågående intern fråga i föreningen.' END,
	CASE r.n WHEN 1 THEN ARRAY['dialog'] WHEN 2 THEN ARRAY['integritet'] ELSE '{}' END,
	CASE r.n WHEN 1 THEN ARRAY[5] ELSE '{}'::int[] END,
	r.n = 3,
	CASE r.n WHEN 1 THEN 'Demo: tillgodosett genom det nya åtagandet 5 om lokalfrågor.'
		WHEN 2 THEN 'Demo: principen har fått en ny mening om bidrag.' END,
	CASE WHEN r.n < 3 THEN now() - interval '3 days' END,
	now() - interval '20 days' + r.n * interval '1 day', now() - interval '20 days' + r.n * interval '1 day'
FROM agreement a,
	(SELECT o.id, row_number() OVER (ORDER BY o.org_number) AS n FROM organisation o
	 WHERE o.status = 'verified' AND o.kind <> 'paraplyorganisation' LIMIT 3) r
JOIN organisation o ON o.id = r.id
WHERE a.slug = 'goteborg-utkast-demo'
  AND NOT EXISTS (SELECT 1 FROM consultation_response x WHERE x.agreement_id = a.id);

-- Two years of follow-up of the Göteborg agreement, marked as demo: plans, entries and an
-- action plan.
INSERT INTO commitment_plan (agreement_id, commitment, city_owner, indicators, principles)
SELECT a.id, c.n, CASE WHEN c.x->>'party' = 'organisations' THEN NULL ELSE 'Social resursförvaltning' END,
	CASE c.n WHEN 1 THEN ARRAY['Antal dialogmöten per år', 'Antal deltagande organisationer']
		WHEN 4 THEN ARRAY['En årlig uppföljning publicerad'] ELSE '{}' END,
	CASE c.n WHEN 1 THEN ARRAY['dialog'] WHEN 2 THEN ARRAY['langsiktighet']
		WHEN 3 THEN ARRAY['mangfald', 'dialog'] ELSE ARRAY['oppenhet'] END
FROM agreement a, jsonb_array_elements(a.commitments) WITH ORDINALITY c(x, n)
WHERE a.slug = 'goteborg-2012'
ON CONFLICT (agreement_id, commitment) DO NOTHING;

INSERT INTO follow_up_entry (agreement_id, commitment, year, status, text, demo)
SELECT a.id, c.n, y.year,
	(ARRAY['ongoing', 'done', 'not_started', 'ongoing', 'done', 'ongoing', 'discontinued', 'done'])[(c.n - 1) * 2 + (y.year - 2023)],
	'Demo: uppföljning ' || y.year || ' av åtagande ' || c.n || '. Exempeltext, inte en verklig uppföljning.',
	true
FROM agreement a, jsonb_array_elements(a.commitments) WITH ORDINALITY c(x, n),
	(VALUES (2024), (2025)) y(year)
WHERE a.slug = 'goteborg-2012'
ON CONFLICT (agreement_id, commitment, year) DO NOTHING;

INSERT INTO action_plan_activity (agreement_id, year, title, description, principles, commitments,
	responsible, starts_on, ends_on, budget_sek, demo)
SELECT a.id, x.year, x.title, x.descr, x.principles, x.commitments, x.responsible, x.starts_on,
	x.ends_on, x.budget, true
FROM agreement a, (VALUES
	(2025, 'Dialogkonferens om överenskommelsen (demo)', 'En heldag med workshops om uppföljningen.', ARRAY['dialog'], ARRAY[1, 4], 'Idékoms kansli', date '2025-03-01', date '2025-10-31', 120000::bigint),
	(2025, 'Kartläggning av lokalbehov (demo)', NULL, ARRAY['langsiktighet'], ARRAY[3], 'Fastighetskontoret och paraplyorganisationerna', date '2025-02-01', date '2025-12-15', 250000::bigint),
	(2026, 'Öppen redovisning av stadens stöd (demo)', 'Publicering av fördelade medel som öppna data.', ARRAY['oppenhet'], ARRAY[2, 4], 'Social resursförvaltning', date '2026-01-15', date '2026-06-30', 80000::bigint)
	) x(year, title, descr, principles, commitments, responsible, starts_on, ends_on, budget)
WHERE a.slug = 'goteborg-2012'
  AND NOT EXISTS (SELECT 1 FROM action_plan_activity p WHERE p.agreement_id = a.id AND p.title = x.title);

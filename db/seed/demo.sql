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

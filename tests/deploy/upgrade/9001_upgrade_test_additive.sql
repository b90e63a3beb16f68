-- migration: additive
-- 9001_upgrade_test_additive.sql -- test only (CMake IDEKOM_UPGRADE_TEST, tests/deploy/upgrade.sh):
-- what "the next release" adds. A new table that no released binary reads, so replicas
-- that do not know it keep working.
CREATE TABLE upgrade_probe (
	id   integer PRIMARY KEY,
	note text NOT NULL
);
INSERT INTO upgrade_probe VALUES (1, 'added by 9001');

-- migration: breaking
-- 9002_upgrade_test_breaking.sql -- test only (CMake IDEKOM_UPGRADE_TEST, tests/deploy/upgrade.sh):
-- a change a binary that knows only 9001 would not survive (it renames what 9001 made).
ALTER TABLE upgrade_probe RENAME COLUMN note TO remark;

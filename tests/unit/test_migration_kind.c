/* test_migration_kind.c -- the first-line marker of a migration (db/migrate.h) */
#include "db/migrate.h"

#include <criterion/criterion.h>

Test(migration_kind, reads_the_two_markers)
{
	cr_assert_eq(migration_kind_of("-- migration: additive\nCREATE TABLE t ();"),
		     MIGRATION_ADDITIVE);
	cr_assert_eq(migration_kind_of("-- migration: breaking\r\nDROP TABLE t;"),
		     MIGRATION_BREAKING);
	cr_assert_eq(migration_kind_of("-- migration: additive"), MIGRATION_ADDITIVE);
}

Test(migration_kind, anything_else_is_unmarked)
{
	const char *const texts[] = {
		"",
		"CREATE TABLE t ();",
		"-- 0001_foundation.sql\n-- migration: additive\n",
		"-- migration: additive-ish\n",
		"-- migration: Additive\n",
		"--  migration: additive\n",
		"-- migration: additive \n",
		"-- migration: breakingly\n",
		"-- migration: \n",
	};

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		cr_assert_eq(migration_kind_of(texts[i]), MIGRATION_UNMARKED, "text %zu", i);
}

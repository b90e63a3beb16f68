/*
 * test_routes_openapi.c -- the route table and the OpenAPI description must describe the
 * same operations: every route is a path + method of openapi.yaml with the same
 * operationId, and every OpenAPI operation has a route. (The embedded JSON is the YAML
 * converted at build time, so this reads exactly what /api/v1/openapi.json serves.)
 */
#include "embedded.h"
#include "http/router.h"

#include <criterion/criterion.h>
#include <ctype.h>
#include <jansson.h>
#include <string.h>

static json_t *load_spec(void)
{
	json_error_t err;
	json_t *spec = json_loadb(embedded_openapi_json, embedded_openapi_json_len, 0, &err);

	cr_assert_not_null(spec, "openapi.json does not parse: %s", err.text);
	return spec;
}

static void lower(const char *in, char *out, size_t n)
{
	size_t i = 0;

	for (; in[i] && i + 1 < n; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
}

Test(routes_openapi, every_route_is_an_openapi_operation)
{
	json_t *spec = load_spec();
	json_t *paths = json_object_get(spec, "paths");

	for (const struct route *r = routes; r->method; r++) {
		char method[16];
		json_t *op;

		lower(r->method, method, sizeof(method));
		op = json_object_get(json_object_get(paths, r->pattern), method);
		cr_expect_not_null(op, "%s %s is not in openapi.yaml", r->method, r->pattern);
		if (op)
			cr_expect_str_eq(json_string_value(json_object_get(op, "operationId")),
					 r->operation_id, "%s %s", r->method, r->pattern);
	}
	json_decref(spec);
}

Test(routes_openapi, every_openapi_operation_has_a_route)
{
	static const char *const methods[] = {"get", "put", "post", "delete", "patch"};
	json_t *spec = load_spec();
	const char *path;
	json_t *item;

	json_object_foreach(json_object_get(spec, "paths"), path, item)
	{
		for (size_t m = 0; m < sizeof(methods) / sizeof(methods[0]); m++) {
			bool found = false;

			if (!json_object_get(item, methods[m]))
				continue;
			for (const struct route *r = routes; r->method; r++) {
				char method[16];

				lower(r->method, method, sizeof(method));
				if (strcmp(r->pattern, path) == 0 && strcmp(method, methods[m]) == 0)
					found = true;
			}
			cr_expect(found, "openapi.yaml has %s %s but the service has no route",
				  methods[m], path);
		}
	}
	json_decref(spec);
}

Test(routes_openapi, migrations_are_embedded_in_order)
{
	cr_assert_gt(embedded_migration_count, 0);
	for (size_t i = 1; i < embedded_migration_count; i++)
		cr_expect_lt(strcmp(embedded_migrations[i - 1].name, embedded_migrations[i].name), 0);
}

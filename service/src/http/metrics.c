/* metrics.c -- see metrics.h */
#include "http/metrics.h"
#include "db/pool.h"
#include "http/router.h"
#include "util/build_info.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

static const int statuses[] = {200, 201, 204, 304, 400, 401, 403, 404, 405, 409, 412,
			       413, 415, 422, 428, 429, 431, 500, 503};
#define STATUS_SLOTS (sizeof(statuses) / sizeof(statuses[0]) + 1) /* + "other" */

static const double bounds[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
				0.1,   0.25,   0.5,   1.0,  2.5,   5.0};
#define BUCKETS (sizeof(bounds) / sizeof(bounds[0]))

static const char *const other_methods[] = {"GET", "POST", "PUT", "PATCH",
					    "DELETE", "OPTIONS", "HEAD", "OTHER"};
#define OTHER_METHODS (sizeof(other_methods) / sizeof(other_methods[0]))

struct series {
	atomic_ulong count[STATUS_SLOTS];
	atomic_ulong bucket[BUCKETS]; /* not cumulative; summed when rendered */
	atomic_ulong observations;
	atomic_ullong micros_sum;
};

static struct series *by_route;  /* [route_count] */
static atomic_long webhook_pending;
static atomic_long delivery_lag;
static atomic_ulong deliveries[4]; /* delivered, retry, failed, gone */
static const char *const outcomes[] = {"delivered", "retry", "failed", "gone"};

void metrics_set_integration(long pending, long lag_seconds)
{
	atomic_store_explicit(&webhook_pending, pending, memory_order_relaxed);
	atomic_store_explicit(&delivery_lag, lag_seconds, memory_order_relaxed);
}

void metrics_count_delivery(const char *outcome)
{
	for (size_t i = 0; i < 4; i++)
		if (strcmp(outcomes[i], outcome) == 0)
			atomic_fetch_add_explicit(&deliveries[i], 1, memory_order_relaxed);
}
static struct series unmatched[OTHER_METHODS];
static size_t routes_n;

void metrics_init(size_t route_count)
{
	routes_n = route_count;
	by_route = xcalloc(route_count, sizeof(*by_route));
}

void metrics_free(void)
{
	free(by_route);
	by_route = NULL;
}

static size_t status_slot(int status)
{
	for (size_t i = 0; i < STATUS_SLOTS - 1; i++)
		if (statuses[i] == status)
			return i;
	return STATUS_SLOTS - 1;
}

static size_t method_slot(const char *method)
{
	for (size_t i = 0; i < OTHER_METHODS - 1; i++)
		if (strcmp(other_methods[i], method) == 0)
			return i;
	return OTHER_METHODS - 1;
}

void metrics_record(int route, const char *method, int status, double seconds)
{
	struct series *s;
	size_t b = 0;

	if (!by_route)
		return;
	s = route >= 0 && (size_t)route < routes_n ? &by_route[route]
						   : &unmatched[method_slot(method)];
	atomic_fetch_add_explicit(&s->count[status_slot(status)], 1, memory_order_relaxed);
	while (b < BUCKETS && seconds > bounds[b])
		b++;
	if (b < BUCKETS)
		atomic_fetch_add_explicit(&s->bucket[b], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->observations, 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->micros_sum, (unsigned long long)(seconds * 1e6),
				  memory_order_relaxed);
}

static void render_counts(struct buf *out, const struct series *s, const char *route,
			  const char *method)
{
	for (size_t i = 0; i < STATUS_SLOTS; i++) {
		unsigned long n = atomic_load_explicit(&s->count[i], memory_order_relaxed);

		if (!n)
			continue;
		if (i < STATUS_SLOTS - 1)
			buf_addf(out,
				 "idekom_http_requests_total{route=\"%s\",method=\"%s\",status=\"%d\"} %lu\n",
				 route, method, statuses[i], n);
		else
			buf_addf(out,
				 "idekom_http_requests_total{route=\"%s\",method=\"%s\",status=\"other\"} %lu\n",
				 route, method, n);
	}
}

static void render_histogram(struct buf *out, const struct series *s, const char *route,
			     const char *method)
{
	unsigned long total = atomic_load_explicit(&s->observations, memory_order_relaxed);
	unsigned long cumulative = 0;

	if (!total)
		return;
	for (size_t b = 0; b < BUCKETS; b++) {
		cumulative += atomic_load_explicit(&s->bucket[b], memory_order_relaxed);
		buf_addf(out,
			 "idekom_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\",le=\"%g\"} %lu\n",
			 route, method, bounds[b], cumulative);
	}
	buf_addf(out,
		 "idekom_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\",le=\"+Inf\"} %lu\n",
		 route, method, total);
	buf_addf(out,
		 "idekom_http_request_duration_seconds_sum{route=\"%s\",method=\"%s\"} %.6f\n",
		 route, method,
		 (double)atomic_load_explicit(&s->micros_sum, memory_order_relaxed) / 1e6);
	buf_addf(out, "idekom_http_request_duration_seconds_count{route=\"%s\",method=\"%s\"} %lu\n",
		 route, method, total);
}

/* Counts the entries of /proc/self/fd (the directory's own descriptor included, as the
 * Prometheus client libraries count it); -1 when /proc is not there. */
static long open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	long n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* The boot time in seconds since the epoch (/proc/stat "btime"); 0 when unknown. */
static unsigned long long boot_time(void)
{
	FILE *f = fopen("/proc/stat", "r");
	char line[256];
	unsigned long long btime = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "btime %llu", &btime) == 1)
			break;
	fclose(f);
	return btime;
}

/*
 * The standard process metrics (the names the Prometheus client libraries use), from
 * /proc/self/stat: CPU seconds (user + system), resident and virtual memory, start time;
 * and open and allowed file descriptors. Left out when /proc cannot be read.
 */
static void render_process(struct buf *out)
{
	FILE *f = fopen("/proc/self/stat", "r");
	char stat[1024];
	size_t n = 0;
	const char *after_name;
	unsigned long long utime, stime, starttime, vsize;
	long long rss;
	long ticks = sysconf(_SC_CLK_TCK), page = sysconf(_SC_PAGESIZE), fds = open_fds();
	struct rlimit lim;

	if (f) {
		n = fread(stat, 1, sizeof(stat) - 1, f);
		fclose(f);
	}
	stat[n] = '\0';
	/* the command name (field 2) may hold spaces and ')'; the fields after its last ')'
	 * are: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime
	 * stime cutime cstime priority nice threads itrealvalue starttime vsize rss */
	after_name = strrchr(stat, ')');
	if (after_name && ticks > 0 && page > 0 &&
	    sscanf(after_name + 1,
		   " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %*d %*d "
		   "%llu %llu %lld",
		   &utime, &stime, &starttime, &vsize, &rss) == 5) {
		buf_addf(out,
			 "# HELP process_cpu_seconds_total CPU time used by this process (user and system).\n"
			 "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total %.2f\n"
			 "# HELP process_resident_memory_bytes Resident memory of this process.\n"
			 "# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes %lld\n"
			 "# HELP process_virtual_memory_bytes Virtual memory of this process.\n"
			 "# TYPE process_virtual_memory_bytes gauge\nprocess_virtual_memory_bytes %llu\n",
			 (double)(utime + stime) / (double)ticks, rss * page, vsize);
		if (boot_time())
			buf_addf(out,
				 "# HELP process_start_time_seconds When this process started, seconds since the epoch.\n"
				 "# TYPE process_start_time_seconds gauge\nprocess_start_time_seconds %.2f\n",
				 (double)boot_time() + (double)starttime / (double)ticks);
	}
	if (fds >= 0)
		buf_addf(out,
			 "# HELP process_open_fds Open file descriptors of this process.\n"
			 "# TYPE process_open_fds gauge\nprocess_open_fds %ld\n",
			 fds);
	if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur != RLIM_INFINITY)
		buf_addf(out,
			 "# HELP process_max_fds The most file descriptors this process may open.\n"
			 "# TYPE process_max_fds gauge\nprocess_max_fds %llu\n",
			 (unsigned long long)lim.rlim_cur);
}

void metrics_render(struct buf *out)
{
	struct pool_stats ps;

	buf_addf(out,
		 "# HELP idekom_build_info The running build: version and git commit (always 1).\n"
		 "# TYPE idekom_build_info gauge\nidekom_build_info{version=\"%s\",commit=\"%s\"} 1\n",
		 build_version, build_commit);
	render_process(out);

	buf_adds(out, "# HELP idekom_http_requests_total HTTP requests answered, by route "
		      "template, method and status.\n# TYPE idekom_http_requests_total counter\n");
	for (size_t r = 0; r < routes_n; r++)
		render_counts(out, &by_route[r], routes[r].pattern, routes[r].method);
	for (size_t m = 0; m < OTHER_METHODS; m++)
		render_counts(out, &unmatched[m], "unmatched", other_methods[m]);

	buf_adds(out, "# HELP idekom_http_request_duration_seconds Time to answer a request.\n"
		      "# TYPE idekom_http_request_duration_seconds histogram\n");
	for (size_t r = 0; r < routes_n; r++)
		render_histogram(out, &by_route[r], routes[r].pattern, routes[r].method);
	for (size_t m = 0; m < OTHER_METHODS; m++)
		render_histogram(out, &unmatched[m], "unmatched", other_methods[m]);

	pool_get_stats(&ps);
	buf_addf(out,
		 "# HELP idekom_db_pool_size Database connections the pool may hold.\n"
		 "# TYPE idekom_db_pool_size gauge\nidekom_db_pool_size %d\n"
		 "# HELP idekom_db_pool_in_use Database connections checked out now.\n"
		 "# TYPE idekom_db_pool_in_use gauge\nidekom_db_pool_in_use %d\n"
		 "# HELP idekom_db_pool_waits_total Checkouts that had to wait for a connection.\n"
		 "# TYPE idekom_db_pool_waits_total counter\nidekom_db_pool_waits_total %lu\n"
		 "# HELP idekom_db_pool_timeouts_total Checkouts that gave up (answered 503).\n"
		 "# TYPE idekom_db_pool_timeouts_total counter\nidekom_db_pool_timeouts_total %lu\n",
		 ps.size, ps.in_use, ps.waits, ps.timeouts);
	buf_addf(out,
		 "# HELP idekom_webhook_queue_length Webhook deliveries waiting (pending).\n"
		 "# TYPE idekom_webhook_queue_length gauge\nidekom_webhook_queue_length %ld\n"
		 "# HELP idekom_change_feed_lag_seconds Age of the oldest change event still waiting "
		 "for a webhook delivery.\n"
		 "# TYPE idekom_change_feed_lag_seconds gauge\nidekom_change_feed_lag_seconds %ld\n"
		 "# HELP idekom_webhook_attempts_total Delivery attempts by outcome (this process).\n"
		 "# TYPE idekom_webhook_attempts_total counter\n",
		 atomic_load_explicit(&webhook_pending, memory_order_relaxed),
		 atomic_load_explicit(&delivery_lag, memory_order_relaxed));
	for (size_t i = 0; i < 4; i++)
		buf_addf(out, "idekom_webhook_attempts_total{outcome=\"%s\"} %lu\n", outcomes[i],
			 atomic_load_explicit(&deliveries[i], memory_order_relaxed));
}

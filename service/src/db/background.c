/* background.c -- see background.h */
#include "db/background.h"
#include "db/pool.h"

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#define RETRY_MS 1000

struct background {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	bool stop;
	const char *conninfo;
	background_step step;
	background_finish finish;
	void *arg;
	int idle_ms;
};

/* Sleeps ms unless asked to stop; returns true when it should stop. */
static bool nap(struct background *bg, int ms)
{
	struct timespec until;
	bool stop;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&bg->lock);
	while (!bg->stop && pthread_cond_timedwait(&bg->wake, &bg->lock, &until) != ETIMEDOUT)
		;
	stop = bg->stop;
	pthread_mutex_unlock(&bg->lock);
	return stop;
}

static bool stopping(struct background *bg)
{
	bool stop;

	pthread_mutex_lock(&bg->lock);
	stop = bg->stop;
	pthread_mutex_unlock(&bg->lock);
	return stop;
}

static void *run(void *arg)
{
	struct background *bg = arg;
	PGconn *pg = NULL;

	while (!stopping(bg)) {
		int more;

		if (!pg || PQstatus(pg) != CONNECTION_OK) {
			if (pg)
				PQreset(pg);
			else
				pg = db_connect(bg->conninfo);
			if (!pg || PQstatus(pg) != CONNECTION_OK) {
				if (nap(bg, RETRY_MS))
					break;
				continue;
			}
		}
		more = bg->step(pg, bg->arg);
		if (more <= 0 && nap(bg, more < 0 ? RETRY_MS : bg->idle_ms))
			break;
	}
	if (bg->finish)
		bg->finish(pg, bg->arg);
	PQfinish(pg);
	return NULL;
}

struct background *background_start(const char *conninfo, background_step step, void *arg,
				    int idle_ms)
{
	return background_start_finishing(conninfo, step, NULL, arg, idle_ms);
}

struct background *background_start_finishing(const char *conninfo, background_step step,
					      background_finish finish, void *arg, int idle_ms)
{
	struct background *bg = calloc(1, sizeof(*bg));

	if (!bg)
		return NULL;
	pthread_mutex_init(&bg->lock, NULL);
	pthread_cond_init(&bg->wake, NULL);
	bg->conninfo = conninfo;
	bg->step = step;
	bg->finish = finish;
	bg->arg = arg;
	bg->idle_ms = idle_ms;
	if (pthread_create(&bg->thread, NULL, run, bg)) {
		pthread_cond_destroy(&bg->wake);
		pthread_mutex_destroy(&bg->lock);
		free(bg);
		return NULL;
	}
	return bg;
}

void background_stop(struct background *bg)
{
	if (!bg)
		return;
	pthread_mutex_lock(&bg->lock);
	bg->stop = true;
	pthread_cond_signal(&bg->wake);
	pthread_mutex_unlock(&bg->lock);
	pthread_join(bg->thread, NULL);
	pthread_cond_destroy(&bg->wake);
	pthread_mutex_destroy(&bg->lock);
	free(bg);
}

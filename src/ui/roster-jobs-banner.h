/* roster-jobs-banner.h
 *
 * A strip under the header bar offering to resume a bulk change that was
 * interrupted (crash, kill, closed while running, paused) or to discard it.
 */
#pragma once

#include <adwaita.h>

#include "roster-context.h"

G_BEGIN_DECLS

#define ROSTER_TYPE_JOBS_BANNER (roster_jobs_banner_get_type ())

G_DECLARE_FINAL_TYPE (RosterJobsBanner, roster_jobs_banner, ROSTER, JOBS_BANNER, AdwBin)

/* context: (nullable) an open context; lists its unfinished jobs. */
void        roster_jobs_banner_set_context (RosterJobsBanner *self,
                                            RosterContext    *context);
/* Lists the unfinished jobs again (after a bulk window closed). */
void        roster_jobs_banner_reload      (RosterJobsBanner *self);
/* (nullable) the job offered, NULL when the banner is hidden. */
const char *roster_jobs_banner_get_job_id  (RosterJobsBanner *self);
/* TRUE once the last listing has completed. */
gboolean    roster_jobs_banner_is_loaded   (RosterJobsBanner *self);
/* Marks the offered job cancelled through the engine (audited), as Discard does. */
void        roster_jobs_banner_discard     (RosterJobsBanner *self);

G_END_DECLS

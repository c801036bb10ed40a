// C wrappers around GLPK calls that can fail. See wrap.h for the contract.

#include <limits.h>
#include <setjmp.h>
#include <string.h>

#include "wrap.h"
#include "_cgo_export.h"

// Size of the tail of terminal output kept for error messages. GLPK's
// fatal messages are a line or two; the tail also holds a verbose log's end.
#define GW_OUT_CAP 8192

// All state is per thread because GLPK's environment is per thread and
// each Go Problem owns one OS thread.
static __thread jmp_buf gw_jmp;
static __thread int gw_armed;   // a wrapper's setjmp is live
static __thread int gw_hooked;  // hooks are installed in this env
static __thread uintptr_t gw_writer;
static __thread char gw_out[GW_OUT_CAP];
static __thread int gw_out_len;

static __thread int gw_have_bound;
static __thread int gw_tree_dir;
static __thread double gw_bound;
static __thread double gw_gap;   // relative gap target, 0 for none
static __thread int gw_gap_hit;  // gw_mip_cb stopped the search
static __thread int gw_node_lim; // subproblems the search may create, 0 for none
static __thread int gw_nodes;    // subproblems created when last seen
static __thread const double *gw_start; // a known solution, offered once

static int gw_term_hook(void *info, const char *s)
{
	int n = (int)strlen(s);
	(void)info;
	if (n >= GW_OUT_CAP) {
		memcpy(gw_out, s + n - GW_OUT_CAP, GW_OUT_CAP);
		gw_out_len = GW_OUT_CAP;
	} else {
		int drop = gw_out_len + n - GW_OUT_CAP;
		if (drop > 0) {
			memmove(gw_out, gw_out + drop, gw_out_len - drop);
			gw_out_len -= drop;
		}
		memcpy(gw_out + gw_out_len, s, n);
		gw_out_len += n;
	}
	if (gw_writer != 0)
		peakplanGlpkTermOut(gw_writer, (char *)s, n);
	return 1; // nonzero: GLPK must not print to stdout itself
}

static void gw_error_hook(void *info)
{
	(void)info;
	// Without a live setjmp we cannot recover; returning lets GLPK abort,
	// which is what it would have done anyway.
	if (gw_armed)
		longjmp(gw_jmp, 1);
}

static void gw_enter(uintptr_t writer)
{
	if (!gw_hooked) {
		glp_term_hook(gw_term_hook, NULL);
		glp_error_hook(gw_error_hook, NULL);
		gw_hooked = 1;
	}
	gw_out_len = 0;
	gw_writer = writer;
	gw_armed = 1;
}

static int gw_leave(int rc)
{
	gw_armed = 0;
	gw_writer = 0;
	return rc;
}

// gw_fail runs after the longjmp. GLPK's state is unknown, so the whole
// environment (every problem of this thread, and the hooks) is freed.
static int gw_fail(void)
{
	gw_armed = 0;
	gw_writer = 0;
	glp_free_env();
	gw_hooked = 0;
	return GW_FATAL;
}

// GW_TRY must be expanded in the wrapper itself so that the setjmp frame
// stays alive while GLPK runs.
#define GW_TRY(writer)                \
	gw_enter(writer);             \
	if (setjmp(gw_jmp) != 0)      \
		return gw_fail();

void gw_free_env(void)
{
	glp_free_env();
	gw_hooked = 0;
}

const char *gw_output(int *len)
{
	*len = gw_out_len;
	return gw_out;
}

int gw_create(glp_prob **out)
{
	GW_TRY(0);
	*out = glp_create_prob();
	return gw_leave(GW_OK);
}

int gw_delete(glp_prob *P)
{
	GW_TRY(0);
	glp_delete_prob(P);
	gw_leave(GW_OK);
	// The owning thread ends after this; release its environment too.
	gw_free_env();
	return GW_OK;
}

int gw_set_obj_dir(glp_prob *P, int dir)
{
	GW_TRY(0);
	glp_set_obj_dir(P, dir);
	return gw_leave(GW_OK);
}

int gw_set_obj_coefs(glp_prob *P, int n, const int *ind, const double *val)
{
	GW_TRY(0);
	for (int k = 1; k <= n; k++)
		glp_set_obj_coef(P, ind[k], val[k]);
	return gw_leave(GW_OK);
}

int gw_add_cols(glp_prob *P, int n, const int *type, const double *lb,
	const double *ub, const double *obj, const int *kind,
	const char *names, const int *name_off)
{
	GW_TRY(0);
	int first = glp_add_cols(P, n);
	for (int k = 1; k <= n; k++) {
		int j = first + k - 1;
		glp_set_col_bnds(P, j, type[k], lb[k], ub[k]);
		if (obj != NULL)
			glp_set_obj_coef(P, j, obj[k]);
		// GLP_BV overrides the bounds with [0,1], so kinds go last.
		if (kind != NULL && kind[k] != GLP_CV)
			glp_set_col_kind(P, j, kind[k]);
		if (names != NULL && name_off[k] >= 0)
			glp_set_col_name(P, j, names + name_off[k]);
	}
	return gw_leave(GW_OK);
}

int gw_add_rows(glp_prob *P, int n, const int *type, const double *lb,
	const double *ub, const char *names, const int *name_off,
	const int *beg, const int *ind, const double *val)
{
	GW_TRY(0);
	int first = glp_add_rows(P, n);
	for (int k = 1; k <= n; k++) {
		int i = first + k - 1;
		glp_set_row_bnds(P, i, type[k], lb[k], ub[k]);
		if (names != NULL && name_off[k] >= 0)
			glp_set_row_name(P, i, names + name_off[k]);
		if (beg != NULL) {
			// beg is 0-based: row k's entries sit at 1-based positions
			// beg[k-1]+1 .. beg[k], so shifting the base pointer by
			// beg[k-1] gives GLPK the 1-based view it expects.
			int len = beg[k] - beg[k - 1];
			if (len > 0)
				glp_set_mat_row(P, i, len, ind + beg[k - 1],
					val + beg[k - 1]);
		}
	}
	return gw_leave(GW_OK);
}

int gw_set_col_bnds(glp_prob *P, int n, const int *idx, const int *type,
	const double *lb, const double *ub)
{
	GW_TRY(0);
	for (int k = 1; k <= n; k++)
		glp_set_col_bnds(P, idx[k], type[k], lb[k], ub[k]);
	return gw_leave(GW_OK);
}

int gw_set_row_bnds(glp_prob *P, int n, const int *idx, const int *type,
	const double *lb, const double *ub)
{
	GW_TRY(0);
	for (int k = 1; k <= n; k++)
		glp_set_row_bnds(P, idx[k], type[k], lb[k], ub[k]);
	return gw_leave(GW_OK);
}

int gw_set_col_kinds(glp_prob *P, int n, const int *idx, const int *kind)
{
	GW_TRY(0);
	for (int k = 1; k <= n; k++)
		glp_set_col_kind(P, idx[k], kind[k]);
	return gw_leave(GW_OK);
}

int gw_set_mat_row(glp_prob *P, int i, int len, const int *ind,
	const double *val)
{
	GW_TRY(0);
	glp_set_mat_row(P, i, len, ind, val);
	return gw_leave(GW_OK);
}

int gw_set_mat_col(glp_prob *P, int j, int len, const int *ind,
	const double *val)
{
	GW_TRY(0);
	glp_set_mat_col(P, j, len, ind, val);
	return gw_leave(GW_OK);
}

int gw_load_matrix(glp_prob *P, int ne, const int *ia, const int *ja,
	const double *ar)
{
	GW_TRY(0);
	glp_load_matrix(P, ne, ia, ja, ar);
	return gw_leave(GW_OK);
}

int gw_simplex(glp_prob *P, const gw_smcp *o, gw_lp_out *out)
{
	GW_TRY(o->writer);
	glp_smcp parm;
	glp_init_smcp(&parm);
	parm.msg_lev = o->msg_lev;
	parm.meth = o->meth;
	parm.presolve = o->presolve ? GLP_ON : GLP_OFF;
	parm.it_lim = o->it_lim;
	parm.tm_lim = o->tm_lim;
	if (o->long_step)
		parm.r_test = GLP_RT_FLIP;
	int it0 = glp_get_it_cnt(P);
	out->ret = glp_simplex(P, &parm);
	out->status = glp_get_status(P);
	out->it_cnt = glp_get_it_cnt(P) - it0;
	out->obj = glp_get_obj_val(P);
	return gw_leave(GW_OK);
}

int gw_interior(glp_prob *P, int msg_lev, uintptr_t writer, gw_lp_out *out)
{
	GW_TRY(writer);
	glp_iptcp parm;
	glp_init_iptcp(&parm);
	parm.msg_lev = msg_lev;
	out->ret = glp_interior(P, &parm);
	out->status = glp_ipt_status(P);
	out->it_cnt = 0;
	out->obj = glp_ipt_obj_val(P);
	return gw_leave(GW_OK);
}

static void gw_record_bound(glp_tree *T)
{
	int p = glp_ios_best_node(T);
	if (p == 0)
		return;
	double b = glp_ios_node_bound(T, p);
	// With presolve the tree solves a transformed problem that GLPK
	// always turns into a minimization.
	gw_tree_dir = glp_get_obj_dir(glp_ios_get_prob(T));
	if (!gw_have_bound ||
	    (gw_tree_dir == GLP_MIN ? b > gw_bound : b < gw_bound)) {
		gw_bound = b;
		gw_have_bound = 1;
	}
}

// gw_mip_cb records the best local bound among active nodes. At
// GLP_ISELECT the active list is the whole open part of the tree, so that
// bound is a valid global bound; bounds only tighten as the search goes
// on, so the tightest one seen is still valid when the search stops.
//
// It also does the relative gap test in place of GLPK (which gets
// mip_gap = 0): GLP_IPREPRO comes right after the spot where GLPK would
// test, and stopping from here lets us record the very bound that met the
// tolerance. GLPK's own test would stop one step later than our last
// recording, with a possibly tighter bound we could not see.
//
// The node limit is tested at GLP_ISELECT too: a search stopped after a
// count of subproblems, unlike one stopped by the clock, ends at the same
// place on every run and on every machine.
static void gw_mip_cb(glp_tree *T, void *info)
{
	(void)info;
	switch (glp_ios_reason(T)) {
	case GLP_ISELECT:
		gw_record_bound(T);
		int a_cnt, n_cnt;
		glp_ios_tree_size(T, &a_cnt, &n_cnt, &gw_nodes);
		if (gw_node_lim > 0 && gw_nodes >= gw_node_lim)
			glp_ios_terminate(T);
		break;
	case GLP_IBINGO:
		gw_record_bound(T);
		break;
	case GLP_IHEUR:
		// The caller's solution becomes the first incumbent, so the
		// search prunes against it from the root on.
		if (gw_start != NULL) {
			glp_ios_heur_sol(T, gw_start);
			gw_start = NULL;
		}
		break;
	case GLP_IPREPRO:
		if (gw_gap > 0 && glp_ios_mip_gap(T) <= gw_gap) {
			gw_record_bound(T);
			gw_gap_hit = 1;
			glp_ios_terminate(T);
		}
		break;
	}
}

int gw_intopt(glp_prob *P, const gw_iocp *o, gw_mip_out *out)
{
	GW_TRY(o->writer);
	glp_iocp parm;
	glp_init_iocp(&parm);
	parm.msg_lev = o->msg_lev;
	parm.presolve = o->presolve ? GLP_ON : GLP_OFF;
	parm.mip_gap = 0; // tested in gw_mip_cb instead
	gw_gap = o->mip_gap;
	gw_gap_hit = 0;
	gw_node_lim = o->node_lim;
	gw_nodes = 0;
	gw_start = o->start;
	if (o->cuts) {
		parm.mir_cuts = GLP_ON;
		parm.gmi_cuts = GLP_ON;
		parm.cov_cuts = GLP_ON;
		parm.clq_cuts = GLP_ON;
	}
	if (o->pump)
		parm.fp_heur = GLP_ON;
	if (o->pseudocost)
		parm.br_tech = GLP_BR_PCH;
	parm.cb_func = gw_mip_cb;
	gw_have_bound = 0;
	gw_bound = 0;
	out->dir = glp_get_obj_dir(P);
	gw_tree_dir = out->dir;
	int tm = o->tm_lim;
	if (!o->presolve) {
		// Without presolve glp_intopt needs an optimal relaxation. Solve
		// it even if a stale "optimal" status is set: from an optimal
		// basis this costs no iterations.
		double start = glp_time();
		glp_smcp sp;
		glp_init_smcp(&sp);
		sp.msg_lev = o->msg_lev;
		sp.meth = GLP_DUALP;
		sp.tm_lim = tm;
		int r = glp_simplex(P, &sp);
		int st = glp_get_status(P);
		if (r != 0 || st != GLP_OPT) {
			// Mirror what glp_intopt reports with presolve on.
			if (r != 0)
				out->ret = r;
			else if (st == GLP_NOFEAS)
				out->ret = GLP_ENOPFS;
			else if (st == GLP_UNBND)
				out->ret = GLP_ENODFS;
			else
				out->ret = GLP_EROOT;
			out->status = (r == 0 && st == GLP_NOFEAS) ? GLP_NOFEAS
								  : GLP_UNDEF;
			out->obj = 0;
			return gw_leave(GW_OK);
		}
		if (tm != INT_MAX) {
			tm -= (int)(glp_time() - start);
			if (tm < 1)
				tm = 1;
		}
	}
	parm.tm_lim = tm;
	out->ret = glp_intopt(P, &parm);
	gw_start = NULL;
	if (out->ret == GLP_ESTOP && gw_gap_hit)
		out->ret = GLP_EMIPGAP;
	out->status = glp_mip_status(P);
	out->obj = glp_mip_obj_val(P);
	out->nodes = gw_nodes;
	out->have_bound = gw_have_bound;
	out->bound = gw_bound;
	if (gw_have_bound && gw_tree_dir != out->dir)
		out->bound = -gw_bound;
	return gw_leave(GW_OK);
}

typedef double (*gw_getter)(glp_prob *, int);

int gw_get_vals(glp_prob *P, int sol, int what, double *out, int n)
{
	GW_TRY(0);
	gw_getter f = NULL;
	switch (sol) {
	case GLP_SOL:
		f = what == GW_COL_PRIM ? glp_get_col_prim
		  : what == GW_COL_DUAL ? glp_get_col_dual
		  : what == GW_ROW_PRIM ? glp_get_row_prim
		  : glp_get_row_dual;
		break;
	case GLP_IPT:
		f = what == GW_COL_PRIM ? glp_ipt_col_prim
		  : what == GW_COL_DUAL ? glp_ipt_col_dual
		  : what == GW_ROW_PRIM ? glp_ipt_row_prim
		  : glp_ipt_row_dual;
		break;
	default:
		f = what == GW_COL_PRIM ? glp_mip_col_val : glp_mip_row_val;
	}
	for (int k = 1; k <= n; k++)
		out[k - 1] = f(P, k);
	return gw_leave(GW_OK);
}

int gw_get_obj(glp_prob *P, int sol, double *out)
{
	GW_TRY(0);
	*out = sol == GLP_SOL ? glp_get_obj_val(P)
	     : sol == GLP_IPT ? glp_ipt_obj_val(P)
	     : glp_mip_obj_val(P);
	return gw_leave(GW_OK);
}

int gw_write_lp(glp_prob *P, const char *fname, int *ret)
{
	GW_TRY(0);
	*ret = glp_write_lp(P, NULL, fname);
	return gw_leave(GW_OK);
}

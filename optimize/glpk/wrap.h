// C side of the Go binding to GLPK. Only declarations live here because
// callback.go includes this header in a preamble that also has //export.
//
// Every gw_* function that calls into GLPK arms a thread-local jmp_buf
// first; GLPK's error hook longjmps back to it, the wrapper frees the
// thread's GLPK environment and returns GW_FATAL. The longjmp never leaves
// the C frames of the current cgo call.
//
// Array arguments follow GLPK's convention: they are 1-based, element 0 is
// unused, unless a comment says otherwise.

#ifndef PEAKPLAN_GLPK_WRAP_H
#define PEAKPLAN_GLPK_WRAP_H

#include <stdint.h>
#include <glpk.h>

#define GW_OK 0
#define GW_FATAL (-1)

// What a bulk getter reads.
enum {
	GW_COL_PRIM = 1,
	GW_COL_DUAL,
	GW_ROW_PRIM,
	GW_ROW_DUAL,
};

typedef struct {
	int msg_lev;
	int meth;
	int presolve;
	int it_lim;
	int tm_lim;
	int long_step; // the long-step (bound flipping) ratio test
	uintptr_t writer; // cgo.Handle of an io.Writer for verbose output, or 0
} gw_smcp;

typedef struct {
	int ret;     // glp_simplex / glp_interior return code
	int status;  // glp_get_status / glp_ipt_status afterwards
	int it_cnt;  // simplex iterations spent in this call
	double obj;  // objective value of that solution
} gw_lp_out;

typedef struct {
	int msg_lev;
	int presolve;
	int tm_lim;
	int node_lim; // subproblems the search may create, 0 for none
	double mip_gap;
	int cuts;
	int pump;       // the feasibility pump heuristic
	int pseudocost; // branching by pseudocosts
	const double *start; // 1-based column values of a known solution, or NULL
	uintptr_t writer;
} gw_iocp;

typedef struct {
	int ret;        // glp_intopt return code (or relaxation code, see wrap.c)
	int status;     // glp_mip_status afterwards
	double obj;     // glp_mip_obj_val
	int dir;        // GLP_MIN or GLP_MAX
	int nodes;      // subproblems the search created
	int have_bound; // 1 if the callback saw an active node
	double bound;   // best global bound seen by the callback
} gw_mip_out;

int gw_create(glp_prob **out);
int gw_delete(glp_prob *P);
void gw_free_env(void);
const char *gw_output(int *len);

int gw_set_obj_dir(glp_prob *P, int dir);
int gw_set_obj_coefs(glp_prob *P, int n, const int *ind, const double *val);

int gw_add_cols(glp_prob *P, int n, const int *type, const double *lb,
	const double *ub, const double *obj, const int *kind,
	const char *names, const int *name_off);
int gw_add_rows(glp_prob *P, int n, const int *type, const double *lb,
	const double *ub, const char *names, const int *name_off,
	const int *beg, const int *ind, const double *val);

int gw_set_col_bnds(glp_prob *P, int n, const int *idx, const int *type,
	const double *lb, const double *ub);
int gw_set_row_bnds(glp_prob *P, int n, const int *idx, const int *type,
	const double *lb, const double *ub);
int gw_set_col_kinds(glp_prob *P, int n, const int *idx, const int *kind);

int gw_set_mat_row(glp_prob *P, int i, int len, const int *ind,
	const double *val);
int gw_set_mat_col(glp_prob *P, int j, int len, const int *ind,
	const double *val);
int gw_load_matrix(glp_prob *P, int ne, const int *ia, const int *ja,
	const double *ar);

int gw_simplex(glp_prob *P, const gw_smcp *o, gw_lp_out *out);
int gw_interior(glp_prob *P, int msg_lev, uintptr_t writer, gw_lp_out *out);
int gw_intopt(glp_prob *P, const gw_iocp *o, gw_mip_out *out);

// out is 0-based here: out[k-1] receives the value of row/column k.
int gw_get_vals(glp_prob *P, int sol, int what, double *out, int n);
int gw_get_obj(glp_prob *P, int sol, double *out);

int gw_write_lp(glp_prob *P, const char *fname, int *ret);

#endif

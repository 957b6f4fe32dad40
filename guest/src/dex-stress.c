// SPDX-License-Identifier: GPL-2.0
/*
 * dex-stress: race device-exclusive entries against the rest of the MM.
 *
 * Worker threads share one private anonymous buffer (THP-aligned, so THP
 * "always" backs it with PMD-mapped THPs) and run random operations on
 * random page ranges:
 *
 *   - device-exclusive access through test_hmm (HMM_DMIRROR_EXCLUSIVE),
 *     then CPU reads, CPU writes, device writes or mprotect RO->RW before
 *     a CPU write, each followed by HMM_DMIRROR_CHECK_EXCLUSIVE;
 *   - device reads and writes (HMM_DMIRROR_READ/WRITE);
 *   - CPU reads and writes, locked and lockless;
 *   - fork: the child checks its copy-on-write view of the buffer, makes
 *     pages of it device-exclusive through its own /dev/hmm_dmirror0,
 *     writes, discards and pages out privately, and checks again;
 *   - munmap + mmap, mmap(MAP_FIXED) over the range, mprotect flips,
 *     MADV_DONTNEED (also of single subpages of a THP, to split it);
 *   - MADV_PAGEOUT to the swap device, move_pages() between NUMA nodes,
 *     MADV_MERGEABLE/UNMERGEABLE with ksmd running, MADV_COLLAPSE.
 *
 * Every page is filled with a pattern derived from a 64-bit stamp that
 * names the last writer (kind, thread, sequence number); a page that was
 * discarded must read as zeroes. Each page has an expected stamp, a mutex
 * and a sequence count (struct page_state). Whoever changes the contents
 * of a page (a CPU or device write, MADV_DONTNEED, a remap) holds its
 * mutex and bumps the sequence count around the change and the update of
 * the expected stamp, so locked readers compare directly and lockless
 * readers compare when the count did not move (a seqlock). Operations that
 * must not change contents (device-exclusive conversion, migration,
 * pageout, KSM, collapse, mprotect) run without the page locks where they
 * can, so that they race with everything else; any mismatch is a kernel
 * bug.
 *
 * Two rwlocks keep the bookkeeping exact across whole-process events:
 * fork_lock is taken for writing around fork() and for reading by every
 * content change, so a child's copy of the bookkeeping describes its copy
 * of the buffer; map_lock is taken for reading by every access to the
 * buffer and for writing by munmap + mmap, which leaves a hole for a
 * moment. Lock order: map_lock, fork_lock, page locks in ascending order.
 *
 * Configuration (command line options override the environment):
 *   -s, DEX_STRESS_SECONDS     guest seconds to run (60)
 *   -S, DEX_STRESS_SEED        seed (time-based; printed as "# seed=N")
 *   -n, DEX_STRESS_ITERATIONS  cap on the number of operations (1e9)
 *   -t, DEX_STRESS_THREADS     worker threads (4)
 *   -m, DEX_STRESS_MB          buffer size in MiB, a multiple of the THP size (8)
 *   -x, DEX_STRESS_EXCLUDE     operations not to run, comma-separated names
 *                              (e.g. migrate,ksm): to tell which one a kernel
 *                              failure needs; their tests are then skipped
 *   -F, DEX_STRESS_FAIL=1      fault injection: each worker thread sets its
 *                              /proc/thread-self/make-it-fail as it starts,
 *                              so that failslab and fail_page_alloc (with
 *                              task-filter, guest/bin/failinject) fail some
 *                              of the allocations of the operations, and
 *                              none of the set-up's; the errors of failed
 *                              allocations count as clean (op_error()), and
 *                              a last test checks that no folio lock or
 *                              reference leaked (final_leak_check())
 *   DEX_STRESS_PIN_PAGE=1      with -F: that check's control, a page that a
 *                              pipe keeps a reference to (it must fail)
 * The seed fixes each thread's sequence of operations and ranges; the
 * interleaving of threads is up to the scheduler and is not replayed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest.h"
#include "test_hmm_uapi.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE	25
#endif
#ifndef MPOL_MF_MOVE
#define MPOL_MF_MOVE	2
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE	0x100000
#endif

typedef __u64 u64;

#define MAX_THREADS	32
#define MAX_DEVICES	2
/* Lines of detail (errors, mismatches) printed; the counters go on. */
#define MAX_DETAIL	40
#define GOLDEN		0x9e3779b97f4a7c15ULL
#define STAMP_MAGIC	0xde5aULL

enum op {
	OP_CPU_WRITE,
	OP_CPU_READ,
	OP_LOCKLESS_READ,
	OP_DEV_WRITE,
	OP_DEV_READ,
	OP_EXCLUSIVE,
	OP_FORK,
	OP_REMAP,
	OP_MPROTECT,
	OP_DONTNEED,
	OP_PAGEOUT,
	OP_MIGRATE,
	OP_KSM,
	OP_COLLAPSE,
	OP_SPLIT,
	OP_NR
};

static const char *const op_name[OP_NR] = {
	[OP_CPU_WRITE] = "cpu_write",
	[OP_CPU_READ] = "cpu_read",
	[OP_LOCKLESS_READ] = "lockless_read",
	[OP_DEV_WRITE] = "dev_write",
	[OP_DEV_READ] = "dev_read",
	[OP_EXCLUSIVE] = "exclusive",
	[OP_FORK] = "fork",
	[OP_REMAP] = "remap",
	[OP_MPROTECT] = "mprotect",
	[OP_DONTNEED] = "dontneed",
	[OP_PAGEOUT] = "pageout",
	[OP_MIGRATE] = "migrate",
	[OP_KSM] = "ksm",
	[OP_COLLAPSE] = "collapse",
	[OP_SPLIT] = "split",
};

/* Relative weights of the operations; 0 for a missing capability. */
static unsigned int op_weight[OP_NR] = {
	[OP_CPU_WRITE] = 14,
	[OP_CPU_READ] = 8,
	[OP_LOCKLESS_READ] = 10,
	[OP_DEV_WRITE] = 6,
	[OP_DEV_READ] = 6,
	[OP_EXCLUSIVE] = 18,
	[OP_FORK] = 2,
	[OP_REMAP] = 1,
	[OP_MPROTECT] = 3,
	[OP_DONTNEED] = 3,
	[OP_PAGEOUT] = 5,
	[OP_MIGRATE] = 6,
	[OP_KSM] = 2,
	[OP_COLLAPSE] = 3,
	[OP_SPLIT] = 3,
};

/* Who wrote a page last: bits 47..44 of its stamp. */
enum writer_kind {
	WK_INIT = 1,
	WK_CPU,
	WK_DEV,
	WK_KSM,		/* CPU write of a pattern shared by many pages */
	WK_CHILD,
};

static const char *const kind_name[] = {
	[WK_INIT] = "init", [WK_CPU] = "cpu", [WK_DEV] = "device",
	[WK_KSM] = "cpu-ksm", [WK_CHILD] = "child",
};

/**
 * struct stats - counters of all threads and children
 *
 * In a MAP_SHARED mapping so that forked children add to them too; only
 * updated with atomic adds.
 */
struct stats {
	u64 ops;
	u64 count[OP_NR];
	u64 errors[OP_NR];
	u64 injected[OP_NR];	/* -F: clean errors of failed allocations */
	u64 mismatches;		/* seen in the parent */
	u64 child_mismatches;	/* seen by forked children in their view */
	u64 child_ops;
	u64 fork_enomem;	/* fork() refused: see op_fork() */
	u64 excl_pages;		/* pages made device-exclusive */
	u64 excl_enoent;	/* read-back raced with an invalidation */
	u64 excl_checks;	/* CHECK_EXCLUSIVE after a CPU/device access */
	u64 dev_busy;		/* hmm_range_fault() timed out (-EBUSY) */
	u64 lockless_retry;	/* lockless read raced with a writer */
	u64 migrate_moved;	/* pages on the target node afterwards */
	u64 migrate_busy;	/* -EBUSY, -EAGAIN, -ENOMEM, not migrated */
	u64 migrate_skipped;	/* -ENOENT, -EFAULT, -EACCES */
	u64 collapse_ok;
	u64 collapse_failed;	/* -EAGAIN, -EBUSY, -EINVAL, -ENOMEM */
	u64 detail;
};

/**
 * struct page_state - bookkeeping of one page of the buffer
 * @lock: held by whoever changes or compares the page's contents
 * @seq: odd while the contents change, for lockless readers
 * @expected: stamp of the last writer, 0 once the page was discarded
 *
 * Private memory: a forked child gets a copy that matches its copy of the
 * buffer (fork_lock), and uses it without the locks, being single-threaded.
 */
struct page_state {
	pthread_mutex_t lock;
	unsigned int seq;
	u64 expected;
};

/**
 * struct worker - one thread's state
 * @bounce: device reads and writes go through it (one THP worth)
 * @mp_pages, @mp_nodes, @mp_status: move_pages() arguments
 */
struct worker {
	int id;
	pthread_t thread;
	u64 rng;
	u64 seq;
	char *bounce;
	void **mp_pages;
	int *mp_nodes;
	int *mp_status;
};

static struct {
	unsigned long seconds;
	unsigned long long seed;
	unsigned long long iterations;
	int threads;
	unsigned long mib;
	bool make_it_fail;
} cfg = {
	.seconds = 60,
	.iterations = 1000000000ULL,
	.threads = 4,
	.mib = 8,
};

static unsigned long page_size, thp_size, words, chunk_pages;
static unsigned long npages, nchunks;
static char *buf;
static struct page_state *ps;
static struct stats *S;
static pthread_rwlock_t map_lock, fork_lock;
static int dev_fd[MAX_DEVICES] = { -1, -1 };
static int ndevs;
static int nnodes = 1;
static bool have_swap, have_ksm, have_thp, have_collapse;
static const char *no_collapse = "";
static bool excluded[OP_NR];
static int stop;		/* set once: time is up or enough operations */
static bool in_child;

/* Maxima sampled by the main thread while the workers run. */
static unsigned long max_thp_kb, max_swap_kb, max_ksm_sharing;
static u64 pagemap_reads, pagemap_errors;

static inline void add(u64 *counter, u64 v)
{
	__atomic_fetch_add(counter, v, __ATOMIC_RELAXED);
}

static inline u64 get(u64 *counter)
{
	return __atomic_load_n(counter, __ATOMIC_RELAXED);
}

/*
 * One line of TAP diagnostic with a single write(): threads and forked
 * children print at the same time, and a child of a multi-threaded
 * process must not take stdio's locks.
 */
static __printf(1, 2) void say(const char *fmt, ...)
{
	char line[512] = "# ";
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line + 2, sizeof(line) - 3, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	n += 2;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	if (line[n - 1] != '\n')
		line[n++] = '\n';
	if (write(STDOUT_FILENO, line, n) < 0)
		return;
}

#define detail(fmt, ...)						\
	do {								\
		if (__atomic_fetch_add(&S->detail, 1, __ATOMIC_RELAXED) < MAX_DETAIL) \
			say(fmt, ##__VA_ARGS__);			\
	} while (0)

/*
 * mprotect() back to read-write. Under fault injection (-F) it may fail
 * for memory (a VMA split or merge): the range would stay read-only and
 * the next CPU write to it would end the run with SIGSEGV, so retry; the
 * failures are random, so a retry soon gets through.
 */
static int mprotect_rw(void *addr, size_t len, int prot)
{
	int i, ret;

	for (i = 0; i < 1000; i++) {
		ret = mprotect(addr, len, prot);
		if (!ret || errno != ENOMEM || !cfg.make_it_fail)
			break;
	}
	return ret;
}

/*
 * An unexpected error of @op; in a child it is the fork test's. Under
 * fault injection (-F) an allocation that failed ends a system call with
 * -ENOMEM, or -EFAULT where the kernel could not fault in a user page
 * (copy_to_user(), hmm_range_fault()), or the -EBUSY and -EAGAIN of what
 * it could not isolate or lock just then: clean errors, counted apart.
 */
static void op_error(enum op op, const char *what, int err)
{
	if (in_child)
		op = OP_FORK;
	if (cfg.make_it_fail &&
	    (err == ENOMEM || err == EFAULT || err == EBUSY || err == EAGAIN)) {
		add(&S->injected[op], 1);
		return;
	}
	add(&S->errors[op], 1);
	detail("error: %s%s: %s: %s", in_child ? "child " : "", op_name[op],
	       what, strerror(err));
}

static u64 splitmix64(u64 *x)
{
	u64 z = (*x += GOLDEN);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static u64 rnd(struct worker *w)
{
	return splitmix64(&w->rng);
}

static unsigned long rnd_below(struct worker *w, unsigned long n)
{
	return n ? rnd(w) % n : 0;
}

static u64 make_stamp(int kind, int who, u64 seq)
{
	return STAMP_MAGIC << 48 | (u64)kind << 44 | (u64)(who & 0xff) << 36 |
	       (seq & ((1ULL << 36) - 1));
}

static u64 next_stamp(struct worker *w, int kind)
{
	/* Few distinct KSM patterns, so that ksmd finds identical pages. */
	if (kind == WK_KSM)
		return make_stamp(kind, w->id, rnd_below(w, 4));
	return make_stamp(kind, w->id, ++w->seq);
}

static void describe(u64 v, char *s, size_t len)
{
	unsigned int kind = (v >> 44) & 0xf;

	if (!v)
		snprintf(s, len, "zero");
	else if (v >> 48 != STAMP_MAGIC || !kind || kind > WK_CHILD)
		snprintf(s, len, "not a stamp");
	else
		snprintf(s, len, "%s writer %llu #%llu", kind_name[kind],
			 (v >> 36) & 0xff, v & ((1ULL << 36) - 1));
}

/* Word @i of a page written with @stamp; a discarded page is all zeroes. */
static inline u64 pattern(u64 stamp, unsigned long i)
{
	return stamp ? stamp ^ (i * GOLDEN) : 0;
}

static inline char *page_addr(unsigned long p)
{
	return buf + p * page_size;
}

static void fill_page(void *pg, u64 stamp)
{
	u64 *w = pg;
	unsigned long i;

	for (i = 0; i < words; i++)
		w[i] = pattern(stamp, i);
}

/* Index of the first word of @pg that is not @stamp's pattern, or -1. */
static long check_page(const void *pg, u64 stamp, u64 *found)
{
	const u64 *w = pg;
	unsigned long i;

	for (i = 0; i < words; i++) {
		/* Other threads and the kernel may change the page meanwhile. */
		u64 v = __atomic_load_n(&w[i], __ATOMIC_RELAXED);

		if (v != pattern(stamp, i)) {
			*found = v;
			return i;
		}
	}
	return -1;
}

static void mismatch(const char *how, unsigned long p, long word, u64 exp,
		     u64 found)
{
	char e[64], f[64];

	add(in_child ? &S->child_mismatches : &S->mismatches, 1);
	describe(exp, e, sizeof(e));
	describe(found, f, sizeof(f));
	detail("MISMATCH%s (%s): page %lu word %ld: expected %#llx (%s), found %#llx (%s)",
	       in_child ? " in child" : "", how, p, word, exp, e, found, f);
}

/* Compare @n pages at @data with the expected stamps of pages @first... */
static void verify(const char *how, const char *data, unsigned long first,
		   unsigned long n)
{
	unsigned long p;
	long bad;
	u64 found;

	for (p = first; p < first + n; p++) {
		u64 exp = ps[p].expected;

		bad = check_page(data + (p - first) * page_size, exp, &found);
		if (bad >= 0)
			mismatch(how, p, bad, exp, found);
	}
}

static void lock_pages(unsigned long first, unsigned long n)
{
	unsigned long p;

	for (p = first; p < first + n; p++)
		pthread_mutex_lock(&ps[p].lock);
}

static void unlock_pages(unsigned long first, unsigned long n)
{
	unsigned long p;

	for (p = first; p < first + n; p++)
		pthread_mutex_unlock(&ps[p].lock);
}

/*
 * Writer side of the seqlock: between change_begin() and change_end() of
 * a page (both under its lock) its contents and expected stamp change.
 */
static void change_begin(unsigned long first, unsigned long n)
{
	unsigned long p;

	for (p = first; p < first + n; p++)
		__atomic_store_n(&ps[p].seq, ps[p].seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static void change_end(unsigned long first, unsigned long n)
{
	unsigned long p;

	for (p = first; p < first + n; p++)
		__atomic_store_n(&ps[p].seq, ps[p].seq + 1, __ATOMIC_RELEASE);
}

static void set_expected(unsigned long p, u64 stamp)
{
	__atomic_store_n(&ps[p].expected, stamp, __ATOMIC_RELAXED);
}

/* Lock pairs taken by operations that change page contents. */
static void content_lock(unsigned long first, unsigned long n)
{
	pthread_rwlock_rdlock(&map_lock);
	pthread_rwlock_rdlock(&fork_lock);
	lock_pages(first, n);
}

static void content_unlock(unsigned long first, unsigned long n)
{
	unlock_pages(first, n);
	pthread_rwlock_unlock(&fork_lock);
	pthread_rwlock_unlock(&map_lock);
}

/*
 * A random range of at most @max pages; one in four starts near a THP
 * boundary or spans one, so that partial-THP operations split THPs.
 */
static void pick_range(struct worker *w, unsigned long max,
		       unsigned long *first, unsigned long *n)
{
	unsigned long len = 1 + rnd_below(w, max);
	unsigned long start;

	if (!rnd_below(w, 4)) {
		unsigned long edge = (1 + rnd_below(w, nchunks)) * chunk_pages;
		unsigned long back = rnd_below(w, len + 1);

		start = edge > back ? edge - back : 0;
	} else {
		start = rnd_below(w, npages);
	}
	if (start >= npages)
		start = npages - 1;
	if (start + len > npages)
		len = npages - start;
	*first = start;
	*n = len;
}

static void pick_chunk(struct worker *w, unsigned long *first,
		       unsigned long *n)
{
	*first = rnd_below(w, nchunks) * chunk_pages;
	*n = chunk_pages;
}

/* An HMM_DMIRROR_* ioctl on @n pages at page @first: 0 or -errno. */
static int dmirror(int fd, unsigned long req, unsigned long first,
		   unsigned long n, void *ptr)
{
	struct hmm_dmirror_cmd cmd = {
		.addr = (uintptr_t)page_addr(first),
		.ptr = (uintptr_t)ptr,
		.npages = n,
	};

	while (ioctl(fd, req, &cmd)) {
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

static void cpu_write(struct worker *w, int kind, unsigned long first,
		      unsigned long n)
{
	u64 stamp = next_stamp(w, kind);
	unsigned long p;

	change_begin(first, n);
	for (p = first; p < first + n; p++) {
		if (kind != WK_KSM)
			stamp = next_stamp(w, kind);
		fill_page(page_addr(p), stamp);
		set_expected(p, stamp);
	}
	change_end(first, n);
}

static void op_cpu_write(struct worker *w)
{
	unsigned long first, n;
	int kind = have_ksm && !rnd_below(w, 3) ? WK_KSM : WK_CPU;

	pick_range(w, 64, &first, &n);
	content_lock(first, n);
	cpu_write(w, kind, first, n);
	content_unlock(first, n);
}

static void op_cpu_read(struct worker *w)
{
	unsigned long first, n;

	pick_range(w, 64, &first, &n);
	pthread_rwlock_rdlock(&map_lock);
	lock_pages(first, n);
	verify("cpu read", page_addr(first), first, n);
	unlock_pages(first, n);
	pthread_rwlock_unlock(&map_lock);
}

/* Reader side of the seqlock: no page lock, so it meets every operation. */
static void op_lockless_read(struct worker *w)
{
	unsigned long first, n, p;

	pick_range(w, 8, &first, &n);
	pthread_rwlock_rdlock(&map_lock);
	for (p = first; p < first + n; p++) {
		unsigned int s1, s2;
		long bad;
		u64 exp, found;

		s1 = __atomic_load_n(&ps[p].seq, __ATOMIC_ACQUIRE);
		exp = __atomic_load_n(&ps[p].expected, __ATOMIC_RELAXED);
		bad = check_page(page_addr(p), exp, &found);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = __atomic_load_n(&ps[p].seq, __ATOMIC_RELAXED);
		if ((s1 & 1) || s1 != s2)
			add(&S->lockless_retry, 1);
		else if (bad >= 0)
			mismatch("lockless read", p, bad, exp, found);
	}
	pthread_rwlock_unlock(&map_lock);
}

/*
 * A device write that failed half-way leaves each page with its old or
 * its new contents (the ioctl does not say how many pages it wrote):
 * settle the expected stamp on whichever the page holds.
 */
static void settle(const char *how, unsigned long p, u64 old, u64 new)
{
	u64 found;
	long bad;

	if (check_page(page_addr(p), new, &found) < 0) {
		set_expected(p, new);
		return;
	}
	bad = check_page(page_addr(p), old, &found);
	if (bad >= 0)
		mismatch(how, p, bad, old, found);
}

static void dev_write(struct worker *w, int fd, unsigned long first,
		      unsigned long n)
{
	unsigned long p;
	int ret;

	for (p = first; p < first + n; p++)
		fill_page(w->bounce + (p - first) * page_size,
			  next_stamp(w, WK_DEV));
	change_begin(first, n);
	ret = dmirror(fd, HMM_DMIRROR_WRITE, first, n, w->bounce);
	for (p = first; p < first + n; p++) {
		u64 new = *(u64 *)(w->bounce + (p - first) * page_size);

		if (!ret)
			set_expected(p, new);
		else
			settle("device write failed", p, ps[p].expected, new);
	}
	change_end(first, n);
	/*
	 * -EBUSY: hmm_range_fault() kept being invalidated for a second
	 * (HMM_RANGE_DEFAULT_TIMEOUT), which the other threads can cause
	 * under TCG; anything else is unexpected.
	 */
	if (ret == -EBUSY)
		add(&S->dev_busy, 1);
	else if (ret)
		op_error(OP_DEV_WRITE, "HMM_DMIRROR_WRITE", -ret);
}

static int pick_fd(struct worker *w)
{
	return dev_fd[rnd_below(w, ndevs)];
}

static void op_dev_write(struct worker *w)
{
	unsigned long first, n;

	pick_range(w, 16, &first, &n);
	content_lock(first, n);
	dev_write(w, pick_fd(w), first, n);
	content_unlock(first, n);
}

static void op_dev_read(struct worker *w)
{
	unsigned long first, n;
	int ret;

	pick_range(w, 16, &first, &n);
	pthread_rwlock_rdlock(&map_lock);
	lock_pages(first, n);
	ret = dmirror(pick_fd(w), HMM_DMIRROR_READ, first, n, w->bounce);
	if (!ret)
		verify("device read", w->bounce, first, n);
	else if (ret == -EBUSY)	/* as in dev_write() */
		add(&S->dev_busy, 1);
	else
		op_error(OP_DEV_READ, "HMM_DMIRROR_READ", -ret);
	unlock_pages(first, n);
	pthread_rwlock_unlock(&map_lock);
}

/*
 * Make pages device-exclusive and check what the device read. The caller
 * holds the page locks, so the contents cannot change meanwhile.
 */
static int make_exclusive(int fd, unsigned long first, unsigned long n,
			  char *bounce)
{
	int ret = dmirror(fd, HMM_DMIRROR_EXCLUSIVE, first, n, bounce);

	if (!ret) {
		add(&S->excl_pages, n);
		verify("device-exclusive read-back", bounce, first, n);
	} else if (ret == -ENOENT) {
		/*
		 * test_hmm maps the pages for atomic access and then reads
		 * them back through its page table: an invalidation in
		 * between (a lockless reader's fault, khugepaged, a collapse
		 * of the THP around them) leaves nothing to read.
		 */
		add(&S->excl_enoent, 1);
	} else {
		/* -EBUSY here is the PTE-mapped THP bug of 6.12. */
		op_error(OP_EXCLUSIVE, "HMM_DMIRROR_EXCLUSIVE", -ret);
	}
	return ret;
}

/* After a CPU or device access, the device must have lost atomic access. */
static void check_not_exclusive(int fd, unsigned long first, unsigned long n)
{
	int ret = dmirror(fd, HMM_DMIRROR_CHECK_EXCLUSIVE, first, n, NULL);

	add(&S->excl_checks, 1);
	if (ret)
		op_error(OP_EXCLUSIVE, "CHECK_EXCLUSIVE after access", -ret);
}

static void op_exclusive(struct worker *w)
{
	unsigned long first, n;
	int fd = pick_fd(w);

	if (!rnd_below(w, 10))
		pick_chunk(w, &first, &n);
	else
		pick_range(w, 16, &first, &n);
	content_lock(first, n);
	make_exclusive(fd, first, n, w->bounce);

	switch (rnd_below(w, 6)) {
	case 0:
	case 1:
		/* Leave the entries to fork, reclaim, migration, KSM, ... */
		break;
	case 2:
		verify("cpu read of device-exclusive", page_addr(first), first, n);
		check_not_exclusive(fd, first, n);
		break;
	case 3:
		cpu_write(w, WK_CPU, first, n);
		check_not_exclusive(fd, first, n);
		break;
	case 4:
		dev_write(w, fd, first, n);
		check_not_exclusive(fd, first, n);
		break;
	case 5:
		/*
		 * The entries go read-only and back: restoring them must
		 * neither lose data nor leave a write fault unhandled.
		 */
		if (mprotect(page_addr(first), n * page_size, PROT_READ))
			op_error(OP_EXCLUSIVE, "mprotect(PROT_READ)", errno);
		verify("cpu read of read-only device-exclusive",
		       page_addr(first), first, n);
		if (mprotect_rw(page_addr(first), n * page_size,
			     PROT_READ | PROT_WRITE))
			op_error(OP_EXCLUSIVE, "mprotect(PROT_READ|PROT_WRITE)", errno);
		cpu_write(w, WK_CPU, first, n);
		check_not_exclusive(fd, first, n);
		break;
	}
	content_unlock(first, n);
}

static void discard(unsigned long first, unsigned long n, enum op op)
{
	unsigned long p;

	change_begin(first, n);
	if (madvise(page_addr(first), n * page_size, MADV_DONTNEED))
		op_error(op, "MADV_DONTNEED", errno);
	for (p = first; p < first + n; p++)
		set_expected(p, 0);
	change_end(first, n);
}

static void op_dontneed(struct worker *w)
{
	unsigned long first, n;

	if (!rnd_below(w, 8))
		pick_chunk(w, &first, &n);
	else
		pick_range(w, 64, &first, &n);
	content_lock(first, n);
	discard(first, n, OP_DONTNEED);
	content_unlock(first, n);
}

static void mprotect_flip(unsigned long first, unsigned long n, enum op op)
{
	char *addr = page_addr(first);

	if (mprotect(addr, n * page_size, PROT_READ))
		op_error(op, "mprotect(PROT_READ)", errno);
	verify("cpu read while read-only", addr, first, n);
	if (mprotect_rw(addr, n * page_size, PROT_READ | PROT_WRITE))
		op_error(op, "mprotect(PROT_READ|PROT_WRITE)", errno);
}

/*
 * Under fork_lock too: a child forked in the read-only window would
 * fault writing to its copy.
 */
static void op_mprotect(struct worker *w)
{
	unsigned long first, n;

	pick_range(w, 64, &first, &n);
	content_lock(first, n);
	mprotect_flip(first, n, OP_MPROTECT);
	content_unlock(first, n);
}

/* Remapped anonymous memory is not VM_MERGEABLE: opt it in again. */
static void remerge(unsigned long first, unsigned long n, enum op op)
{
	if (have_ksm && madvise(page_addr(first), n * page_size, MADV_MERGEABLE))
		op_error(op, "MADV_MERGEABLE", errno);
}

static void op_remap(struct worker *w)
{
	unsigned long first, n, p;
	size_t len;
	void *addr;

	pick_range(w, 2 * chunk_pages, &first, &n);
	len = n * page_size;
	if (rnd_below(w, 3)) {
		/* mmap(MAP_FIXED) replaces the range without a hole. */
		content_lock(first, n);
		change_begin(first, n);
		addr = mmap(page_addr(first), len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (addr != page_addr(first))
			op_error(OP_REMAP, "mmap(MAP_FIXED)", errno);
		for (p = first; p < first + n; p++)
			set_expected(p, 0);
		change_end(first, n);
		remerge(first, n, OP_REMAP);
		content_unlock(first, n);
		return;
	}

	/*
	 * munmap + mmap leaves a hole: no other thread may touch the buffer
	 * or map anything (it could land in the hole) meanwhile.
	 */
	pthread_rwlock_wrlock(&map_lock);
	if (munmap(page_addr(first), len))
		op_error(OP_REMAP, "munmap", errno);
	addr = mmap(page_addr(first), len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (addr != page_addr(first)) {
		op_error(OP_REMAP, "mmap(MAP_FIXED_NOREPLACE) into the hole",
			 addr == MAP_FAILED ? errno : EEXIST);
		if (addr != MAP_FAILED)
			munmap(addr, len);
		/* Without the range, the other threads would crash. */
		mmap(page_addr(first), len, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	}
	for (p = first; p < first + n; p++) {
		ps[p].seq += 2;
		ps[p].expected = 0;
	}
	remerge(first, n, OP_REMAP);
	pthread_rwlock_unlock(&map_lock);
}

static void op_pageout(struct worker *w)
{
	unsigned long first, n;

	if (!rnd_below(w, 16)) {
		first = 0;
		n = npages;
	} else if (rnd_below(w, 2)) {
		pick_chunk(w, &first, &n);
	} else {
		pick_range(w, 64, &first, &n);
	}
	pthread_rwlock_rdlock(&map_lock);
	if (madvise(page_addr(first), n * page_size, MADV_PAGEOUT))
		op_error(OP_PAGEOUT, "MADV_PAGEOUT", errno);
	pthread_rwlock_unlock(&map_lock);
}

static void op_migrate(struct worker *w)
{
	unsigned long first, n, i;
	int node = rnd_below(w, nnodes);
	long ret;

	if (rnd_below(w, 2))
		pick_chunk(w, &first, &n);
	else
		pick_range(w, 64, &first, &n);
	for (i = 0; i < n; i++) {
		w->mp_pages[i] = page_addr(first + i);
		w->mp_nodes[i] = node;
		w->mp_status[i] = INT32_MIN;
	}
	pthread_rwlock_rdlock(&map_lock);
	ret = syscall(SYS_move_pages, 0, n, w->mp_pages, w->mp_nodes,
		      w->mp_status, MPOL_MF_MOVE);
	pthread_rwlock_unlock(&map_lock);
	if (ret < 0) {
		/* -ENOMEM: no memory for the target pages just now. */
		if (errno == ENOMEM)
			add(&S->migrate_busy, n);
		else
			op_error(OP_MIGRATE, "move_pages", errno);
		return;
	}
	/* A positive return counts pages that failed to migrate. */
	add(&S->migrate_busy, ret);
	for (i = 0; i < n; i++) {
		int st = w->mp_status[i];

		/* Not set: migration stopped early (counted in ret). */
		if (st == INT32_MIN)
			continue;
		if (st == node) {
			add(&S->migrate_moved, 1);
			continue;
		}
		switch (-st) {
		case EBUSY:	/* not isolated: under migration, reclaim, ... */
		case EAGAIN:
		case ENOMEM:
			add(&S->migrate_busy, 1);
			break;
		/* Not present: discarded, swapped out, device-exclusive. */
		case ENOENT:
		case EFAULT:	/* the zero page, after a read of a hole */
		case EACCES:	/* shared with a forked child */
			add(&S->migrate_skipped, 1);
			break;
		default:
			/* Another node: already there, not to be moved. */
			if (st >= 0)
				break;
			op_error(OP_MIGRATE, "move_pages status", -st);
		}
	}
}

static void op_ksm(struct worker *w)
{
	unsigned long first, n;
	bool merge = rnd_below(w, 5);

	if (rnd_below(w, 2))
		pick_chunk(w, &first, &n);
	else
		pick_range(w, 64, &first, &n);
	pthread_rwlock_rdlock(&map_lock);
	if (madvise(page_addr(first), n * page_size,
		    merge ? MADV_MERGEABLE : MADV_UNMERGEABLE))
		op_error(OP_KSM, merge ? "MADV_MERGEABLE" : "MADV_UNMERGEABLE",
			 errno);
	pthread_rwlock_unlock(&map_lock);
}

static void op_collapse(struct worker *w)
{
	unsigned long first, n;

	pick_chunk(w, &first, &n);
	pthread_rwlock_rdlock(&map_lock);
	if (!madvise(page_addr(first), n * page_size, MADV_COLLAPSE)) {
		add(&S->collapse_ok, 1);
	} else {
		switch (errno) {
		/*
		 * MADV_COLLAPSE says why a range could not be collapsed:
		 * EAGAIN for pages locked, isolated or with extra references
		 * (device-exclusive entries hold one); EBUSY for a charge
		 * failure; ENOMEM for no huge page; EINVAL for what khugepaged
		 * could not collapse either (KSM pages are not anonymous
		 * folios, a VMA replaced meanwhile, ...).
		 */
		case EAGAIN:
		case EBUSY:
		case ENOMEM:
		case EINVAL:
			add(&S->collapse_failed, 1);
			break;
		default:
			op_error(OP_COLLAPSE, "MADV_COLLAPSE", errno);
		}
	}
	pthread_rwlock_unlock(&map_lock);
}

/* Split a THP: discard one subpage, or change protection of a few. */
static void op_split(struct worker *w)
{
	unsigned long first, n;

	pick_chunk(w, &first, &n);
	first += rnd_below(w, chunk_pages);
	n = 1;
	if (rnd_below(w, 2)) {
		content_lock(first, n);
		discard(first, n, OP_SPLIT);
		content_unlock(first, n);
		return;
	}
	n = 1 + rnd_below(w, 8);
	if (first + n > npages)
		n = npages - first;
	content_lock(first, n);
	mprotect_flip(first, n, OP_SPLIT);
	content_unlock(first, n);
}

/*
 * The forked child: its copy of the buffer must be what the bookkeeping
 * said at fork time while the parent goes on changing its own; it then
 * changes its copy privately (device-exclusive through its own dmirror,
 * writes, discards, pageout, mprotect) and checks everything again.
 * Single-threaded: no locks (they may have been copied held), no stdio.
 */
static __noreturn void child_main(struct worker *w)
{
	unsigned long first, n;
	int i, fd = -1;

	in_child = true;
	if (ndevs) {
		fd = open("/dev/hmm_dmirror0", O_RDWR);
		if (fd < 0)
			op_error(OP_FORK, "open /dev/hmm_dmirror0", errno);
	}
	verify("child view at fork", buf, 0, npages);
	for (i = 0; i < 6; i++) {
		add(&S->child_ops, 1);
		pick_range(w, 32, &first, &n);
		switch (rnd_below(w, 6)) {
		case 0:
			if (fd < 0)
				break;
			make_exclusive(fd, first, n, w->bounce);
			if (rnd_below(w, 2)) {
				verify("child cpu read of device-exclusive",
				       page_addr(first), first, n);
				check_not_exclusive(fd, first, n);
			}
			break;
		case 1:
			cpu_write(w, WK_CHILD, first, n);
			break;
		case 2:
			discard(first, n, OP_FORK);
			break;
		case 3:
			if (madvise(page_addr(first), n * page_size, MADV_PAGEOUT))
				op_error(OP_FORK, "MADV_PAGEOUT", errno);
			break;
		case 4:
			mprotect_flip(first, n, OP_FORK);
			break;
		case 5:
			verify("child cpu read", page_addr(first), first, n);
			break;
		}
		/* Let the parent change its copy meanwhile. */
		usleep(rnd_below(w, 2000));
	}
	verify("child view at exit", buf, 0, npages);
	_exit(0);
}

static void op_fork(struct worker *w)
{
	int status;
	pid_t pid;

	pthread_rwlock_rdlock(&map_lock);
	pthread_rwlock_wrlock(&fork_lock);
	pid = fork();
	if (!pid)
		child_main(w);
	pthread_rwlock_unlock(&fork_lock);
	pthread_rwlock_unlock(&map_lock);
	/*
	 * fork() gives up with -ENOMEM when it meets a device-exclusive
	 * entry whose folio lock someone else holds just then (the folio
	 * trylock of copy_nonpresent_pte()'s restore, on 6.12 and 7.x
	 * alike): a limit of the kernel this stress does not test, counted
	 * and printed apart.
	 */
	if (pid < 0 && errno == ENOMEM && !cfg.make_it_fail) {
		add(&S->fork_enomem, 1);
		return;
	}
	if (pid < 0) {
		op_error(OP_FORK, "fork", errno);
		return;
	}
	if (waitpid(pid, &status, 0) != pid) {
		op_error(OP_FORK, "waitpid", errno);
		return;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		add(&S->errors[OP_FORK], 1);
		detail("error: child %d ended with status %#x", pid, status);
	}
}

static void (*const op_fn[OP_NR])(struct worker *) = {
	[OP_CPU_WRITE] = op_cpu_write,
	[OP_CPU_READ] = op_cpu_read,
	[OP_LOCKLESS_READ] = op_lockless_read,
	[OP_DEV_WRITE] = op_dev_write,
	[OP_DEV_READ] = op_dev_read,
	[OP_EXCLUSIVE] = op_exclusive,
	[OP_FORK] = op_fork,
	[OP_REMAP] = op_remap,
	[OP_MPROTECT] = op_mprotect,
	[OP_DONTNEED] = op_dontneed,
	[OP_PAGEOUT] = op_pageout,
	[OP_MIGRATE] = op_migrate,
	[OP_KSM] = op_ksm,
	[OP_COLLAPSE] = op_collapse,
	[OP_SPLIT] = op_split,
};

static enum op pick_op(struct worker *w)
{
	unsigned int total = 0, r;
	int op;

	for (op = 0; op < OP_NR; op++)
		total += op_weight[op];
	r = rnd_below(w, total);
	for (op = 0; op < OP_NR; op++) {
		if (r < op_weight[op])
			return op;
		r -= op_weight[op];
	}
	return OP_CPU_READ;
}

static int write_file(const char *path, const char *s);

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	/* Inherited by the children of fork tests, not by the main thread. */
	if (cfg.make_it_fail &&
	    write_file("/proc/thread-self/make-it-fail", "1"))
		ksft_exit_fail_msg("cannot write /proc/thread-self/make-it-fail (CONFIG_FAULT_INJECTION?)\n");
	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		enum op op = pick_op(w);

		op_fn[op](w);
		add(&S->count[op], 1);
		if (__atomic_add_fetch(&S->ops, 1, __ATOMIC_RELAXED) >= cfg.iterations)
			__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static void *map_or_die(size_t len, int flags)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED)
		ksft_exit_fail_perror("mmap");
	return p;
}

static int read_file(const char *path, char *s, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, s, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	s[n] = 0;
	return 0;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

static unsigned long file_ulong(const char *path, unsigned long def)
{
	char s[64];

	return read_file(path, s, sizeof(s)) ? def : strtoul(s, NULL, 0);
}

/* The kB value of @key in a /proc file such as smaps_rollup. */
static unsigned long proc_kb(const char *path, const char *key)
{
	static char s[8192];
	char *p;

	if (read_file(path, s, sizeof(s)))
		return 0;
	p = strstr(s, key);
	return p ? strtoul(p + strlen(key), NULL, 10) : 0;
}

static void sample(u64 *pagemap)
{
	static int pm_fd = -2;
	unsigned long v;
	ssize_t len = npages * sizeof(u64);

	v = proc_kb("/proc/self/smaps_rollup", "AnonHugePages:");
	if (v > max_thp_kb)
		max_thp_kb = v;
	v = proc_kb("/proc/self/smaps_rollup", "\nSwap:");
	if (v > max_swap_kb)
		max_swap_kb = v;
	if (have_ksm) {
		v = file_ulong("/sys/kernel/mm/ksm/pages_sharing", 0);
		if (v > max_ksm_sharing)
			max_ksm_sharing = v;
	}
	/* The pagemap walk meets device-exclusive and swap entries too. */
	if (pm_fd == -2)
		pm_fd = open("/proc/self/pagemap", O_RDONLY);
	if (pm_fd < 0)
		return;
	pthread_rwlock_rdlock(&map_lock);
	if (pread(pm_fd, pagemap, len, (uintptr_t)buf / page_size * sizeof(u64)) != len)
		pagemap_errors++;
	pagemap_reads++;
	pthread_rwlock_unlock(&map_lock);
}

static struct {
	char run[32], pages_to_scan[32], sleep_millisecs[32];
} ksm_saved;

static void ksm_setup(void)
{
	have_ksm = !read_file("/sys/kernel/mm/ksm/run", ksm_saved.run,
			      sizeof(ksm_saved.run));
	if (!have_ksm)
		return;
	read_file("/sys/kernel/mm/ksm/pages_to_scan", ksm_saved.pages_to_scan,
		  sizeof(ksm_saved.pages_to_scan));
	read_file("/sys/kernel/mm/ksm/sleep_millisecs", ksm_saved.sleep_millisecs,
		  sizeof(ksm_saved.sleep_millisecs));
	/* ksmd must scan the buffer several times within the run. */
	write_file("/sys/kernel/mm/ksm/pages_to_scan", "1000");
	write_file("/sys/kernel/mm/ksm/sleep_millisecs", "10");
	if (write_file("/sys/kernel/mm/ksm/run", "1") ||
	    madvise(buf, npages * page_size, MADV_MERGEABLE)) {
		ksft_print_msg("KSM not usable: %s\n", strerror(errno));
		have_ksm = false;
	}
}

static void ksm_restore(void)
{
	if (!ksm_saved.run[0])
		return;
	write_file("/sys/kernel/mm/ksm/pages_to_scan", ksm_saved.pages_to_scan);
	write_file("/sys/kernel/mm/ksm/sleep_millisecs", ksm_saved.sleep_millisecs);
	write_file("/sys/kernel/mm/ksm/run", ksm_saved.run);
}

static void probe(void)
{
	char s[4096], path[64];
	void *page = buf;
	int node, status;
	unsigned int i;

	for (i = 0; i < MAX_DEVICES; i++) {
		snprintf(path, sizeof(path), "/dev/hmm_dmirror%u", i);
		dev_fd[ndevs] = open(path, O_RDWR);
		if (dev_fd[ndevs] >= 0)
			ndevs++;
	}

	have_swap = !read_file("/proc/swaps", s, sizeof(s)) && strchr(s, '\n') &&
		    strchr(strchr(s, '\n') + 1, '\n');

	for (node = 1; node < 64; node++) {
		snprintf(path, sizeof(path), "/sys/devices/system/node/node%d", node);
		if (access(path, F_OK))
			break;
	}
	nnodes = node;
	if (nnodes > 1) {
		/* Move one page to node 1 and back: the nodes have memory. */
		node = 1;
		if (syscall(SYS_move_pages, 0, 1, &page, &node, &status,
			    MPOL_MF_MOVE) < 0) {
			ksft_print_msg("move_pages: %s\n", strerror(errno));
			nnodes = 1;
		}
		node = 0;
		syscall(SYS_move_pages, 0, 1, &page, &node, &status, MPOL_MF_MOVE);
	}

	have_thp = !read_file("/sys/kernel/mm/transparent_hugepage/enabled", s,
			      sizeof(s)) && !strstr(s, "[never]");
	if (!have_thp) {
		no_collapse = "THP disabled";
	} else if (madvise(buf, thp_size, MADV_COLLAPSE) && errno == EINVAL) {
		/* The first chunk is freshly written: EINVAL is no support. */
		no_collapse = "MADV_COLLAPSE not supported";
	} else {
		have_collapse = true;
	}

	ksm_setup();

	if (!ndevs) {
		op_weight[OP_DEV_WRITE] = 0;
		op_weight[OP_DEV_READ] = 0;
		op_weight[OP_EXCLUSIVE] = 0;
	}
	if (nnodes < 2)
		op_weight[OP_MIGRATE] = 0;
	if (!have_ksm)
		op_weight[OP_KSM] = 0;
	if (!have_collapse)
		op_weight[OP_COLLAPSE] = 0;
	for (i = 0; i < OP_NR; i++)
		if (excluded[i])
			op_weight[i] = 0;
}

static unsigned long long env_ull(const char *name, unsigned long long def)
{
	const char *s = getenv(name);

	return s && *s ? strtoull(s, NULL, 0) : def;
}

static void exclude(const char *list)
{
	char *copy = strdup(list), *name, *save;
	int op;

	for (name = strtok_r(copy, ",", &save); name;
	     name = strtok_r(NULL, ",", &save)) {
		for (op = 0; op < OP_NR; op++)
			if (!strcmp(name, op_name[op]))
				break;
		if (op == OP_NR)
			ksft_exit_fail_msg("unknown operation '%s' to exclude\n", name);
		excluded[op] = true;
	}
	free(copy);
}

static void usage(const char *prog)
{
	int op;

	printf("usage: %s [-s seconds] [-S seed] [-n iterations] [-t threads] [-m MiB] [-x op,...] [-F]\n"
	       "environment: DEX_STRESS_SECONDS, DEX_STRESS_SEED, DEX_STRESS_ITERATIONS,\n"
	       "             DEX_STRESS_THREADS, DEX_STRESS_MB, DEX_STRESS_EXCLUDE,\n"
	       "             DEX_STRESS_FAIL\n"
	       "operations:", prog);
	for (op = 0; op < OP_NR; op++)
		printf(" %s", op_name[op]);
	printf("\n");
	exit(KSFT_FAIL);
}

static void configure(int argc, char **argv)
{
	struct timespec ts;
	int c;

	clock_gettime(CLOCK_REALTIME, &ts);
	cfg.seed = ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	cfg.seed ^= (unsigned long long)getpid() << 32;

	cfg.seconds = env_ull("DEX_STRESS_SECONDS", cfg.seconds);
	cfg.seed = env_ull("DEX_STRESS_SEED", cfg.seed);
	cfg.iterations = env_ull("DEX_STRESS_ITERATIONS", cfg.iterations);
	cfg.threads = env_ull("DEX_STRESS_THREADS", cfg.threads);
	cfg.mib = env_ull("DEX_STRESS_MB", cfg.mib);
	cfg.make_it_fail = env_ull("DEX_STRESS_FAIL", 0);
	if (getenv("DEX_STRESS_EXCLUDE"))
		exclude(getenv("DEX_STRESS_EXCLUDE"));

	while ((c = getopt(argc, argv, "s:S:n:t:m:x:Fh")) != -1) {
		switch (c) {
		case 's':
			cfg.seconds = strtoull(optarg, NULL, 0);
			break;
		case 'S':
			cfg.seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			cfg.iterations = strtoull(optarg, NULL, 0);
			break;
		case 't':
			cfg.threads = strtoull(optarg, NULL, 0);
			break;
		case 'm':
			cfg.mib = strtoull(optarg, NULL, 0);
			break;
		case 'x':
			exclude(optarg);
			break;
		case 'F':
			cfg.make_it_fail = true;
			break;
		default:
			usage(argv[0]);
		}
	}
	if (cfg.threads < 1)
		cfg.threads = 1;
	if (cfg.threads > MAX_THREADS)
		cfg.threads = MAX_THREADS;
	if (!cfg.iterations)
		cfg.iterations = 1;
}

static void segv_handler(int sig, siginfo_t *si, void *uc)
{
	uintptr_t a = (uintptr_t)si->si_addr;

	say("%s signal %d at %p (buffer page %ld)", in_child ? "child:" : "",
	    sig, si->si_addr,
	    a >= (uintptr_t)buf && a < (uintptr_t)buf + npages * page_size ?
	    (long)((a - (uintptr_t)buf) / page_size) : -1L);
	/* SA_RESETHAND: returning faults again and ends the process. */
}

static void setup(void)
{
	pthread_rwlockattr_t attr;
	struct sigaction sa = {
		.sa_sigaction = segv_handler,
		.sa_flags = SA_SIGINFO | SA_RESETHAND,
	};
	unsigned long p;
	uintptr_t raw;

	page_size = sysconf(_SC_PAGESIZE);
	words = page_size / sizeof(u64);
	thp_size = file_ulong("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size",
			      2UL << 20);
	chunk_pages = thp_size / page_size;
	npages = ((cfg.mib << 20) + thp_size - 1) / thp_size * chunk_pages;
	if (!npages)
		npages = chunk_pages;
	nchunks = npages / chunk_pages;

	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);

	/* Writers first, so that fork and munmap are not starved. */
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr,
				      PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&map_lock, &attr);
	pthread_rwlock_init(&fork_lock, &attr);

	S = map_or_die(sizeof(*S), MAP_SHARED);
	ps = map_or_die(npages * sizeof(*ps), MAP_PRIVATE);
	for (p = 0; p < npages; p++)
		pthread_mutex_init(&ps[p].lock, NULL);

	/* THP-aligned, so that THP "always" maps whole PMDs. */
	raw = (uintptr_t)map_or_die(npages * page_size + thp_size, MAP_PRIVATE);
	buf = (char *)((raw + thp_size - 1) & ~(thp_size - 1));
	if ((uintptr_t)buf > raw)
		munmap((void *)raw, (uintptr_t)buf - raw);
	munmap(buf + npages * page_size, raw + thp_size - (uintptr_t)buf);

	for (p = 0; p < npages; p++) {
		u64 stamp = make_stamp(WK_INIT, 0, p);

		fill_page(page_addr(p), stamp);
		ps[p].expected = stamp;
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static u64 errors_of(const enum op *ops, int n)
{
	u64 sum = 0;
	int i;

	for (i = 0; i < n; i++)
		sum += get(&S->errors[ops[i]]);
	return sum;
}

/*
 * Under fault injection (-F), once the workers are done (this thread never
 * fails an allocation): the error paths must not have leaked a folio lock
 * or reference. Every page is made device-exclusive and read back: the
 * restore takes the folio lock, so a leaked one hangs here and the
 * guest's limit for the program ends the run. Then every page is moved
 * to another node, a few times over: a folio that keeps an extra
 * reference or its lock stays where it is each time. Returns the pages
 * that never moved, or 0 with fewer than 2 nodes.
 */
static u64 final_leak_check(void *bounce)
{
	unsigned long first, n, i, chunk = thp_size / page_size, left = 0;
	void **pages = map_or_die(npages * sizeof(void *), MAP_PRIVATE);
	int *nodes = map_or_die(npages * sizeof(int), MAP_PRIVATE);
	int *status = map_or_die(npages * sizeof(int), MAP_PRIVATE);
	int round, ret;

	for (first = 0; ndevs && first < npages; first += chunk) {
		n = npages - first < chunk ? npages - first : chunk;
		ret = dmirror(dev_fd[0], HMM_DMIRROR_EXCLUSIVE, first, n, bounce);
		if (ret)
			ksft_print_msg("leak check: HMM_DMIRROR_EXCLUSIVE at page %lu: %s\n",
				       first, strerror(-ret));
		verify("leak check, read of device-exclusive", page_addr(first),
		       first, n);
	}
	if (nnodes < 2)
		return 0;
	/*
	 * DEX_STRESS_PIN_PAGE=1, the check's control: a pipe keeps a
	 * reference to page 0 (vmsplice()), which must be reported. The
	 * write of the word it holds makes the page a private one.
	 */
	if (env_ull("DEX_STRESS_PIN_PAGE", 0)) {
		struct iovec iov = { .iov_base = page_addr(0), .iov_len = page_size };
		volatile u64 *word = (volatile u64 *)page_addr(0);
		int fds[2];

		*word = *word;
		if (pipe(fds) || vmsplice(fds[1], &iov, 1, 0) < 0)
			ksft_exit_fail_perror("vmsplice");
	}
	for (i = 0; i < npages; i++)
		pages[i] = page_addr(i);
	/* Where each page is, then each to another node. */
	if (syscall(SYS_move_pages, 0, npages, pages, NULL, status, 0) < 0)
		ksft_exit_fail_perror("move_pages (query)");
	for (i = 0; i < npages; i++)
		nodes[i] = status[i] >= 0 ? (status[i] + 1) % nnodes : 0;
	/*
	 * A migration that fails counts only in move_pages()' positive
	 * return, and leaves the status of its batch as it was: where each
	 * page is afterwards tells.
	 */
	for (round = 0; round < 5; round++) {
		if (round)
			usleep(200000);
		ret = syscall(SYS_move_pages, 0, npages, pages, nodes, status,
			      MPOL_MF_MOVE);
		if (ret < 0)
			ksft_exit_fail_perror("move_pages");
		if (syscall(SYS_move_pages, 0, npages, pages, NULL, status, 0) < 0)
			ksft_exit_fail_perror("move_pages (query)");
		left = 0;
		for (i = 0; i < npages; i++)
			if (status[i] >= 0 && status[i] != nodes[i])
				left++;
		if (!left)
			break;
	}
	for (i = 0; i < npages && left; i++)
		if (status[i] >= 0 && status[i] != nodes[i])
			detail("leak check: page %lu stays on node %d", i, status[i]);
	ksft_print_msg("leak check: %lu pages, %lu not migratable after %d rounds\n",
		       npages, left, round + (round < 5));
	return left;
}

static u64 ops_of(const enum op *ops, int n)
{
	u64 sum = 0;
	int i;

	for (i = 0; i < n; i++)
		sum += get(&S->count[ops[i]]);
	return sum;
}

/*
 * One KTAP result for an aspect: skipped with @skip as the reason, else
 * passed when its operations ran without unexpected errors (and @bad is 0).
 */
static void result(const char *name, const char *skip, const enum op *ops,
		   int nops, u64 bad)
{
	u64 n = ops_of(ops, nops), err = errors_of(ops, nops);
	int i;

	for (i = 0; i < nops && excluded[ops[i]]; i++)
		;
	if (i == nops)
		skip = "excluded (DEX_STRESS_EXCLUDE)";
	if (skip) {
		ksft_test_result_code(KSFT_SKIP, name, "%s", skip);
		return;
	}
	if (!n) {
		ksft_print_msg("%s: no operations ran\n", name);
		bad++;
	}
	ksft_test_result_code(err || bad ? KSFT_FAIL : KSFT_PASS, name, NULL);
}

#define RESULT(name, skip, bad, ...)					\
	do {								\
		const enum op ops_[] = { __VA_ARGS__ };			\
		result(name, skip, ops_, ARRAY_SIZE(ops_), bad); \
	} while (0)

static void report(double secs, u64 leaked)
{
	char line[1024];
	u64 errors = 0;
	int op, len = 0;

	for (op = 0; op < OP_NR; op++) {
		len += snprintf(line + len, sizeof(line) - len, " %s=%llu",
				op_name[op], get(&S->count[op]));
		errors += get(&S->errors[op]);
	}
	ksft_print_msg("ops=%llu%s\n", get(&S->ops), line);
	len = 0;
	line[0] = 0;
	for (op = 0; op < OP_NR; op++)
		if (get(&S->errors[op]))
			len += snprintf(line + len, sizeof(line) - len, " %s=%llu",
					op_name[op], get(&S->errors[op]));
	ksft_print_msg("errors=%llu%s\n", errors, line);
	if (cfg.make_it_fail) {
		u64 injected = 0;

		len = 0;
		line[0] = 0;
		for (op = 0; op < OP_NR; op++) {
			injected += get(&S->injected[op]);
			if (get(&S->injected[op]))
				len += snprintf(line + len, sizeof(line) - len,
						" %s=%llu", op_name[op],
						get(&S->injected[op]));
		}
		ksft_print_msg("clean errors of failed allocations=%llu%s\n",
			       injected, line);
	}

	ksft_print_msg("exclusive: pages=%llu enoent=%llu checks=%llu devices=%d; device rw busy=%llu\n",
		       get(&S->excl_pages), get(&S->excl_enoent),
		       get(&S->excl_checks), ndevs, get(&S->dev_busy));
	RESULT("exclusive", ndevs ? NULL : "no /dev/hmm_dmirror0 (CONFIG_TEST_HMM)",
	       0, OP_EXCLUSIVE);
	RESULT("device_rw", ndevs ? NULL : "no /dev/hmm_dmirror0 (CONFIG_TEST_HMM)",
	       0, OP_DEV_READ, OP_DEV_WRITE);

	ksft_print_msg("fork: children=%llu child_ops=%llu child_mismatches=%llu enomem=%llu\n",
		       get(&S->count[OP_FORK]), get(&S->child_ops),
		       get(&S->child_mismatches), get(&S->fork_enomem));
	RESULT("fork_cow", NULL, get(&S->child_mismatches), OP_FORK);

	RESULT("remap_mprotect_dontneed", NULL, 0, OP_REMAP, OP_MPROTECT,
	       OP_DONTNEED);

	ksft_print_msg("pageout: max swapped=%lu kB\n", max_swap_kb);
	RESULT("pageout_swap", have_swap ? NULL : "no swap device", 0, OP_PAGEOUT);

	ksft_print_msg("migrate: nodes=%d moved=%llu busy=%llu skipped=%llu\n",
		       nnodes, get(&S->migrate_moved), get(&S->migrate_busy),
		       get(&S->migrate_skipped));
	RESULT("numa_migrate", nnodes > 1 ? NULL : "fewer than 2 NUMA nodes", 0,
	       OP_MIGRATE);

	ksft_print_msg("ksm: max pages_sharing=%lu\n", max_ksm_sharing);
	RESULT("ksm_merge", have_ksm ? NULL : "no KSM", 0, OP_KSM);

	ksft_print_msg("thp: collapsed=%llu not collapsed=%llu max AnonHugePages=%lu kB\n",
		       get(&S->collapse_ok), get(&S->collapse_failed), max_thp_kb);
	RESULT("thp_collapse_split", have_collapse ? NULL : no_collapse, 0,
	       OP_COLLAPSE, OP_SPLIT);

	ksft_print_msg("seed=%llu seconds=%.1f ops=%llu mismatches=%llu child_mismatches=%llu errors=%llu lockless_retries=%llu pagemap_reads=%llu\n",
		       cfg.seed, secs, get(&S->ops), get(&S->mismatches),
		       get(&S->child_mismatches), errors, get(&S->lockless_retry),
		       pagemap_reads);
	/* Every read of every kind compared what it saw with the bookkeeping. */
	RESULT("no_mismatch", NULL, get(&S->mismatches) + pagemap_errors,
	       OP_CPU_READ, OP_LOCKLESS_READ, OP_CPU_WRITE);
	if (cfg.make_it_fail)
		ksft_test_result(!leaked, "no_leaked_folio\n");
}

int main(int argc, char **argv)
{
	static struct worker workers[MAX_THREADS];
	double start, last = 0, t;
	u64 *pagemap, leaked = 0;
	int i;

	ksft_print_header();
	configure(argc, argv);
	ksft_set_plan(cfg.make_it_fail ? 10 : 9);
	ksft_print_msg("seed=%llu\n", cfg.seed);
	ksft_print_msg("seconds=%lu iterations=%llu threads=%d MiB=%lu (replay: DEX_STRESS_SEED=%llu; thread interleaving is not replayed)\n",
		       cfg.seconds, cfg.iterations, cfg.threads, cfg.mib, cfg.seed);

	setup();
	probe();
	ksft_print_msg("pages=%lu thp=%lu kB devices=%d nodes=%d swap=%d ksm=%d collapse=%d\n",
		       npages, thp_size >> 10, ndevs, nnodes, have_swap, have_ksm,
		       have_collapse);
	pagemap = map_or_die(npages * sizeof(u64), MAP_PRIVATE);
	fflush(stdout);

	start = now();
	for (i = 0; i < cfg.threads; i++) {
		struct worker *w = &workers[i];
		u64 x = cfg.seed + i;

		w->id = i + 1;
		w->rng = splitmix64(&x);
		w->bounce = map_or_die(thp_size, MAP_PRIVATE);
		/* AnonHugePages should count the buffer's THPs only. */
		madvise(w->bounce, thp_size, MADV_NOHUGEPAGE);
		w->mp_pages = map_or_die(chunk_pages * 2 * sizeof(void *) +
					 chunk_pages * 2 * 2 * sizeof(int),
					 MAP_PRIVATE);
		w->mp_nodes = (int *)(w->mp_pages + chunk_pages * 2);
		w->mp_status = w->mp_nodes + chunk_pages * 2;
		if (pthread_create(&w->thread, NULL, worker_main, w))
			ksft_exit_fail_msg("pthread_create\n");
	}

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		usleep(250000);
		t = now() - start;
		if (t >= cfg.seconds)
			__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
		sample(pagemap);
		if (t - last >= 10) {
			last = t;
			say("t=%.0fs ops=%llu mismatches=%llu child_mismatches=%llu exclusive=%llu forks=%llu",
			    t, get(&S->ops), get(&S->mismatches),
			    get(&S->child_mismatches), get(&S->count[OP_EXCLUSIVE]),
			    get(&S->count[OP_FORK]));
		}
	}
	for (i = 0; i < cfg.threads; i++)
		pthread_join(workers[i].thread, NULL);
	t = now() - start;

	/* Last word: every page, quiet. */
	verify("final pass", buf, 0, npages);
	ksm_restore();
	if (cfg.make_it_fail)
		leaked = final_leak_check(workers[0].bounce);
	report(t, leaked);
	ksft_finished();
}

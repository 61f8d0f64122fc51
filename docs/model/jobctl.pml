/*
 * jobctl on several hosts: claims, leases and fencing over PostgreSQL.
 *
 * The protocol is docs/several-hosts.md. Every step below names the protocol step it stands
 * for (CLAIM, RENEW, FINISH, REAP_ABANDON, REAP_RETRY, SELF_FENCE, GUARD_KILL, PAYOUT_TX, …);
 * the code uses those names for its functions. docs/model/README.md maps them, gives the
 * bounds and the figures, and says what the model leaves out.
 *
 * One job, run by three nodes. Two configurations:
 *   default   a shell command, overlap=skip, on_lost=abandon. Its effects cannot be fenced:
 *             they are done when the child exits.
 *   -DPAY     a registered payout job, overlap=skip, on_lost=retry. Its effect is PAYOUT_TX,
 *             fenced in the database.
 * Broken variants (each must give a counterexample) are the -D switches in the README.
 *
 * Time is abstract: `now` is the database clock, in ticks. Each database transaction is one
 * atomic step (READ COMMITTED with the row locks and unique indexes of the design makes each
 * of them atomic). No node step is urgent, so any node can stall for any number of ticks
 * between two of its steps (SIGSTOP, a pause); only the guard's kill is urgent: time cannot
 * pass a live child's deadline.
 */

/* ================================================================ bounds */
#ifndef NF
#define NF 2                /* scheduled fires */
#endif
#ifndef FAULTS
#define FAULTS 1            /* faults in one behaviour: crash, disconnect, lost reply, DB restart */
#endif
#ifndef INTERVAL
#define INTERVAL 1          /* ticks between two fires */
#endif
#define FIRST 1             /* tick of fire 0 */
#define SCHED(k) (FIRST + (k) * INTERVAL)
#define L 3                 /* LEASE */
#define RHO 1               /* how late a node's monotonic clock reaches a deadline, in ticks */
#ifdef NO_MARGIN
#define M 0                 /* broken: the local deadline is the lease */
#else
#define M (RHO + 1)         /* the SELF_FENCE margin must exceed RHO */
#endif
#define S 1                 /* wall clocks are off by at most S ticks */
#define TMAX (SCHED(NF - 1) + S + 1)    /* faults happen up to this tick */
#define TEND (TMAX + L + 1)             /* time stops: every lease set by TMAX has expired */

#define NN 3                /* nodes; each keeps one run in hand (see README) */

#if defined(PAY) || defined(SHELL_RETRY)
#define RETRY 1             /* on_lost=retry */
#define NA 2                /* attempts per fire: the claim and one REAP_RETRY */
#else
#define NA 1
#endif
#ifdef MANUAL
#define MAN NF              /* fire key of the manual trigger */
#define NK (NF + 1)
#else
#define MAN 255
#define NK NF
#endif
#define RMAX 8              /* rows; rows past NK * NA stay empty */
#define ROW(k, a) ((k) * NA + (a))
#define KEY(r) ((r) / NA)
#define ATT(r) ((r) % NA)

/* node identity: host, pid and a random part, never shared ... except in the broken variant */
#ifdef SHARED_IDENTITY
#define ID(i) ((i) == 2 -> 2 : 1)
#else
#define ID(i) ((i) + 1)
#endif

/* ================================================================ the database */
/* jobctl_execution, one row per attempt: row r = (fire KEY(r), attempt ATT(r)). The row's id,
   drawn from a sequence when the row is inserted, is the run's fencing token: a re-claim
   (REAP_RETRY) inserts a new row, so it draws a new token. */
#define R_NONE 0
#define R_RUNNING 1
#define R_DONE 2            /* a final status written by the owner (FINISH, PAYOUT_TX) */
#define R_SKIPPED 3         /* recorded by CLAIM: the previous run was live (overlap=skip) */
#define R_ABANDONED 4       /* written by REAP_ABANDON or REAP_RETRY */

byte now;                   /* the database clock: now() */
byte rstat[RMAX];           /* .status */
byte rowner[RMAX];          /* .owner_node */
byte rlease[RMAX];          /* .lease_until */

/* ================================================================ the world */
bit crashed[NN];
bit conn[NN] = 1;           /* the node can reach the database */
byte faults = FAULTS;
bit manual_done;            /* node 0 runs `jobctl trigger` once (-DMANUAL) */
bit calive[RMAX];           /* the shell child of a row is alive */
byte crd[RMAX];             /* its guard's kill deadline (tick) */
bit cexit[RMAX];            /* it exited by itself: its effects are done */

/* ================================================================ ghosts for the properties */
byte effects[RMAX];         /* runs of a fire whose effects committed */
bit superseded[RMAX];       /* by token (row): it was reaped */
byte recorded;              /* scheduled fires with a row (claimed or skipped). Fires are
                               recorded in order, so this is also the next fire any node
                               CLAIMs: a node never passes an unrecorded fire, and a CLAIM of a
                               recorded fire (TAKEN) writes nothing and is not a step here. */
#ifdef NOT_DUE_IS_TAKEN
byte gaveup;                /* nodes that took NOT_DUE for TAKEN on fire `recorded` */
#define GAVEUP(i) (gaveup & (1 << (i)))
#else
#define GAVEUP(i) false
#endif

#define ANY8(P) (P(0) || P(1) || P(2) || P(3) || P(4) || P(5) || P(6) || P(7))
#define RUNNING_ROW(r) (rstat[r] == R_RUNNING)
#ifdef OWNER_RECOVERS
#define EXPIRED(r) (rstat[r] == R_RUNNING && now >= rlease[r] && rowner[r] == ID(i))  /* broken */
#else
#define EXPIRED(r) (rstat[r] == R_RUNNING && now >= rlease[r])
#endif
#define OVERDUE(r) (calive[r] && now >= crd[r])
#define DEAD_OWNER(r) (rstat[r] == R_RUNNING && crashed[rowner[r] - 1])
#define LIVE_CHILDREN (calive[0] + calive[1] + calive[2] + calive[3] + \
                       calive[4] + calive[5] + calive[6] + calive[7])
#define ALL_CRASHED (crashed[0] && crashed[1] && crashed[2])

/* the safety properties; -DONLY=n keeps only property n (to show what a variant breaks) */
#if !defined(ONLY) || ONLY == 0
#define P0(e) assert(e)
#else
#define P0(e) skip
#endif
#if !defined(ONLY) || ONLY == 1
#define P1(e) assert(e)
#else
#define P1(e) skip
#endif
#if !defined(ONLY) || ONLY == 2
#define P2(e) assert(e)
#else
#define P2(e) skip
#endif
#if !defined(ONLY) || ONLY == 4
#define P4(e) assert(e)
#else
#define P4(e) skip
#endif

/* the partial unique index jobctl_execution_one_live: (job) WHERE status = 'running' */
#define LIVE_IN_DB ANY8(RUNNING_ROW)

/* a node's wall clock: S ticks ahead by default, which covers every offset in [-S, S]
   (the wall clock only decides when a node may try a CLAIM, and no node step is urgent);
   -DSKEWS picks each node's offset in {-S, 0, S} instead */
#ifdef SKEWS
#define NODE_NOW (now + off - S)
#else
#define NODE_NOW (now + S)
#endif

/* CLAIM's guard `scheduled_at <= now()` */
#ifdef NODE_CLOCK_DUE
#define DUE(k) (NODE_NOW >= SCHED(k))         /* broken: the node's clock decides */
#else
#define DUE(k) (now >= SCHED(k))
#endif

/* the guard of every write about a run: its id (the token), owner_node and status */
#ifdef NO_FENCE_CHECK
#define WRITE_OK(r) true                      /* broken: matched by (job, fire) only */
#define LEASE_OK(r) true
#else
#define WRITE_OK(r) (rstat[r] == R_RUNNING && rowner[r] == ID(i))
#define LEASE_OK(r) (now < rlease[r])
#endif

/* ================================================================ a node */
#define FREE 0
#define CLAIMED 1           /* token in hand, not started */
#define ADOPT 2             /* our own claim whose reply was lost: RENEW before starting */
#define RUN 3               /* the child (or the in-process job) runs */
#define FIN 4               /* FINISH to write */
#define PAYW 5              /* PAYOUT_TX to write */

#define O_NONE 0
#define O_NOTDUE 1
#define O_CLAIMED 2
#define O_ADOPT 3
#define O_TAKEN 4
#define O_SKIP 5
#define O_REFUSED 6
#define O_LOST 7

#define CAN_FAULT (faults > 0 && now <= TMAX)
#define HOLDS (ph == CLAIMED || ph == RUN || ph == FIN || ph == PAYW)
#ifdef DEADLINE_FROM_REPLY
#define RR_IDLE rr == 0 &&
#else
#define RR_IDLE
#endif
/* a node renews before its deadline, when the renewal would move the deadline */
#define CAN_RENEW (conn[i] && RR_IDLE dl < now + L - M + RHO && \
                   (ph == ADOPT || (HOLDS && now < dl)))
#ifdef PAY
#define RUN_ENDS (ph == RUN)
#else
#define RUN_ENDS (ph == RUN && !calive[rw])
#endif

#ifdef DEADLINE_FROM_REPLY
#define FREE_SLOT ph = FREE; rw = 0; dl = 0; rr = 0
#else
#define FREE_SLOT ph = FREE; rw = 0; dl = 0
#endif

/* the deadline of SELF_FENCE, as a tick of the database clock: the node's monotonic clock
   reaches "start + L - M" RHO ticks late (the worst case; see README) */
#define SET_DEADLINE(t0) dl = (t0) + L - M + RHO

/* the reply of a transaction is lost: the node sees a connection error and retries later */
inline lose_reply() {
  faults--; conn[i] = 0;
  printf("t=%d node %d: FAULT the reply is lost, the node is cut off\n", now, i)
}

/* the node takes a new run. The run it held, if any, is doomed: the one-live index let the new
   run in, so the old row is no longer running, every write about it would be refused, and its
   child's fate is its guard's. The model drops it (see README, decision 6). */
inline take_slot() {
#ifndef ONLY
  assert(ph == FREE || rstat[rw] != R_RUNNING);
#endif
  rw = r;
  if
  :: out == O_CLAIMED -> ph = CLAIMED; SET_DEADLINE(now);
     printf("t=%d node %d: holds row %d, lease until %d, own deadline %d\n", now, i, r, rlease[r], dl)
  :: else -> ph = ADOPT;
     printf("t=%d node %d: CLAIM fire %d: ADOPT row %d, held by this node's identity: RENEW first\n",
            now, i, KEY(r), r)
  fi
}

/* CLAIM (k = the fire, or MAN for CLAIM_MANUAL): one INSERT … SELECT … WHERE scheduled_at
   <= now() ON CONFLICT DO NOTHING RETURNING id, which also returns the row holding the fire
   when the insert did nothing */
inline claim() {
  r = ROW(k, 0);
  if
  :: k != MAN && !DUE(k) -> out = O_NOTDUE
  :: else ->
     if
     :: rstat[r] != R_NONE ->
        if
        :: rowner[r] == ID(i) && rstat[r] == R_RUNNING -> out = O_ADOPT
        :: else -> out = O_TAKEN
        fi
#ifdef NODE_LOCAL_OVERLAP
     :: rstat[r] == R_NONE && ph != FREE ->                  /* broken: the node's memory */
#else
     :: rstat[r] == R_NONE && LIVE_IN_DB ->                  /* the one-live index */
#endif
        if
        :: k != MAN -> rstat[r] = R_SKIPPED; recorded++; out = O_SKIP
        :: else -> out = O_REFUSED                        /* `jobctl trigger` exits 75 */
        fi
     :: else ->
        rstat[r] = R_RUNNING; rowner[r] = ID(i); rlease[r] = now + L;
        printf("t=%d node %d: CLAIM fire %d (due at %d): inserted row %d\n", now, i, k, SCHED(k), r);
        P0(k == MAN || now >= SCHED(k));                  /* P0: no early fire */
        if
        :: k != MAN -> recorded++
        :: else -> skip
        fi;
        out = O_CLAIMED
     fi
  fi;
  if
  :: out == O_NOTDUE ->                                 /* nothing written */
     printf("t=%d node %d: CLAIM fire %d: NOT_DUE (its clock runs ahead)\n", now, i, k)
  :: else ->
     if
     :: skip
     :: CAN_FAULT -> lose_reply(); out = O_LOST
     fi
  fi;
  if
  :: out == O_NOTDUE ->
#ifdef NOT_DUE_IS_TAKEN
     gaveup = gaveup | (1 << i)                          /* broken: "no row back" = taken */
#else
     skip                                                /* sleep until the database says due */
#endif
  :: out == O_LOST -> pend = k + 1                       /* CLAIM this fire again */
  :: out == O_CLAIMED || out == O_ADOPT -> pend = 0; take_slot()
  :: else ->
     if
     :: out == O_TAKEN -> printf("t=%d node %d: CLAIM fire %d: TAKEN\n", now, i, k)
     :: out == O_SKIP -> printf("t=%d node %d: CLAIM fire %d: SKIPPED, a run is live\n", now, i, k)
     :: else -> printf("t=%d node %d: CLAIM_MANUAL: REFUSED, a run is live\n", now, i)
     fi;
     pend = 0
  fi;
  if
  :: k == MAN && out != O_LOST -> manual_done = 1
  :: else -> skip
  fi;
  r = 0; k = 0; out = 0
}

/* REAP_ABANDON, REAP_RETRY: UPDATE … WHERE status = 'running' AND lease_until < now()
   … FOR UPDATE SKIP LOCKED, in one transaction with the retry's INSERT */
inline reap() {
  r = 0;
  do
  :: EXPIRED(r) -> break
  :: else -> r++
  od;
  superseded[r] = 1;
  rstat[r] = R_ABANDONED;
  printf("t=%d node %d: REAP_ABANDON row %d (lease until %d)\n", now, i, r, rlease[r]);
  out = O_NONE;
#ifdef RETRY
  if
  :: ATT(r) == 0 && KEY(r) != MAN && !LIVE_IN_DB ->
     r++;
     rstat[r] = R_RUNNING; rowner[r] = ID(i); rlease[r] = now + L;
     printf("t=%d node %d: REAP_RETRY fire %d as row %d\n", now, i, KEY(r), r);
     out = O_CLAIMED
  :: else -> skip                 /* a manual run, the retry spent, or another run is live */
  fi;
#endif
  if
  :: skip
  :: CAN_FAULT -> lose_reply(); out = O_NONE
  fi;
  if
  :: out == O_CLAIMED -> take_slot()
  :: else -> skip
  fi;
  r = 0; out = 0
}

/* START: the guard process checks the deadline before it execs the command */
inline start_run() {
#ifdef PAY
  ph = RUN
#else
  if
  :: now < dl ->
     P2(LIVE_CHILDREN == 0);           /* P2: no two runs of an overlap=skip job live at once */
     calive[rw] = 1; crd[rw] = dl; cexit[rw] = 0; ph = RUN;
     printf("t=%d node %d: START row %d: its child runs, guard deadline %d\n", now, i, rw, dl)
  :: else -> FREE_SLOT
  fi
#endif
}

/* the run ends: the shell child has exited (by itself, or killed by the guard), or the
   in-process job reaches its payout. A node writes about a run only before its deadline. */
inline end_run() {
#ifdef PAY
  if
  :: now < dl -> ph = PAYW
  :: else -> FREE_SLOT
  fi
#else
  if
  :: cexit[rw] && now < dl -> ph = FIN
  :: else ->                                 /* killed by the guard: write nothing */
     printf("t=%d node %d: row %d ended after its deadline: writes nothing\n", now, i, rw);
     FREE_SLOT
  fi
#endif
}

/* FINISH: UPDATE … SET status = $final WHERE id AND owner_node AND status = 'running' */
inline finish() {
  if
  :: WRITE_OK(rw) ->
     printf("t=%d node %d: FINISH row %d: accepted\n", now, i, rw);
     P4(!superseded[rw]);                     /* P4: a superseded token never writes */
     rstat[rw] = R_DONE
  :: else ->                                  /* rejected: logged, nothing more */
     printf("t=%d node %d: FINISH row %d: rejected (superseded)\n", now, i, rw)
  fi;
  if
  :: FREE_SLOT
  :: CAN_FAULT -> lose_reply()                /* FINISH again after reconnecting */
  fi
}

/* PAYOUT_TX: re-read the run's row FOR UPDATE, check token, owner, status and lease, pay,
   and mark the run succeeded, in one transaction */
inline payout() {
  if
  :: WRITE_OK(rw) && LEASE_OK(rw) ->
     printf("t=%d node %d: PAYOUT_TX row %d: paid fire %d\n", now, i, rw, KEY(rw));
     P4(!superseded[rw]);                     /* P4 */
     effects[KEY(rw)]++;
     P1(effects[KEY(rw)] <= 1);               /* P1: no fire paid twice */
#ifndef PAYOUT_KEEPS_RUNNING
     rstat[rw] = R_DONE
#else
     skip                                     /* broken: FINISH is a transaction of its own */
#endif
  :: else -> printf("t=%d node %d: PAYOUT_TX row %d: rejected\n", now, i, rw)
  fi;
  if
#ifdef PAYOUT_KEEPS_RUNNING
  :: ph = FIN
#else
  :: FREE_SLOT
#endif
  :: CAN_FAULT -> lose_reply()
  fi
}

/* SUPERSEDED (RENEW matched no row): SELF_FENCE at once */
inline superseded_stop() {
  printf("t=%d node %d: RENEW row %d: zero rows, SUPERSEDED: SELF_FENCE\n", now, i, rw);
#ifndef PAY
  if
  :: ph == RUN -> calive[rw] = 0
  :: else -> skip
  fi;
#endif
  FREE_SLOT
}

/* RENEW's reply: the deadline counts from the attempt's start, and the guard is told */
inline renewed(t0) {
  SET_DEADLINE(t0);
  printf("t=%d node %d: RENEW row %d: lease until %d, own deadline %d\n", now, i, rw, rlease[rw], dl);
  if
  :: ph == ADOPT -> ph = CLAIMED
  :: else -> skip
  fi;
  if
  :: ph == RUN && calive[rw] -> crd[rw] = dl
  :: else -> skip
  fi
}

/* RENEW: UPDATE … SET lease_until = now() + lease WHERE id AND owner_node
   AND status = 'running' AND lease_until > now(). The attempt starts now. The reply is read
   in the same step (the deadline moves as early as it can: the worst case for the guard);
   -DDEADLINE_FROM_REPLY reads it in a later step. */
inline renew() {
  if
  :: WRITE_OK(rw) && LEASE_OK(rw) ->
     P4(!superseded[rw]);                     /* P4 */
     rlease[rw] = now + L;
#ifdef DEADLINE_FROM_REPLY
     rr = 1
  :: else -> rr = 2
  fi;
  if
  :: skip
  :: CAN_FAULT -> lose_reply(); rr = 0
  fi
#else
     if
     :: skip -> renewed(now)
     :: CAN_FAULT -> lose_reply()             /* committed, but the node never learns it */
     fi
  :: else ->
     if
     :: skip -> superseded_stop()
     :: CAN_FAULT -> lose_reply()
     fi
  fi
#endif
}

#ifdef DEADLINE_FROM_REPLY
/* broken: the reply is read later, and the deadline counts from the reply */
#define REPLY :: atomic { rr != 0 -> if :: rr == 1 -> rr = 0; renewed(now) \
                                        :: rr == 2 -> superseded_stop() fi }
#else
#define REPLY
#endif

/* SELF_FENCE: the node's own deadline passed: kill the process group, write nothing more */
inline self_fence() {
  printf("t=%d node %d: SELF_FENCE row %d: deadline %d passed, kill, write nothing\n", now, i, rw, dl);
#ifndef PAY
  calive[rw] = 0;
#endif
  FREE_SLOT
}

active [NN] proctype Node() {
  byte i = _pid;
  byte pend;                /* a CLAIM whose reply was lost: its fire key + 1 */
  byte ph, rw, dl;          /* the run this node holds: phase, row (token), deadline */
#ifdef DEADLINE_FROM_REPLY
  byte rr;                  /* RENEW's reply, not yet read: 1 accepted, 2 rejected */
#endif
  byte r, k, out;
#ifdef SKEWS
  byte off;                 /* this node's wall clock offset + S */
  if
  :: off = 0
  :: off = S
  :: off = 2 * S
  fi;
#endif

end_node:
  do
  :: atomic { conn[i] && pend == 0 && recorded < NF && NODE_NOW >= SCHED(recorded) &&
              !GAVEUP(i) -> k = recorded; claim() }
#ifdef MANUAL
  :: atomic { conn[i] && pend == 0 && !manual_done && i == 0 -> k = MAN; claim() }
#endif
  :: atomic { conn[i] && pend != 0 -> k = pend - 1; claim() }
#ifdef SHARED_IDENTITY
  /* a CLAIM of a recorded fire is read-only only if no other node has this node's identity */
  :: atomic { conn[i] && pend == 0 && recorded > 0 && ph == FREE -> k = recorded - 1; claim() }
#endif
  :: atomic { conn[i] && ANY8(EXPIRED) -> reap() }
  :: atomic { ph == CLAIMED -> start_run() }
  :: atomic { RUN_ENDS -> end_run() }
  :: atomic { ph == FIN && conn[i] -> finish() }
  :: atomic { ph == PAYW && conn[i] -> payout() }
  :: atomic { CAN_RENEW -> renew() }
  REPLY
  :: atomic { HOLDS && now >= dl -> self_fence() }
  :: atomic { CAN_FAULT -> faults--; crashed[i] = 1; conn[i] = 0;             /* crash */
              printf("t=%d node %d: FAULT crash\n", now, i) }; break
  :: atomic { CAN_FAULT && conn[i] -> faults--; conn[i] = 0;                 /* loses the DB */
              printf("t=%d node %d: FAULT loses the database\n", now, i) }
  :: atomic { !conn[i] -> conn[i] = 1 }                                      /* reconnects */
  od
}

/* ================================================================ time, children, guards */
#ifdef NO_GUARD
#define TICK_BLOCKED false
#define GUARD(r)
#else
#define TICK_BLOCKED ANY8(OVERDUE)
/* GUARD_KILL: the run's guard process kills the group at the deadline, node stalled or not */
#define GUARD(r) :: atomic { OVERDUE(r) -> calive[r] = 0; \
                              printf("t=%d GUARD_KILL the child of row %d\n", now, r) }
#endif

/* a shell child exits by itself: its effects are done, and nothing can fence them */
#define CHILD(r) \
  :: atomic { calive[r] -> calive[r] = 0; cexit[r] = 1; effects[KEY(r)]++; \
                           printf("t=%d child of row %d exits: its effects are done\n", now, r); \
                           P1(effects[KEY(r)] <= 1) } \
  GUARD(r)

active proctype World() {
end_world:
  do
  :: atomic { now < TEND && !TICK_BLOCKED -> now++ }
  :: now == TEND -> skip    /* time goes on, abstracted: under weak fairness this idle step
                               cannot starve a node that can still act (see README) */
  :: atomic { CAN_FAULT -> faults--; conn[0] = 0; conn[1] = 0; conn[2] = 0;   /* DB restart */
              printf("t=%d FAULT the database restarts\n", now) }
#ifndef PAY
  CHILD(0) CHILD(1) CHILD(2) CHILD(3) CHILD(4) CHILD(5) CHILD(6) CHILD(7)
#endif
  od
}

/* ================================================================ liveness */
/* P3: every scheduled fire gets its row (claimed, or skipped by overlap), unless every node
   is down. Both sides are stable once true (recorded only grows, a crash is for good), so
   "eventually" is "eventually for ever", and spin searches only the behaviours before it. */
ltl p3 { <> (ALL_CRASHED || recorded == NF) }
/* P5: a run whose node died is reaped */
ltl p5 { <> [] (ALL_CRASHED || !ANY8(DEAD_OWNER)) }

package dev.hotpath.scoring.concurrent;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Lets a resource (a model, a mapped file) be closed only once no call is using it: every call
 * {@link #tryEnter() enters} and {@link #exit() exits} the guard, and {@link #close()} makes later entries fail and
 * tells when the calls already inside have left ("close waits for calls in flight").
 *
 * <pre>{@code
 * if (!guard.tryEnter()) {
 *     // closed: retry on the replacement, or refuse the call
 * }
 * try {
 *     use(resource);
 * } finally {
 *     guard.exit();
 * }
 * // the owner, once: stop new calls, then release when the last one is out
 * guard.close();
 * if (guard.awaitDrained(timeoutNanos)) resource.close();
 * }</pre>
 *
 * <p><b>Why striped.</b> Request threads enter and exit on every call, so one shared counter would be written by every
 * core on every call and its cache line would bounce between them: the cost grows with the number of cores. The count
 * is split over cache-line-padded stripes instead, chosen by the calling thread's id, so threads of a pool on
 * different cores write different lines. Only the cold side ({@link #inFlight()}, {@link #close()}) reads them all.
 * A thread may exit on a different stripe than it entered (the sum stays exact).
 *
 * <p><b>Protocol.</b> {@link #tryEnter()} adds one to its stripe, then reads the closed flag; {@link #close()} sets the
 * flag, then sums the stripes. Both are sequentially consistent, so either the caller sees the flag (and backs out) or
 * the closer's sum sees the caller: once the sum is zero after {@code close()}, no call is inside and none can enter.
 *
 * <p><b>Thread-safety and allocation.</b> Thread-safe. {@link #tryEnter()}, {@link #exit()} and {@link #isClosed()}
 * are wait-free and allocate nothing: one atomic add on the caller's stripe each, plus one volatile read. The cold
 * methods ({@link #close()}, {@link #inFlight()}, {@link #awaitDrained(long)}) read every stripe.
 */
public final class InFlightGuard {
    /** Longs per stripe: 128 bytes, so two stripes never share a cache line (nor an adjacent-line prefetch pair). */
    private static final int STRIDE = 16;
    private static final int STRIPES = Stripes.count(4, 4, 256);

    private final AtomicLongArray counts = new AtomicLongArray((STRIPES + 1) * STRIDE);
    private final AtomicBoolean drainedActionRun = new AtomicBoolean();
    private volatile Runnable whenDrained;
    private volatile boolean closed;

    /** Creates an open guard with no call in flight. */
    public InFlightGuard() {
    }

    /**
     * Enters the guard unless it is closed. Every successful entry must be paired with one {@link #exit()}.
     * Wait-free; allocation-free.
     *
     * @return {@code true} if the caller is now in flight; {@code false} if the guard is closed (nothing to undo)
     */
    public boolean tryEnter() {
        int i = stripe();
        counts.getAndIncrement(i);
        if (!closed) {
            return true;
        }
        counts.getAndDecrement(i);
        // A closer, or the last caller out, may have counted this transient entry; finish their job if so.
        runIfDrained();
        return false;
    }

    /**
     * Leaves the guard after a successful {@link #tryEnter()}. Wait-free; allocation-free (unless it runs the action
     * given to {@link #close(Runnable)}).
     */
    public void exit() {
        counts.getAndDecrement(stripe());
        if (closed) {
            runIfDrained();
        }
    }

    /** @return whether {@link #close()} has been called */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes the guard: later {@link #tryEnter()} calls fail; calls already inside carry on. Idempotent.
     *
     * @return {@code true} for the call that closed it, {@code false} if it was already closed
     */
    public boolean close() {
        return close(null);
    }

    /**
     * Closes the guard and runs {@code action} exactly once as soon as no call is in flight: in this call if none is,
     * otherwise in the last call to leave (on its thread). Use it for a release that must not wait for a slow call
     * and is cheap enough to run on a request thread. Idempotent: only the first close's action is kept.
     *
     * @param action what to run once drained, or {@code null}
     * @return {@code true} for the call that closed it, {@code false} if it was already closed
     */
    public boolean close(Runnable action) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            whenDrained = action;
            closed = true;
        }
        runIfDrained();
        return true;
    }

    /**
     * @return calls in flight now; exact once the guard is closed (entries can only fail then), a moment's view
     *     before. Cold: reads every stripe.
     */
    public long inFlight() {
        long sum = 0;
        for (int i = STRIDE; i < counts.length(); i += STRIDE) {
            sum += counts.get(i);
        }
        return sum;
    }

    /**
     * Waits until no call is in flight. Call it after {@link #close()}, else new calls may keep it busy. Cold: parks
     * the calling thread in short steps.
     *
     * @param timeoutNanos the longest wait
     * @return {@code true} when drained, {@code false} at the timeout with calls still inside
     */
    public boolean awaitDrained(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        long pause = 1_000;
        while (inFlight() != 0) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, 1_000_000);
        }
        return true;
    }

    private void runIfDrained() {
        Runnable action = whenDrained;
        if (action != null && inFlight() == 0 && drainedActionRun.compareAndSet(false, true)) {
            action.run();
        }
    }

    /** Index of the calling thread's counter; stripe 0 is left empty as padding after the array header. */
    private static int stripe() {
        return ((Stripes.threadHash() & (STRIPES - 1)) + 1) * STRIDE;
    }

    @Override
    public String toString() {
        return "InFlightGuard[" + (closed ? "closed, " : "") + inFlight() + " in flight]";
    }
}

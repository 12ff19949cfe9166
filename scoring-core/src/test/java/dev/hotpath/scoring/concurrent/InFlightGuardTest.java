package dev.hotpath.scoring.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hotpath.scoring.testing.AllocationProbe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class InFlightGuardTest {

    @Test
    void shouldRefuseNewCallsOnceClosedWhileCallsInsideFinish() {
        InFlightGuard g = new InFlightGuard();
        assertTrue(g.tryEnter());
        assertTrue(g.tryEnter());
        assertEquals(2, g.inFlight());
        assertTrue(g.close());
        assertFalse(g.close(), "only the first close closes");
        assertTrue(g.isClosed());
        assertFalse(g.tryEnter(), "a closed guard refuses entry");
        assertEquals(2, g.inFlight(), "a refused entry leaves nothing behind");
        g.exit();
        assertFalse(g.awaitDrained(TimeUnit.MILLISECONDS.toNanos(20)), "one call is still inside");
        g.exit();
        assertTrue(g.awaitDrained(0));
        assertEquals(0, g.inFlight());
    }

    @Test
    void shouldRunTheDrainedActionInCloseWhenNothingIsInFlight() {
        InFlightGuard g = new InFlightGuard();
        AtomicInteger runs = new AtomicInteger();
        assertTrue(g.tryEnter());
        g.exit();
        g.close(runs::incrementAndGet);
        assertEquals(1, runs.get());
        assertFalse(g.tryEnter());
        assertEquals(1, runs.get(), "a refused entry after the drain does not run it again");
    }

    @Test
    void shouldRunTheDrainedActionOnceOnTheThreadOfTheLastCallOut() throws Exception {
        InFlightGuard g = new InFlightGuard();
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<String> ranOn = new AtomicReference<>();
        assertTrue(g.tryEnter());
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch leave = new CountDownLatch(1);
        Thread caller = new Thread(() -> {
            assertTrue(g.tryEnter());
            entered.countDown();
            try {
                leave.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            g.exit();
        }, "last-caller");
        caller.start();
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        g.close(() -> {
            runs.incrementAndGet();
            ranOn.set(Thread.currentThread().getName());
        });
        assertEquals(0, runs.get(), "two calls inside");
        g.exit();
        assertEquals(0, runs.get(), "one call inside");
        leave.countDown();
        caller.join(10_000);
        assertEquals(1, runs.get());
        assertEquals("last-caller", ranOn.get());
    }

    @Test
    void shouldKeepTheCountExactWhenACallExitsOnAnotherThread() throws Exception {
        InFlightGuard g = new InFlightGuard();
        Thread[] enterers = new Thread[8];
        for (int t = 0; t < enterers.length; t++) {
            enterers[t] = new Thread(() -> assertTrue(g.tryEnter()));
            enterers[t].start();
        }
        for (Thread t : enterers) {
            t.join(10_000);
        }
        assertEquals(8, g.inFlight());
        for (int i = 0; i < 8; i++) {
            g.exit(); // all on this thread, whatever stripes they entered on
        }
        assertEquals(0, g.inFlight());
    }

    @Test
    void shouldNeverRunTheDrainedActionWhileACallIsInside() throws Exception {
        int threads = 4;
        AtomicReference<String> failure = new AtomicReference<>();
        for (int round = 0; round < 200 && failure.get() == null; round++) {
            InFlightGuard g = new InFlightGuard();
            AtomicBoolean released = new AtomicBoolean();
            AtomicInteger entries = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> callers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                Thread th = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    while (g.tryEnter()) {
                        entries.incrementAndGet();
                        if (released.get()) {
                            failure.compareAndSet(null, "a call was inside after the resource was released");
                        }
                        Thread.onSpinWait();
                        g.exit();
                    }
                });
                callers.add(th);
                th.start();
            }
            start.countDown();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (entries.get() < 50 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            AtomicInteger runs = new AtomicInteger();
            g.close(() -> {
                released.set(true);
                runs.incrementAndGet();
            });
            for (Thread th : callers) {
                th.join(10_000);
            }
            assertTrue(entries.get() >= 50, "round " + round + ": the callers ran");
            assertEquals(1, runs.get(), "round " + round + ": released exactly once");
            assertEquals(0, g.inFlight());
        }
        assertNull(failure.get());
    }

    @Test
    @Tag("allocation")
    void shouldEnterAndExitWithoutAllocating() {
        InFlightGuard g = new InFlightGuard();
        long[] entered = {0};
        long bytes = AllocationProbe.bytesAllocated(AllocationProbe.DEFAULT_WARMUP, AllocationProbe.DEFAULT_CALLS,
                () -> {
                    if (g.tryEnter()) {
                        entered[0]++;
                        g.exit();
                    }
                });
        assertEquals(0, bytes);
        assertTrue(entered[0] > AllocationProbe.DEFAULT_CALLS);
        InFlightGuard closed = new InFlightGuard();
        closed.close();
        bytes = AllocationProbe.bytesAllocated(AllocationProbe.DEFAULT_WARMUP, AllocationProbe.DEFAULT_CALLS,
                () -> entered[0] += closed.tryEnter() ? 1 : 0);
        assertEquals(0, bytes, "a refused entry allocates nothing either");
    }

    @Test
    @Tag("allocation")
    void controlShouldSeeAnObjectPerCall() {
        InFlightGuard g = new InFlightGuard();
        Object[] sink = new Object[1];
        double perCall = AllocationProbe.bytesPerCall(AllocationProbe.DEFAULT_CALLS, () -> {
            if (g.tryEnter()) {
                sink[0] = new long[] {g.inFlight()};
                g.exit();
            }
        });
        assertTrue(perCall >= 16, "the probe must see the array, saw " + perCall + " B/call");
    }
}

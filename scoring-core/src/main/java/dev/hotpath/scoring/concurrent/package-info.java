/**
 * Concurrency building blocks shared by the modules' request paths, such as
 * {@link dev.hotpath.scoring.concurrent.InFlightGuard} ("close waits for calls in flight", striped so request threads
 * on different cores do not write the same cache line).
 *
 * <p><b>Threading:</b> every type here is thread-safe. <b>Allocation:</b> their request-path methods allocate
 * nothing.
 */
package dev.hotpath.scoring.concurrent;

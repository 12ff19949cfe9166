package dev.hotpath.bench;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a benchmark whose measured code must allocate nothing: {@link dev.hotpath.bench.report.AllocationGate} fails
 * the build when its {@code gc.alloc.rate.norm} is 1 B/op or more. Every benchmark whose method name starts with
 * {@code hotpath} is held to this contract too, annotated or not.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ZeroAllocation {
}

package dev.hotpath.bench;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a benchmark that allocates on purpose. {@link dev.hotpath.bench.report.AllocationGate} requires it to be
 * seen allocating (at least 1 B/op): if it is not, the measurement is blind and the gate fails instead of passing.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface AllocationControl {
}

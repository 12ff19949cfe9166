package dev.hotpath.bench;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * For a Hotpath benchmark that wraps a library whose public API allocates on every call (ONNX Runtime's Java
 * {@code OrtSession.run}): instead of 0 B/op, {@link dev.hotpath.bench.report.AllocationGate} requires it to
 * allocate no more than the named raw-library method of the same class, same parameters, same run (plus less than
 * 1 B/op), i.e. Hotpath adds nothing of its own.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface AllocatesNoMoreThan {
    /** @return the raw method's name, e.g. {@code rawOrtBestPractice} */
    String value();
}

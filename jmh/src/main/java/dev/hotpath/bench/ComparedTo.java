package dev.hotpath.bench;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the Hotpath benchmark method in the same class that a peer (XGBoost4J, ONNX Runtime, …) is compared with.
 * {@link dev.hotpath.bench.report.ResultTable} prints the ratio of the peer's time to that method's time for the
 * same parameters in the same run.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ComparedTo {
    /** @return the Hotpath method's name, e.g. {@code hotpathSingleRow} */
    String value();
}

package dev.hotpath.bench.data;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares which generated benchmark models a benchmark class needs, so that {@link PrepareData} generates (trains)
 * exactly the models of the benchmarks a run selects, before JMH forks, with progress. Model ids are the
 * {@link ModelSpec} ids ({@code small}, {@code fraud}, {@code large}) and {@code mlp}.
 *
 * <p>A class without this annotation that has a {@code @Param} named {@code model} whose values are all
 * {@link ModelSpec} ids needs those models (the convention {@code TreeEnsembleBenchmark} follows); any other class
 * needs nothing, and generates whatever it does need lazily in its fork (still with progress, still cached).
 *
 * <pre>{@code
 * @UsesModels(param = "model")                    // the models named by the model parameter
 * @UsesModels("fraud")                            // always the fraud model
 * @UsesModels(value = "fraud", when = "graph=trees") // the fraud model when the graph parameter is trees
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(UsesModels.All.class)
public @interface UsesModels {
    /** @return model ids always needed (subject to {@link #when()}) */
    String[] value() default {};

    /** @return the name of a {@code @Param} whose values are model ids; empty for none */
    String param() default "";

    /** @return {@code name=value}: only when that parameter takes that value in the run; empty for always */
    String when() default "";

    /** The container for repeated {@link UsesModels}. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface All {
        /** @return the repeated annotations */
        UsesModels[] value();
    }
}

package dev.hotpath.bench.report;

import dev.hotpath.bench.AllocatesNoMoreThan;
import dev.hotpath.bench.AllocationControl;
import dev.hotpath.bench.ComparedTo;
import dev.hotpath.bench.ZeroAllocation;
import java.lang.reflect.Method;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/**
 * What a benchmark is for the report and the gate, read from the benchmark class's annotations
 * ({@link ZeroAllocation}, {@link AllocationControl}, {@link ComparedTo}, JMH's {@code @OperationsPerInvocation})
 * plus the naming rule that every method
 * whose name starts with {@code hotpath} is zero-allocation.
 *
 * <p>Stateless and thread-safe.
 */
public interface BenchmarkRoles {
    /**
     * @param r a result
     * @return whether the benchmark must allocate nothing
     */
    boolean zeroAllocation(JmhResult r);

    /**
     * @param r a result
     * @return whether the benchmark is an allocation control that must be seen allocating
     */
    boolean allocationControl(JmhResult r);

    /**
     * @param r a result
     * @return the method in the same class to compare with, or {@code null}
     */
    String comparedTo(JmhResult r);

    /**
     * @param r a result
     * @return for a Hotpath benchmark over a library that allocates per call, the raw method whose allocation it
     *     must not exceed; else {@code null}
     */
    default String allocatesNoMoreThan(JmhResult r) {
        return null;
    }

    /**
     * @param r a result
     * @return operations per benchmark method call ({@code @OperationsPerInvocation}, e.g. the rows of a batch);
     *     JMH has already divided the score and B/op by it
     */
    default int operationsPerCall(JmhResult r) {
        return 1;
    }

    /** @return roles from the annotations on the benchmark classes on the class path */
    static BenchmarkRoles fromAnnotations() {
        return new BenchmarkRoles() {
            @Override
            public boolean zeroAllocation(JmhResult r) {
                Method m = method(r);
                if (m != null && m.isAnnotationPresent(AllocatesNoMoreThan.class)) {
                    return false;
                }
                return r.method().startsWith("hotpath") || (m != null && m.isAnnotationPresent(ZeroAllocation.class));
            }

            @Override
            public String allocatesNoMoreThan(JmhResult r) {
                Method m = method(r);
                AllocatesNoMoreThan a = m == null ? null : m.getAnnotation(AllocatesNoMoreThan.class);
                return a == null ? null : a.value();
            }

            @Override
            public boolean allocationControl(JmhResult r) {
                Method m = method(r);
                return m != null && m.isAnnotationPresent(AllocationControl.class);
            }

            @Override
            public String comparedTo(JmhResult r) {
                Method m = method(r);
                ComparedTo c = m == null ? null : m.getAnnotation(ComparedTo.class);
                return c == null ? null : c.value();
            }

            @Override
            public int operationsPerCall(JmhResult r) {
                Method m = method(r);
                if (m == null) {
                    return 1;
                }
                OperationsPerInvocation o = m.getAnnotation(OperationsPerInvocation.class);
                if (o == null) {
                    o = m.getDeclaringClass().getAnnotation(OperationsPerInvocation.class);
                }
                return o == null ? 1 : o.value();
            }
        };
    }

    private static Method method(JmhResult r) {
        Class<?> c = benchmarkClass(r.fullClassName());
        if (c == null) {
            return null;
        }
        for (Method m : c.getMethods()) {
            // JMH benchmark names are unique per class; state objects may be parameters.
            if (m.getName().equals(r.method()) && m.isAnnotationPresent(org.openjdk.jmh.annotations.Benchmark.class)) {
                return m;
            }
        }
        return null;
    }

    /** JMH names a nested benchmark class {@code a.B.C}; its binary name is {@code a.B$C}. */
    private static Class<?> benchmarkClass(String name) {
        String candidate = name;
        while (true) {
            try {
                return Class.forName(candidate, false, BenchmarkRoles.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                int dot = candidate.lastIndexOf('.');
                if (dot < 0) {
                    return null;
                }
                candidate = candidate.substring(0, dot) + '$' + candidate.substring(dot + 1);
            }
        }
    }
}

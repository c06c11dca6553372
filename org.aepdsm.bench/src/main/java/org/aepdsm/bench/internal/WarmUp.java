package org.aepdsm.bench.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;
import java.util.function.UnaryOperator;

/**
 * Untimed warm-up rounds that go on until the JIT compilers are done with the code they exercise: at least
 * {@code min} rounds, then more until one passes without the compilers doing any work
 * ({@link CompilerIdle#compileMillis} unchanged over the round), at most {@code max} rounds or until
 * {@code millis} have passed. After each round it waits for the compilers to go idle ({@link CompilerIdle#await}),
 * so what a round asked them to compile is done before the next round runs, instead of competing with it for the
 * processors. A fixed count of rounds is either too few on a machine where the compilers get little processor time
 * (more workers than processors) or wasted on one where they finish early.
 *
 * <p>Stateless and thread-safe; the rounds run on the calling thread.
 */
public final class WarmUp {
    /** Fewest rounds of {@link #run(IntConsumer)}. */
    public static final int MIN_ROUNDS = 2;
    /** Most rounds of {@link #run(IntConsumer)}. */
    public static final int MAX_ROUNDS = 16;
    /** Time after which {@link #run(IntConsumer)} starts no further round (once the fewest are done). */
    public static final long MILLIS = 3000;

    /** Share of a benchmark's iterations one warm-up round runs (threadtest's rounds, ours and the peers'). */
    public static final int ITERATION_SHARE = 20;

    private WarmUp() {
    }

    /**
     * Iterations of one warm-up round of a benchmark that times {@code iterations}: a {@value #ITERATION_SHARE}th
     * of them, at least one.
     *
     * @param iterations the timed span's iterations, positive
     * @return the round's iterations
     */
    public static int iterationsPerRound(int iterations) {
        return Math.max(1, iterations / ITERATION_SHARE);
    }

    /**
     * How many of the sizes {@code first}, {@code 2*first}, {@code 4*first}, ... ({@code count} of them) a warm-up
     * round covers: those up to {@code most}, and the first in any case.
     *
     * @param first the first size, positive
     * @param count how many sizes the timed run has
     * @param most  the largest size a round runs
     * @return between 1 and {@code max(1, count)}
     */
    public static int doublingSizes(long first, int count, long most) {
        int n = 1;
        long size = first;
        while (n < count && size <= most / 2) {
            size *= 2;
            n++;
        }
        return n;
    }

    /**
     * Runs the rounds with the usual bounds: at least {@value #MIN_ROUNDS}, at most {@value #MAX_ROUNDS} or until
     * {@value #MILLIS} ms have passed.
     *
     * @param round one round; gets its number from 1
     * @return the number of rounds run
     */
    public static int run(IntConsumer round) {
        return run(MIN_ROUNDS, MAX_ROUNDS, MILLIS, round);
    }

    /**
     * {@link #run(IntConsumer)} for rounds that hand a value on, such as the handle of an object each round leaves
     * with another client: round {@code k + 1} gets what round {@code k} returned, the first gets {@code start}.
     *
     * @return what the last round returned
     */
    public static long carry(long start, LongUnaryOperator round) {
        long[] held = {start};
        run(r -> held[0] = round.applyAsLong(held[0]));
        return held[0];
    }

    /** {@link #carry(long, LongUnaryOperator)} for a value of any type. */
    public static <T> T carry(T start, UnaryOperator<T> round) {
        List<T> held = new ArrayList<>(Collections.singletonList(start));
        run(r -> held.set(0, round.apply(held.get(0))));
        return held.get(0);
    }

    /**
     * Runs the rounds.
     *
     * @param min    fewest rounds
     * @param max    most rounds
     * @param millis time after which no further round starts once {@code min} are done
     * @param round  one round; gets its number from 1
     * @return the number of rounds run
     * @throws IllegalArgumentException when {@code min} is not positive or {@code max} is below it
     */
    public static int run(int min, int max, long millis, IntConsumer round) {
        return run(min, max, millis, round, CompilerIdle::compileMillis, CompilerIdle::await);
    }

    /** {@link #run(int, int, long, IntConsumer)} on a given compile-time clock and wait for idle compilers. */
    static int run(int min, int max, long millis, IntConsumer round, LongSupplier compileMillis, Runnable awaitIdle) {
        if (min <= 0 || max < min) {
            throw new IllegalArgumentException("warm-up rounds [" + min + ", " + max + "] is not a range of counts");
        }
        awaitIdle.run();
        long started = System.nanoTime();
        long compiled = compileMillis.getAsLong();
        int done = 0;
        while (done < max) {
            round.accept(++done);
            awaitIdle.run();
            long now = compileMillis.getAsLong();
            if (done >= min && (now == compiled || System.nanoTime() - started >= millis * 1_000_000L)) {
                break;
            }
            compiled = now;
        }
        return done;
    }
}

package io.storagedriver.junit.suite;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/** Assertions on driver calls whose failure messages name the call and what came back. */
final class Expect {
    private Expect() {}

    /** A driver call that returns nothing. */
    @FunctionalInterface
    interface Call {
        void run() throws Exception;
    }

    /**
     * Runs {@code call} and returns the exception it raised, failing when it raised another kind
     * or returned.
     *
     * @param description the call as text, such as {@code getContent("/a")}
     */
    static <T extends Throwable> T raises(
            Class<T> expected, String description, Callable<?> call) {
        Object result;
        try {
            result = call.call();
        } catch (Throwable thrown) {
            if (expected.isInstance(thrown)) {
                return expected.cast(thrown);
            }
            return fail(description + " should raise " + expected.getSimpleName() + ", but raised "
                    + thrown.getClass().getSimpleName() + ": " + thrown.getMessage(), thrown);
        }
        return fail(description + " should raise " + expected.getSimpleName() + ", but returned "
                + describe(result));
    }

    /** Like {@link #raises(Class, String, Callable)} for a call that returns nothing. */
    static <T extends Throwable> T raises(Class<T> expected, String description, Call call) {
        return raises(expected, description, () -> {
            call.run();
            return Void.TYPE;
        });
    }

    /**
     * Fails unless {@code actual} holds each of {@code expected} exactly once and nothing else,
     * in any order, listing what is missing, unexpected or repeated.
     */
    static void sameEntries(String what, Collection<String> expected, List<String> actual) {
        Set<String> seen = new HashSet<>();
        List<String> repeated = new ArrayList<>();
        for (String entry : actual) {
            if (!seen.add(entry)) {
                repeated.add(entry);
            }
        }
        Set<String> missing = new TreeSet<>(expected);
        missing.removeAll(seen);
        Set<String> unexpected = new TreeSet<>(seen);
        unexpected.removeAll(expected);
        if (missing.isEmpty() && unexpected.isEmpty() && repeated.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder(what).append(" returned ").append(actual);
        if (!missing.isEmpty()) {
            message.append("; missing ").append(missing);
        }
        if (!unexpected.isEmpty()) {
            message.append("; unexpected ").append(unexpected);
        }
        if (!repeated.isEmpty()) {
            message.append("; repeated ").append(repeated);
        }
        fail(message.append("; expected ").append(new TreeSet<>(expected)).toString());
    }

    /** Describes a returned value for a failure message and closes a returned stream. */
    private static String describe(Object result) {
        if (result == Void.TYPE) {
            return "normally";
        }
        if (result instanceof InputStream stream) {
            try (stream) {
                return "a stream of " + stream.readAllBytes().length + " bytes";
            } catch (IOException e) {
                return "a stream that failed on reading: " + e;
            }
        }
        if (result instanceof byte[] bytes) {
            return bytes.length + " bytes";
        }
        if (result instanceof Collection<?> collection) {
            return collection.size() + " entries " + collection;
        }
        return String.valueOf(result);
    }
}

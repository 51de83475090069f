package io.storagedriver;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Extension that discards standard error during each test, for fuzz tests whose sessions end
 * with errors by the thousand: the SLF4J simple binding logs a warning for each of them, and the
 * assertions report what matters.
 */
public final class QuietStandardError implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(QuietStandardError.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put(PrintStream.class, System.err);
        System.setErr(new PrintStream(OutputStream.nullOutputStream(), true,
                StandardCharsets.UTF_8));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        PrintStream original = context.getStore(NAMESPACE).remove(PrintStream.class,
                PrintStream.class);
        if (original != null) {
            System.setErr(original);
        }
    }
}

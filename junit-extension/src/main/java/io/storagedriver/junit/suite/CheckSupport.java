package io.storagedriver.junit.suite;

import io.storagedriver.DriverExitedException;
import io.storagedriver.PathNotFoundException;
import io.storagedriver.StorageDriver;
import io.storagedriver.StorageDriverException;
import io.storagedriver.client.DriverClient;
import io.storagedriver.junit.WithStorageDriver;
import java.lang.reflect.Method;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The setup shared by the check classes, which contains no checks itself.
 *
 * <p>Before each check it creates the name of a directory of the check's own below the suite's
 * root prefix, {@code <root prefix>/<check id>-<random>}, so checks never see each other's files
 * and can run concurrently against one driver. After the check it deletes that directory. The
 * deletion is best effort: a driver whose delete is broken fails the delete checks, not every
 * check, and a failed cleanup is logged and published as a report entry. A driver that is no
 * longer running gets one line in the log and no report entry, because the failed check reports
 * the exit.
 *
 * <p>The annotation {@link WithStorageDriver} without a driver means that the driver comes from
 * a subclass's annotation, an enclosing class's annotation or the {@code storagedriver.*}
 * configuration parameters.
 */
@WithStorageDriver
@ExtendWith(SuiteSettingsResolver.class)
@DisplayNameGeneration(CheckDisplayNames.class)
public class CheckSupport {
    private static final Logger LOG = LoggerFactory.getLogger(CheckSupport.class);

    /** The driver, with the client's checks of paths and offsets. */
    protected DriverClient driver;

    /** The driver without the client's checks, to get the driver's own response to bad input. */
    protected StorageDriver unchecked;

    /** The check's own directory; nothing exists below it when the check starts. */
    protected String directory;

    /** The {@link CheckId} of the running check. */
    protected String checkId;

    protected CheckSupport() {}

    @BeforeEach
    protected final void enterCheckDirectory(
            DriverClient client, SuiteSettings settings, TestInfo info) {
        this.driver = client;
        this.unchecked = client.unchecked();
        Method method = info.getTestMethod().orElseThrow();
        CheckId id = method.getAnnotation(CheckId.class);
        this.checkId = id == null ? method.getName() : id.value();
        String unique = UUID.randomUUID().toString().substring(0, 8);
        this.directory = settings.rootPrefix() + "/" + checkId.replaceAll("[^A-Za-z0-9._-]", "-")
                + "-" + unique;
    }

    @AfterEach
    protected final void deleteCheckDirectory(TestReporter reporter) {
        try {
            driver.delete(directory);
        } catch (PathNotFoundException e) {
            // The check wrote nothing, or deleted its directory itself.
        } catch (DriverExitedException e) {
            // The failure of this check or of an earlier one reports the exit with its details.
            LOG.warn("check directory not deleted because the driver is no longer running"
                    + " check={} path={}", checkId, directory);
        } catch (StorageDriverException e) {
            LOG.warn("check directory not deleted check={} path={}", checkId, directory, e);
            reporter.publishEntry("storagedriver.cleanup",
                    "could not delete " + directory + ": " + e.getMessage());
        }
    }

    /** Returns the path of {@code relative} inside the check's directory. */
    protected final String path(String relative) {
        return directory + "/" + relative;
    }

    /**
     * Skips the running check, reporting it as aborted, when the driver does not implement the
     * operation with this wire name, such as {@code Walk}.
     */
    protected final void assumeOperation(String operation) {
        Assumptions.assumeTrue(driver.operations().contains(operation),
                () -> "the driver does not implement " + operation + "; it implements "
                        + driver.operations());
    }

    /** Returns a seed for {@link Patterns} that differs between checks and between uses. */
    protected final long seed(String use) {
        return Patterns.seed(checkId + "/" + use);
    }
}

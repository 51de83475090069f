package io.storagedriver.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Starts a storage driver process for a test class or method and injects a client for it.
 *
 * <p>The driver is named by exactly one of {@link #name()}, {@link #executable()} and {@link
 * #mainClass()}. Tests receive it as a parameter of type {@link io.storagedriver.StorageDriver}
 * or {@link io.storagedriver.client.DriverClient}, in test methods, lifecycle methods and
 * constructors, or in a field annotated with {@link StorageDriverClient}.
 *
 * <pre>{@code
 * @WithStorageDriver(name = "inmemory")
 * class BlobStoreTest {
 *     @StorageDriverClient
 *     static DriverClient shared; // the class's driver, set before the @BeforeAll methods run
 *
 *     @BeforeAll
 *     static void seed() {
 *         shared.putContent("/seed/a", new byte[] {1, 2, 3});
 *     }
 *
 *     @Test
 *     void readsSeededBlob(StorageDriver driver) {
 *         assertArrayEquals(new byte[] {1, 2, 3}, driver.getContent("/seed/a"));
 *     }
 *
 *     @Test
 *     @WithStorageDriver(id = "disk", name = "filesystem",
 *             parameters = "rootdirectory=${tempdir}")
 *     void copiesToDisk(
 *             StorageDriver memory, @StorageDriverClient(id = "disk") DriverClient disk) {
 *         disk.putContent("/copy", memory.getContent("/seed/a"));
 *         assertEquals(3, disk.stat("/copy").size());
 *     }
 * }
 * }</pre>
 *
 * <p>A driver in another language, such as an executable {@code registry-storagedriver-s3} on the
 * {@code PATH}, takes its secrets from the environment of the test JVM: {@code
 * @WithStorageDriver(name = "s3", parameters = {"bucket=test", "secretkey=${env:S3_SECRET}"})}.
 *
 * <h2>Lifecycle</h2>
 *
 * <p>With {@link Lifecycle#PER_CLASS} (the default) the driver starts in the class's {@code
 * beforeAll} phase, before any {@code @BeforeAll} method, and stops after the class's last
 * {@code @AfterAll} method. A driver that only configuration names stops at the end of the run
 * instead (see Configuration below). With {@link Lifecycle#PER_METHOD}, and for an annotation on
 * a test method, every test method gets a fresh driver that stops after its {@code @AfterEach}
 * methods. Stopping closes the client, which ends the process, and then deletes the {@code
 * ${tempdir}} directories of that driver. The driver is owned by the JUnit {@code
 * ExtensionContext.Store} of its class or method, or of the root context, and closing that store
 * is the only way it is stopped, so a failing test or lifecycle method stops it too.
 *
 * <p>A driver that cannot be found, fails its handshake, speaks an incompatible version or
 * rejects its parameters fails the class in {@code beforeAll} with a message that names the
 * driver option and the remedy, before any test of the class runs. For a per-method driver the
 * parameters are checked in {@code beforeAll} and the process is started in {@code beforeEach}.
 *
 * <p>When a test or lifecycle method fails, the last lines that the drivers in scope wrote to
 * their standard error are added to the failure as a suppressed exception, and the original
 * exception is rethrown.
 *
 * <p>When a driver exits while tests use it, the first test that finds it no longer running fails
 * with the exit. Every later test of that driver, dynamic tests included, is aborted (reported as
 * skipped) before it runs, with the reason {@code driver <name> exited (exit code <n>) during
 * <test>; not run}. The test is named by its check id in the compatibility suite, and otherwise
 * by its class and method.
 *
 * <h2>Several drivers, inheritance and nesting</h2>
 *
 * <p>The annotation is repeatable, with a distinct {@link #id()} for each driver. A parameter or
 * field selects a driver with {@link StorageDriverClient#id()}, and parameters without that
 * annotation get the driver with the empty id. For each id the annotation nearest to the test
 * wins: one on a test method over one on its class, one on a class over one on its superclasses,
 * and one on a {@code @Nested} class over one on its enclosing class. A {@code @Nested} class
 * that declares no driver of its own reuses the driver of its enclosing class. An annotation on
 * an abstract base class is honored once for each concrete subclass, and each concrete subclass
 * gets its own driver.
 *
 * <h2>Configuration</h2>
 *
 * <p>The JUnit configuration parameters in {@link StorageDriverConfiguration}, or system
 * properties of the same names, replace the driver and parameters of the driver with the empty
 * id. They also supply a driver to a class whose annotation names none, such as the classes of
 * the compatibility suite: an annotation without {@code name}, {@code executable} and {@code
 * mainClass} only registers the extension and takes its driver from an enclosing class or from
 * configuration. When neither gives a driver, the class fails in {@code beforeAll} with a message
 * that names the parameters to set.
 *
 * <p>A per-class driver that comes from configuration alone, because no annotation on the class,
 * its superclasses or its enclosing classes names one, is shared by every class of the test run.
 * It lives in the store of the engine's root {@code ExtensionContext}, starts when the first
 * class needs it and stops when the engine finishes. A launcher that selects the check classes of
 * the compatibility suite, such as the Maven goal, so starts one driver process, not one per
 * check class. Files that one class writes to such a driver stay visible to the classes that run
 * after it, and when the driver process exits, the tests of the classes that run after it are
 * aborted. Classes whose marker annotations set different timeouts get separate drivers.
 *
 * <h2>Parallel execution</h2>
 *
 * <p>Drivers are created with the store's atomic {@code getOrComputeIfAbsent}, so tests of one
 * class that run concurrently share exactly one per-class driver, and concurrently running
 * classes each get their own unless only configuration names their driver, in which case they
 * share the driver of the run. A driver must itself serve concurrent calls for concurrent tests to
 * share it. A static {@link StorageDriverClient} field can hold one driver at a time. When two
 * classes that inherit the same static field from a common superclass run at the same time, the
 * second fails in {@code beforeAll} with an error instead of overwriting the field of the first.
 * To avoid that, declare such a field as an instance field or in each subclass, or keep those
 * classes in one thread.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@Repeatable(WithStorageDrivers.class)
@ExtendWith(StorageDriverExtension.class)
public @interface WithStorageDriver {

    /**
     * Identifier that parameters and fields use to select this driver through {@link
     * StorageDriverClient#id()}. The configuration parameters apply to the empty id only.
     */
    String id() default "";

    /**
     * Driver name, looked up as the executable {@code registry-storagedriver-<name>} in the
     * configured drivers directory, then on the {@code PATH}, then among the bundled drivers
     * {@code inmemory} and {@code filesystem}.
     */
    String name() default "";

    /** Path of the driver executable; a relative path is resolved against the working directory. */
    String executable() default "";

    /**
     * Fully qualified name of a Java driver's main class, started in a new JVM with the class path
     * of the current one, so a driver in the test sources can be used. For the driver with the
     * empty id, the configuration parameter {@link StorageDriverConfiguration#CLASSPATH} sets
     * another class path.
     */
    String mainClass() default "";

    /**
     * Driver parameters as {@code key=value} entries; the value is everything after the first
     * {@code =}. Values may contain the placeholders {@code ${tempdir}} (a new directory, deleted
     * after the driver stops, the same one for every use within one driver), {@code ${sys:NAME}}
     * (a system property) and {@code ${env:NAME}} (an environment variable), so that secrets stay
     * out of the source. Write <code>$${</code> for a literal <code>${</code>. A placeholder that
     * cannot be resolved fails the test class with an error that names it.
     */
    String[] parameters() default {};

    /** When the driver is started and stopped; ignored on a method, which always gets its own. */
    Lifecycle lifecycle() default Lifecycle.PER_CLASS;

    /** Maximum seconds for the driver to start and finish its handshake; 0 keeps the default. */
    int startTimeoutSeconds() default 0;

    /** Maximum seconds for one call to the driver; 0 keeps the client's default. */
    int callTimeoutSeconds() default 0;

    /** Maximum seconds to wait for the process to exit before it is killed; 0 keeps the default. */
    int stopTimeoutSeconds() default 0;

    /** How long one driver lives. */
    enum Lifecycle {
        /** One driver for the test class, its tests and its {@code @Nested} classes. */
        PER_CLASS,
        /** A fresh driver for every test method (and every invocation of a test template). */
        PER_METHOD
    }
}

package io.storagedriver.junit;

import io.storagedriver.StorageDriver;
import io.storagedriver.client.DriverClient;
import java.lang.reflect.Executable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.DynamicTestInvocationContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * The extension behind {@link WithStorageDriver}: starts drivers into the {@link
 * ExtensionContext.Store} of their class or method, or of the root context for a driver that only
 * configuration names, injects them into parameters and fields, and adds the drivers' standard
 * error to failures.
 *
 * <p>Every driver is created through the store's atomic {@code getOrComputeIfAbsent}, so
 * concurrent tests never start a driver twice, and it is stopped only by the store closing.
 */
final class StorageDriverExtension implements BeforeAllCallback, BeforeEachCallback,
        AfterEachCallback, ParameterResolver, TestExecutionExceptionHandler,
        LifecycleMethodExecutionExceptionHandler, InvocationInterceptor {

    static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(StorageDriverExtension.class);

    /**
     * Starts the per-class drivers that the class can see, checks the parameters of its
     * per-method drivers and sets its static fields, so that a driver that cannot start fails the
     * class before any of its tests runs.
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        Set<String> ids = DriverResolver.visibleIds(context, Optional.empty());
        if (ids.isEmpty()) {
            // Registered without any declaration: the default driver must come from configuration.
            ids = Set.of("");
        }
        for (String id : ids) {
            DriverResolver.Resolution resolution =
                    DriverResolver.resolve(context, testClass, id, false);
            if (resolution.spec().lifecycle() == WithStorageDriver.Lifecycle.PER_CLASS) {
                obtain(resolution, context);
            } else {
                Placeholders.check(resolution.spec().parameters(),
                        resolution.spec().parametersOrigin());
            }
        }
        FieldInjector.injectStaticFields(context, StorageDriverExtension::obtain);
    }

    /**
     * Starts the per-method drivers of the test and sets the instance fields of its instances.
     * Aborts the test when one of its drivers exited during an earlier test.
     */
    @Override
    public void beforeEach(ExtensionContext context) {
        Class<?> testClass = context.getRequiredTestClass();
        ExtensionContext classContext = DriverResolver.classContext(context, testClass);
        List<DriverResource> drivers = new ArrayList<>();
        for (String id : DriverResolver.visibleIds(classContext, context.getTestMethod())) {
            DriverResolver.Resolution resolution =
                    DriverResolver.resolve(context, testClass, id, true);
            // The per-class drivers were started in beforeAll, so this only looks them up.
            drivers.add(obtain(resolution, context));
        }
        context.getStore(NAMESPACE).put(TestDriversKey.class, new TestDrivers(drivers));
        DriverExits.abortIfExited(drivers);
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            FieldInjector.injectInstanceFields(context, instance, StorageDriverExtension::obtain);
        }
    }

    /** Fails a test that closed the client of a driver that other tests share. */
    @Override
    public void afterEach(ExtensionContext context) {
        DriverExits.failIfClosedByTest(context, testDrivers(context));
    }

    /** Claims parameters of the two driver types, and others marked {@link StorageDriverClient}. */
    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == StorageDriver.class || type == DriverClient.class
                || parameter.isAnnotated(StorageDriverClient.class);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        if (type != StorageDriver.class && type != DriverClient.class) {
            throw new ParameterResolutionException("Parameter " + describe(parameter)
                    + " is annotated with @StorageDriverClient but has type " + type.getName()
                    + "; declare it as " + StorageDriver.class.getName() + " or "
                    + DriverClient.class.getName());
        }
        String id = parameter.findAnnotation(StorageDriverClient.class)
                .map(StorageDriverClient::id).orElse("");
        DriverResolver.Resolution resolution =
                DriverResolver.resolve(context, context.getRequiredTestClass(), id, true);
        return obtain(resolution, context).client();
    }

    /**
     * Aborts a dynamic test, such as one size of a {@code @TestFactory} check, when a driver of
     * its test method exited during an earlier test, and handles its failure like that of a test
     * method. JUnit calls neither the beforeEach callbacks nor the exception handlers for each
     * dynamic test.
     */
    @Override
    public void interceptDynamicTest(Invocation<Void> invocation,
            DynamicTestInvocationContext invocationContext, ExtensionContext context)
            throws Throwable {
        List<DriverResource> drivers = testDrivers(context);
        try {
            DriverExits.abortIfExited(drivers);
        } catch (TestAbortedException e) {
            invocation.skip();
            throw e;
        }
        try {
            invocation.proceed();
        } catch (Throwable failure) {
            throw handleMethodFailure(context, failure);
        }
    }

    /**
     * Attaches the drivers' standard error unless the test was only aborted by an assumption, and
     * records a driver that the test found exited.
     */
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure)
            throws Throwable {
        throw handleMethodFailure(context, failure);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(
            ExtensionContext context, Throwable failure) throws Throwable {
        StderrAttachment.attach(context, failure);
        throw failure;
    }

    @Override
    public void handleBeforeEachMethodExecutionException(
            ExtensionContext context, Throwable failure) throws Throwable {
        throw handleMethodFailure(context, failure);
    }

    @Override
    public void handleAfterEachMethodExecutionException(
            ExtensionContext context, Throwable failure) throws Throwable {
        throw handleMethodFailure(context, failure);
    }

    @Override
    public void handleAfterAllMethodExecutionException(
            ExtensionContext context, Throwable failure) throws Throwable {
        StderrAttachment.attach(context, failure);
        throw failure;
    }

    /**
     * Returns what a test method, or its {@code @BeforeEach} or {@code @AfterEach} method, throws
     * in place of {@code failure}: an abort when a driver of the test exited during an earlier
     * test, and otherwise {@code failure} with the drivers' standard error attached.
     */
    private static Throwable handleMethodFailure(ExtensionContext context, Throwable failure) {
        if (failure instanceof TestAbortedException) {
            return failure;
        }
        Throwable thrown = DriverExits.onFailure(context, testDrivers(context), failure);
        if (thrown == failure) {
            StderrAttachment.attach(context, failure);
        }
        return thrown;
    }

    /**
     * Returns the driver of a resolution, as used from {@code current}, from its owner's store,
     * starting it on first use.
     */
    static DriverResource obtain(DriverResolver.Resolution resolution, ExtensionContext current) {
        ExtensionContext scope = resolution.scope(current);
        DriverResource driver = scope.getStore(NAMESPACE).getOrComputeIfAbsent(resolution.key(),
                key -> DriverResource.start(resolution.spec(),
                        ConfiguredDriver.outputLog(current)),
                DriverResource.class);
        // Outside the computation, which should touch no other store entry.
        if (driver.markAnnounced()) {
            StderrAttachment.register(scope, driver);
            scope.publishReportEntry("storagedriver.started", resolution.spec().describe()
                    + ", pid " + driver.client().pid());
            driver.tempDirectory().ifPresent(directory ->
                    scope.publishReportEntry("storagedriver.tempdir", directory.toString()));
        }
        return driver;
    }

    /**
     * Returns the drivers that beforeEach found for the test method of {@code context}, which is
     * the method's context or, for a dynamic test, a context below it.
     */
    private static List<DriverResource> testDrivers(ExtensionContext context) {
        return context.getStore(NAMESPACE)
                .getOrDefault(TestDriversKey.class, TestDrivers.class, TestDrivers.NONE)
                .drivers();
    }

    /** Key of the {@link TestDrivers} in a test method's store; no other context stores one. */
    private static final class TestDriversKey {}

    /** The drivers of one test method. */
    private record TestDrivers(List<DriverResource> drivers) {
        static final TestDrivers NONE = new TestDrivers(List.of());

        TestDrivers {
            drivers = List.copyOf(drivers);
        }
    }

    private static String describe(ParameterContext parameter) {
        Executable executable = parameter.getDeclaringExecutable();
        return "[" + parameter.getParameter() + "] of " + executable.getDeclaringClass().getName()
                + "." + executable.getName() + "()";
    }
}

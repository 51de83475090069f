package io.storagedriver.junit;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Decides which driver a test uses for an id, and which {@link ExtensionContext} owns it.
 *
 * <p>The nearest declaration wins: a test method's own, then the test class and its superclasses,
 * then each enclosing class of a {@code @Nested} class. Configuration replaces the driver of the
 * empty id. A per-class driver lives in the context of the class that declares it. When only
 * configuration names it, it lives in the engine's root context instead, so that every class of
 * a launcher run, such as the compatibility suite's check classes, shares one driver. A
 * per-method driver lives in the context of the test method.
 */
final class DriverResolver {
    /** The place that sets the parameters of a driver that configuration names, for messages. */
    private static final String CONFIGURED_PARAMETERS =
            "the configuration parameter " + StorageDriverConfiguration.PARAMETERS;

    /**
     * Key of a driver in a store. {@code declaredAt} is the unique id of the context whose
     * declaration the driver implements, so that a {@code @Nested} class's own driver never finds
     * its enclosing class's driver through the store's lookup in parent contexts. {@code shared}
     * is the specification of a driver in the root context, so that classes whose annotations ask
     * for different timeouts get different drivers, and empty for every other driver.
     */
    record DriverKey(String id, String declaredAt, Optional<DriverSpec> shared) {}

    /**
     * A resolved driver: its specification, the context whose declaration it implements and its
     * store key.
     */
    record Resolution(DriverSpec spec, ExtensionContext declaredAt, DriverKey key) {

        /**
         * Returns the context whose store owns the driver when {@code current} uses it: for a
         * per-class driver the declaring class's context, or the root context when only
         * configuration names the driver, and {@code current} for a per-method one.
         *
         * @throws ExtensionConfigurationException for a per-method driver outside a test method
         */
        ExtensionContext scope(ExtensionContext current) {
            if (spec.lifecycle() == WithStorageDriver.Lifecycle.PER_CLASS) {
                return declaredAt;
            }
            if (current.getTestMethod().isEmpty()) {
                throw new ExtensionConfigurationException("The " + spec.describe() + " from "
                        + spec.origin() + " has lifecycle PER_METHOD, so it exists only while a "
                        + "test method runs and cannot be given to a static field, a constructor, "
                        + "or a @BeforeAll or @AfterAll method; use lifecycle PER_CLASS, or take "
                        + "the driver in a test method, a @BeforeEach or @AfterEach method or an "
                        + "instance field");
            }
            return current;
        }
    }

    private DriverResolver() {}

    /**
     * Resolves the driver {@code id} as seen by the test class {@code viewClass}, which is the
     * class of {@code current} or one of its enclosing classes.
     *
     * @param includeMethod whether an annotation on the current test method counts
     * @throws ExtensionConfigurationException when no driver can be found for the id, or a
     *     per-method driver is requested outside a test method
     */
    static Resolution resolve(
            ExtensionContext current, Class<?> viewClass, String id, boolean includeMethod) {
        ExtensionContext classContext = classContext(current, viewClass);
        Optional<Method> method = includeMethod ? current.getTestMethod() : Optional.empty();
        Optional<DeclaredDrivers.Entry> onMethod =
                method.flatMap(m -> DeclaredDrivers.of(m).get(id));
        if (onMethod.isPresent() && onMethod.get().sourced().isPresent()) {
            DriverDeclaration declaration = onMethod.get().sourced().get();
            DriverSpec spec = applyConfiguration(current, declaration.id(),
                    declaration.source().get(), declaration.parameters(),
                    WithStorageDriver.Lifecycle.PER_METHOD, declaration.timeouts(),
                    declaration.origin());
            return place(current, spec);
        }
        Resolution onClasses = resolveOnClasses(current, classContext, id);
        if (onMethod.isEmpty()) {
            return onClasses;
        }
        // An annotation without a driver on the method gives it a fresh driver of the class's kind.
        DriverDeclaration marker = onMethod.get().marker().get();
        DriverSpec classSpec = onClasses.spec();
        DriverDeclaration.Timeouts timeouts = classSpec.timeouts().overriddenBy(marker.timeouts());
        if (id.isEmpty()) {
            timeouts = timeouts.overriddenBy(ConfiguredDriver.read(current).timeouts());
        }
        DriverSpec spec = new DriverSpec(id, classSpec.source(), classSpec.classpath(),
                classSpec.parameters(), WithStorageDriver.Lifecycle.PER_METHOD, timeouts,
                classSpec.driversDirectory(),
                classSpec.origin() + ", started for each test by " + marker.origin(),
                classSpec.parametersOrigin());
        return place(current, spec);
    }

    /**
     * Returns the ids that tests in the class of {@code classContext} can see: those declared on
     * the class, its superclasses and enclosing classes, on {@code method} when given, and the
     * empty id when configuration names a driver.
     */
    static Set<String> visibleIds(ExtensionContext classContext, Optional<Method> method) {
        Set<String> ids = new LinkedHashSet<>();
        method.ifPresent(m -> ids.addAll(DeclaredDrivers.of(m).ids()));
        for (ExtensionContext context : classChain(classContext)) {
            ids.addAll(DeclaredDrivers.of(context.getRequiredTestClass()).ids());
        }
        if (ConfiguredDriver.read(classContext).source().isPresent()) {
            ids.add("");
        }
        return ids;
    }

    /** Returns the context of {@code testClass}: {@code current} or its nearest such ancestor. */
    static ExtensionContext classContext(ExtensionContext current, Class<?> testClass) {
        for (ExtensionContext context = current; context != null;
                context = context.getParent().orElse(null)) {
            if (context.getElement().filter(e -> e == testClass).isPresent()) {
                return context;
            }
        }
        throw new IllegalStateException("no extension context for " + testClass.getName()
                + " above " + current.getUniqueId());
    }

    private static Resolution resolveOnClasses(
            ExtensionContext current, ExtensionContext classContext, String id) {
        List<ExtensionContext> chain = classChain(classContext);
        Optional<DriverDeclaration> marker = Optional.empty();
        for (ExtensionContext context : chain) {
            Optional<DeclaredDrivers.Entry> entry =
                    DeclaredDrivers.of(context.getRequiredTestClass()).get(id);
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.get().sourced().isPresent()) {
                DriverDeclaration declaration = entry.get().sourced().get();
                DriverSpec spec = applyConfiguration(current, id, declaration.source().get(),
                        declaration.parameters(), declaration.lifecycle(), declaration.timeouts(),
                        declaration.origin());
                return place(context, spec);
            }
            if (marker.isEmpty()) {
                marker = entry.get().marker();
            }
        }
        ExtensionContext outermost = chain.get(chain.size() - 1);
        ConfiguredDriver configured = ConfiguredDriver.read(current);
        if (id.isEmpty() && configured.source().isPresent()) {
            WithStorageDriver.Lifecycle lifecycle = marker.map(DriverDeclaration::lifecycle)
                    .orElse(WithStorageDriver.Lifecycle.PER_CLASS);
            DriverDeclaration.Timeouts timeouts = marker.map(DriverDeclaration::timeouts)
                    .orElse(DriverDeclaration.Timeouts.DEFAULTS)
                    .overriddenBy(configured.timeouts());
            DriverSource source = configured.source().get();
            DriverSpec spec = new DriverSpec(id, source, configured.classpath(),
                    configured.parameters(), lifecycle, timeouts, configured.driversDirectory(),
                    "the configuration parameter " + source.kind().configurationKey(),
                    CONFIGURED_PARAMETERS);
            if (lifecycle == WithStorageDriver.Lifecycle.PER_CLASS) {
                return placeShared(current.getRoot(), spec);
            }
            return place(outermost, spec);
        }
        throw notDeclared(classContext.getRequiredTestClass(), id, marker, chain);
    }

    /** Applies the configuration to a declaration of the empty id; other ids are unchanged. */
    private static DriverSpec applyConfiguration(ExtensionContext current, String id,
            DriverSource source, List<String> parameters, WithStorageDriver.Lifecycle lifecycle,
            DriverDeclaration.Timeouts timeouts, String origin) {
        ConfiguredDriver configured = ConfiguredDriver.read(current);
        if (!id.isEmpty()) {
            return new DriverSpec(id, source, List.of(), parameters, lifecycle, timeouts,
                    configured.driversDirectory(), origin, origin);
        }
        DriverDeclaration.Timeouts configuredTimeouts =
                timeouts.overriddenBy(configured.timeouts());
        if (configured.source().isPresent()) {
            DriverSource replacement = configured.source().get();
            return new DriverSpec(id, replacement, configured.classpath(),
                    configured.parameters(), lifecycle, configuredTimeouts,
                    configured.driversDirectory(), "the configuration parameter "
                            + replacement.kind().configurationKey() + " (which replaces the "
                            + "driver of " + origin + ")",
                    CONFIGURED_PARAMETERS);
        }
        List<String> amendedBy = new ArrayList<>();
        List<String> merged = new ArrayList<>(parameters);
        String parametersOrigin = origin;
        if (!configured.parameters().isEmpty()) {
            // A configured parameter replaces the annotation's parameter of the same key.
            Set<String> configuredKeys = new HashSet<>();
            for (String entry : configured.parameters()) {
                configuredKeys.add(Placeholders.key(entry));
            }
            merged.removeIf(entry -> configuredKeys.contains(Placeholders.key(entry)));
            merged.addAll(configured.parameters());
            amendedBy.add("parameters from " + StorageDriverConfiguration.PARAMETERS);
            parametersOrigin = origin + " and " + CONFIGURED_PARAMETERS;
        }
        if (!configured.classpath().isEmpty()
                && source.kind() == DriverSource.Kind.MAIN_CLASS) {
            amendedBy.add("class path from " + StorageDriverConfiguration.CLASSPATH);
        }
        String amendedOrigin = amendedBy.isEmpty()
                ? origin : origin + " with " + String.join(" and ", amendedBy);
        return new DriverSpec(id, source, configured.classpath(), merged, lifecycle,
                configuredTimeouts, configured.driversDirectory(), amendedOrigin,
                parametersOrigin);
    }

    private static Resolution place(ExtensionContext declaredAt, DriverSpec spec) {
        return new Resolution(spec, declaredAt,
                new DriverKey(spec.id(), declaredAt.getUniqueId(), Optional.empty()));
    }

    /** Places a driver in the root context, shared by every class that resolves the same spec. */
    private static Resolution placeShared(ExtensionContext root, DriverSpec spec) {
        return new Resolution(spec, root,
                new DriverKey(spec.id(), root.getUniqueId(), Optional.of(spec)));
    }

    private static ExtensionConfigurationException notDeclared(Class<?> testClass, String id,
            Optional<DriverDeclaration> marker, List<ExtensionContext> chain) {
        if (id.isEmpty()) {
            String where = marker.map(m -> m.origin() + " names no driver, and ")
                    .orElse("No @WithStorageDriver names a driver for " + testClass.getName()
                            + ", and ");
            return new ExtensionConfigurationException(where
                    + "no driver is configured. Set one of the configuration parameters or "
                    + "system properties " + StorageDriverConfiguration.NAME + ", "
                    + StorageDriverConfiguration.EXECUTABLE + " or "
                    + StorageDriverConfiguration.MAIN_CLASS + " (for example -D"
                    + StorageDriverConfiguration.NAME + "=inmemory, or -D"
                    + StorageDriverConfiguration.NAME + "=filesystem with -D"
                    + StorageDriverConfiguration.PARAMETERS + "=rootdirectory=${tempdir}), or "
                    + "annotate the test class with @WithStorageDriver(name = \"...\")");
        }
        Set<String> declared = new LinkedHashSet<>();
        for (ExtensionContext context : chain) {
            declared.addAll(DeclaredDrivers.of(context.getRequiredTestClass()).ids());
        }
        return new ExtensionConfigurationException("No @WithStorageDriver(id = \"" + id + "\") "
                + "names a driver on " + testClass.getName() + ", its superclasses or its "
                + "enclosing classes; the declared ids are " + quoted(declared)
                + ". Add @WithStorageDriver(id = \"" + id + "\", name = \"...\") or select one "
                + "of the declared ids with @StorageDriverClient(id = ...)");
    }

    /** Returns the class context and the contexts of its enclosing classes, innermost first. */
    private static List<ExtensionContext> classChain(ExtensionContext classContext) {
        List<ExtensionContext> chain = new ArrayList<>();
        for (ExtensionContext context = classContext; context != null;
                context = context.getParent().orElse(null)) {
            if (context.getElement().filter(e -> e instanceof Class<?>).isPresent()) {
                chain.add(context);
            }
        }
        return chain;
    }

    private static String quoted(Set<String> ids) {
        List<String> quoted = new ArrayList<>();
        for (String id : ids) {
            quoted.add("\"" + id + "\"");
        }
        return "[" + String.join(", ", quoted) + "]";
    }
}

package io.storagedriver.maven;

import io.storagedriver.junit.suite.CompatibilitySuite;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.maven.artifact.DependencyResolutionRequiredException;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecution;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.plugins.annotations.ResolutionScope;
import org.apache.maven.project.MavenProject;

/**
 * Runs the storage driver compatibility suite against one driver and fails the build when a
 * check fails. Choose the driver with exactly one of {@code name}, {@code executable} and {@code
 * mainClass}. Writes Surefire-style XML reports and the driver's log to {@code
 * reportsDirectory}. Also runs without a project, for example {@code mvn
 * io.storagedriver:storagedriver-maven-plugin:<version>:verify -Dstoragedriver.name=inmemory}.
 */
@Mojo(name = "verify", defaultPhase = LifecyclePhase.VERIFY, threadSafe = true,
        requiresDependencyResolution = ResolutionScope.RUNTIME, requiresProject = false)
public final class VerifyMojo extends AbstractMojo {
    private static final String PARAMETERS_PROPERTY = "storagedriver.parameters";

    /** Driver named {@code registry-storagedriver-<name>}, such as filesystem. Default: none. */
    @Parameter(property = "storagedriver.name")
    private String name;

    /** Path of the driver's executable, such as a launcher script. Default: none. */
    @Parameter(property = "storagedriver.executable")
    private File executable;

    /**
     * Main class of a Java driver, started with the JVM that runs Maven on the project's runtime
     * classpath, which must contain the driver and the driver SDK. Default: none.
     */
    @Parameter(property = "storagedriver.mainClass")
    private String mainClass;

    /** Folder searched for a driver by {@code name} before PATH. Default: none. */
    @Parameter(property = "storagedriver.driversDirectory")
    private File driversDirectory;

    /**
     * Driver parameters, such as {@code rootdirectory}: nested elements in the POM, or {@code
     * key=value,key=value} on the command line. A whole value {@code env:NAME} or {@code
     * sys:NAME}, or {@code ${env:NAME}} or {@code ${sys:NAME}} where it reaches the goal
     * unchanged (on the command line, where the goal reads {@code -Dstoragedriver.parameters} as
     * typed, or written <code>$${env:NAME}</code> in a POM), is replaced
     * by that environment variable or system property when the goal runs, so the POM and this
     * goal's debug output show only the reference. The placeholder {@code ${tempdir}} in a value
     * (written <code>$${tempdir}</code> when it is the whole value in a POM) becomes a new
     * temporary directory, deleted after the run. Everything else, including other
     * <code>${...}</code> text and all text read from the environment, reaches the driver
     * unchanged. An empty value fails the goal, because it usually comes from a whole value
     * <code>${...}</code> that Maven could not resolve and replaced with nothing; so does a value
     * {@code null} in the key=value text when it comes from a POM property. This goal never
     * logs values, and they must not contain commas. Default: none.
     */
    @Parameter(property = PARAMETERS_PROPERTY)
    private Map<String, String> parameters;

    private String parametersText;

    /**
     * Storage path under which the checks work: absolute and not the root, such as {@code /ci}.
     * An invalid path fails the goal before any check runs. Default: the suite's.
     */
    @Parameter(property = "storagedriver.rootPrefix")
    private String rootPrefix;

    /** Globs of check ids to run, such as {@code content.*}. Default: every check. */
    @Parameter(property = "storagedriver.includes")
    private List<String> includes;

    /** Globs of check ids to leave out. Default: none. */
    @Parameter(property = "storagedriver.excludes")
    private List<String> excludes;

    /** Comma-separated globs of check ids that replace includes and excludes. Default: none. */
    @Parameter(property = RerunCommand.CHECK_PROPERTY)
    private String check;

    /** JUnit tag expression that checks must match, such as {@code !large}. Default: all. */
    @Parameter(property = "storagedriver.groups")
    private String groups;

    /**
     * JUnit tag expression of checks to leave out, such as {@code large | concurrency}. The value
     * {@code none} leaves out nothing.
     */
    @Parameter(property = "storagedriver.excludedGroups", defaultValue = "benchmark")
    private String excludedGroups;

    /** Time one check may take, in seconds, or 0 for no limit. */
    @Parameter(property = "storagedriver.timeout", defaultValue = "300")
    private int timeout;

    /**
     * Time the driver may take to start and finish its handshake, in seconds: for the start that
     * checks the configuration and for the start of the suite's driver.
     */
    @Parameter(property = "storagedriver.startTimeout", defaultValue = "30")
    private int startTimeout;

    /**
     * Time one blocking step of a call to the driver may take, in seconds, or 0 for no limit. A
     * call that exceeds it fails its check with the call named, and the suite goes on, so a hung
     * driver cannot hold the build for the whole check timeout.
     */
    @Parameter(property = "storagedriver.callTimeout", defaultValue = "120")
    private int callTimeout;

    /**
     * Folder for the {@code TEST-*.xml} reports and {@code driver.log}, which contains the whole
     * output of every driver that the goal starts. Each run first deletes the {@code TEST-*.xml}
     * files and {@code driver.log} left in it by an earlier run, and no other files, so that a run
     * that fails early leaves no report that looks current.
     */
    @Parameter(property = "storagedriver.reportsDirectory",
            defaultValue = "${project.build.directory}/storagedriver-reports")
    private File reportsDirectory;

    /**
     * Whether the build goes on when checks fail. Errors that keep the suite from running (bad
     * configuration, driver not found, failed start) fail the build regardless.
     */
    @Parameter(property = "storagedriver.testFailureIgnore", defaultValue = "false")
    private boolean testFailureIgnore;

    /** Whether to skip the suite. */
    @Parameter(property = "storagedriver.skip", defaultValue = "false")
    private boolean skip;

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    private MavenSession session;

    @Parameter(defaultValue = "${mojoExecution}", readonly = true, required = true)
    private MojoExecution mojoExecution;

    /** Takes {@code -Dstoragedriver.parameters=k=v,k=v}. POM elements fill the map instead. */
    public void setParameters(String text) {
        this.parametersText = text;
    }

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("Skipping the storage driver compatibility suite because"
                    + " storagedriver.skip is true; remove -Dstoragedriver.skip or set <skip> to"
                    + " false to run it.");
            return;
        }
        SuiteResult result;
        try {
            // Before the request is built, because building it can fail on the configuration.
            SuiteRunner.deletePreviousReports(reportsDirectory());
            result = new SuiteRunner(new MavenRunLog(getLog())).run(request());
        } catch (CannotRunException e) {
            throw new MojoExecutionException(e.getMessage(), e);
        }
        if (result.failed().isEmpty()) {
            return;
        }
        if (!testFailureIgnore) {
            throw new MojoFailureException(result.failureMessage());
        }
        getLog().warn(result.failureMessage() + " (ignored: storagedriver.testFailureIgnore)");
    }

    private SuiteRequest request() throws MojoExecutionException, CannotRunException {
        SuiteRequest.Builder builder = SuiteRequest.builder(reportsDirectory(),
                CompatibilitySuite.CHECK_CLASSES)
                .name(name)
                .executable(executable == null ? null : executable.toPath())
                .parameters(ParameterValues.resolve(parametersText == null ? parameters
                        : ParameterValues.parse(ParameterValues.commandLineText(parametersText,
                                session.getUserProperties().getProperty(PARAMETERS_PROPERTY))),
                        System::getenv, System::getProperty))
                .driversDirectory(driversDirectory == null ? null : driversDirectory.toPath())
                .rootPrefix(rootPrefix)
                .groups(groups)
                .excludedGroups("none".equalsIgnoreCase(excludedGroups) ? null : excludedGroups)
                .timeout(Duration.ofSeconds(timeout))
                .startTimeout(Duration.ofSeconds(startTimeout))
                .callTimeout(Duration.ofSeconds(callTimeout))
                .rerunCommand(RerunCommand.of(goal(), mojoExecution.getExecutionId(),
                        session.getUserProperties(), session.getRequest().isRecursive()));
        if (check != null && !check.isBlank()) {
            builder.includes(Arrays.asList(check.strip().split("\\s*,\\s*")));
        } else {
            builder.includes(includes == null ? List.of() : includes);
            builder.excludes(excludes == null ? List.of() : excludes);
        }
        if (mainClass != null && !mainClass.isBlank()) {
            builder.mainClass(mainClass, runtimeClasspath());
        }
        return builder.build();
    }

    /** Returns the reports folder; without a POM, Maven leaves the default's expression unset. */
    private Path reportsDirectory() {
        if (!reportsDirectory.getPath().contains("${")) {
            return reportsDirectory.toPath();
        }
        return Path.of(session.getExecutionRootDirectory(), "target", "storagedriver-reports");
    }

    private List<Path> runtimeClasspath() throws MojoExecutionException {
        try {
            return session.getCurrentProject().getRuntimeClasspathElements().stream()
                    .map(Path::of)
                    .toList();
        } catch (DependencyResolutionRequiredException e) {
            throw new MojoExecutionException("Failed to resolve the project's runtime classpath"
                    + " for the driver main class " + mainClass + ": " + e.getMessage(), e);
        }
    }

    /** Returns the goal as typed: by prefix when the project declares the plugin. */
    private String goal() {
        String key = mojoExecution.getGroupId() + ":" + mojoExecution.getArtifactId();
        MavenProject project = session.getCurrentProject();
        boolean declared = project.getFile() != null && project.getBuildPlugins().stream()
                .anyMatch(plugin -> plugin.getKey().equals(key));
        return declared ? "storagedriver:verify"
                : key + ":" + mojoExecution.getVersion() + ":verify";
    }
}
